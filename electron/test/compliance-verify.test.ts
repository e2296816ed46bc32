import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { common, ledger, peer } from '@hyperledger/fabric-protos';
import type { ConnectionProfile } from '../src/common/connection-profile';
import { ComplianceError, auditExport, auditQuery, auditVerify } from '../src/node/compliance';
import { dataHash, headerHash } from '../src/node/compliance/block-hash';
import { canonicalJson } from '@ktalk/protocol';
import { responseSchema } from '../src/node/ledger';
import {
  type ExportDocument,
  exportDigest,
  jsonExport,
  parseExportDocument,
} from '../src/node/compliance/export-format';
import type { BlockSource } from '../src/node/compliance/qscc';
import { type AuditRecord, type LedgerAuditRecord, auditKey } from '../src/node/compliance/records';
import type { ClientSession } from '../src/node/session/client-session';

// The verifier on blocks built with fabric-protos exactly as a peer
// serializes them (the far side, qscc, is the only stand-in), and query and
// export on a stand-in ledger that answers like QueryAudit. The live suite
// (compliance.integration.test.ts) runs the same code on a real network.

const CHANNEL = 'ktalk';
const CHAINCODE = 'ktalk';
const VALID = 0;
const MVCC_READ_CONFLICT = 11;

const txId = () => randomBytes(32).toString('hex');

function envelope(id: string, writes: Array<[string, string]>, channel = CHANNEL): Uint8Array {
  const kv = new ledger.rwset.kvrwset.KVRWSet();
  kv.setWritesList(
    writes.map(([key, value]) => {
      const write = new ledger.rwset.kvrwset.KVWrite();
      write.setKey(key);
      write.setValue(Buffer.from(value));
      return write;
    }),
  );
  const ns = new ledger.rwset.NsReadWriteSet();
  ns.setNamespace(CHAINCODE);
  ns.setRwset(kv.serializeBinary());
  const rwset = new ledger.rwset.TxReadWriteSet();
  rwset.setNsRwsetList([ns]);
  const chaincodeId = new peer.ChaincodeID();
  chaincodeId.setName(CHAINCODE);
  const action = new peer.ChaincodeAction();
  action.setResults(rwset.serializeBinary());
  action.setChaincodeId(chaincodeId);
  const response = new peer.ProposalResponsePayload();
  response.setExtension$(action.serializeBinary());
  const endorsed = new peer.ChaincodeEndorsedAction();
  endorsed.setProposalResponsePayload(response.serializeBinary());
  const actionPayload = new peer.ChaincodeActionPayload();
  actionPayload.setAction(endorsed);
  const txAction = new peer.TransactionAction();
  txAction.setPayload(actionPayload.serializeBinary());
  const transaction = new peer.Transaction();
  transaction.setActionsList([txAction]);
  const channelHeader = new common.ChannelHeader();
  channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
  channelHeader.setChannelId(channel);
  channelHeader.setTxId(id);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(transaction.serializeBinary());
  const env = new common.Envelope();
  env.setPayload(payload.serializeBinary());
  return env.serializeBinary();
}

interface Tx {
  readonly id: string;
  readonly entry: Uint8Array;
  readonly code: number;
}

/** A chain of blocks, each holding the given transactions, linked and hashed as Fabric does. */
function chain(blocks: Tx[][]): { bytes: Uint8Array[]; byTxId: Map<string, number>; tipHash: string } {
  const bytes: Uint8Array[] = [];
  const byTxId = new Map<string, number>();
  let previousHash: Uint8Array = new Uint8Array();
  for (const [number, txs] of blocks.entries()) {
    const entries = txs.map((t) => t.entry);
    const header = new common.BlockHeader();
    header.setNumber(number);
    header.setPreviousHash(previousHash);
    header.setDataHash(dataHash(entries));
    const data = new common.BlockData();
    data.setDataList(entries);
    const metadata = new common.BlockMetadata();
    metadata.setMetadataList([new Uint8Array(), new Uint8Array(), Uint8Array.from(txs.map((t) => t.code))]);
    const block = new common.Block();
    block.setHeader(header);
    block.setData(data);
    block.setMetadata(metadata);
    bytes.push(block.serializeBinary());
    for (const t of txs) byTxId.set(t.id, number);
    previousHash = headerHash({
      number: BigInt(number),
      previousHash,
      dataHash: header.getDataHash_asU8(),
    });
  }
  return { bytes, byTxId, tipHash: Buffer.from(previousHash).toString('hex') };
}

