import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type AuditRow,
  type ReadBack,
  TAG,
  type User,
  auditTrail,
  b64,
  sealedFor,
  sleepUntil,
  uid,
  useLiveLedger,
  valueOf,
} from './support/transactions-fixture';
import {
  POLICY,
  accesses,
  auditSince,
  balance,
  escrow,
  getUser,
  grantTransient,
  grants,
  history,
  itemTransient,
  keys,
} from './support/read-backs';

// Every sharing, payments and audit transaction on the live two-org
// network: at least one success, and refusals whose read-back (by another
// user, through the chaincode) shows that nothing changed. Refusals of
// writes also check, through a compliance officer, that nothing reached the
// audit trail.

interface Escrow {
  escrowId: string;
  from: string;
  to: string;
  amount: number;
  deadline: number;
  state: string;
  settledBy?: string;
}
interface HistoryEntry {
  kind: string;
  delta: number;
  amount: number;
  counterparty: string;
  balanceAfter: number;
  memo?: string;
  conversationId?: string;
  escrowId?: string;
}
interface History {
  entries: HistoryEntry[];
  bookmark: string;
}
interface Grant {
  grantId: string;
  grantor: string;
  grantee: { kind: string; userId?: string; conversationId?: string };
  canReshare: boolean;
  expiresAt: number;
  parentGrantId?: string;
  state?: string;
}
interface Access {
  accessor: string;
  outcome: string;
  grantId?: string;
  code?: string;
}
/** GetTicket's answer: the committed decision of a RequestAccess. */
type Ticket =
  { ok: true; ticketId: string; grantId: string; expiresAt: number } | { ok: false; ticketId: string; code: string };
interface Served {
  payload: string;
  wrappedKey: string;
  grantId: string;
  granteeKind: string;
  epoch?: number;
  contentHash: string;
  ciphertextHash: string;
}

const HOUR = 3_600_000;
/** The chaincode's clock guard band (CLOCK_SKEW_MS): time rules hold for clients this far off. */
const SKEW = 60_000;

// Read-backs of this suite only, always by someone other than the refused caller.
const readItem = (as: User, itemId: string, ticketId: string): ReadBack => ({
  as,
  contract: 'sharing',
  tx: 'ReadItem',
  request: { itemId, ticketId },
});

