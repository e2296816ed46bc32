import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { common } from '@hyperledger/fabric-protos';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { AuditRecordView } from '../src/common/api';
import { ComplianceError, auditExport, auditQuery, auditVerify } from '../src/node/compliance';
import { headerHash } from '../src/node/compliance/block-hash';
import { CSV_HEADER, type ExportDocument, parseExportDocument } from '../src/node/compliance/export-format';
import { qsccBlockSource } from '../src/node/compliance/qscc';
import { isLedgerError } from '../src/node/ledger';
import { type LiveSession, liveSession } from './support/live-session';

// Compliance on a real network: users act (signing in publishes keys, a note,
// a probe for an item that does not exist is recorded as denied), then Org1's
// officer queries, exports and verifies the audit trail against the blocks.
// A changed field, a changed txId and a changed anchor are each caught and
// named; a staff user is refused.

type Session = LiveSession & { close(): void };

describe('compliance audit query, export and verification on the live network', { timeout: 20 * 60_000 }, () => {
  let ctx: NetworkContext | undefined;
  const sessions = new Map<string, Session>();
  const as = (user: string): Session => {
    const session = sessions.get(user);
    assert.ok(session, user);
    return session;
  };
  let from = 0;
  let to = 0;
  const probeItem = `probe-${randomBytes(4).toString('hex')}`;
  let json = '';
  let doc: ExportDocument;

  before(async () => {
    ctx = { ...(await isolatedNetwork()), log: (line) => console.log(`  [compliance] ${line}`) };
    await up(ctx);
    from = Date.now() - 1_000;
    for (const [org, user] of [
      ['Org1', 'alice'],
      ['Org2', 'bob'],
      ['Org1', 'carol'],
      ['Org1', 'auditor1'],
    ] as const) {
      sessions.set(user, await liveSession(ctx, org, user));
    }
    await as('alice').ledger.submit('smoke', 'PutNote', { noteId: 'compliance-1', text: 'first' });
    await as('alice').ledger.submit('smoke', 'PutNote', { noteId: 'compliance-1', text: 'second' });
    // Refused, and recorded: a request for an item that does not exist.
    await as('alice').ledger.submit('sharing', 'RequestAccess', { itemId: probeItem });
    to = Date.now() + 1_000;
  });

  after(async () => {
    for (const session of sessions.values()) session.close();
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  });

  it("the block hash is SHA-256 of the header's DER encoding (checked against GetChainInfo)", async () => {
    const blocks = qsccBlockSource(as('auditor1'));
    const info = await blocks.chainInfo();
    const blockBytes = async (n: number) => {
      const bytes = await blocks.blockByNumber(n);
      assert.ok(bytes, `block ${n}`);
      return bytes;
    };
    const block = common.Block.deserializeBinary(await blockBytes(info.height - 1));
    const header = block.getHeader();
    assert.ok(header);
    const fields = {
      number: BigInt(header.getNumber()),
      previousHash: header.getPreviousHash_asU8(),
      dataHash: header.getDataHash_asU8(),
    };
    assert.equal(headerHash(fields).toString('hex'), info.currentBlockHash.toString('hex'));
    const parent = common.Block.deserializeBinary(await blockBytes(info.height - 2)).getHeader();
    assert.ok(parent);
    assert.equal(
      headerHash({
        number: BigInt(parent.getNumber()),
        previousHash: parent.getPreviousHash_asU8(),
        dataHash: parent.getDataHash_asU8(),
      }).toString('hex'),
      Buffer.from(fields.previousHash).toString('hex'),
    );
    // The fixture for the unit test (compliance-block-hash.test.ts) was taken from this line.
    console.log(
      `  header fixture: number=${fields.number} previousHash=${Buffer.from(fields.previousHash).toString('hex')} dataHash=${Buffer.from(fields.dataHash).toString('hex')} hash=${info.currentBlockHash.toString('hex')}`,
    );
  });

  it("the officer pages through the org's audit trail and filters by actor, action and outcome", async () => {
    const all: AuditRecordView[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await auditQuery(as('auditor1'), { from, to, pageSize: 2, ...(cursor ? { cursor } : {}) });
      assert.ok(page.items.length <= 2);
      all.push(...page.items);
      cursor = page.next;
      pages++;
    } while (cursor !== undefined);
    assert.ok(pages >= 2, `${pages} pages`);
    const ids = all.map((r) => `${r.txId}/${r.seq}`);
    assert.equal(new Set(ids).size, ids.length, 'no record twice across pages');
    for (let i = 1; i < all.length; i++) assert.ok((all[i]?.time ?? 0) >= (all[i - 1]?.time ?? 0), 'time order');

    const actions = all.filter((r) => r.actor === 'Org1MSP::alice').map((r) => r.action);
    assert.ok(actions.includes('directory.publishKeys'), actions.join());
    assert.equal(actions.filter((a) => a === 'smoke.putNote').length, 2);
    assert.ok(actions.includes('sharing.RequestAccess'));
    // Org1's copy holds Org1's users' records, not bob's own key publication.
    assert.ok(!all.some((r) => r.actor === 'Org2MSP::bob' && r.action === 'directory.publishKeys'));

    const denied = await auditQuery(as('auditor1'), { from, to, outcome: 'denied', pageSize: 200 });
    assert.equal(denied.next, undefined);
    assert.ok(denied.items.length >= 1);
    assert.ok(denied.items.every((r) => r.outcome === 'denied'));
    assert.ok(denied.items.some((r) => r.action === 'sharing.RequestAccess' && r.target.includes(probeItem)));

    const notes = await auditQuery(as('auditor1'), { from, to, actor: 'Org1MSP::alice', action: 'smoke.putNote' });
    assert.equal(notes.items.length, 2);
    assert.ok(notes.items.every((r) => r.actor === 'Org1MSP::alice' && r.action === 'smoke.putNote' && !r.edge));
  });

  it('exports the window as JSON with the chain anchor and every field, and as CSV', async () => {
    const progress: number[] = [];
    const exported = await auditExport(
      as('auditor1'),
      { from, to, format: 'json' },
      { onProgress: (n) => progress.push(n) },
    );
    assert.equal(exported.format, 'json');
    assert.match(exported.fileName, /^ktalk-audit-\d{8}T\d{6}Z-\d{8}T\d{6}Z\.json$/);
    assert.ok(progress.length >= 1 && progress.at(-1) === exported.records);
    json = exported.content;
    doc = parseExportDocument(json);
    assert.equal(doc.records.length, exported.records);
    assert.equal(doc.exporter, 'Org1MSP::auditor1');
    assert.equal(doc.mspId, 'Org1MSP');
    assert.deepEqual(doc.filter, { from, to });
    assert.ok(doc.anchor.height > 1);
    const note = doc.records.find((r) => r.action === 'smoke.putNote' && r.detail === 'overwrite');
    assert.ok(note, 'the detail field is exported');
    assert.deepEqual(note.orgs, ['Org1MSP']);
    assert.match(note.txId, /^[0-9a-f]{64}$/);
    // No message content anywhere: records carry only these fields.
    const allowed = new Set([
      'txId',
      'seq',
      'time',
      'actor',
      'action',
      'target',
      'outcome',
      'orgs',
      'detail',
      'policyVersion',
      'edge',
    ]);
    for (const record of doc.records) for (const field of Object.keys(record)) assert.ok(allowed.has(field), field);

    // The JSON export is itself on the trail now: its attestation record, by the officer.
    const csv = await auditExport(as('auditor1'), { from, to, format: 'csv' });
    assert.equal(csv.records, exported.records + 1);
    assert.match(csv.fileName, /\.csv$/);
    const lines = csv.content.split('\r\n');
    assert.equal(lines[0], CSV_HEADER.join(','));
    assert.equal(lines.length, csv.records + 2, 'header, one line per record, final CRLF');
    assert.ok(lines.some((l) => l.includes(doc.attestation.txId) && l.includes('audit.export')));
    assert.ok(lines.some((l) => l.includes(note.txId) && l.includes('overwrite')));
  });

  it('verifies the JSON export: every record in a valid transaction, the chain up to the anchor intact', async () => {
    let checked = 0;
    const report = await auditVerify(as('auditor1'), { content: json }, { onProgress: (n) => (checked = n) });
    for (const verdict of report.records) assert.ok(verdict.ok, `${verdict.txId}/${verdict.seq}: ${verdict.reason}`);
    assert.ok(report.chain.ok, report.chain.reason);
    assert.deepEqual(report.attestation, { ok: true, exporter: 'Org1MSP::auditor1', exportedAt: doc.exportedAt });
    assert.deepEqual(report.completeness, { ok: true, missing: 0 });
    assert.ok(report.ok);
    assert.equal(report.records.length, doc.records.length);
    assert.equal(checked, doc.records.length);
    assert.equal(report.chain.trustedBlock, doc.anchor.height - 1);
    const blocks = report.records.map((v) => v.blockNumber ?? 0);
    console.log(
      `  verified ${report.records.length} records in blocks ${Math.min(...blocks)}-${Math.max(...blocks)}, chain to block ${report.chain.trustedBlock}`,
    );
    assert.ok(report.records.every((v) => v.blockNumber !== undefined && v.blockNumber <= report.chain.trustedBlock));
  });

  const tampered = (change: (d: ExportDocument) => void): string => {
    const copy = JSON.parse(json) as ExportDocument;
    change(copy);
    return JSON.stringify(copy);
  };

  it('a changed field of one record fails that record, naming the field', async () => {
    const index = doc.records.findIndex((r) => r.action === 'sharing.RequestAccess');
    const victim = doc.records[index];
    assert.ok(victim);
    const report = await auditVerify(as('auditor1'), {
      content: tampered((d) => {
        const record = d.records[index];
        if (record) d.records[index] = { ...record, outcome: 'ok' };
      }),
    });
    assert.equal(report.ok, false);
    assert.ok(report.chain.ok, 'the chain itself is intact');
    const failed = report.records.filter((v) => !v.ok);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.txId, victim.txId);
    assert.equal(failed[0]?.seq, victim.seq);
    assert.match(failed[0]?.reason ?? '', /outcome/);

    const retimed = await auditVerify(as('auditor1'), {
      content: tampered((d) => {
        const record = d.records[index];
        if (record) d.records[index] = { ...record, time: record.time + 1 };
      }),
    });
    const wrongTime = retimed.records.filter((v) => !v.ok);
    assert.equal(wrongTime.length, 1);
    assert.match(wrongTime[0]?.reason ?? '', /time/);
  });

  it('a record dropped from the file fails completeness and the attestation, though every record left is genuine', async () => {
    const index = doc.records.findIndex((r) => r.action === 'smoke.putNote');
    const dropped = doc.records[index];
    assert.ok(dropped);
    const report = await auditVerify(as('auditor1'), { content: tampered((d) => d.records.splice(index, 1)) });
    assert.equal(report.ok, false);
    assert.ok(report.records.every((v) => v.ok));
    assert.ok(report.chain.ok);
    assert.equal(report.completeness.ok, false);
    assert.equal(report.completeness.missing, 1);
    assert.ok(report.completeness.reason?.includes(`${dropped.txId}#${dropped.seq}`), report.completeness.reason);
    assert.equal(report.attestation.ok, false);
    assert.match(report.attestation.reason ?? '', /contents changed after export/);
  });

  it('a rewritten exporter or export time fails the attestation, naming what the ledger recorded', async () => {
    for (const change of [
      (d: ExportDocument) => void (d.exporter = 'Org1MSP::carol'),
      (d: ExportDocument) => void (d.exportedAt = d.exportedAt - 3_600_000),
    ]) {
      const report = await auditVerify(as('auditor1'), { content: tampered(change) });
      assert.equal(report.ok, false);
      assert.ok(report.records.every((v) => v.ok));
      assert.equal(report.attestation.ok, false);
      assert.match(report.attestation.reason ?? '', /the ledger says Org1MSP::auditor1 at /);
    }
  });

  it('a changed txId fails that record', async () => {
    const other = randomBytes(32).toString('hex');
    const report = await auditVerify(as('auditor1'), {
      content: tampered((d) => {
        const record = d.records[0];
        if (record) d.records[0] = { ...record, txId: other };
      }),
    });
    assert.equal(report.ok, false);
    const failed = report.records.filter((v) => !v.ok);
    assert.equal(failed.length, 1);
    assert.equal(failed[0]?.txId, other);
    assert.match(failed[0]?.reason ?? '', /txId not found/);
  });

  it('a changed anchor hash fails the chain', async () => {
    const report = await auditVerify(as('auditor1'), {
      content: tampered((d) => {
        d.anchor = { ...d.anchor, blockHash: randomBytes(32).toString('hex') };
      }),
    });
    assert.equal(report.ok, false);
    assert.equal(report.chain.ok, false);
    assert.match(report.chain.reason ?? '', /anchor block \d+: header hash/);
    assert.ok(
      report.records.every((v) => v.ok),
      'the records themselves are on the ledger',
    );
  });

  it('a CSV export cannot be verified (NOT_AN_EXPORT)', async () => {
    const csv = await auditExport(as('auditor1'), { from, to, format: 'csv' });
    await assert.rejects(auditVerify(as('auditor1'), { content: csv.content }), (error) => {
      assert.ok(error instanceof ComplianceError);
      assert.equal(error.code, 'NOT_AN_EXPORT');
      assert.match(error.message, /CSV/);
      return true;
    });
  });

  it('a staff user is refused: FORBIDDEN from the chaincode and from qscc', async () => {
    await assert.rejects(auditQuery(as('carol'), { from, to }), (error) => {
      assert.ok(isLedgerError(error, 'FORBIDDEN'), String(error));
      return true;
    });
    await assert.rejects(auditExport(as('carol'), { from, to, format: 'json' }), (error) => {
      assert.ok(isLedgerError(error, 'FORBIDDEN'), String(error));
      return true;
    });
    await assert.rejects(auditVerify(as('carol'), { content: json }), (error) => {
      assert.ok(error instanceof ComplianceError && error.code === 'FORBIDDEN', String(error));
      return true;
    });
  });
});
