import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EscrowInfo } from '../src/common/api';
import { type EscrowLedger, EscrowKeeper, type KeeperClock } from '../src/node/payments/escrow-keeper';

// A manual clock: timers fire only when the test moves time.
function manualClock(start: number) {
  let now = start;
  const timers: { at: number; callback: () => void; live: boolean }[] = [];
  const clock: KeeperClock = {
    now: () => now,
    setTimer: (callback, delayMs) => {
      const timer = { at: now + delayMs, callback, live: true };
      timers.push(timer);
      return { cancel: () => (timer.live = false) };
    },
  };
  const advanceTo = async (time: number) => {
    now = time;
    for (const timer of timers.filter((t) => t.live && t.at <= time)) {
      timer.live = false;
      timer.callback();
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { clock, advanceTo };
}

const ME = 'Org1MSP::alice';
const T0 = Date.UTC(2031, 0, 1);
const escrow = (over: Partial<EscrowInfo> = {}): EscrowInfo => ({
  escrowId: 'e1',
  from: ME,
  to: 'Org2MSP::bob',
  amount: 500,
  deadline: T0 + 10 * 60_000,
  state: 'open',
  ...over,
});

function fakeLedger(escrows: EscrowInfo[]) {
  const refunded: string[] = [];
  const byId = new Map(escrows.map((e) => [e.escrowId, e]));
  const ledger: EscrowLedger = {
    escrow: async (id) => {
      const found = byId.get(id);
      if (!found) throw new Error(`no escrow ${id}`);
      return found;
    },
    refund: async (id) => {
      refunded.push(id);
      const refundedEscrow = { ...(byId.get(id) as EscrowInfo), state: 'refunded' as const };
      byId.set(id, refundedEscrow);
      return refundedEscrow;
    },
    fundedEscrowIds: async () => [...byId.keys()],
  };
  return { ledger, refunded, byId };
}

describe('escrow keeper (the sender refunds when claims close)', () => {
  it('refunds an open escrow of mine at the stamp claims close (deadline − 60 s), not before', async () => {
    const { clock, advanceTo } = manualClock(T0);
    const { ledger, refunded } = fakeLedger([escrow()]);
    const keeper = new EscrowKeeper(ME, ledger, clock);
    keeper.watch(escrow());
    await advanceTo(T0 + 10 * 60_000 - 60_000 - 1);
    assert.deepEqual(refunded, []);
    await advanceTo(T0 + 10 * 60_000 - 60_000 + 1_000);
    assert.deepEqual(refunded, ['e1']);
    assert.equal(keeper.watching, 0);
  });

  it('leaves alone an escrow that was claimed or released in time, and escrows someone else funded', async () => {
    const { clock, advanceTo } = manualClock(T0);
    const { ledger, refunded, byId } = fakeLedger([escrow(), escrow({ escrowId: 'e2', from: 'Org2MSP::bob', to: ME })]);
    const keeper = new EscrowKeeper(ME, ledger, clock);
    keeper.watch(escrow());
    keeper.watch(escrow({ escrowId: 'e2', from: 'Org2MSP::bob', to: ME }));
    assert.equal(keeper.watching, 1, 'only my own escrow is watched');
    byId.set('e1', escrow({ state: 'claimed' }));
    await advanceTo(T0 + 10 * 60_000);
    assert.deepEqual(refunded, []);
  });

  it('finds my open escrows from the ledger when it starts (another session made them), and stops cleanly', async () => {
    const { clock, advanceTo } = manualClock(T0);
    const far = escrow({ escrowId: 'e3', deadline: T0 + 40 * 24 * 3600_000 });
    const { ledger, refunded } = fakeLedger([escrow(), far, escrow({ escrowId: 'e4', state: 'released' })]);
    const keeper = new EscrowKeeper(ME, ledger, clock);
    await keeper.start();
    assert.equal(keeper.watching, 2, 'e1 and e3, not the released e4');
    await advanceTo(T0 + 10 * 60_000);
    assert.deepEqual(refunded, ['e1']);
    // 40 days is past setTimeout's longest delay: the keeper waits in steps and still refunds on time.
    await advanceTo(T0 + 25 * 24 * 3600_000);
    assert.deepEqual(refunded, ['e1']);
    await advanceTo(far.deadline - 59_000);
    assert.deepEqual(refunded, ['e1', 'e3']);
    keeper.stop();
    assert.equal(keeper.watching, 0);
  });

  it('a refund the ledger refuses is reported, not thrown', async () => {
    const { clock, advanceTo } = manualClock(T0);
    const { ledger } = fakeLedger([escrow()]);
    const failures: string[] = [];
    const refusing: EscrowLedger = { ...ledger, refund: async () => Promise.reject(new Error('FORBIDDEN')) };
    const keeper = new EscrowKeeper(ME, refusing, clock, (id) => failures.push(id));
    keeper.watch(escrow());
    await advanceTo(T0 + 10 * 60_000);
    assert.deepEqual(failures, ['e1']);
  });
});