describe('Transactions on the live network: payments, sharing, audit', { timeout: 20 * 60_000 }, () => {
  const suiteStart = Date.now();
  const escrows = new Map<'release' | 'claim' | 'refund', Escrow>();

  const live = useLiveLedger('tx-payments-sharing-audit', async (ledger) => {
    // org1admin too: grantees and payees must be in the directory.
    for (const user of ['alice', 'bob', 'carol', 'dave', 'org1admin'] as const) {
      await ledger.submit(user, 'directory', 'PublishKeys', keys());
    }
  });

  const myBalance = async (user: User): Promise<number> =>
    (await live().evaluate<{ balance: number }>(user, 'payments', 'GetBalance', {})).balance;
  const myHistory = async (user: User): Promise<HistoryEntry[]> =>
    (await live().evaluate<History>(user, 'payments', 'GetHistory', { pageSize: 200 })).entries;

  it('payments.Mint: treasury admins mint to their own users / another org (FORBIDDEN), staff (FORBIDDEN), over the per-mint limit (LIMIT_EXCEEDED), zero (BAD_INPUT), an unknown user (NOT_FOUND) and a disabled user (DISABLED) are refused, balances and audit unchanged (read by the recipients and auditors)', async () => {
    const minted = await live().submit<{ balance: number }>('org1admin', 'payments', 'Mint', {
      toUserId: uid('alice'),
      amount: 10_000,
      memo: 'payroll',
    });
    assert.equal(minted.balance, 10_000);
    await live().submit('org2admin', 'payments', 'Mint', { toUserId: uid('bob'), amount: 5_000 });
    await live().submit('org1admin', 'payments', 'Mint', { toUserId: uid('carol'), amount: 1_000 });
    assert.equal(await myBalance('alice'), 10_000);
    assert.equal(await myBalance('bob'), 5_000);
    assert.deepEqual(
      (await myHistory('alice')).map((e) => [e.kind, e.delta, e.counterparty, e.balanceAfter, e.memo]),
      [['mint', 10_000, uid('org1admin'), 10_000, 'payroll']],
    );

    const mint = (as: User, toUserId: string, amount: number) => ({
      as,
      contract: 'payments',
      tx: 'Mint',
      request: { toUserId, amount },
    });
    const t = Date.now();
    await live().refused(mint('org1admin', uid('bob'), 100), 'FORBIDDEN', balance('bob'), history('bob'));
    await live().refused(mint('alice', uid('alice'), 100), 'FORBIDDEN', balance('carol'), auditSince('auditor1', t));
    await live().refused(
      mint('org1admin', uid('alice'), 100_000_001),
      'LIMIT_EXCEEDED',
      balance('alice'),
      history('alice'),
    );
    await live().refused(mint('org1admin', uid('alice'), 0), 'BAD_INPUT', balance('alice'));
    await live().refused(
      mint('org1admin', 'Org1MSP::nobody', 100),
      'NOT_FOUND',
      getUser('alice', 'Org1MSP::nobody'),
      auditSince('auditor1', t),
    );

    await live().submit('org2admin', 'directory', 'DisableUser', { userId: uid('dave') });
    const disabledAt = Date.now();
    await live().refused(
      mint('org2admin', uid('dave'), 100),
      'DISABLED',
      getUser('bob', uid('dave')),
      auditSince('auditor2', disabledAt),
    );
    await live().submit('org2admin', 'directory', 'EnableUser', { userId: uid('dave') });
    assert.equal(await myBalance('dave'), 0);
  });

  it('payments.CreateEscrow: alice locks funds for bob and dave / to herself, a past deadline, a deadline over a year away (BAD_INPUT), more than her balance (INSUFFICIENT_FUNDS) and an unknown recipient (NOT_FOUND) are refused, balances and audit unchanged (read by bob and auditor1)', async () => {
    const create = (toUserId: string, amount: number, deadline: number) => ({
      as: 'alice' as const,
      contract: 'payments',
      tx: 'CreateEscrow',
      request: { toUserId, amount, deadline, memo: 'deposit' },
    });
    escrows.set('release', await live().call<Escrow>(create(uid('bob'), 500, Date.now() + HOUR)));
    escrows.set('claim', await live().call<Escrow>(create(uid('bob'), 300, Date.now() + HOUR)));
    // The shortest deadline allowed (more than 2 x 60 s away): claims close 60 s before it and
    // refunds open 60 s after it; checked in the last test.
    escrows.set('refund', await live().call<Escrow>(create(uid('dave'), 200, Date.now() + 2 * SKEW + 3_000)));
    const refund = escrows.get('refund') as Escrow;
    assert.equal(refund.state, 'open');
    assert.deepEqual(await live().evaluate('dave', 'payments', 'GetEscrow', { escrowId: refund.escrowId }), refund);
    assert.equal(await myBalance('alice'), 10_000 - 1_000);
    assert.deepEqual(
      (await myHistory('alice')).filter((e) => e.kind === 'escrow-out').map((e) => [e.delta, e.counterparty]),
      [
        [-500, uid('bob')],
        [-300, uid('bob')],
        [-200, uid('dave')],
      ],
    );

    const t = Date.now();
    const readBacks = [balance('bob'), history('bob'), auditSince('auditor1', t)];
    await live().refused(create(uid('alice'), 10, Date.now() + HOUR), 'BAD_INPUT', ...readBacks);
    await live().refused(create(uid('bob'), 10, Date.now() - 1_000), 'BAD_INPUT', ...readBacks);
    await live().refused(create(uid('bob'), 10, Date.now() + 2 * SKEW - 5_000), 'BAD_INPUT', ...readBacks);
    await live().refused(create(uid('bob'), 10, Date.now() + 367 * 24 * HOUR), 'BAD_INPUT', ...readBacks);
    await live().refused(create(uid('bob'), 1_000_000, Date.now() + HOUR), 'INSUFFICIENT_FUNDS', ...readBacks);
    await live().refused(create('Org2MSP::nobody', 10, Date.now() + HOUR), 'NOT_FOUND', ...readBacks);
  });

  it('payments.RefundEscrow (before the deadline): anyone is refused (FORBIDDEN), and an unknown escrow (NOT_FOUND), the escrow unchanged (read by alice and dave)', async () => {
    const refund = escrows.get('refund') as Escrow;
    const [open] = await live().refused(
      { as: 'carol', contract: 'payments', tx: 'RefundEscrow', request: { escrowId: refund.escrowId } },
      'FORBIDDEN',
      escrow('dave', refund.escrowId),
      escrow('alice', refund.escrowId),
    );
    assert.equal(valueOf<Escrow>(open).state, 'open');
    await live().refused(
      { as: 'carol', contract: 'payments', tx: 'RefundEscrow', request: { escrowId: 'no-such-escrow' } },
      'NOT_FOUND',
      escrow('alice', 'no-such-escrow'),
    );
  });

  it('payments.GetEscrow: both parties read it / a third party (FORBIDDEN) and an unknown id (NOT_FOUND) are refused, the escrow unchanged (read by the parties)', async () => {
    const release = escrows.get('release') as Escrow;
    const bobs = await live().evaluate<Escrow>('bob', 'payments', 'GetEscrow', { escrowId: release.escrowId });
    assert.deepEqual(bobs, release);
    assert.deepEqual(await live().evaluate('alice', 'payments', 'GetEscrow', { escrowId: release.escrowId }), release);
    await live().refused(
      { as: 'carol', contract: 'payments', tx: 'GetEscrow', request: { escrowId: release.escrowId }, evaluate: true },
      'FORBIDDEN',
      escrow('bob', release.escrowId),
    );
    await live().refused(
      { as: 'bob', contract: 'payments', tx: 'GetEscrow', request: { escrowId: 'no-such-escrow' }, evaluate: true },
      'NOT_FOUND',
      escrow('alice', 'no-such-escrow'),
    );
  });

  it('payments.ReleaseEscrow: the sender releases to bob / the recipient (FORBIDDEN), an unknown escrow (NOT_FOUND) and releasing twice (CONFLICT) are refused, escrow and balances unchanged (read by the other party)', async () => {
    const release = escrows.get('release') as Escrow;
    const call = (as: User, escrowId: string) => ({
      as,
      contract: 'payments',
      tx: 'ReleaseEscrow',
      request: { escrowId },
    });
    await live().refused(
      call('bob', release.escrowId),
      'FORBIDDEN',
      escrow('alice', release.escrowId),
      balance('alice'),
    );
    await live().refused(call('alice', 'no-such-escrow'), 'NOT_FOUND', escrow('bob', 'no-such-escrow'), balance('bob'));

    const settled = await live().call<Escrow>(call('alice', release.escrowId));
    assert.equal(settled.state, 'released');
    const seen = await live().evaluate<Escrow>('bob', 'payments', 'GetEscrow', { escrowId: release.escrowId });
    assert.equal(seen.state, 'released');
    assert.equal(seen.settledBy, uid('alice'));
    assert.equal(await myBalance('bob'), 5_000 + 500);
    const last = (await myHistory('bob')).at(-1);
    assert.deepEqual([last?.kind, last?.delta, last?.escrowId], ['escrow-in', 500, release.escrowId]);

    await live().refused(call('alice', release.escrowId), 'CONFLICT', escrow('bob', release.escrowId), balance('bob'));
  });

  it('payments.ClaimEscrow: the recipient claims / the sender (FORBIDDEN), a third party (FORBIDDEN) and claiming twice (CONFLICT) are refused, escrow and balances unchanged (read by the other party)', async () => {
    const claim = escrows.get('claim') as Escrow;
    const call = (as: User) => ({ as, contract: 'payments', tx: 'ClaimEscrow', request: { escrowId: claim.escrowId } });
    await live().refused(call('alice'), 'FORBIDDEN', escrow('bob', claim.escrowId), balance('bob'));
    await live().refused(call('carol'), 'FORBIDDEN', escrow('bob', claim.escrowId), escrow('alice', claim.escrowId));

    const settled = await live().call<Escrow>(call('bob'));
    assert.equal(settled.state, 'claimed');
    const seen = await live().evaluate<Escrow>('alice', 'payments', 'GetEscrow', { escrowId: claim.escrowId });
    assert.equal(seen.state, 'claimed');
    assert.equal(await myBalance('bob'), 5_000 + 500 + 300);
    // The sender gets a notice row saying the recipient claimed it; her balance was debited at creation.
    const notice = (await myHistory('alice')).at(-1);
    assert.deepEqual([notice?.kind, notice?.delta, notice?.escrowId], ['escrow-claimed', 0, claim.escrowId]);

    await live().refused(call('bob'), 'CONFLICT', escrow('alice', claim.escrowId), history('alice'));
  });

  it('payments.Transfer: alice pays bob, directly and in a conversation that allows payments / to herself, a 281-char memo, no memo (BAD_INPUT), more than her balance (INSUFFICIENT_FUNDS), a conversation without payments (FORBIDDEN), a recipient outside the conversation (FORBIDDEN), an unknown conversation (NOT_FOUND) and an unknown recipient (NOT_FOUND) are refused, balances and audit unchanged (read by bob and auditors)', async () => {
    await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'pay',
      policy: POLICY,
      members: [{ userId: uid('bob'), role: 'member' }],
      wrappedKeys: sealedFor('alice', 'bob'),
    });
    await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'nopay',
      policy: { ...POLICY, paymentsAllowed: false },
      members: [{ userId: uid('bob'), role: 'member' }],
      wrappedKeys: sealedFor('alice', 'bob'),
    });
    const bobBefore = await myBalance('bob');
    const paid = await live().submit<{ balance: number }>('alice', 'payments', 'Transfer', {
      toUserId: uid('bob'),
      amount: 1_000,
      memo: 'lunch',
    });
    assert.equal(paid.balance, 9_000 - 1_000);
    await live().submit('alice', 'payments', 'Transfer', {
      toUserId: uid('bob'),
      amount: 250,
      memo: '',
      conversationId: 'pay',
    });
    assert.equal(await myBalance('bob'), bobBefore + 1_250);
    assert.deepEqual(
      (await myHistory('bob')).slice(-2).map((e) => [e.kind, e.delta, e.counterparty, e.memo, e.conversationId]),
      [
        ['transfer-in', 1_000, uid('alice'), 'lunch', undefined],
        ['transfer-in', 250, uid('alice'), '', 'pay'],
      ],
    );

    const transfer = (request: Record<string, unknown>) => ({
      as: 'alice' as const,
      contract: 'payments',
      tx: 'Transfer',
      request: { toUserId: uid('bob'), amount: 10, memo: 'm', ...request },
    });
    const t = Date.now();
    const readBacks = [balance('bob'), history('bob'), auditSince('auditor1', t), auditSince('auditor2', t)];
    await live().refused(transfer({ toUserId: uid('alice') }), 'BAD_INPUT', ...readBacks);
    await live().refused(transfer({ memo: 'x'.repeat(281) }), 'BAD_INPUT', ...readBacks);
    await live().refused({ ...transfer({}), request: { toUserId: uid('bob'), amount: 10 } }, 'BAD_INPUT', ...readBacks);
    await live().refused(transfer({ amount: 1_000_000 }), 'INSUFFICIENT_FUNDS', ...readBacks);
    await live().refused(transfer({ conversationId: 'nopay' }), 'FORBIDDEN', ...readBacks);
    await live().refused(
      transfer({ toUserId: uid('dave'), conversationId: 'pay' }),
      'FORBIDDEN',
      balance('dave'),
      auditSince('auditor2', t),
    );
    await live().refused(transfer({ conversationId: 'ghost' }), 'NOT_FOUND', ...readBacks);
    await live().refused(transfer({ toUserId: 'Org2MSP::nobody' }), 'NOT_FOUND', ...readBacks);
  });

  it('payments.GetBalance: each user reads their own balance / asking for someone else (BAD_INPUT) is refused, that balance unchanged (read by its owner)', async () => {
    assert.equal(await myBalance('alice'), 10_000 - 1_000 - 1_250);
    assert.equal(await myBalance('carol'), 1_000);
    assert.deepEqual(await live().evaluate('dave', 'payments', 'GetBalance', {}), { userId: uid('dave'), balance: 0 });
    await live().refused(
      { as: 'bob', contract: 'payments', tx: 'GetBalance', request: { userId: uid('alice') }, evaluate: true },
      'BAD_INPUT',
      balance('alice'),
    );
  });

  it("payments.GetHistory: alice pages through her history and dave's is an empty page / a bookmark into bob's history and an oversized page (BAD_INPUT) are refused, bob's history unchanged (read by bob)", async () => {
    const all = await myHistory('alice');
    assert.deepEqual(
      all.map((e) => e.kind),
      [
        'mint',
        'escrow-out',
        'escrow-out',
        'escrow-out',
        'escrow-released',
        'escrow-claimed',
        'transfer-out',
        'transfer-out',
      ],
    );
    const page1 = await live().evaluate<History>('alice', 'payments', 'GetHistory', { pageSize: 5 });
    const page2 = await live().evaluate<History>('alice', 'payments', 'GetHistory', {
      pageSize: 5,
      bookmark: page1.bookmark,
    });
    assert.deepEqual([...page1.entries, ...page2.entries], all);
    assert.equal(page2.bookmark, '');
    assert.deepEqual(await live().evaluate('dave', 'payments', 'GetHistory', { pageSize: 10 }), {
      entries: [],
      bookmark: '',
    });

    await live().refused(
      {
        as: 'alice',
        contract: 'payments',
        tx: 'GetHistory',
        request: { pageSize: 10, bookmark: `payhist|${uid('bob')}|` },
        evaluate: true,
      },
      'BAD_INPUT',
      history('bob'),
    );
    await live().refused(
      { as: 'alice', contract: 'payments', tx: 'GetHistory', request: { pageSize: 201 }, evaluate: true },
      'BAD_INPUT',
      history('bob'),
    );
  });

  const payload = randomBytes(4096);
  const ownerKey = b64(80);
  const contentHash = createHash('sha256').update('the plaintext').digest('hex');
  let ownerTicket = '';
  let bobGrant: Grant;
  let bobKey = '';
  let bobTicket = '';
  let daveGrant: Grant;
  let teamGrant: Grant;
  let shortGrant: Grant;
  let carolTicket = '';

  /** RequestAccess answers only its ticket id (its txId); the committed decision comes from GetTicket. */
  const requestAccess = async (user: User, itemId: string): Promise<Ticket> => {
    const { value, txId } = await live().commit<{ ticketId: string }>(user, 'sharing', 'RequestAccess', { itemId });
    assert.deepEqual(value, { ticketId: txId });
    const decided = await live().evaluate<Ticket>(user, 'sharing', 'GetTicket', { itemId, ticketId: txId });
    assert.equal(decided.ticketId, txId);
    return decided;
  };
  const ticket = async (user: User, itemId: string): Promise<string> => {
    const res = await requestAccess(user, itemId);
    assert.ok(res.ok, `${user} expected a ticket for ${itemId}, got ${JSON.stringify(res)}`);
    return res.ticketId;
  };
  const denial = (t: Ticket) => (t.ok ? { ok: true } : { ok: false, code: t.code });

  it('sharing.RegisterItem: alice registers an encrypted item / an existing id (CONFLICT), no payload and a malformed content hash (BAD_INPUT) are refused, the item unchanged (read by alice, carol and auditor1)', async () => {
    const register = (
      as: User,
      itemId: string,
      extra: Record<string, unknown> = {},
      data: Buffer | null = payload,
    ) => ({
      as,
      contract: 'sharing',
      tx: 'RegisterItem',
      request: { itemId, contentHash, size: 13, mimeType: 'application/pdf', ...extra },
      ...(data === null ? {} : { transient: itemTransient(data, Buffer.from(ownerKey, 'base64')) }),
    });
    const item = await live().call<{ owner: string; ciphertextHash: string; ciphertextSize: number }>(
      register('alice', 'doc-1'),
    );
    assert.equal(item.owner, uid('alice'));
    assert.equal(item.ciphertextHash, createHash('sha256').update(payload).digest('hex'));
    assert.equal(item.ciphertextSize, payload.length);
    ownerTicket = await ticket('alice', 'doc-1');
    const served = await live().evaluate<Served>('alice', 'sharing', 'ReadItem', {
      itemId: 'doc-1',
      ticketId: ownerTicket,
    });
    assert.deepEqual(
      [served.payload, served.wrappedKey, served.granteeKind, served.contentHash],
      [payload.toString('base64'), ownerKey, 'owner', contentHash],
    );
    const recorded = await auditTrail(live(), 'auditor1', { action: 'sharing.RegisterItem', from: suiteStart });
    assert.deepEqual(
      recorded.map((r) => [r.actor, r.target]),
      [[uid('alice'), 'item:doc-1']],
    );

    await live().refused(
      register('bob', 'doc-1', {}, randomBytes(64)),
      'CONFLICT',
      readItem('alice', 'doc-1', ownerTicket),
      grants('alice', 'doc-1'),
    );
    await live().refused(register('alice', 'doc-2', {}, null), 'BAD_INPUT', grants('carol', 'doc-2'));
    await live().refused(
      register('alice', 'doc-2', { contentHash: contentHash.toUpperCase() }),
      'BAD_INPUT',
      grants('carol', 'doc-2'),
    );
  });

  it("sharing.GrantAccess: the owner grants a user and a group, and a grantee reshares within his grant / no reshare right (FORBIDDEN), a later expiry than one's own grant (FORBIDDEN), a group one is not in (FORBIDDEN), a past expiry and oneself (BAD_INPUT), an unknown user, group or item (NOT_FOUND) are refused, grants and audit unchanged (read by alice, bob and auditor1)", async () => {
    const grant = (as: User, grantee: Record<string, string>, extra: Record<string, unknown> = {}, key = b64(80)) => ({
      as,
      contract: 'sharing',
      tx: 'GrantAccess',
      request: {
        itemId: 'doc-1',
        grantee,
        canReshare: false,
        expiresAt: Date.now() + HOUR,
        ...extra,
      },
      transient: grantTransient(key),
    });
    const user = (userId: string) => ({ kind: 'user', userId });
    const group = (conversationId: string) => ({ kind: 'group', conversationId });

    bobKey = b64(80);
    bobGrant = await live().call<Grant>(grant('alice', user(uid('bob')), { canReshare: true }, bobKey));
    bobTicket = await ticket('bob', 'doc-1');
    const bobs = await live().evaluate<Served>('bob', 'sharing', 'ReadItem', { itemId: 'doc-1', ticketId: bobTicket });
    assert.deepEqual(
      [bobs.payload, bobs.wrappedKey, bobs.grantId, bobs.granteeKind],
      [payload.toString('base64'), bobKey, bobGrant.grantId, 'user'],
    );

    await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'team',
      policy: POLICY,
      members: [{ userId: uid('carol'), role: 'member' }],
      wrappedKeys: sealedFor('alice', 'carol'),
    });
    teamGrant = await live().call<Grant>(grant('alice', group('team')));
    daveGrant = await live().call<Grant>(grant('bob', user(uid('dave')), { expiresAt: bobGrant.expiresAt }));
    assert.equal(daveGrant.parentGrantId, bobGrant.grantId);
    // Counts as active only while now + 60 s < expiresAt, so it lapses in seconds:
    // RequestAccess reports EXPIRED for it later.
    shortGrant = await live().call<Grant>(
      grant('alice', user(uid('org1admin')), { expiresAt: Date.now() + SKEW + 3_000 }),
    );
    const listed = await live().evaluate<{ grants: Grant[] }>('alice', 'sharing', 'ListGrants', { itemId: 'doc-1' });
    assert.equal(listed.grants.length, 4);

    const t = Date.now();
    const asOwner = [grants('alice', 'doc-1'), auditSince('auditor1', t)];
    const asOthers = [readItem('bob', 'doc-1', bobTicket), auditSince('auditor1', t)];
    await live().refused(grant('carol', user(uid('dave'))), 'FORBIDDEN', ...asOwner);
    await live().refused(grant('dave', user(uid('carol'))), 'FORBIDDEN', ...asOwner);
    await live().refused(
      grant('bob', user(uid('carol')), { expiresAt: bobGrant.expiresAt + 1 }),
      'FORBIDDEN',
      ...asOwner,
    );
    await live().refused(grant('bob', group('team'), { expiresAt: bobGrant.expiresAt }), 'FORBIDDEN', ...asOwner);
    await live().refused(grant('alice', user(uid('bob')), { expiresAt: Date.now() - 1 }), 'BAD_INPUT', ...asOthers);
    await live().refused(
      grant('alice', user(uid('bob')), { expiresAt: Date.now() + SKEW - 5_000 }),
      'BAD_INPUT',
      ...asOthers,
    );
    await live().refused(grant('alice', user(uid('alice'))), 'BAD_INPUT', ...asOthers);
    await live().refused(grant('alice', user('Org2MSP::nobody')), 'NOT_FOUND', ...asOthers);
    await live().refused(grant('alice', group('ghost')), 'NOT_FOUND', ...asOthers);
    await live().refused(
      grant('alice', user(uid('bob')), { itemId: 'ghost' }),
      'NOT_FOUND',
      grants('bob', 'ghost'),
      auditSince('auditor1', t),
    );
  });

  it("sharing.RevokeGrant: the owner revokes a grant (cutting off what was reshared from it) and a grantor revokes his own reshare / a grantee of someone else's grant (FORBIDDEN), an unknown grant (NOT_FOUND) and revoking twice (CONFLICT) are refused, grants unchanged (read by alice and bob)", async () => {
    const revoke = (as: User, grantId: string) => ({
      as,
      contract: 'sharing',
      tx: 'RevokeGrant',
      request: { itemId: 'doc-1', grantId },
    });
    await live().refused(revoke('dave', bobGrant.grantId), 'FORBIDDEN', grants('alice', 'doc-1'));
    await live().refused(revoke('carol', teamGrant.grantId), 'FORBIDDEN', grants('alice', 'doc-1'));
    await live().refused(revoke('alice', 'no-such-grant'), 'NOT_FOUND', readItem('bob', 'doc-1', bobTicket));

    const revoked = await live().call<Grant & { revokedBy: string }>(revoke('alice', bobGrant.grantId));
    assert.equal(revoked.revokedBy, uid('alice'));
    const state = async () =>
      Object.fromEntries(
        (await live().evaluate<{ grants: Grant[] }>('alice', 'sharing', 'ListGrants', { itemId: 'doc-1' })).grants.map(
          (g) => [g.grantId, g.state],
        ),
      );
    assert.equal((await state())[bobGrant.grantId], 'revoked');
    assert.equal((await state())[daveGrant.grantId], 'revoked', 'a reshare dies with its parent');
    // The grantor may still revoke his own reshare explicitly.
    await live().call(revoke('bob', daveGrant.grantId));

    await live().refused(
      revoke('alice', bobGrant.grantId),
      'CONFLICT',
      readItem('bob', 'doc-1', bobTicket),
      auditSince('auditor1', Date.now()),
    );
    await live().refused(revoke('bob', daveGrant.grantId), 'CONFLICT', grants('alice', 'doc-1'));
  });

  it('sharing.ListGrants: the owner lists grants with their state / a non-owner (FORBIDDEN) and an unknown item (NOT_FOUND) are refused, the grants unchanged (read by alice and carol)', async () => {
    await sleepUntil(shortGrant.expiresAt - SKEW + 500);
    const listed = await live().evaluate<{ grants: Array<Grant & { wrappedKey?: string }> }>(
      'alice',
      'sharing',
      'ListGrants',
      { itemId: 'doc-1' },
    );
    const states = new Map(listed.grants.map((g) => [g.grantId, g.state]));
    assert.deepEqual(
      [bobGrant, daveGrant, teamGrant, shortGrant].map((g) => states.get(g.grantId)),
      ['revoked', 'revoked', 'active', 'expired'],
    );
    assert.ok(
      listed.grants.every((g) => g.wrappedKey === undefined),
      'no wrapped keys in the listing',
    );
    const list = (as: User, itemId: string) => ({
      as,
      contract: 'sharing',
      tx: 'ListGrants',
      request: { itemId },
      evaluate: true,
    });
    await live().refused(list('bob', 'doc-1'), 'FORBIDDEN', grants('alice', 'doc-1'));
    await live().refused(list('alice', 'ghost'), 'NOT_FOUND', grants('carol', 'ghost'));
  });

  it('sharing.RequestAccess: a group member gets a ticket / a revoked grantee is denied (FORBIDDEN), an expired grantee is denied (EXPIRED) and an unknown item is denied (NOT_FOUND), each denial logged but no ticket or grant change; a malformed request (BAD_INPUT) is refused outright, the log unchanged (read by alice)', async () => {
    const carol = await requestAccess('carol', 'doc-1');
    assert.ok(carol.ok);
    assert.equal(carol.grantId, teamGrant.grantId);
    carolTicket = carol.ticketId;

    const grantsBefore = await live().read(grants('alice', 'doc-1'));
    for (const [user, code] of [
      ['bob', 'FORBIDDEN'],
      ['dave', 'FORBIDDEN'],
      ['org1admin', 'EXPIRED'],
    ] as const) {
      assert.deepEqual(denial(await requestAccess(user, 'doc-1')), { ok: false, code });
    }
    assert.deepEqual(denial(await requestAccess('bob', 'ghost')), { ok: false, code: 'NOT_FOUND' });
    // Denials commit their access record and a denied ticket: grants are untouched, nothing is granted.
    assert.deepEqual(await live().read(grants('alice', 'doc-1')), grantsBefore);
    const log = await live().evaluate<{ accesses: Access[] }>('alice', 'sharing', 'ListAccesses', { itemId: 'doc-1' });
    assert.deepEqual(
      log.accesses.slice(-4).map((a) => [a.accessor, a.outcome, a.grantId, a.code]),
      [
        [uid('carol'), 'granted', teamGrant.grantId, undefined],
        [uid('bob'), 'denied', undefined, 'FORBIDDEN'],
        [uid('dave'), 'denied', undefined, 'FORBIDDEN'],
        [uid('org1admin'), 'denied', undefined, 'EXPIRED'],
      ],
    );

    await live().refused(
      { as: 'bob', contract: 'sharing', tx: 'RequestAccess', request: { itemId: 'doc-1', for: uid('alice') } },
      'BAD_INPUT',
      accesses('alice', 'doc-1'),
      grants('alice', 'doc-1'),
    );
  });

  it("sharing.GetTicket: the requester reads her committed decision / someone else's ticket id and the id of a RequestAccess that was only evaluated (NOT_FOUND) are refused, the ticket and the access log unchanged (read by carol and alice)", async () => {
    const mine = await live().evaluate<Ticket>('carol', 'sharing', 'GetTicket', {
      itemId: 'doc-1',
      ticketId: carolTicket,
    });
    assert.deepEqual([mine.ok, mine.ok && mine.grantId], [true, teamGrant.grantId]);
    const getTicket = (as: User, ticketId: string) => ({
      as,
      contract: 'sharing',
      tx: 'GetTicket',
      request: { itemId: 'doc-1', ticketId },
      evaluate: true,
    });
    const readBacks = [
      {
        as: 'carol' as const,
        contract: 'sharing',
        tx: 'GetTicket',
        request: { itemId: 'doc-1', ticketId: carolTicket },
      },
      accesses('alice', 'doc-1'),
    ];
    await live().refused(getTicket('dave', carolTicket), 'NOT_FOUND', ...readBacks);
    // An evaluated RequestAccess answers its would-be ticket id, which names nothing committed.
    const { ticketId } = await live().evaluate<{ ticketId: string }>('dave', 'sharing', 'RequestAccess', {
      itemId: 'doc-1',
    });
    await live().refused(getTicket('dave', ticketId), 'NOT_FOUND', ...readBacks);
  });

  it("sharing.ReadItem: a group member reads with her ticket / someone else's ticket (FORBIDDEN), a revoked grant's ticket (FORBIDDEN) and an unknown item (NOT_FOUND) are refused, the item unchanged (read by carol and alice)", async () => {
    const served = await live().evaluate<Served>('carol', 'sharing', 'ReadItem', {
      itemId: 'doc-1',
      ticketId: carolTicket,
    });
    assert.deepEqual(
      [served.payload, served.grantId, served.granteeKind, served.epoch],
      [payload.toString('base64'), teamGrant.grantId, 'group', 1],
    );
    const read = (as: User, itemId: string, ticketId: string) => ({
      as,
      contract: 'sharing',
      tx: 'ReadItem',
      request: { itemId, ticketId },
      evaluate: true,
    });
    await live().refused(read('dave', 'doc-1', carolTicket), 'FORBIDDEN', readItem('carol', 'doc-1', carolTicket));
    await live().refused(read('bob', 'doc-1', bobTicket), 'FORBIDDEN', readItem('alice', 'doc-1', ownerTicket));
    await live().refused(read('carol', 'ghost', carolTicket), 'NOT_FOUND', readItem('alice', 'doc-1', ownerTicket));
  });

  it("sharing.ListAccesses: the owner pages through the access log, and an item nobody asked for has an empty log / a non-owner (FORBIDDEN) and a bookmark into another item's log (BAD_INPUT) are refused, the log unchanged (read by alice and auditor1)", async () => {
    const log = await live().evaluate<{ accesses: Access[]; bookmark: string }>('alice', 'sharing', 'ListAccesses', {
      itemId: 'doc-1',
    });
    assert.equal(log.accesses.length, 6);
    assert.equal(log.bookmark, '');
    const page1 = await live().evaluate<{ accesses: Access[]; bookmark: string }>('alice', 'sharing', 'ListAccesses', {
      itemId: 'doc-1',
      pageSize: 4,
    });
    const page2 = await live().evaluate<{ accesses: Access[]; bookmark: string }>('alice', 'sharing', 'ListAccesses', {
      itemId: 'doc-1',
      pageSize: 4,
      bookmark: page1.bookmark,
    });
    assert.deepEqual([...page1.accesses, ...page2.accesses], log.accesses);

    await live().submit(
      'bob',
      'sharing',
      'RegisterItem',
      { itemId: 'doc-quiet', contentHash, size: 1, mimeType: 'text/plain' },
      itemTransient(randomBytes(32)),
    );
    assert.deepEqual(await live().evaluate('bob', 'sharing', 'ListAccesses', { itemId: 'doc-quiet' }), {
      accesses: [],
      bookmark: '',
    });

    await live().refused(
      { as: 'bob', contract: 'sharing', tx: 'ListAccesses', request: { itemId: 'doc-1' }, evaluate: true },
      'FORBIDDEN',
      accesses('alice', 'doc-1'),
    );
    await live().refused(
      {
        as: 'alice',
        contract: 'sharing',
        tx: 'ListAccesses',
        request: { itemId: 'doc-1', bookmark: 'access|doc-quiet|' },
        evaluate: true,
      },
      'BAD_INPUT',
      accesses('bob', 'doc-quiet'),
      auditSince('auditor1', Date.now()),
    );
  });

  let sample: AuditRow;

  it("audit.QueryAudit: compliance officers query their own org's trail, an empty window is an empty page / staff (FORBIDDEN, unrecorded), a bookmark into another org's copy, from after to and an oversized page (BAD_INPUT) are refused, the trail unchanged (read by the other officer)", async () => {
    const alices = await auditTrail(live(), 'auditor1', { actor: uid('alice'), from: suiteStart });
    assert.ok(alices.every((r) => r.actor === uid('alice') && /^[0-9a-f]{64}$/.test(r.txId)));
    const actions = new Set(alices.map((r) => r.action));
    for (const action of [
      'directory.publishKeys',
      'payments.CreateEscrow',
      'payments.Transfer',
      'sharing.RegisterItem',
    ]) {
      assert.ok(actions.has(action), `${action} in alice's trail`);
    }
    // Org2's copy holds what involved Org2 (alice paying bob), not Org1-only records.
    const seenByOrg2 = await auditTrail(live(), 'auditor2', { actor: uid('alice'), from: suiteStart });
    assert.ok(seenByOrg2.some((r) => r.action === 'payments.Transfer'));
    assert.ok(!seenByOrg2.some((r) => r.action === 'sharing.RegisterItem'));
    assert.deepEqual(await live().evaluate('auditor1', 'audit', 'QueryAudit', { from: 0, to: 1, pageSize: 10 }), {
      records: [],
      scanned: 0,
      bookmark: '',
    });
    sample = alices.find((r) => r.action === 'sharing.RegisterItem') as AuditRow;

    const query = (as: User, request: Record<string, unknown>) => ({
      as,
      contract: 'audit',
      tx: 'QueryAudit',
      request: { pageSize: 10, ...request },
      evaluate: true,
    });
    const t = Date.now();
    await live().refused(query('alice', { from: suiteStart }), 'FORBIDDEN', auditSince('auditor1', t));
    await live().refused(query('auditor1', { bookmark: 'audit|Org2MSP|' }), 'BAD_INPUT', auditSince('auditor2', t));
    await live().refused(query('auditor1', { from: 2, to: 1 }), 'BAD_INPUT', auditSince('auditor2', t));
    await live().refused(query('auditor2', { pageSize: 201 }), 'BAD_INPUT', auditSince('auditor1', t));
  });

  it("audit.GetAuditRecord: an officer fetches a record by its coordinates / staff (FORBIDDEN) and the other org's officer for an Org1-only record (NOT_FOUND) are refused, the record unchanged (read by auditor1)", async () => {
    const coordinates = { time: sample.time, txId: sample.txId, seq: sample.seq };
    assert.deepEqual(await live().evaluate('auditor1', 'audit', 'GetAuditRecord', coordinates), sample);
    const get = (as: User) => ({ as, contract: 'audit', tx: 'GetAuditRecord', request: coordinates, evaluate: true });
    const record: ReadBack = { as: 'auditor1', contract: 'audit', tx: 'GetAuditRecord', request: coordinates };
    await live().refused(get('alice'), 'FORBIDDEN', record);
    await live().refused(get('auditor2'), 'NOT_FOUND', record);
  });

  it("payments.RefundEscrow (after the deadline): anyone refunds the sender / the recipient's late claim (EXPIRED, a ClaimEscrow refusal) and refunding twice (CONFLICT) are refused, the escrow unchanged (read by the parties); every credit minted is accounted for", async () => {
    const refund = escrows.get('refund') as Escrow;
    // Escrow time is transaction time: wait until the deadline has passed by the 60 s guard band.
    await sleepUntil(refund.deadline + SKEW + 1_500);
    const aliceBefore = await myBalance('alice');
    await live().refused(
      { as: 'dave', contract: 'payments', tx: 'ClaimEscrow', request: { escrowId: refund.escrowId } },
      'EXPIRED',
      escrow('alice', refund.escrowId),
      auditSince('auditor2', Date.now()),
    );

    const settled = await live().submit<Escrow>('carol', 'payments', 'RefundEscrow', { escrowId: refund.escrowId });
    assert.equal(settled.state, 'refunded');
    for (const party of ['alice', 'dave'] as const) {
      const seen = await live().evaluate<Escrow>(party, 'payments', 'GetEscrow', { escrowId: refund.escrowId });
      assert.deepEqual([seen.state, seen.settledBy], ['refunded', uid('carol')]);
    }
    assert.equal(await myBalance('alice'), aliceBefore + 200);
    const last = (await myHistory('alice')).at(-1);
    assert.deepEqual([last?.kind, last?.delta, last?.escrowId], ['escrow-refund', 200, refund.escrowId]);

    await live().refused(
      { as: 'carol', contract: 'payments', tx: 'RefundEscrow', request: { escrowId: refund.escrowId } },
      'CONFLICT',
      escrow('dave', refund.escrowId),
      balance('alice'),
    );

    // Every escrow is settled, so balances alone must add up to everything minted.
    const balances = await Promise.all((['alice', 'bob', 'carol', 'dave'] as const).map(myBalance));
    assert.equal(
      balances.reduce((a, b) => a + b, 0),
      10_000 + 5_000 + 1_000,
    );
  });
});
