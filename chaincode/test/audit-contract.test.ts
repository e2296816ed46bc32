import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { AuditContract } from '../src/contracts/audit-contract';
import { SharingContract } from '../src/contracts/sharing-contract';
import { CLOCK_SKEW_MS } from '../src/lib/clock';
import type { AuditRecord } from '../src/lib/context';
import { FakeLedger, type TestIdentity, alice, bob, org1Admin, org1Compliance, userIdFor } from './support/fake-ledger';
import { addUser, bind, ok, rejects, sendsKeysInTransient } from './support/sharing-setup';

const audit = bind(new AuditContract(), ['QueryAudit', 'GetAuditRecord', 'RecordExport'] as const);
const sharing = bind(new SharingContract(), ['RegisterItem', 'GrantAccess', 'RequestAccess'] as const);

/** An Org2 compliance officer, to show each org sees only its own copy. */
const org2Compliance: TestIdentity = {
  mspId: 'Org2MSP',
  enrollmentId: 'auditor2',
  attrs: { 'ktalk.role': 'compliance' },
};

interface Page {
  /** `edge` marks records stamped outside [from, to] but within the clock skew of it. */
  records: Array<AuditRecord & { edge?: true }>;
  scanned: number;
  bookmark: string;
}

const HASH = createHash('sha256').update('x').digest('hex');
const WRAPPED = Buffer.alloc(80, 1).toString('base64');

async function register(ledger: FakeLedger, who: TestIdentity, itemId: string, time?: number): Promise<string> {
  const out = await ledger.invoke(
    who,
    sharing.RegisterItem,
    { itemId, contentHash: HASH, size: 1, mimeType: 'text/plain', ownerWrappedKey: WRAPPED },
    { transient: { payload: Buffer.from('c') }, ...(time !== undefined ? { time } : {}) },
  );
  assert.ok(out.ok);
  return out.txId;
}

/**
 * Alice (Org1) registers a1 and grants bob (Org2); bob registers b1 (Org2 only),
 * then requests a1 (touches Org1) and is denied on b-less a2.
 */
async function setup(): Promise<{ ledger: FakeLedger; txs: Record<string, string> }> {
  const ledger = sendsKeysInTransient(new FakeLedger());
  addUser(ledger, alice);
  addUser(ledger, bob);
  const txs: Record<string, string> = {};
  txs.a1 = await register(ledger, alice, 'a1');
  const grant = await ledger.invoke(alice, sharing.GrantAccess, {
    itemId: 'a1',
    grantee: { kind: 'user', userId: userIdFor(bob) },
    canReshare: false,
    expiresAt: ledger.clock + 3600_000,
    wrappedKey: WRAPPED,
  });
  assert.ok(grant.ok);
  txs.grant = grant.txId;
  txs.b1 = await register(ledger, bob, 'b1');
  const req = await ledger.invoke(bob, sharing.RequestAccess, { itemId: 'a1' });
  assert.ok(req.ok);
  txs.request = req.txId;
  txs.a2 = await register(ledger, alice, 'a2');
  const denied = await ledger.invoke(bob, sharing.RequestAccess, { itemId: 'a2' });
  assert.ok(denied.ok);
  txs.denied = denied.txId;
  return { ledger, txs };
}

const query = async (ledger: FakeLedger, who: TestIdentity, request: object): Promise<Page> =>
  ok(await ledger.invoke<Page>(who, audit.QueryAudit, request));

