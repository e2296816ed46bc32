import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PaymentsContract } from '../src/contracts/payments-contract';
import type { EscrowRecord, HistoryEntry } from '../src/domain/payments';
import { CLOCK_SKEW_MS } from '../src/lib/clock';
import { LIMITS } from '../src/lib/limits';
import {
  FakeLedger,
  type Outcome,
  type TestIdentity,
  alice,
  bob,
  carol,
  dave,
  org1Admin,
  org1Compliance,
  org2Admin,
  userIdFor,
} from './support/fake-ledger';
import { balanceOf, escrows, moneySupply, org1PlainAdmin, rng, setBalance } from './support/payments-setup';
import { addGroup, addUser, auditOf, bind, ok, rejects, setUserStatus, worldKeys } from './support/sharing-setup';

const pay = bind(new PaymentsContract(), [
  'Mint',
  'Transfer',
  'GetBalance',
  'GetHistory',
  'CreateEscrow',
  'ReleaseEscrow',
  'ClaimEscrow',
  'RefundEscrow',
  'GetEscrow',
] as const);

const DAY = 24 * 3600_000;

/** Active users alice, carol (Org1), bob, dave (Org2); alice and carol start with 1000 each. */
async function setup(): Promise<FakeLedger> {
  const ledger = new FakeLedger();
  for (const who of [alice, bob, carol, dave]) addUser(ledger, who);
  ok(await ledger.invoke(org1Admin, pay.Mint, { toUserId: userIdFor(alice), amount: 1000 }));
  ok(await ledger.invoke(org1Admin, pay.Mint, { toUserId: userIdFor(carol), amount: 1000 }));
  return ledger;
}

const transfer = (to: TestIdentity, amount: unknown, extra: object = {}) => ({
  toUserId: userIdFor(to),
  amount,
  memo: 'lunch',
  ...extra,
});

const history = async (ledger: FakeLedger, who: TestIdentity): Promise<HistoryEntry[]> =>
  ok(await ledger.invoke<{ entries: HistoryEntry[] }>(who, pay.GetHistory, { pageSize: 200 })).entries;

/** Amounts that are not positive safe integers, as JSON can carry them. */
const BAD_AMOUNTS: unknown[] = [0, -5, 1.5, '100', null, Number.MAX_SAFE_INTEGER + 1, 1e308, true, [], {}];

describe('PaymentsContract.Mint', () => {
  it('a treasury admin mints to a user of their own org, with history, audit and an id-only event', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, alice);
    const out = await ledger.invoke<{ balance: number; paymentId: string }>(org1Admin, pay.Mint, {
      toUserId: userIdFor(alice),
      amount: 250,
      memo: 'welcome',
    });
    const value = ok(out);
    assert.equal(value.balance, 250);
    assert.equal(balanceOf(ledger, alice), 250);
    assert.deepEqual(out.ok ? out.event : null, {
      name: 'payments.Minted',
      payload: { paymentId: value.paymentId, to: userIdFor(alice) },
    });
    const [entry] = await history(ledger, alice);
    assert.equal(entry?.kind, 'mint');
    assert.equal(entry?.delta, 250);
    assert.equal(entry?.memo, 'welcome');
    assert.equal(auditOf(ledger, 'Org1MSP').at(-1)?.action, 'payments.Mint');
  });

  it('staff, compliance and admins without the treasury attribute cannot mint', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, alice);
    for (const who of [alice, org1Compliance, org1PlainAdmin]) {
      await rejects(ledger, who, pay.Mint, { toUserId: userIdFor(alice), amount: 1 }, 'FORBIDDEN');
    }
  });

  it("a treasury admin cannot mint to another org's user", async () => {
    const ledger = new FakeLedger();
    addUser(ledger, bob);
    await rejects(ledger, org1Admin, pay.Mint, { toUserId: userIdFor(bob), amount: 1 }, 'FORBIDDEN');
    ok(await ledger.invoke(org2Admin, pay.Mint, { toUserId: userIdFor(bob), amount: 1 }));
  });

  it('a mint above the per-transaction limit is refused', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, alice);
    const req = { toUserId: userIdFor(alice), amount: LIMITS.mintPerTransaction + 1 };
    await rejects(ledger, org1Admin, pay.Mint, req, 'LIMIT_EXCEEDED');
    ok(await ledger.invoke(org1Admin, pay.Mint, { ...req, amount: LIMITS.mintPerTransaction }));
  });

  it('a mint that would push a balance over the cap is refused', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, alice);
    setBalance(ledger, alice, LIMITS.balance - 10);
    await rejects(ledger, org1Admin, pay.Mint, { toUserId: userIdFor(alice), amount: 11 }, 'LIMIT_EXCEEDED');
    ok(await ledger.invoke(org1Admin, pay.Mint, { toUserId: userIdFor(alice), amount: 10 }));
  });

  it('a mint to an unknown or disabled user is refused', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, carol, 'disabled');
    await rejects(ledger, org1Admin, pay.Mint, { toUserId: 'Org1MSP::ghost', amount: 1 }, 'NOT_FOUND');
    await rejects(ledger, org1Admin, pay.Mint, { toUserId: userIdFor(carol), amount: 1 }, 'DISABLED');
  });

  it('a mint amount must be a positive safe integer', async () => {
    const ledger = new FakeLedger();
    addUser(ledger, alice);
    for (const amount of BAD_AMOUNTS) {
      await rejects(ledger, org1Admin, pay.Mint, { toUserId: userIdFor(alice), amount }, 'BAD_INPUT');
    }
  });
});