function source(blocks: Uint8Array[], byTxId: Map<string, number>): BlockSource & { calls: number } {
  const counted = {
    calls: 0,
    async chainInfo() {
      counted.calls++;
      const last = common.Block.deserializeBinary(blocks.at(-1) ?? new Uint8Array()).getHeader();
      assert.ok(last);
      const hash = headerHash({
        number: BigInt(last.getNumber()),
        previousHash: last.getPreviousHash_asU8(),
        dataHash: last.getDataHash_asU8(),
      });
      return { height: blocks.length, currentBlockHash: hash };
    },
    async blockByNumber(n: number) {
      counted.calls++;
      return blocks[n] ?? null;
    },
    async blockByTxId(id: string) {
      counted.calls++;
      const n = byTxId.get(id);
      return n === undefined ? null : (blocks[n] ?? null);
    },
  };
  return counted;
}

const T0 = 1_700_000_000_000;
const filter = { from: T0 - 10_000, to: T0 + 10_000 };

const auditRecord = (id: string, over: Partial<LedgerAuditRecord> = {}): LedgerAuditRecord => ({
  txId: id,
  seq: 0,
  time: T0,
  actor: 'Org1MSP::alice',
  action: 'smoke.putNote',
  target: 'note:n1',
  outcome: 'ok',
  orgs: ['Org1MSP', 'Org2MSP'],
  detail: 'new',
  ...over,
});

/** A transaction writing each record's copy for every org in it, as ctx.audit does. */
function auditTx(records: LedgerAuditRecord[], code = VALID): Tx {
  const id = records[0]?.txId ?? txId();
  const writes: Array<[string, string]> = [['smoke|n1', '{"owner":"x"}']];
  for (const r of records) for (const org of r.orgs) writes.push([auditKey(org, r), canonicalJson(r)]);
  return { id, entry: envelope(id, writes), code };
}

const otherTx = (): Tx => {
  const id = txId();
  return { id, entry: envelope(id, [['balance|x', '1']]), code: VALID };
};

const session = (over: Partial<ClientSession> = {}): ClientSession =>
  ({
    profile: { channel: CHANNEL, chaincode: CHAINCODE } as ConnectionProfile,
    userId: 'Org1MSP::auditor1',
    identity: { mspId: 'Org1MSP', certificatePem: '', privateKeyPem: '' },
    ...over,
  }) as ClientSession;

const EXPORTER = 'Org1MSP::auditor1';
const EXPORTED_AT = T0 + 20_000;

/** The audit.export record RecordExport writes for a document's body. */
const attestationRecord = (doc: ExportDocument): LedgerAuditRecord => ({
  txId: doc.attestation.txId,
  seq: doc.attestation.seq,
  time: EXPORTED_AT,
  actor: EXPORTER,
  action: 'audit.export',
  target: exportDigest(doc),
  outcome: 'ok',
  orgs: ['Org1MSP'],
  detail: `records=${doc.records.length};anchor=${doc.anchor.height}`,
});

function fixture() {
  const a = txId();
  const b = txId();
  const recordsA = [auditRecord(a), auditRecord(a, { seq: 1, action: 'smoke.other', orgs: ['Org1MSP'] })];
  const recordB = auditRecord(b, { time: T0 + 5, outcome: 'denied', detail: 'NOT_FOUND' });
  const exported: Tx[][] = [
    [otherTx()],
    [otherTx(), auditTx(recordsA)],
    [auditTx([recordB], MVCC_READ_CONFLICT)],
    [otherTx()],
  ];
  /** Blocks up to the anchor (height 4); no attestation on them. */
  const blocks = chain(exported);
  const doc = (records: AuditRecord[], over: Partial<ExportDocument> = {}): ExportDocument => ({
    format: 'ktalk-audit-export',
    version: 2,
    channel: CHANNEL,
    chaincode: CHAINCODE,
    mspId: 'Org1MSP',
    exporter: EXPORTER,
    exportedAt: EXPORTED_AT,
    filter,
    anchor: { height: 4, blockHash: blocks.tipHash },
    records,
    attestation: { txId: txId(), seq: 0 },
    ...over,
  });
  /** The same blocks plus block 4, which holds the ledger's attestation of `attestedDoc`'s body. */
  const attestedChain = (attestedDoc: ExportDocument) =>
    chain([...exported, [otherTx(), auditTx([attestationRecord(attestedDoc)])]]);
  return { recordsA, recordB, blocks, doc, attestedChain };
}