describe('AuditContract.QueryAudit', () => {
  it('staff cannot query the audit trail', async () => {
    const { ledger } = await setup();
    await rejects(ledger, alice, audit.QueryAudit, { pageSize: 10 }, 'FORBIDDEN');
  });

  it('an admin cannot query the audit trail either', async () => {
    const { ledger } = await setup();
    await rejects(ledger, org1Admin, audit.QueryAudit, { pageSize: 10 }, 'FORBIDDEN');
  });

  it('a disabled compliance officer is refused', async () => {
    const { ledger } = await setup();
    addUser(ledger, org1Compliance, 'disabled');
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 10 }, 'DISABLED');
  });

  it("a compliance officer sees their org's actions and anything that touched their org, in time order", async () => {
    const { ledger, txs } = await setup();
    const page = await query(ledger, org1Compliance, { pageSize: 50 });
    assert.deepEqual(
      page.records.map((r) => r.txId),
      [txs.a1, txs.grant, txs.request, txs.a2, txs.denied],
    );
    assert.ok(!page.records.some((r) => r.txId === txs.b1), "Org2's own item is not Org1's business");
    assert.ok(page.records.every((r) => r.orgs.includes('Org1MSP')));
    assert.equal(page.bookmark, '');
    const org2 = await query(ledger, org2Compliance, { pageSize: 50 });
    assert.deepEqual(
      org2.records.map((r) => r.txId),
      [txs.grant, txs.b1, txs.request, txs.denied],
    );
  });

  it('records carry the txId and outcome needed to check them against blocks; a RequestAccess record holds no decision (its write set must not depend on it)', async () => {
    const { ledger, txs } = await setup();
    const page = await query(ledger, org1Compliance, { pageSize: 50, action: 'sharing.RequestAccess' });
    assert.deepEqual(
      page.records.map((r) => [r.txId, r.actor, r.outcome, r.seq]),
      [
        [txs.request, userIdFor(bob), 'ok', 0],
        [txs.denied, userIdFor(bob), 'ok', 0],
      ],
    );
  });

  it('filters by actor, action, target and time range', async () => {
    const { ledger, txs } = await setup();
    const byActor = await query(ledger, org1Compliance, { pageSize: 50, actor: userIdFor(bob) });
    assert.deepEqual(
      byActor.records.map((r) => r.txId),
      [txs.request, txs.denied],
    );
    const byTarget = await query(ledger, org1Compliance, { pageSize: 50, target: 'item:a2' });
    assert.deepEqual(
      byTarget.records.map((r) => r.txId),
      [txs.a2, txs.denied],
    );
    const all = (await query(ledger, org1Compliance, { pageSize: 50 })).records;
    const grantTime = all[1]?.time ?? 0;
    const requestTime = all[2]?.time ?? 0;
    const window = await query(ledger, org1Compliance, { pageSize: 50, from: grantTime, to: requestTime });
    assert.deepEqual(
      window.records.filter((r) => r.edge === undefined).map((r) => r.txId),
      [txs.grant, txs.request],
    );
    // The others are stamped within a second of the window, so they come back marked.
    assert.deepEqual(
      window.records.filter((r) => r.edge === true).map((r) => r.txId),
      [txs.a1, txs.a2, txs.denied],
    );
    const none = await query(ledger, org1Compliance, { pageSize: 50, action: 'payments.Mint' });
    assert.deepEqual(none.records, []);
  });

  it('a window [from, to] also returns records stamped up to 60 s outside it, marked edge: true, and none beyond; paging covers exactly that widened range', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    addUser(ledger, alice);
    const from = ledger.clock + 10 * 60_000;
    const to = from + 10_000;
    const txAt = new Map<number, string>();
    for (const time of [
      from - CLOCK_SKEW_MS - 1,
      from - CLOCK_SKEW_MS,
      from - 1,
      from,
      to,
      to + CLOCK_SKEW_MS,
      to + CLOCK_SKEW_MS + 1,
    ]) {
      txAt.set(time, await register(ledger, alice, `i${time}`, time));
    }
    const expected = [
      [txAt.get(from - CLOCK_SKEW_MS), true],
      [txAt.get(from - 1), true],
      [txAt.get(from), false],
      [txAt.get(to), false],
      [txAt.get(to + CLOCK_SKEW_MS), true],
    ];
    const page = await query(ledger, org1Compliance, { pageSize: 50, from, to });
    assert.deepEqual(
      page.records.map((r) => [r.txId, r.edge === true]),
      expected,
    );
    const paged: Array<[string, boolean]> = [];
    let bookmark = '';
    do {
      const next = await query(ledger, org1Compliance, { pageSize: 2, from, to, ...(bookmark ? { bookmark } : {}) });
      paged.push(...next.records.map((r): [string, boolean] => [r.txId, r.edge === true]));
      bookmark = next.bookmark;
    } while (bookmark !== '');
    assert.deepEqual(paged, expected);
    // A bookmark just outside the widened range (the record at from − 60.001 s) is refused.
    const below = `audit|Org1MSP|${(from - CLOCK_SKEW_MS - 1).toString().padStart(16, '0')}|`;
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 2, from, to, bookmark: below }, 'BAD_INPUT');
  });

  it('pages with a bookmark until the bookmark is empty', async () => {
    const { ledger } = await setup();
    const seen: string[] = [];
    let bookmark: string | undefined;
    let pages = 0;
    do {
      const page = await query(ledger, org1Compliance, bookmark ? { pageSize: 2, bookmark } : { pageSize: 2 });
      assert.ok(page.records.length <= 2);
      seen.push(...page.records.map((r) => r.txId));
      bookmark = page.bookmark;
      pages++;
    } while (bookmark !== '' && pages < 10);
    assert.equal(seen.length, 5);
    assert.equal(pages, 3);
  });

  it("a bookmark pointing outside the officer's own org is refused", async () => {
    const { ledger } = await setup();
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 5, bookmark: 'audit|Org0MSP|' }, 'BAD_INPUT');
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 5, bookmark: 'audit|Org2MSP|' }, 'BAD_INPUT');
  });

  it('malformed queries are refused', async () => {
    const { ledger } = await setup();
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 5, from: 10, to: 5 }, 'BAD_INPUT');
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 0 }, 'BAD_INPUT');
    await rejects(ledger, org1Compliance, audit.QueryAudit, { pageSize: 5, org: 'Org2MSP' }, 'BAD_INPUT');
    await rejects(ledger, org1Compliance, audit.QueryAudit, {}, 'BAD_INPUT');
  });

  it('a query writes nothing', async () => {
    const { ledger } = await setup();
    const before = ledger.snapshot();
    await query(ledger, org1Compliance, { pageSize: 50 });
    assert.equal(ledger.snapshot(), before);
  });
});