describe('PaymentsContract.Transfer', () => {
  it('a transfer moves funds, writes history for both sides and emits ids only', async () => {
    const ledger = await setup();
    const out = await ledger.invoke<{ paymentId: string; balance: number }>(alice, pay.Transfer, transfer(bob, 300));
    const value = ok(out);
    assert.equal(value.balance, 700);
    assert.equal(balanceOf(ledger, alice), 700);
    assert.equal(balanceOf(ledger, bob), 300);
    assert.deepEqual(out.ok ? out.event : null, {
      name: 'payments.Transferred',
      payload: { paymentId: value.paymentId, from: userIdFor(alice), to: userIdFor(bob) },
    });
    const sent = (await history(ledger, alice)).at(-1);
    const received = (await history(ledger, bob)).at(-1);
    assert.deepEqual(
      [sent?.kind, sent?.delta, sent?.counterparty, sent?.memo],
      ['transfer-out', -300, userIdFor(bob), 'lunch'],
    );
    assert.deepEqual([received?.kind, received?.delta, received?.balanceAfter], ['transfer-in', 300, 300]);
    assert.equal(auditOf(ledger, 'Org2MSP').at(-1)?.action, 'payments.Transfer');
    assert.equal(auditOf(ledger, 'Org1MSP').at(-1)?.action, 'payments.Transfer');
  });

  it('a self-transfer is refused', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, pay.Transfer, transfer(alice, 1), 'BAD_INPUT');
  });

  it('a transfer beyond the balance is refused as INSUFFICIENT_FUNDS', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 1001), 'INSUFFICIENT_FUNDS');
    await rejects(ledger, bob, pay.Transfer, transfer(alice, 1), 'INSUFFICIENT_FUNDS');
  });

  it('a transfer amount must be a positive safe integer', async () => {
    const ledger = await setup();
    for (const amount of BAD_AMOUNTS) await rejects(ledger, alice, pay.Transfer, transfer(bob, amount), 'BAD_INPUT');
  });

  it('a claimed sender, an over-long or missing memo is refused', async () => {
    const ledger = await setup();
    await rejects(ledger, carol, pay.Transfer, transfer(bob, 1, { from: userIdFor(alice) }), 'BAD_INPUT');
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 1, { memo: 'x'.repeat(281) }), 'BAD_INPUT');
    await rejects(ledger, alice, pay.Transfer, { toUserId: userIdFor(bob), amount: 1 }, 'BAD_INPUT');
    ok(await ledger.invoke(alice, pay.Transfer, transfer(bob, 1, { memo: 'x'.repeat(280) })));
  });

  it('the recipient must exist and be active; a disabled sender cannot pay', async () => {
    const ledger = await setup();
    setUserStatus(ledger, dave, 'disabled');
    await rejects(ledger, alice, pay.Transfer, { toUserId: 'Org2MSP::ghost', amount: 1, memo: '' }, 'NOT_FOUND');
    await rejects(ledger, alice, pay.Transfer, transfer(dave, 1), 'DISABLED');
    setUserStatus(ledger, alice, 'disabled');
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 1), 'DISABLED');
  });

  it("a transfer that would overflow the recipient's balance cap is refused", async () => {
    const ledger = await setup();
    setBalance(ledger, bob, LIMITS.balance);
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 1), 'LIMIT_EXCEEDED');
  });

  it('an in-chat payment needs both parties in the conversation and paymentsAllowed', async () => {
    const ledger = await setup();
    addGroup(
      ledger,
      'paychat',
      [
        [alice, 'owner'],
        [bob, 'member'],
      ],
      { paymentsAllowed: true },
    );
    addGroup(
      ledger,
      'quiet',
      [
        [alice, 'owner'],
        [bob, 'member'],
      ],
      { paymentsAllowed: false },
    );
    const out = await ledger.invoke(alice, pay.Transfer, transfer(bob, 5, { conversationId: 'paychat' }));
    assert.ok(out.ok);
    // The event leaves the conversation out: it would tell every listener both parties are in it.
    assert.deepEqual(out.event?.payload, { paymentId: out.txId, from: userIdFor(alice), to: userIdFor(bob) });
    assert.equal((await history(ledger, bob)).at(-1)?.conversationId, 'paychat');
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 5, { conversationId: 'quiet' }), 'FORBIDDEN');
    await rejects(ledger, carol, pay.Transfer, transfer(bob, 5, { conversationId: 'paychat' }), 'FORBIDDEN');
    await rejects(ledger, alice, pay.Transfer, transfer(carol, 5, { conversationId: 'paychat' }), 'FORBIDDEN');
    await rejects(ledger, alice, pay.Transfer, transfer(bob, 5, { conversationId: 'nowhere' }), 'NOT_FOUND');
  });
});

