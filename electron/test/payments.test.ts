import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLedgerError } from '../src/node/ledger';
import * as payments from '../src/node/payments';
import { escrowSchema, historyEntrySchema, toEscrowInfo, toPaymentRecord } from '../src/node/payments/records';
import { checkEscrowDeadline } from '../src/node/payments/service';
import { directoryUser, fakeSession, groupView, refusal } from './sharing-fake-session';

// Unit tests of the payments service: record mapping, the deadline rule,
// and the service functions on a scripted ledger (requests sent, balance
// events, refusals, and nothing sent on bad input).

const ALICE = 'Org1MSP::alice';
const BOB = 'Org2MSP::bob';
const MIN = 60_000;

async function rejectsCode(action: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

const escrow = (over: Record<string, unknown> = {}) => ({
  escrowId: 'e1',
  from: ALICE,
  to: BOB,
  amount: 500,
  deadline: 10 * MIN,
  memo: 'rent',
  createdAt: 1,
  state: 'open',
  ...over,
});

describe('payments records', () => {
  it('maps history rows: txId is the payment id, amount what moved, empty memos dropped', () => {
    const row = historyEntrySchema.parse({
      txId: 't1',
      time: 5,
      kind: 'transfer-out',
      delta: -250,
      amount: 250,
      counterparty: BOB,
      balanceAfter: 750,
      memo: 'lunch',
      conversationId: 'dm-1',
    });
    assert.deepEqual(toPaymentRecord(row), {
      paymentId: 't1',
      kind: 'transfer-out',
      delta: -250,
      amount: 250,
      counterparty: BOB,
      memo: 'lunch',
      time: 5,
    });
    assert.equal(toPaymentRecord({ ...row, memo: '' }).memo, undefined);
  });

  it('maps escrows and refuses answers that do not fit', () => {
    assert.deepEqual(toEscrowInfo(escrowSchema.parse(escrow({ state: 'claimed', settledAt: 9 }))), {
      escrowId: 'e1',
      from: ALICE,
      to: BOB,
      amount: 500,
      deadline: 10 * MIN,
      memo: 'rent',
      state: 'claimed',
    });
    assert.equal(escrowSchema.safeParse(escrow({ state: 'lost' })).success, false);
    assert.equal(escrowSchema.safeParse(escrow({ amount: 0 })).success, false);
    assert.equal(escrowSchema.safeParse(escrow({ amount: 1.5 })).success, false);
    assert.equal(historyEntrySchema.safeParse({ txId: 't', time: 1, kind: 'gift' }).success, false);
  });

  it('escrow deadlines: more than 120 s and at most 366 days away', () => {
    const now = 1_000_000_000;
    assert.throws(() => checkEscrowDeadline(now + 120_000, now), { code: 'BAD_INPUT' });
    assert.doesNotThrow(() => checkEscrowDeadline(now + 120_001, now));
    assert.doesNotThrow(() => checkEscrowDeadline(now + payments.MAX_ESCROW_MS, now));
    assert.throws(() => checkEscrowDeadline(now + payments.MAX_ESCROW_MS + 1, now), { code: 'BAD_INPUT' });
    assert.throws(() => checkEscrowDeadline(now - 1, now), { code: 'BAD_INPUT' });
  });
});

describe('payments service on a scripted ledger', () => {
  it('sendPayment sends Transfer with the conversation, answers a record and emits the new balance', async () => {
    const s = await fakeSession(ALICE, { directory: { [BOB]: (await directoryUser(BOB)).record } });
    s.handlers.set('payments.Transfer', () => ({ paymentId: 'p1', toUserId: BOB, amount: 300, balance: 700 }));
    const before = Date.now();
    const paid = await payments.sendPayment(s, { to: BOB, amount: 300, memo: 'tea', conversationId: 'dm-1' });
    assert.deepEqual(s.calls.at(-1), {
      kind: 'submit',
      name: 'payments.Transfer',
      request: { toUserId: BOB, amount: 300, memo: 'tea', conversationId: 'dm-1' },
    });
    assert.deepEqual(
      { ...paid, time: 0 },
      {
        paymentId: 'p1',
        kind: 'transfer-out',
        delta: -300,
        amount: 300,
        counterparty: BOB,
        memo: 'tea',
        time: 0,
      },
    );
    assert.ok(paid.time >= before);
    assert.deepEqual(s.events, [{ type: 'balance', balance: 700 }]);
  });

  it('a refusal passes through and emits nothing; an unknown recipient is UNKNOWN_USER before any transfer', async () => {
    const s = await fakeSession(ALICE, { directory: { [BOB]: (await directoryUser(BOB)).record } });
    s.handlers.set('payments.Transfer', () => {
      throw refusal('INSUFFICIENT_FUNDS', 'balance 0 < 300');
    });
    await rejectsCode(payments.sendPayment(s, { to: BOB, amount: 300, memo: '' }), 'INSUFFICIENT_FUNDS');
    assert.deepEqual(s.events, []);
    const transfers = () => s.calls.filter((c) => c.name === 'payments.Transfer').length;
    const before = transfers();
    await rejectsCode(payments.sendPayment(s, { to: 'Org2MSP::nobody', amount: 300, memo: '' }), 'UNKNOWN_USER');
    assert.equal(transfers(), before, 'no transfer was sent');
    assert.deepEqual(s.events, []);
  });

  it('bad input sends nothing: amounts, ids, memo length, self-payment, deadlines, actions', async () => {
    const s = await fakeSession(ALICE);
    const deadline = Date.now() + 10 * MIN;
    const bad: Array<Promise<unknown>> = [
      payments.sendPayment(s, { to: BOB, amount: 0, memo: '' }),
      payments.sendPayment(s, { to: BOB, amount: -5, memo: '' }),
      payments.sendPayment(s, { to: BOB, amount: 1.5, memo: '' }),
      payments.sendPayment(s, { to: BOB, amount: Number.MAX_SAFE_INTEGER + 1, memo: '' }),
      payments.sendPayment(s, { to: 'bob', amount: 1, memo: '' }),
      payments.sendPayment(s, { to: BOB, amount: 1, memo: 'x'.repeat(281) }),
      payments.createEscrow(s, { to: BOB, amount: 1, deadline: Date.now() + MIN, memo: '' }),
      payments.createEscrow(s, { to: BOB, amount: 1, deadline: Date.now() + 400 * 24 * 60 * MIN, memo: '' }),
      payments.settleEscrow(s, { escrowId: 'e1', action: 'steal' as 'claim' }),
      payments.getEscrow(s, { escrowId: '' }),
      payments.mint(s, { to: BOB, amount: 0 }),
      payments.paymentHistory(s, { cursor: '' }),
    ];
    for (const call of bad) await rejectsCode(call, 'BAD_INPUT');
    // Paying yourself is its own refusal, in words.
    await rejectsCode(payments.sendPayment(s, { to: ALICE, amount: 1, memo: '' }), 'SELF_PAYMENT');
    await rejectsCode(payments.createEscrow(s, { to: ALICE, amount: 1, deadline, memo: '' }), 'SELF_PAYMENT');
    assert.deepEqual(s.calls, []);
    assert.deepEqual(s.events, []);
  });

  it('paymentHistory pages with the bookmark, oldest first, and stops at a short page', async () => {
    const s = await fakeSession(ALICE);
    const row = (n: number) => ({
      txId: `t${n}`,
      time: n,
      kind: 'transfer-in',
      delta: 1,
      amount: 1,
      counterparty: BOB,
      balanceAfter: n,
    });
    s.handlers.set('payments.GetHistory', (request) => {
      const req = request as { pageSize: number; bookmark?: string };
      return req.bookmark === undefined
        ? { entries: Array.from({ length: req.pageSize }, (_, i) => row(i)), bookmark: 'k50' }
        : { entries: [row(50)], bookmark: 'k51' };
    });
    const first = await payments.paymentHistory(s, {});
    assert.equal(first.items.length, 50);
    assert.equal(first.next, 'k50');
    const second = await payments.paymentHistory(s, { cursor: 'k50' });
    assert.deepEqual(second, {
      items: [{ paymentId: 't50', kind: 'transfer-in', delta: 1, amount: 1, counterparty: BOB, time: 50 }],
    });
    assert.deepEqual(s.calls[1]?.request, { pageSize: 50, bookmark: 'k50' });
  });

  it('createEscrow omits an empty memo, checks an in-chat escrow against the conversation, and emits the balance', async () => {
    const s = await fakeSession(ALICE, { directory: { [BOB]: (await directoryUser(BOB)).record } });
    const deadline = Date.now() + 10 * MIN;
    s.handlers.set('payments.CreateEscrow', (request) =>
      escrow({ ...(request as object), escrowId: 'e9', from: ALICE }),
    );
    s.handlers.set('payments.GetBalance', () => ({ userId: ALICE, balance: 400 }));
    s.handlers.set('groups.GetGroup', () => groupView({ policy: { paymentsAllowed: true } }));
    s.handlers.set('groups.ListMembers', () => ({
      members: [
        { userId: ALICE, role: 'owner', since: 1 },
        { userId: BOB, role: 'member', since: 1 },
      ],
    }));

    const made = await payments.createEscrow(s, { to: BOB, amount: 500, deadline, memo: '', conversationId: 'dm-1' });
    assert.equal(made.escrowId, 'e9');
    const sent = s.calls.find((c) => c.name === 'payments.CreateEscrow');
    assert.deepEqual(sent?.request, { toUserId: BOB, amount: 500, deadline });
    assert.deepEqual(s.events, [{ type: 'balance', balance: 400 }]);

    s.handlers.set('groups.GetGroup', () => groupView({ policy: { paymentsAllowed: false } }));
    const calls = s.calls.length;
    await rejectsCode(
      payments.createEscrow(s, { to: BOB, amount: 1, deadline, memo: '', conversationId: 'dm-1' }),
      'FORBIDDEN',
    );
    s.handlers.set('groups.GetGroup', () => groupView({ policy: { paymentsAllowed: true } }));
    s.handlers.set('groups.ListMembers', () => ({ members: [{ userId: ALICE, role: 'owner', since: 1 }] }));
    await rejectsCode(
      payments.createEscrow(s, { to: BOB, amount: 1, deadline, memo: '', conversationId: 'g' }),
      'FORBIDDEN',
    );
    assert.ok(!s.calls.slice(calls).some((c) => c.kind === 'submit'), 'no escrow created');
  });

  it('settleEscrow maps actions to transactions and emits a balance only for the payee', async () => {
    const bob = await fakeSession(BOB);
    bob.handlers.set('payments.ClaimEscrow', () => escrow({ state: 'claimed' }));
    bob.handlers.set('payments.GetBalance', () => ({ userId: BOB, balance: 900 }));
    assert.equal((await payments.settleEscrow(bob, { escrowId: 'e1', action: 'claim' })).state, 'claimed');
    assert.deepEqual(bob.events, [{ type: 'balance', balance: 900 }]);

    const alice = await fakeSession(ALICE);
    alice.handlers.set('payments.ReleaseEscrow', () => escrow({ state: 'released' }));
    alice.handlers.set('payments.RefundEscrow', () => escrow({ state: 'refunded' }));
    alice.handlers.set('payments.GetBalance', () => ({ userId: ALICE, balance: 1000 }));
    await payments.settleEscrow(alice, { escrowId: 'e1', action: 'release' });
    assert.deepEqual(alice.events, [], 'a release moves the recipient’s balance, not the sender’s');
    await payments.settleEscrow(alice, { escrowId: 'e1', action: 'refund' });
    assert.deepEqual(alice.events, [{ type: 'balance', balance: 1000 }]);
    assert.deepEqual(
      [...bob.calls, ...alice.calls].filter((c) => c.kind === 'submit').map((c) => [c.name, c.request]),
      [
        ['payments.ClaimEscrow', { escrowId: 'e1' }],
        ['payments.ReleaseEscrow', { escrowId: 'e1' }],
        ['payments.RefundEscrow', { escrowId: 'e1' }],
      ],
    );
  });

  it('mint answers the recipient’s balance and emits only when minting to oneself; a bad answer is BAD_RESPONSE', async () => {
    const admin = await fakeSession('Org1MSP::org1admin');
    admin.handlers.set('payments.Mint', (request) => ({
      paymentId: 'm1',
      toUserId: (request as { toUserId: string }).toUserId,
      amount: 100,
      balance: 100,
    }));
    assert.deepEqual(await payments.mint(admin, { to: ALICE, amount: 100 }), { balance: 100 });
    assert.deepEqual(admin.events, []);
    assert.deepEqual(await payments.mint(admin, { to: 'Org1MSP::org1admin', amount: 100 }), { balance: 100 });
    assert.deepEqual(admin.events, [{ type: 'balance', balance: 100 }]);
    admin.handlers.set('payments.Mint', () => ({ paymentId: 'm2', toUserId: ALICE, amount: 100, balance: -1 }));
    await assert.rejects(payments.mint(admin, { to: ALICE, amount: 100 }), (e: unknown) =>
      isLedgerError(e, 'BAD_RESPONSE'),
    );
  });

  it('getBalance and getEscrow read through evaluate', async () => {
    const s = await fakeSession(BOB);
    s.handlers.set('payments.GetBalance', () => ({ userId: BOB, balance: 42 }));
    s.handlers.set('payments.GetEscrow', () => escrow());
    assert.deepEqual(await payments.getBalance(s), { balance: 42 });
    assert.equal((await payments.getEscrow(s, { escrowId: 'e1' })).state, 'open');
    assert.ok(s.calls.every((c) => c.kind === 'evaluate'));
  });
});
