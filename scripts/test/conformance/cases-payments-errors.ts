import assert from 'node:assert/strict';
import type { PaymentRecord } from '../../../electron/src/common/api';
import { MAX_MEMO_CHARS, MAX_MESSAGE_CHARS } from '../../../electron/src/common/limits';
import type { ConformanceApp, ConformanceCase } from './target';
import { userIdOf } from './target';

// Payment history (each movement once, rows adding up to the balance) and
// refusals that name their cause: an unknown user, yourself, a limit with
// its number, an existing id, a CSV given to Verify.

/** Nobody is ever enrolled under this id (well formed, so only the service can refuse it). */
const NOBODY = 'Org2MSP::nobody-at-all';
const HOUR = 3_600_000;

async function fullHistory(app: ConformanceApp): Promise<PaymentRecord[]> {
  const rows: PaymentRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await app.call('paymentHistory', cursor ? { cursor } : {});
    rows.push(...page.items);
    cursor = page.next;
  } while (cursor);
  return rows;
}

/** The rows that appeared since `before`, by id and kind (the ledger keeps them oldest first). */
function newRows(before: readonly PaymentRecord[], after: readonly PaymentRecord[]): PaymentRecord[] {
  const seen = new Set(before.map((r) => `${r.paymentId}:${r.kind}`));
  return after.filter((r) => !seen.has(`${r.paymentId}:${r.kind}`));
}

const sum = (rows: readonly PaymentRecord[]) => rows.reduce((total, r) => total + r.delta, 0);