/** A session whose QueryAudit answers `ledgerRecords` (what the chaincode holds now). */
const verifier = (ledgerRecords: AuditRecord[]) => session({ ledger: auditLedger(ledgerRecords).ledger });

const verify = (doc: ExportDocument, blocks: BlockSource, ledgerRecords: AuditRecord[] = []) =>
  auditVerify(verifier(ledgerRecords), { content: jsonExport(doc) }, { blocks });

describe('verifying an export against blocks', () => {
  it('records of a valid transaction, chained up to the anchor, complete and attested, verify', async () => {
    const { recordsA, doc, attestedChain } = fixture();
    const exported = doc(recordsA);
    const blocks = attestedChain(exported);
    let progress = 0;
    const report = await auditVerify(
      verifier([...recordsA, attestationRecord(exported)]),
      { content: jsonExport(exported) },
      { blocks: source(blocks.bytes, blocks.byTxId), onProgress: (n) => (progress = n) },
    );
    assert.deepEqual(report, {
      ok: true,
      records: recordsA.map((r) => ({ txId: r.txId, seq: r.seq, ok: true, blockNumber: 1 })),
      chain: { ok: true, trustedBlock: 3 },
      attestation: { ok: true, exporter: EXPORTER, exportedAt: EXPORTED_AT },
      completeness: { ok: true, missing: 0 },
    });
    assert.equal(progress, 2);
  });

  it('a record dropped from the file is found: the attested digest no longer matches and the ledger has it', async () => {
    const { recordsA, doc, attestedChain } = fixture();
    const [first, second] = recordsA;
    assert.ok(first && second);
    const exported = doc(recordsA);
    const blocks = attestedChain(exported);
    const report = await verify({ ...exported, records: [first] }, source(blocks.bytes, blocks.byTxId), recordsA);
    assert.equal(report.ok, false);
    assert.ok(
      report.records.every((v) => v.ok),
      'the records left are genuine',
    );
    assert.equal(report.attestation.ok, false);
    assert.match(report.attestation.reason ?? '', /contents changed after export/);
    assert.equal(report.completeness.ok, false);
    assert.equal(report.completeness.missing, 1);
    assert.match(report.completeness.reason ?? '', new RegExp(`1 record of this window .* ${second.txId}#1\\)$`));
  });

  it('an exporter who attests an incomplete export is still caught by completeness', async () => {
    const { recordsA, doc, attestedChain } = fixture();
    const [first] = recordsA;
    assert.ok(first);
    const partial = doc([first]);
    const blocks = attestedChain(partial);
    const report = await verify(partial, source(blocks.bytes, blocks.byTxId), recordsA);
    assert.equal(report.attestation.ok, true);
    assert.equal(report.completeness.ok, false);
    assert.equal(report.ok, false);
  });

  it('a record committed after the anchor is not missing from the export', async () => {
    const { recordsA, doc, attestedChain } = fixture();
    const exported = doc(recordsA);
    const blocks = attestedChain(exported);
    // The attestation itself lies in the window's clock-skew margin, in block 4, after the anchor.
    const late = { ...attestationRecord(exported), time: filter.to };
    const report = await verify(exported, source(blocks.bytes, blocks.byTxId), [...recordsA, late]);
    assert.deepEqual(report.completeness, { ok: true, missing: 0 });
  });

  it('a rewritten exporter or export time fails the attestation, naming what the ledger says', async () => {
    const { recordsA, doc, attestedChain } = fixture();
    const exported = doc(recordsA);
    const blocks = attestedChain(exported);
    for (const rewritten of [
      { ...exported, exporter: 'Org1MSP::mallory' },
      { ...exported, exportedAt: EXPORTED_AT - 86_400_000 },
    ]) {
      const report = await verify(rewritten, source(blocks.bytes, blocks.byTxId), recordsA);
      assert.equal(report.ok, false);
      assert.ok(report.records.every((v) => v.ok));
      assert.equal(report.attestation.ok, false);
      assert.match(report.attestation.reason ?? '', /; the ledger says Org1MSP::auditor1 at /);
    }
    const unknown = await verify(
      { ...exported, attestation: { txId: txId(), seq: 0 } },
      source(blocks.bytes, blocks.byTxId),
      recordsA,
    );
    assert.match(unknown.attestation.reason ?? '', /^the attestation transaction [0-9a-f]{64} is not on the ledger$/);
  });

  it('a record of an invalidated transaction fails, with its validation code', async () => {
    const { recordB, blocks, doc } = fixture();
    const report = await verify(doc([recordB]), source(blocks.bytes, blocks.byTxId));
    assert.equal(report.ok, false);
    assert.equal(report.records[0]?.reason, 'transaction is not valid (validation code 11)');
    assert.equal(report.records[0]?.blockNumber, 2);
    assert.ok(report.chain.ok);
  });

  it('each changed, added or removed field is named', async () => {
    const { recordsA, blocks, doc } = fixture();
    const [first, second] = recordsA;
    assert.ok(first && second);
    const cases: Array<[AuditRecord, RegExp]> = [
      [{ ...first, detail: 'overwrite' }, /: detail$/],
      [{ ...first, actor: 'Org1MSP::mallory' }, /: actor$/],
      [{ ...first, orgs: ['Org1MSP'] }, /: orgs$/],
      [{ ...first, policyVersion: 2 }, /: policyVersion$/],
      [(({ detail: _d, ...rest }) => rest)(first), /: detail$/],
      [{ ...first, time: first.time + 1 }, /: time$/],
      [{ ...first, seq: 7 }, /no Org1MSP audit record with seq 7/],
      [{ ...second, edge: true }, /edge mark/],
      [{ ...first, time: filter.to + 60_001 }, /outside the export's filter/],
    ];
    for (const [tampered, reason] of cases) {
      const untouched = tampered.seq === second.seq ? first : second;
      const report = await verify(doc([untouched, tampered]), source(blocks.bytes, blocks.byTxId));
      assert.equal(report.ok, false, String(reason));
      assert.equal(report.records[0]?.ok, true, 'the untouched record still verifies');
      assert.equal(report.records[1]?.ok, false);
      assert.equal(report.records[1]?.txId, tampered.txId);
      assert.equal(report.records[1]?.seq, tampered.seq);
      assert.match(report.records[1]?.reason ?? '', reason);
    }
  });

  it('a txId not on the channel, and a record listed twice, fail', async () => {
    const { recordsA, blocks, doc } = fixture();
    const [first] = recordsA;
    assert.ok(first);
    const report = await verify(doc([first, { ...first, txId: txId() }, first]), source(blocks.bytes, blocks.byTxId));
    assert.deepEqual(
      report.records.map((v) => v.reason),
      [undefined, 'txId not found on the ledger', 'appears twice in the export'],
    );
  });

  it("an org copy the exporter's org does not hold fails", async () => {
    const { recordsA, blocks, doc } = fixture();
    const second = recordsA[1];
    assert.ok(second);
    const report = await verify(doc([second], { mspId: 'Org2MSP' }), source(blocks.bytes, blocks.byTxId));
    assert.match(report.records[0]?.reason ?? '', /orgs does not include the exporting org Org2MSP/);
  });

  it('a changed anchor hash, an anchor beyond the chain, or one below a record fail', async () => {
    const { recordsA, blocks, doc } = fixture();
    const blockSource = source(blocks.bytes, blocks.byTxId);
    const wrongHash = await verify(doc(recordsA, { anchor: { height: 4, blockHash: 'ab'.repeat(32) } }), blockSource);
    assert.equal(wrongHash.chain.ok, false);
    assert.match(
      wrongHash.chain.reason ?? '',
      /^anchor block 3: header hash [0-9a-f]{64} does not match the export's (ab)+$/,
    );
    assert.ok(wrongHash.records.every((v) => v.ok));

    const beyond = await verify(doc(recordsA, { anchor: { height: 99, blockHash: blocks.tipHash } }), blockSource);
    assert.equal(beyond.chain.reason, 'anchor block 98 is beyond the chain (height 4)');

    const early = await verify(doc(recordsA, { anchor: { height: 1, blockHash: blocks.tipHash } }), blockSource);
    assert.match(early.records[0]?.reason ?? '', /block 1 is after the export's anchor block 0/);
    assert.equal(early.ok, false);
  });

  it('a block whose data does not match its header, or a broken link, fails the chain', async () => {
    const { recordsA, blocks, doc } = fixture();
    // Block 2 as a peer could forge it: other transactions under the same header.
    const forged = common.Block.deserializeBinary(blocks.bytes[2] ?? new Uint8Array());
    forged.getData()?.setDataList([otherTx().entry]);
    const withForgedData = [...blocks.bytes];
    withForgedData[2] = forged.serializeBinary();
    const data = await verify(doc(recordsA), source(withForgedData, blocks.byTxId));
    assert.equal(data.chain.reason, 'block 2: data_hash does not match its transactions');

    const relinked = common.Block.deserializeBinary(blocks.bytes[2] ?? new Uint8Array());
    relinked.getHeader()?.setPreviousHash(randomBytes(32));
    const withBrokenLink = [...blocks.bytes];
    withBrokenLink[2] = relinked.serializeBinary();
    const link = await verify(doc(recordsA), source(withBrokenLink, blocks.byTxId));
    assert.equal(link.chain.reason, "block 2: previous_hash does not match the hash of block 1's header");
  });

  it('bad input reads nothing: not JSON, a CSV, another channel', async () => {
    const { recordsA, blocks, doc } = fixture();
    const blockSource = source(blocks.bytes, blocks.byTxId);
    for (const [content, message, code] of [
      ['{]', /not JSON/, 'NOT_AN_EXPORT'],
      ['time,timeUtc,txId\r\n', /CSV export cannot be verified/, 'NOT_AN_EXPORT'],
      [jsonExport(doc(recordsA, { channel: 'other' })), /the export is from other\/ktalk/, 'BAD_INPUT'],
      [JSON.stringify({ ...doc(recordsA), anchor: undefined }), /anchor/, 'NOT_AN_EXPORT'],
      ['x', /2/, 'BAD_INPUT'],
    ] as const) {
      await assert.rejects(auditVerify(session(), { content }, { blocks: blockSource }), (error) => {
        assert.ok(error instanceof ComplianceError, String(error));
        assert.equal(error.code, code);
        assert.match(error.message, message);
        return true;
      });
    }
    assert.equal(blockSource.calls, 0);
  });
});

/**
 * A stand-in for the ledger: evaluate answers QueryAudit from a list, page by
 * page, like readPage; submit answers RecordExport as the chaincode would.
 */
function auditLedger(records: AuditRecord[]) {
  const requests: Array<Record<string, unknown>> = [];
  const attestations: Array<{ digest: string; records: number; anchorHeight: number }> = [];
  const submit = async (contract: string, tx: string, request: unknown) => {
    assert.equal(`${contract}.${tx}`, 'audit.RecordExport');
    const req = request as { digest: string; records: number; anchorHeight: number };
    attestations.push(req);
    const record: LedgerAuditRecord = {
      txId: 'tx-attest',
      seq: 0,
      time: T0 + 99,
      actor: EXPORTER,
      action: 'audit.export',
      target: req.digest,
      outcome: 'ok',
      orgs: ['Org1MSP'],
    };
    return { result: Buffer.from(JSON.stringify(record)), transactionId: 'tx-attest', blockNumber: 9n, attempts: 1 };
  };
  const evaluate = async (contract: 'audit', tx: 'QueryAudit', request: unknown) => {
    assert.equal(`${contract}.${tx}`, 'audit.QueryAudit');
    const req = request as { pageSize: number; bookmark?: string; actor?: string };
    requests.push(JSON.parse(JSON.stringify(req)) as Record<string, unknown>);
    const start = req.bookmark ? Number(req.bookmark.slice(1)) : 0;
    const page = records.slice(start, start + req.pageSize);
    const next = start + req.pageSize < records.length ? `k${start + req.pageSize}` : '';
    const answer = {
      records: page.filter((r) => req.actor === undefined || r.actor === req.actor),
      scanned: page.length,
      bookmark: next,
    };
    return responseSchema(contract, tx).parse(JSON.parse(JSON.stringify(answer)));
  };
  return { requests, attestations, ledger: { evaluate, submit } as unknown as ClientSession['ledger'] };
}

const many = (n: number): AuditRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    ...auditRecord(txId(), { time: T0 + i, outcome: i % 3 === 0 ? 'denied' : 'ok' }),
  }));

