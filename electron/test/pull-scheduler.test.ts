import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PullScheduler, type PullTurn } from '../src/node/messaging/pull-scheduler';

// The fair pull scheduler on its own: a conversation with N pages of backlog
// takes N turns, interleaved with everyone else's; counted, never timed.

/** A fake ledger: `pages[id]` pages left to read in each conversation. */
function harness(pages: Record<string, number>, fairness: Record<string, string> = {}) {
  const turns: PullTurn[] = [];
  let coalesced = 0;
  const scheduler = new PullScheduler<number>({
    turn: async (conversationId, cursor) => {
      const read = cursor ?? 0;
      const total = pages[conversationId] ?? 1;
      return read + 1 < total ? { records: 5, next: read + 1 } : { records: 5 };
    },
    fairnessKey: (id) => fairness[id] ?? id,
    onTurn: (turn) => turns.push(turn),
    onCoalesced: () => coalesced++,
  });
  return { scheduler, turns, coalesced: () => coalesced, order: () => turns.map((t) => t.conversationId) };
}

describe('PullScheduler', () => {
  it("a live request runs before a flooded conversation's backlog: one turn of the flood, then the live one", async () => {
    const h = harness({ flood: 6, other: 1 });
    const release = h.scheduler.hold();
    const flood = h.scheduler.request('flood', 'live');
    const other = h.scheduler.request('other', 'live');
    release();
    await Promise.all([flood, other]);
    assert.deepEqual(h.order(), ['flood', 'other', 'flood', 'flood', 'flood', 'flood', 'flood']);
    assert.equal(h.turns.filter((t) => t.conversationId === 'flood' && t.done).length, 1);
  });

  it('many requests for one conversation make one pull (queued), or one more after the running one', async () => {
    const h = harness({ flood: 3 });
    const release = h.scheduler.hold();
    const waits = Array.from({ length: 50 }, () => h.scheduler.request('flood', 'live'));
    assert.deepEqual(h.scheduler.pending(), { live: ['flood'], catchUp: [], running: [] });
    release();
    await Promise.all(waits);
    assert.equal(h.coalesced(), 49);
    assert.equal(h.turns.length, 3);

    // While it runs, requests ask for exactly one more pull.
    const first = h.scheduler.request('flood', 'live');
    const during = Array.from({ length: 20 }, () => h.scheduler.request('flood', 'live'));
    await Promise.all([first, ...during]);
    assert.equal(h.turns.length, 3 + 3 + 3);
  });

  it('catch-up waits behind live work; one sender with many conversations gets one turn per round', async () => {
    const fairness = { dm1: 'mallory', dm2: 'mallory', dm3: 'mallory', group: 'group' };
    const h = harness({ dm1: 2, dm2: 2, dm3: 2, group: 2 }, fairness);
    const release = h.scheduler.hold();
    const all = [
      h.scheduler.request('dm1', 'catch-up'),
      h.scheduler.request('dm2', 'live'),
      h.scheduler.request('dm3', 'live'),
      h.scheduler.request('group', 'live'),
    ];
    assert.deepEqual(h.scheduler.pending(), { live: ['dm2', 'dm3', 'group'], catchUp: ['dm1'], running: [] });
    release();
    await Promise.all(all);
    // Live round-robin by sender: mallory's dm2, then the group, then mallory's dm3; the backlog after.
    assert.deepEqual(h.order().slice(0, 3), ['dm2', 'group', 'dm3']);
    assert.equal(h.turns.length, 8);
  });

  it('a failed turn rejects the waiters and leaves nothing pending', async () => {
    const scheduler = new PullScheduler<number>({
      turn: async () => {
        throw new Error('peer gone');
      },
      fairnessKey: (id) => id,
    });
    await assert.rejects(scheduler.request('c', 'live'), /peer gone/);
    assert.deepEqual(scheduler.pending(), { live: [], catchUp: [], running: [] });
    assert.ok(scheduler.idle);
  });
});
