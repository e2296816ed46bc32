import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LedgerError, type LedgerErrorCode } from '../src/node/ledger/errors';
import {
  type DeliveryStateChange,
  Outbox,
  type OutboxMessage,
  type OutboxOptions,
  type SendFunction,
  type SendHooks,
} from '../src/node/outbox';
import { type Store, type StoreErrorCode, isStoreError, openStore } from '../src/node/store';

// The outbox against a fake far side: a ledger that, like
// messages.PostMessage, stores a message once per (conversation, sender,
// clientMessageId) and answers a resend of the same bytes as a replay.

const ME = 'Org1MSP::alice';

const refused = (code: StoreErrorCode) => (error: unknown) => {
  assert.ok(isStoreError(error), `expected StoreError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

let dir = '';
let n = 0;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ktalk-outbox-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function newStore(): { store: Store; file: string; key: Uint8Array } {
  const file = path.join(dir, `outbox-${n++}.db`);
  const key = new Uint8Array(randomBytes(32));
  const store = openStore({ file, key });
  store.upsertConversation({ id: 'c1', kind: 'direct' });
  store.upsertConversation({ id: 'c2', kind: 'group', epoch: 3 });
  return { store, file, key };
}

/** A PostMessage stand-in: idempotent per message, CONFLICT for other bytes under the same id. */
class FakeLedger {
  readonly posted = new Map<string, { hash: string; block: number }>();
  readonly calls: string[] = [];
  private block = 0;
  /** Failures to play, per clientMessageId, before succeeding. */
  readonly failures = new Map<string, LedgerErrorCode[]>();
  /** Ids whose post commits but whose sender never hears back (its process died). */
  readonly lostAnswers = new Set<string>();
  active = new Map<string, number>();
  maxActivePerConversation = 0;

  send: SendFunction = async (message: OutboxMessage, hooks: SendHooks) => {
    const id = message.clientMessageId;
    this.calls.push(id);
    const lane = message.conversationId;
    this.active.set(lane, (this.active.get(lane) ?? 0) + 1);
    this.maxActivePerConversation = Math.max(this.maxActivePerConversation, this.active.get(lane) ?? 0);
    try {
      await new Promise((resolve) => setImmediate(resolve));
      const failure = this.failures.get(id)?.shift();
      if (failure) throw new LedgerError(failure, `${failure}: scripted`);
      hooks.onEndorsed();
      assert.ok(message.payload, 'a message is sealed before it is sent');
      const hash = createHash('sha256').update(message.payload).digest('hex');
      const key = `${message.conversationId}|${message.sender}|${id}`;
      const existing = this.posted.get(key);
      if (existing) {
        if (existing.hash !== hash) throw new LedgerError('CONFLICT', 'CONFLICT: different content');
        return { txId: `replay-${this.calls.length}`, blockNumber: existing.block };
      }
      this.posted.set(key, { hash, block: ++this.block });
      if (this.lostAnswers.delete(id)) await new Promise(() => undefined);
      return { txId: `tx-${this.block}`, blockNumber: this.block, messageId: `m-${id}` };
    } finally {
      this.active.set(lane, (this.active.get(lane) ?? 1) - 1);
    }
  };
}

function outboxFor(store: Store, ledger: FakeLedger, extra: Partial<OutboxOptions> = {}) {
  const changes: DeliveryStateChange[] = [];
  const delays: number[] = [];
  let prepares = 0;
  const outbox = new Outbox({
    store,
    sender: ME,
    send: ledger.send,
    // A real prepare seals the envelope; random bytes show each message is sealed once.
    prepare: async (message) => {
      prepares++;
      return { epoch: message.epoch, payload: new Uint8Array(randomBytes(64)) };
    },
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  outbox.onStateChange((change) => changes.push(change));
  return { outbox, changes, delays, prepares: () => prepares };
}

const statesOf = (changes: DeliveryStateChange[], id: string) =>
  changes.filter((c) => c.clientMessageId === id).map((c) => c.state);

const row = (store: Store, conversationId: string, clientMessageId: string) =>
  store.getMessage({ conversationId, sender: ME, clientMessageId });

describe('outbox', () => {
  it('enqueue stores the message as pending before anything is sent, with a random 128-bit id', () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes } = outboxFor(store, ledger);
    const id = outbox.enqueue({ conversationId: 'c2', body: 'hello' });
    assert.match(id, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(Buffer.from(id, 'base64url').length, 16);
    const stored = row(store, 'c2', id);
    assert.equal(stored?.state, 'pending');
    assert.equal(stored?.direction, 'out');
    assert.equal(stored?.epoch, 3, "the conversation's current epoch");
    assert.equal(ledger.calls.length, 0);
    assert.deepEqual(changes, [{ conversationId: 'c2', clientMessageId: id, state: 'pending', previous: null }]);
    assert.notEqual(outbox.enqueue({ conversationId: 'c2', body: 'hello' }), id);
    store.close();
  });

  it('a bad draft or an unknown conversation writes nothing', () => {
    const { store } = newStore();
    const { outbox, changes } = outboxFor(store, new FakeLedger());
    const bad: unknown[] = [
      { conversationId: 'c1' },
      { conversationId: '', body: 'x' },
      { conversationId: 'c1', body: 'x', sender: 'Org2MSP::mallory' },
      { conversationId: 'c1', body: 'x'.repeat(70_000) },
      null,
    ];
    for (const draft of bad) assert.throws(() => outbox.enqueue(draft as never), refused('BAD_INPUT'));
    assert.throws(() => outbox.enqueue({ conversationId: 'nope', body: 'x' }), refused('NOT_FOUND'));
    assert.equal(outbox.pendingCount(), 0);
    assert.deepEqual(changes, []);
    store.close();
  });

  it('sends each conversation in enqueue order, one at a time: pending, endorsed, committed', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes } = outboxFor(store, ledger);
    const c1 = Array.from({ length: 6 }, (_, i) => outbox.enqueue({ conversationId: 'c1', body: `one ${i}` }));
    const c2 = Array.from({ length: 6 }, (_, i) => outbox.enqueue({ conversationId: 'c2', body: `two ${i}` }));
    outbox.start();
    await outbox.idle();
    assert.deepEqual(
      ledger.calls.filter((id) => c1.includes(id)),
      c1,
    );
    assert.deepEqual(
      ledger.calls.filter((id) => c2.includes(id)),
      c2,
    );
    assert.equal(ledger.maxActivePerConversation, 1);
    for (const id of c1) {
      assert.deepEqual(statesOf(changes, id), ['pending', 'endorsed', 'committed']);
      const stored = row(store, 'c1', id);
      assert.equal(stored?.state, 'committed');
      assert.match(stored?.txId ?? '', /^tx-\d+$/);
      assert.equal(stored?.messageId, `m-${id}`);
    }
    const committed = changes.find((c) => c.clientMessageId === c1[0] && c.state === 'committed');
    assert.ok(committed?.txId && committed.blockNumber !== undefined);
    assert.equal(outbox.pendingCount(), 0);
    await outbox.stop();
    store.close();
  });

  it('a message enqueued while running is sent without another start', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox } = outboxFor(store, ledger);
    outbox.start();
    const id = outbox.enqueue({ conversationId: 'c1', body: 'late' });
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    await outbox.stop();
    store.close();
  });

  it('transient failures are retried with backoff and the same sealed bytes', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes, delays, prepares } = outboxFor(store, ledger);
    const id = outbox.enqueue({ conversationId: 'c1', body: 'flaky' });
    ledger.failures.set(id, ['UNAVAILABLE', 'UNCERTAIN', 'MVCC_CONFLICT']);
    outbox.start();
    await outbox.idle();
    assert.equal(ledger.calls.length, 4);
    assert.equal(prepares(), 1, 'sealed once');
    // DEFAULT_OUTBOX_BACKOFF with random 0.5: 3/4 of 1 s, 2 s, 4 s.
    assert.deepEqual(delays, [750, 1500, 3000]);
    assert.deepEqual(statesOf(changes, id), ['pending', 'endorsed', 'committed']);
    const stored = store.db.prepare('SELECT attempts, state FROM messages WHERE clientMessageId = ?').get(id);
    assert.deepEqual({ ...(stored as object) }, { attempts: 4, state: 'committed' });
    await outbox.stop();
    store.close();
  });

  it('a send that keeps failing transiently ends failed with its code once retries are used up', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes } = outboxFor(store, ledger, {
      backoff: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, factor: 2 },
    });
    const id = outbox.enqueue({ conversationId: 'c1', body: 'offline' });
    ledger.failures.set(id, ['UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE', 'UNAVAILABLE']);
    outbox.start();
    await outbox.idle();
    assert.equal(ledger.calls.length, 3);
    const stored = row(store, 'c1', id);
    assert.equal(stored?.state, 'failed');
    assert.equal(stored?.failureCode, 'UNAVAILABLE');
    assert.deepEqual(statesOf(changes, id), ['pending', 'failed']);
    await outbox.stop();
    store.close();
  });

  it('a permanent refusal fails at once, and the next message of the conversation still goes', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes, delays } = outboxFor(store, ledger);
    const first = outbox.enqueue({ conversationId: 'c1', body: 'not allowed' });
    const second = outbox.enqueue({ conversationId: 'c1', body: 'fine' });
    const third = outbox.enqueue({ conversationId: 'c1', body: 'too big' });
    ledger.failures.set(first, ['FORBIDDEN']);
    ledger.failures.set(third, ['TOO_LARGE']);
    outbox.start();
    await outbox.idle();
    assert.deepEqual(ledger.calls, [first, second, third]);
    assert.deepEqual(delays, []);
    assert.equal(row(store, 'c1', first)?.failureCode, 'FORBIDDEN');
    assert.equal(row(store, 'c1', third)?.failureCode, 'TOO_LARGE');
    assert.equal(row(store, 'c1', second)?.state, 'committed');
    const failed = changes.find((c) => c.clientMessageId === first && c.state === 'failed');
    assert.equal(failed?.failureCode, 'FORBIDDEN');
    assert.equal(failed?.previous, 'pending');
    await outbox.stop();
    store.close();
  });

  it("a refusal while sealing (a removed member's FORBIDDEN) fails at once with its code; nothing is sent", async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes, delays } = outboxFor(store, ledger, {
      prepare: async () => {
        throw new LedgerError('FORBIDDEN', 'groups.GetGroup: FORBIDDEN: not a member of c2');
      },
    });
    const id = outbox.enqueue({ conversationId: 'c2', body: 'after my removal' });
    outbox.start();
    await outbox.idle();
    assert.deepEqual(ledger.calls, []);
    assert.deepEqual(delays, [], 'a refusal is not retried');
    const stored = row(store, 'c2', id);
    assert.equal(stored?.state, 'failed');
    assert.equal(stored?.failureCode, 'FORBIDDEN');
    assert.match(stored?.failureMessage ?? '', /not a member of c2/);
    const failed = changes.find((c) => c.clientMessageId === id && c.state === 'failed');
    assert.equal(failed?.failureCode, 'FORBIDDEN');
    await outbox.stop();
    store.close();
  });

  it('the network failing while sealing is retried with backoff, then the message goes', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    let seals = 0;
    const { outbox, delays } = outboxFor(store, ledger, {
      prepare: async (message) => {
        if (++seals < 3) throw new LedgerError('UNAVAILABLE', 'groups.GetGroup: connection refused');
        return { epoch: message.epoch, payload: new Uint8Array(randomBytes(64)) };
      },
    });
    const id = outbox.enqueue({ conversationId: 'c1', body: 'while the peers restart' });
    outbox.start();
    await outbox.idle();
    assert.deepEqual(delays, [750, 1500]);
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    assert.deepEqual(ledger.calls, [id]);
    await outbox.stop();
    store.close();
  });

  it('retry() puts a failed message back to pending and sends it; other states are refused', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, changes, prepares } = outboxFor(store, ledger);
    const id = outbox.enqueue({ conversationId: 'c1', body: 'try again' });
    ledger.failures.set(id, ['FORBIDDEN']);
    outbox.start();
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.state, 'failed');
    outbox.retry(id);
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    assert.equal(row(store, 'c1', id)?.failureCode, null);
    assert.deepEqual(statesOf(changes, id), ['pending', 'failed', 'pending', 'endorsed', 'committed']);
    assert.equal(prepares(), 1, 'a FORBIDDEN message keeps its envelope');
    assert.throws(() => outbox.retry(id), refused('BAD_STATE'));
    assert.throws(() => outbox.retry('no-such-id'), refused('NOT_FOUND'));
    await outbox.stop();
    store.close();
  });

  it('a message refused for a stale epoch is sealed again once, stored, and sent', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, prepares, delays } = outboxFor(store, ledger);
    const id = outbox.enqueue({ conversationId: 'c1', body: 'old epoch' });
    ledger.failures.set(id, ['STALE_EPOCH']);
    store.upsertConversation({ id: 'c1', kind: 'direct', epoch: 2 });
    outbox.start();
    await outbox.idle();
    assert.equal(prepares(), 2);
    assert.deepEqual(delays, [], 'no backoff for a re-seal');
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    await outbox.stop();
    store.close();
  });

  it('a message still refused after its re-seal fails; retry() seals it again', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox, prepares } = outboxFor(store, ledger);
    const id = outbox.enqueue({ conversationId: 'c1', body: 'old epoch' });
    ledger.failures.set(id, ['REKEY_REQUIRED', 'REKEY_REQUIRED']);
    outbox.start();
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.failureCode, 'REKEY_REQUIRED');
    assert.equal(prepares(), 2);
    store.upsertConversation({ id: 'c1', kind: 'direct', epoch: 2 });
    outbox.retry(id);
    await outbox.idle();
    assert.equal(prepares(), 3);
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    await outbox.stop();
    store.close();
  });

  it('after a crash, messages left pending or endorsed are sent again by the next process, each posted once', async () => {
    const { store, file, key } = newStore();
    const ledger = new FakeLedger();
    const first = outboxFor(store, ledger);
    const ids = Array.from({ length: 4 }, (_, i) => first.outbox.enqueue({ conversationId: 'c1', body: `m ${i}` }));
    // The first message is committed on the ledger, but its process dies before
    // the answer: its send never returns and the store still says endorsed.
    ledger.lostAnswers.add(ids[0] ?? '');
    first.outbox.start();
    while (ledger.posted.size === 0) await new Promise((r) => setImmediate(r));
    assert.equal(row(store, 'c1', ids[0] ?? '')?.state, 'endorsed');
    const sealed = store.db.prepare('SELECT payload FROM messages WHERE clientMessageId = ?').pluck().get(ids[0]);

    const reopened = openStore({ file, key });
    const second = outboxFor(reopened, ledger);
    assert.equal(second.outbox.pendingCount(), 4);
    second.outbox.start();
    await second.outbox.idle();
    for (const id of ids) assert.equal(row(reopened, 'c1', id)?.state, 'committed', id);
    assert.deepEqual(
      reopened.db.prepare('SELECT payload FROM messages WHERE clientMessageId = ?').pluck().get(ids[0]),
      sealed,
      'the resend carried the envelope sealed before the crash',
    );
    assert.equal(ledger.posted.size, 4, 'each message is on the ledger exactly once');
    assert.equal(ledger.calls.filter((id) => id === ids[0]).length, 2, 'the lost one was sent again, as a replay');
    await second.outbox.stop();
    reopened.close();
    store.close();
  });

  it('stop() leaves an interrupted message pending for the next start', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox } = outboxFor(store, ledger, {
      sleep: (_ms, signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve())),
    });
    const id = outbox.enqueue({ conversationId: 'c1', body: 'x' });
    ledger.failures.set(id, ['UNAVAILABLE']);
    outbox.start();
    while (ledger.calls.length === 0) await new Promise((r) => setImmediate(r));
    await outbox.stop();
    assert.equal(row(store, 'c1', id)?.state, 'pending');
    outbox.start();
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    await outbox.stop();
    store.close();
  });

  it('a throwing listener does not stop delivery; unsubscribed listeners hear nothing', async () => {
    const { store } = newStore();
    const ledger = new FakeLedger();
    const { outbox } = outboxFor(store, ledger);
    outbox.onStateChange(() => {
      throw new Error('listener bug');
    });
    const heard: string[] = [];
    const unsubscribe = outbox.onStateChange((c) => heard.push(c.state));
    unsubscribe();
    const id = outbox.enqueue({ conversationId: 'c1', body: 'x' });
    outbox.start();
    await outbox.idle();
    assert.equal(row(store, 'c1', id)?.state, 'committed');
    assert.deepEqual(heard, []);
    await outbox.stop();
    store.close();
  });
});