describe('audit query and export', () => {
  it('a page is filled across chaincode pages, asking only for what is missing; the cursor is the bookmark', async () => {
    const records = many(20);
    const { requests, ledger: fake } = auditLedger(records);
    const page = await auditQuery(session({ ledger: fake }), { ...filter, outcome: 'denied', pageSize: 4 });
    assert.deepEqual(
      page.items.map((r) => r.txId),
      records
        .filter((r) => r.outcome === 'denied')
        .slice(0, 4)
        .map((r) => r.txId),
    );
    assert.ok(page.items.every((r) => r.outcome === 'denied' && r.edge === false));
    assert.deepEqual(
      requests.map((r) => r.pageSize),
      [4, 2, 2, 1, 1],
    );
    assert.equal(page.next, 'k10');
    const rest = await auditQuery(session({ ledger: fake }), {
      ...filter,
      outcome: 'denied',
      pageSize: 4,
      cursor: page.next,
    });
    assert.equal(rest.items.length, 3);
    assert.equal(rest.next, undefined);
  });

  it('stops after maxScans with what it found and the cursor', async () => {
    const { ledger: fake } = auditLedger(many(20));
    const page = await auditQuery(
      session({ ledger: fake }),
      { ...filter, actor: 'Org2MSP::nobody', pageSize: 5 },
      { maxScans: 2 },
    );
    assert.deepEqual(page, { items: [], next: 'k10' });
  });

  it('bad input never reaches the ledger', async () => {
    const { requests, ledger: fake } = auditLedger(many(3));
    const s = session({ ledger: fake });
    for (const run of [
      () => auditQuery(s, { from: 2, to: 1 }),
      () => auditQuery(s, { ...filter, pageSize: 0 }),
      () => auditQuery(s, { ...filter, action: 'DROP TABLE' }),
      () => auditExport(s, { ...filter, format: 'xml' as 'csv' }),
      () => auditExport(s, { ...filter, outcome: 'maybe' as 'ok', format: 'json' }),
    ]) {
      await assert.rejects(run(), (error) => error instanceof ComplianceError && error.code === 'BAD_INPUT');
    }
    assert.equal(requests.length, 0);
  });

  it('an export pages to the end, reports progress, anchors at the chain head, and is attested on the ledger', async () => {
    const records = many(450);
    const { requests, attestations, ledger: fake } = auditLedger(records);
    const blocks = chain([[otherTx()], [otherTx()]]);
    const progress: number[] = [];
    const exported = await auditExport(
      session({ ledger: fake }),
      { ...filter, outcome: 'ok', format: 'json' },
      { onProgress: (n) => progress.push(n), blocks: source(blocks.bytes, blocks.byTxId) },
    );
    assert.deepEqual(
      requests.map((r) => [r.pageSize, r.bookmark]),
      [
        [200, undefined],
        [200, 'k200'],
        [200, 'k400'],
      ],
    );
    const ok = records.filter((r) => r.outcome === 'ok');
    assert.equal(exported.records, ok.length);
    assert.equal(progress.at(-1), ok.length);
    assert.equal(progress.length, 3);
    const doc = parseExportDocument(exported.content);
    assert.deepEqual(doc.records, ok);
    assert.deepEqual(doc.anchor, { height: 2, blockHash: blocks.tipHash });
    // Who and when are the attestation record's, never the client's own clock or claim.
    assert.equal(doc.exportedAt, T0 + 99);
    assert.equal(doc.exporter, EXPORTER);
    assert.deepEqual(doc.attestation, { txId: 'tx-attest', seq: 0 });
    assert.deepEqual(attestations, [{ digest: exportDigest(doc), records: ok.length, anchorHeight: 2 }]);
    assert.deepEqual(doc.filter, { ...filter, outcome: 'ok' });
  });
});