describe('PaymentsContract.GetBalance and GetHistory', () => {
  it("a user reads only their own balance; asking for someone else's is refused", async () => {
    const ledger = await setup();
    assert.deepEqual(ok(await ledger.invoke(alice, pay.GetBalance, {})), { userId: userIdFor(alice), balance: 1000 });
    assert.deepEqual(ok(await ledger.invoke(bob, pay.GetBalance, {})), { userId: userIdFor(bob), balance: 0 });
    await rejects(ledger, bob, pay.GetBalance, { userId: userIdFor(alice) }, 'BAD_INPUT');
  });

  it('history pages by bookmark and a bookmark into another user is refused', async () => {
    const ledger = await setup();
    for (let i = 1; i <= 3; i++) ok(await ledger.invoke(alice, pay.Transfer, transfer(bob, i)));
    const p1 = ok(
      await ledger.invoke<{ entries: HistoryEntry[]; bookmark: string }>(alice, pay.GetHistory, { pageSize: 3 }),
    );
    assert.deepEqual(
      p1.entries.map((e) => e.kind),
      ['mint', 'transfer-out', 'transfer-out'],
    );
    const p2 = ok(
      await ledger.invoke<{ entries: HistoryEntry[]; bookmark: string }>(alice, pay.GetHistory, {
        pageSize: 3,
        bookmark: p1.bookmark,
      }),
    );
    assert.deepEqual(
      p2.entries.map((e) => e.amount),
      [3],
    );
    assert.equal(p2.bookmark, '');
    const bobFirst = worldKeys(ledger, `payhist|${userIdFor(bob)}|`)[0] ?? '';
    await rejects(ledger, alice, pay.GetHistory, { pageSize: 3, bookmark: bobFirst }, 'BAD_INPUT');
    await rejects(ledger, alice, pay.GetHistory, { pageSize: 3, bookmark: 'payhist|' }, 'BAD_INPUT');
  });
});