describe('AuditContract.GetAuditRecord', () => {
  it('returns one record by time, txId and seq', async () => {
    const { ledger, txs } = await setup();
    const [first] = (await query(ledger, org1Compliance, { pageSize: 1 })).records;
    assert.ok(first);
    const got = ok(
      await ledger.invoke<AuditRecord>(org1Compliance, audit.GetAuditRecord, {
        time: first.time,
        txId: first.txId,
        seq: 0,
      }),
    );
    assert.equal(got.txId, txs.a1);
    assert.equal(got.action, 'sharing.RegisterItem');
  });

  it("another org's record, an unknown record or a staff caller get nothing", async () => {
    const { ledger, txs } = await setup();
    const b1 = (await query(ledger, org2Compliance, { pageSize: 50 })).records.find((r) => r.txId === txs.b1);
    assert.ok(b1);
    await rejects(ledger, org1Compliance, audit.GetAuditRecord, { time: b1.time, txId: b1.txId, seq: 0 }, 'NOT_FOUND');
    await rejects(ledger, bob, audit.GetAuditRecord, { time: b1.time, txId: b1.txId, seq: 0 }, 'FORBIDDEN');
  });
});

describe('AuditContract.RecordExport', () => {
  const request = { digest: HASH, records: 5, anchorHeight: 12 };

  it("records who attested which export digest, at the transaction's time, in the officer's org copy", async () => {
    const { ledger } = await setup();
    const out = await ledger.invoke<AuditRecord>(org1Compliance, audit.RecordExport, request);
    const record = ok(out);
    assert.equal(record.action, 'audit.export');
    assert.equal(record.target, HASH);
    assert.equal(record.actor, userIdFor(org1Compliance));
    assert.ok(out.ok);
    assert.equal(record.txId, out.txId);
    assert.deepEqual(record.orgs, ['Org1MSP']);
    assert.equal(record.detail, 'records=5;anchor=12');
    const stored = ok(
      await ledger.invoke<AuditRecord>(org1Compliance, audit.GetAuditRecord, {
        time: record.time,
        txId: record.txId,
        seq: record.seq,
      }),
    );
    assert.deepEqual(stored, record);
  });

  it('staff and admins cannot attest an export, and a malformed digest is refused; nothing is written', async () => {
    const { ledger } = await setup();
    const before = (await query(ledger, org1Compliance, { pageSize: 200 })).records.length;
    await rejects(ledger, alice, audit.RecordExport, request, 'FORBIDDEN');
    await rejects(ledger, org1Admin, audit.RecordExport, request, 'FORBIDDEN');
    await rejects(ledger, org1Compliance, audit.RecordExport, { ...request, digest: 'ABC' }, 'BAD_INPUT');
    await rejects(ledger, org1Compliance, audit.RecordExport, { ...request, extra: 1 }, 'BAD_INPUT');
    assert.equal((await query(ledger, org1Compliance, { pageSize: 200 })).records.length, before);
  });
});