export const paymentsErrorsCases: ConformanceCase[] = [
  {
    name: 'an escrow held then released: its money leaves once, the release is a notice, and the new rows add up to the balance change',
    async run(target) {
      await target.signedInApp('bob', 'release-bob');
      const treasurer = await target.signedInApp('org1admin', 'release-treasurer');
      const before = await fullHistory(treasurer);
      const start = (await treasurer.call('getBalance')).balance;

      await treasurer.call('mint', { to: userIdOf('org1admin'), amount: 1_000 });
      const escrow = await treasurer.call('createEscrow', {
        to: userIdOf('bob'),
        amount: 300,
        deadline: Date.now() + HOUR,
        memo: 'conformance hold',
      });
      assert.equal(escrow.memo, 'conformance hold');
      await treasurer.call('settleEscrow', { escrowId: escrow.escrowId, action: 'release' });

      const rows = newRows(before, await fullHistory(treasurer));
      assert.deepEqual(
        rows.map((r) => [r.kind, r.delta, r.amount]),
        [
          ['mint', 1_000, 1_000],
          ['escrow-out', -300, 300],
          ['escrow-released', 0, 300],
        ],
      );
      const end = (await treasurer.call('getBalance')).balance;
      assert.equal(end - start, 700);
      assert.equal(sum(rows), end - start);
    },
  },
  {
    name: "an escrow claimed by the recipient: the payer's history says claimed (once, no second debit), the recipient's says received, both add up, and the payer's chat preview stops showing it pending",
    realOnly: "the fake's apps share no ledger: an escrow made in one cannot be claimed in another",
    async run(target) {
      const bob = await target.signedInApp('bob', 'claim-bob');
      const alice = await target.signedInApp('alice', 'claim-alice');
      const treasurer = await target.signedInApp('org1admin', 'claim-treasurer');
      await treasurer.call('mint', { to: userIdOf('alice'), amount: 2_000 });
      await alice.eventually('the minted credits', async () =>
        (await alice.call('getBalance')).balance >= 2_000 ? true : undefined,
      );
      const aliceBefore = await fullHistory(alice);
      const bobBefore = await fullHistory(bob);
      const aliceStart = (await alice.call('getBalance')).balance;
      const bobStart = (await bob.call('getBalance')).balance;

      const chat = await alice.call('openDirect', { userId: userIdOf('bob') });
      const escrow = await alice.call('createEscrow', {
        to: userIdOf('bob'),
        amount: 500,
        deadline: Date.now() + HOUR,
        memo: 'for the venue',
        conversationId: chat.id,
      });
      await alice.eventually('the escrow as the last message', async () => {
        const c = (await alice.call('listConversations')).find((x) => x.id === chat.id);
        return c?.lastPreview?.endsWith('⏳') ? true : undefined;
      });
      // The recipient reads the note from the ledger.
      assert.equal((await bob.call('getEscrow', { escrowId: escrow.escrowId })).memo, 'for the venue');
      await bob.call('settleEscrow', { escrowId: escrow.escrowId, action: 'claim' });

      const aliceRows = newRows(aliceBefore, await fullHistory(alice));
      assert.deepEqual(
        aliceRows.map((r) => [r.kind, r.delta]),
        [
          ['escrow-out', -500],
          ['escrow-claimed', 0],
        ],
      );
      assert.equal(sum(aliceRows), (await alice.call('getBalance')).balance - aliceStart);
      const bobRows = newRows(bobBefore, await fullHistory(bob));
      assert.deepEqual(
        bobRows.map((r) => [r.kind, r.delta]),
        [['escrow-in', 500]],
      );
      assert.equal(sum(bobRows), (await bob.call('getBalance')).balance - bobStart);

      await alice.eventually('the preview of a claimed escrow', async () => {
        const c = (await alice.call('listConversations')).find((x) => x.id === chat.id);
        return c?.lastPreview?.endsWith('✓') ? true : undefined;
      });
    },
  },
  {
    name: 'paying or holding credits for an unknown user is UNKNOWN_USER, paying yourself SELF_PAYMENT; nothing moves',
    async run(target) {
      const treasurer = await target.signedInApp('org1admin', 'refusals-treasurer');
      await treasurer.call('mint', { to: userIdOf('org1admin'), amount: 500 });
      const before = await fullHistory(treasurer);
      const balance = (await treasurer.call('getBalance')).balance;
      const pay = { amount: 100, memo: '' };
      assert.equal(await treasurer.refused('sendPayment', { to: NOBODY, ...pay }), 'UNKNOWN_USER');
      assert.equal(await treasurer.refused('sendPayment', { to: userIdOf('org1admin'), ...pay }), 'SELF_PAYMENT');
      const deadline = Date.now() + HOUR;
      assert.equal(await treasurer.refused('createEscrow', { to: NOBODY, ...pay, deadline }), 'UNKNOWN_USER');
      assert.equal(
        await treasurer.refused('createEscrow', { to: userIdOf('org1admin'), ...pay, deadline }),
        'SELF_PAYMENT',
      );
      assert.equal((await treasurer.call('getBalance')).balance, balance);
      assert.deepEqual(await fullHistory(treasurer), before);
    },
  },
  {
    name: 'sharing with an unknown user is UNKNOWN_USER, not "it was never shared with you"',
    async run(target) {
      const alice = await target.signedInApp('alice', 'share-alice');
      const mine = (await alice.call('listMyItems')).length;
      const file = { name: 'note.txt', mimeType: 'text/plain', dataBase64: Buffer.from('hello').toString('base64') };
      const answer = await alice.result('shareItem', {
        file,
        grantee: { kind: 'user', userId: NOBODY },
        expiresAt: Date.now() + HOUR,
        canReshare: false,
      });
      assert.ok(!answer.ok);
      assert.equal(answer.error.code, 'UNKNOWN_USER');
      assert.equal((await alice.call('listMyItems')).length, mine, 'nothing was shared');
    },
  },
  {
    name: 'an over-long message or note is BAD_INPUT naming the field and its limit',
    async run(target) {
      await target.signedInApp('bob', 'limits-bob');
      const alice = await target.signedInApp('alice', 'limits-alice');
      const chat = await alice.call('openDirect', { userId: userIdOf('bob') });
      const long = await alice.result('sendMessage', {
        conversationId: chat.id,
        text: 'x'.repeat(MAX_MESSAGE_CHARS + 1),
      });
      assert.ok(!long.ok);
      assert.equal(long.error.code, 'BAD_INPUT');
      assert.deepEqual(long.error.detail, {
        field: 'text',
        rule: 'too_long',
        limit: MAX_MESSAGE_CHARS,
        unit: 'characters',
      });
      const memo = await alice.result('sendPayment', {
        to: userIdOf('bob'),
        amount: 1,
        memo: 'm'.repeat(MAX_MEMO_CHARS + 1),
      });
      assert.ok(!memo.ok);
      assert.deepEqual(memo.error.detail, {
        field: 'memo',
        rule: 'too_long',
        limit: MAX_MEMO_CHARS,
        unit: 'characters',
      });
      // Other cases use this conversation and alice's app may still be catching up on them, so a
      // count would race: what must hold is that no message over the limit exists, pending or sent.
      const page = await alice.call('listMessages', { conversationId: chat.id, limit: 500 });
      const overLimit = page.items.filter(
        (m) => m.content?.type === 'text' && m.content.text.length > MAX_MESSAGE_CHARS,
      );
      assert.deepEqual(overLimit, [], 'nothing was sent');
    },
  },
  {
    name: 'registering an id that exists is ALREADY_REGISTERED, not "someone changed this at the same moment"',
    async run(target) {
      const admin = await target.signedInApp('org1admin', 'register-admin');
      assert.equal(
        await admin.refused('adminRegister', { enrollmentId: 'alice', role: 'staff' }),
        'ALREADY_REGISTERED',
      );
    },
  },
  {
    name: 'Verify given a CSV export is NOT_AN_EXPORT (it expects the JSON export), and so is a file that is not JSON',
    async run(target) {
      const auditor = await target.signedInApp('auditor1', 'verify-auditor');
      const csv = 'time,timeUtc,txId,actor,action,target,outcome\r\n1,2026-01-01T00:00:00Z,tx,a,b,c,ok\r\n';
      assert.equal(await auditor.refused('auditVerify', { content: csv }), 'NOT_AN_EXPORT');
      assert.equal(await auditor.refused('auditVerify', { content: 'not json at all' }), 'NOT_AN_EXPORT');
    },
  },
];