describe('PaymentsContract escrow', () => {
  async function create(ledger: FakeLedger, amount = 100, deadlineIn = DAY): Promise<EscrowRecord> {
    return ok(
      await ledger.invoke<EscrowRecord>(alice, pay.CreateEscrow, {
        toUserId: userIdFor(bob),
        amount,
        deadline: ledger.clock + deadlineIn,
      }),
    );
  }

  it('creating an escrow debits the sender and holds the funds under the tx id', async () => {
    const ledger = await setup();
    const out = await ledger.invoke<EscrowRecord>(alice, pay.CreateEscrow, {
      toUserId: userIdFor(bob),
      amount: 100,
      deadline: ledger.clock + DAY,
      memo: 'deposit',
    });
    const escrow = ok(out);
    assert.equal(escrow.escrowId, out.ok ? out.txId : '');
    assert.equal(escrow.state, 'open');
    assert.equal(balanceOf(ledger, alice), 900);
    assert.equal(balanceOf(ledger, bob), 0);
    assert.deepEqual(out.ok ? out.event?.payload : null, {
      escrowId: escrow.escrowId,
      from: userIdFor(alice),
      to: userIdFor(bob),
    });
    const got = ok(await ledger.invoke<EscrowRecord>(bob, pay.GetEscrow, { escrowId: escrow.escrowId }));
    assert.equal(got.amount, 100);
    await rejects(ledger, carol, pay.GetEscrow, { escrowId: escrow.escrowId }, 'FORBIDDEN');
  });

  it('the sender releases an escrow to the recipient, exactly once', async () => {
    const ledger = await setup();
    const escrow = await create(ledger);
    await rejects(ledger, bob, pay.ReleaseEscrow, { escrowId: escrow.escrowId }, 'FORBIDDEN');
    const settled = ok(await ledger.invoke<EscrowRecord>(alice, pay.ReleaseEscrow, { escrowId: escrow.escrowId }));
    assert.equal(settled.state, 'released');
    assert.equal(balanceOf(ledger, bob), 100);
    assert.equal((await history(ledger, bob)).at(-1)?.kind, 'escrow-in');
    assert.equal((await history(ledger, alice)).at(-1)?.kind, 'escrow-released');
    await rejects(ledger, alice, pay.ReleaseEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
    await rejects(ledger, bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
    ledger.clock += 2 * DAY;
    await rejects(ledger, alice, pay.RefundEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
  });

  it('the recipient claims before the deadline, and only the recipient', async () => {
    const ledger = await setup();
    const escrow = await create(ledger);
    await rejects(ledger, alice, pay.ClaimEscrow, { escrowId: escrow.escrowId }, 'FORBIDDEN');
    await rejects(ledger, carol, pay.ClaimEscrow, { escrowId: escrow.escrowId }, 'FORBIDDEN');
    ok(await ledger.invoke(bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }));
    assert.equal(balanceOf(ledger, bob), 100);
    await rejects(ledger, bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
  });

  it("the sender's history has the escrow's money leave once and says the recipient claimed it: rows add up to her balance", async () => {
    const ledger = await setup();
    const escrow = await create(ledger);
    ok(await ledger.invoke(bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }));
    const rows = (await history(ledger, alice)).filter((row) => row.escrowId === escrow.escrowId);
    assert.deepEqual(
      rows.map((row) => [row.kind, row.delta]),
      [
        ['escrow-out', -100],
        ['escrow-claimed', 0],
      ],
    );
    const all = await history(ledger, alice);
    assert.equal(
      all.reduce((sum, row) => sum + row.delta, 0),
      balanceOf(ledger, alice),
    );
  });

  it('claims close 60 s before the deadline: a claim stamped deadline − 30 s (a late claimer backdating into the window), − 60 s or at the deadline is refused as EXPIRED and writes nothing; one at − 60.001 s is accepted', async () => {
    const ledger = await setup();
    const escrow = await create(ledger, 100, 5 * 60_000);
    const claim = { escrowId: escrow.escrowId };
    for (const before of [0, 30_000, CLOCK_SKEW_MS]) {
      await rejects(ledger, bob, pay.ClaimEscrow, claim, 'EXPIRED', { time: escrow.deadline - before });
    }
    assert.equal(escrows(ledger)[0]?.state, 'open');
    const settled = ok(
      await ledger.invoke<EscrowRecord>(bob, pay.ClaimEscrow, claim, { time: escrow.deadline - CLOCK_SKEW_MS - 1 }),
    );
    assert.equal(settled.state, 'claimed');
    assert.equal(balanceOf(ledger, bob), 100);
  });

  it('for anyone but the sender, refunds open 60 s after the deadline: a refund stamped deadline + 30 s (an early refunder stamping ahead), + 59.999 s, at the deadline or before is refused as FORBIDDEN and writes nothing; one at + 60 s is accepted', async () => {
    const ledger = await setup();
    const escrow = await create(ledger, 100, 5 * 60_000);
    const req = { escrowId: escrow.escrowId };
    await rejects(ledger, alice, pay.RefundEscrow, req, 'FORBIDDEN');
    await rejects(ledger, dave, pay.RefundEscrow, req, 'FORBIDDEN');
    for (const after of [-1_000, 0, 30_000, CLOCK_SKEW_MS - 1]) {
      await rejects(ledger, dave, pay.RefundEscrow, req, 'FORBIDDEN', { time: escrow.deadline + after });
    }
    // Between the two guard bands a claim is refused; only the sender may refund (or release).
    await rejects(ledger, bob, pay.ClaimEscrow, req, 'EXPIRED', { time: escrow.deadline + 30_000 });
    // The next call is stamped exactly deadline + 60 s.
    ledger.clock = escrow.deadline + CLOCK_SKEW_MS - 1_000;
    const settled = ok(await ledger.invoke<EscrowRecord>(dave, pay.RefundEscrow, req));
    assert.equal(settled.state, 'refunded');
    assert.equal(settled.settledBy, userIdFor(dave));
    assert.equal(balanceOf(ledger, alice), 1000);
    assert.equal(balanceOf(ledger, bob), 0);
    assert.equal((await history(ledger, alice)).at(-1)?.kind, 'escrow-refund');
    await rejects(ledger, bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
    await rejects(ledger, dave, pay.RefundEscrow, { escrowId: escrow.escrowId }, 'CONFLICT');
  });

  it('a held claim cannot settle after the deadline: the sender may refund from deadline − 60 s (the stamp claims close), and that refund writes the escrow key the claim read, so the claim endorsed at − 60.001 s fails validation / a sender refund at − 60.001 s is FORBIDDEN and writes nothing', async () => {
    const ledger = await setup();
    const escrow = await create(ledger, 100, 5 * 60_000);
    const req = { escrowId: escrow.escrowId };
    // Endorsed just inside the window and held, not committed.
    const held = await ledger.simulate<EscrowRecord>(bob, pay.ClaimEscrow, req, {
      time: escrow.deadline - CLOCK_SKEW_MS - 1,
    });
    assert.ok(held.outcome.ok);
    await rejects(ledger, alice, pay.RefundEscrow, req, 'FORBIDDEN', { time: escrow.deadline - CLOCK_SKEW_MS - 1 });
    // Another user still waits for the deadline to have surely passed.
    await rejects(ledger, dave, pay.RefundEscrow, req, 'FORBIDDEN', { time: escrow.deadline - CLOCK_SKEW_MS });
    const refund = await ledger.simulate<EscrowRecord>(alice, pay.RefundEscrow, req, {
      time: escrow.deadline - CLOCK_SKEW_MS,
    });
    assert.ok(refund.outcome.ok);
    refund.commit();
    // MVCC: the refund wrote a key the held claim read, so Fabric invalidates the claim at commit.
    const key = `escrow|${escrow.escrowId}`;
    assert.ok(held.rwset.reads.has(key) && refund.rwset.writes.has(key));
    assert.equal(escrows(ledger)[0]?.state, 'refunded');
    assert.equal(balanceOf(ledger, alice), 1000);
    assert.equal(balanceOf(ledger, bob), 0);
  });

  it('an escrow to yourself, past or far deadlines, missing funds or recipients are refused', async () => {
    const ledger = await setup();
    const base = { toUserId: userIdFor(bob), amount: 10, deadline: ledger.clock + DAY };
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, toUserId: userIdFor(alice) }, 'BAD_INPUT');
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, deadline: ledger.clock }, 'BAD_INPUT');
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, deadline: ledger.clock + 400 * DAY }, 'BAD_INPUT');
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, amount: 1001 }, 'INSUFFICIENT_FUNDS');
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, toUserId: 'Org2MSP::ghost' }, 'NOT_FOUND');
    await rejects(ledger, alice, pay.CreateEscrow, { ...base, from: userIdFor(carol) }, 'BAD_INPUT');
    for (const amount of BAD_AMOUNTS) await rejects(ledger, alice, pay.CreateEscrow, { ...base, amount }, 'BAD_INPUT');
  });

  it('a deadline must leave 2 × 60 s: now + 120 s is refused as BAD_INPUT and writes nothing, now + 120.001 s is accepted and claimable at once', async () => {
    const ledger = await setup();
    const now = ledger.clock + 60_000;
    const request = (deadline: number) => ({ toUserId: userIdFor(bob), amount: 10, deadline });
    await rejects(ledger, alice, pay.CreateEscrow, request(now + 2 * CLOCK_SKEW_MS), 'BAD_INPUT', { time: now });
    // A sender stamping 60 s behind cannot slip in a deadline that leaves no claim window either.
    await rejects(ledger, alice, pay.CreateEscrow, request(now + CLOCK_SKEW_MS), 'BAD_INPUT', {
      time: now - CLOCK_SKEW_MS,
    });
    const escrow = ok(
      await ledger.invoke<EscrowRecord>(alice, pay.CreateEscrow, request(now + 2 * CLOCK_SKEW_MS + 1), { time: now }),
    );
    ok(await ledger.invoke(bob, pay.ClaimEscrow, { escrowId: escrow.escrowId }, { time: now }));
  });

  it('an unknown escrow is NOT_FOUND', async () => {
    const ledger = await setup();
    for (const m of [pay.ReleaseEscrow, pay.ClaimEscrow, pay.RefundEscrow, pay.GetEscrow]) {
      await rejects(ledger, alice, m, { escrowId: 'tx999999' }, 'NOT_FOUND');
    }
  });
});

describe('PaymentsContract conservation', () => {
  it('random valid and invalid operations never create or destroy money', async () => {
    const users = [alice, bob, carol, dave];
    const admins = [org1Admin, org2Admin];
    const valid = [1, 7, 50, 333, 1000, 5000];
    const invalid: unknown[] = [LIMITS.mintPerTransaction + 1, 0, -3, 2.5, '10', Number.MAX_SAFE_INTEGER];
    for (const seed of [1, 2, 3]) {
      const random = rng(seed);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
      const ledger = new FakeLedger();
      for (const who of users) addUser(ledger, who);
      const escrowIds: string[] = ['tx999999'];
      let minted = 0;
      let successes = 0;
      for (let step = 0; step < 400; step++) {
        const op = pick(['mint', 'transfer', 'transfer', 'escrow', 'release', 'claim', 'refund', 'tick'] as const);
        const from = pick(users);
        const to = pick(users);
        // Mostly valid amounts, so enough operations succeed to move money around.
        const amount = random() < 0.8 ? pick(valid) : pick(invalid);
        const before = ledger.snapshot();
        let out: Outcome<unknown>;
        switch (op) {
          case 'mint':
            out = await ledger.invoke(pick(admins), pay.Mint, { toUserId: userIdFor(to), amount });
            if (out.ok) minted += amount as number;
            break;
          case 'transfer':
            out = await ledger.invoke(from, pay.Transfer, { toUserId: userIdFor(to), amount, memo: `s${step}` });
            break;
          case 'escrow':
            out = await ledger.invoke(from, pay.CreateEscrow, {
              toUserId: userIdFor(to),
              amount,
              // Claimable for a while, then refundable after some ticks.
              deadline: ledger.clock + 2 * CLOCK_SKEW_MS + 2_000 + Math.floor(random() * 60_000),
            });
            if (out.ok) escrowIds.push(out.txId);
            break;
          case 'tick':
            ledger.clock += Math.floor(random() * 60_000);
            continue;
          default: {
            const method = { release: pay.ReleaseEscrow, claim: pay.ClaimEscrow, refund: pay.RefundEscrow }[op];
            out = await ledger.invoke(from, method, { escrowId: pick(escrowIds) });
          }
        }
        if (out.ok) successes++;
        else {
          assert.match(out.error.message, /^[A-Z_]+: /, `step ${step}: untyped error ${out.error.message}`);
          assert.equal(ledger.snapshot(), before, `step ${step}: a refused ${op} wrote state`);
        }
        assert.equal(moneySupply(ledger), minted, `seed ${seed} step ${step} (${op}): supply drifted`);
        for (const who of users) {
          const b = balanceOf(ledger, who);
          assert.ok(Number.isSafeInteger(b) && b >= 0 && b <= LIMITS.balance, `step ${step}: bad balance ${b}`);
        }
      }
      assert.ok(successes > 60, `seed ${seed}: too few successful operations (${successes}) to mean much`);
      assert.ok(
        escrows(ledger).some((e) => e.state !== 'open'),
        `seed ${seed}: no escrow ever settled`,
      );
    }
  });
});
