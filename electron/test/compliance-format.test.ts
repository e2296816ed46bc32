import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { dataHash, derOctetString, derUnsignedInteger, headerDer, headerHash } from '../src/node/compliance/block-hash';
import { csvCell, csvDocument } from '../src/node/compliance/csv';
import { ComplianceError } from '../src/node/compliance/errors';
import {
  CSV_HEADER,
  type ExportDocument,
  csvExport,
  exportDigest,
  exportFileName,
  jsonExport,
  parseExportDocument,
} from '../src/node/compliance/export-format';
import type { AuditRecord } from '../src/node/compliance/records';

// CSV escaping, the DER block-header hash, and the export file schema.

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('CSV cells', () => {
  it('plain text and numbers pass unchanged; undefined is an empty cell', () => {
    assert.equal(csvCell('directory.publishKeys'), 'directory.publishKeys');
    assert.equal(csvCell(1_700_000_000_000), '1700000000000');
    assert.equal(csvCell(true), 'true');
    assert.equal(csvCell(undefined), '');
  });

  it('quotes a cell with a comma, a quote, CR or LF, doubling inner quotes (RFC 4180)', () => {
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('say "hi"'), '"say ""hi"""');
    assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
    assert.equal(csvCell('cr\rhere'), '"cr\rhere"');
  });

  it('a cell that starts like a formula gets an apostrophe, so a spreadsheet shows it as text', () => {
    assert.equal(csvCell('=1+1'), "'=1+1");
    assert.equal(csvCell('+SUM(A1)'), "'+SUM(A1)");
    assert.equal(csvCell('-2+3'), "'-2+3");
    assert.equal(csvCell('@evil'), "'@evil");
    assert.equal(csvCell('\tcmd'), "'\tcmd");
    assert.equal(csvCell('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
    assert.equal(csvCell('a=b'), 'a=b', 'only the first character counts');
  });

  it('a document is a header and rows joined by CRLF, ending with one', () => {
    assert.equal(
      csvDocument(
        ['a', 'b'],
        [
          ['1', 'x,y'],
          [2, undefined],
        ],
      ),
      'a,b\r\n1,"x,y"\r\n2,\r\n',
    );
  });
});

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  txId: 'a'.repeat(64),
  seq: 0,
  time: 1_700_000_000_000,
  actor: 'Org1MSP::alice',
  action: 'smoke.putNote',
  target: 'note:n1',
  outcome: 'ok',
  orgs: ['Org1MSP'],
  ...over,
});

describe('CSV export', () => {
  it('has the header row and one row per record, every field, user text defused', () => {
    const csv = csvExport([
      record({ detail: 'new', policyVersion: 3 }),
      record({ seq: 1, target: '=cmd|" /C calc"!A0', outcome: 'denied', orgs: ['Org1MSP', 'Org2MSP'], edge: true }),
    ]);
    const lines = csv.split('\r\n');
    assert.equal(lines[0], CSV_HEADER.join(','));
    assert.equal(
      lines[1],
      `1700000000000,2023-11-14T22:13:20.000Z,${'a'.repeat(64)},0,Org1MSP::alice,smoke.putNote,note:n1,ok,Org1MSP,new,3,false`,
    );
    assert.equal(
      lines[2],
      `1700000000000,2023-11-14T22:13:20.000Z,${'a'.repeat(64)},1,Org1MSP::alice,smoke.putNote,"'=cmd|"" /C calc""!A0",denied,Org1MSP;Org2MSP,,,true`,
    );
    assert.equal(lines[3], '');
    assert.equal(lines.length, 4);
  });

  it('names the file after the window', () => {
    assert.equal(
      exportFileName({ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 10, 23, 3, 27, 5) }, 'json'),
      'ktalk-audit-20261101T000000Z-20261123T032705Z.json',
    );
  });
});

describe('DER block header hash', () => {
  it('encodes INTEGER minimally, with a 0x00 before a set top bit', () => {
    assert.equal(hex(derUnsignedInteger(0n)), '020100');
    assert.equal(hex(derUnsignedInteger(1n)), '020101');
    assert.equal(hex(derUnsignedInteger(127n)), '02017f');
    assert.equal(hex(derUnsignedInteger(128n)), '02020080');
    assert.equal(hex(derUnsignedInteger(256n)), '02020100');
    assert.equal(hex(derUnsignedInteger(0xffffffffn)), '020500ffffffff');
    assert.throws(() => derUnsignedInteger(-1n), RangeError);
  });

  it('encodes OCTET STRING lengths short below 128 and long from 128', () => {
    assert.equal(hex(derOctetString(new Uint8Array())), '0400');
    assert.equal(hex(derOctetString(new Uint8Array(32))).slice(0, 4), '0420');
    assert.equal(hex(derOctetString(new Uint8Array(200))).slice(0, 6), '0481c8');
    assert.equal(hex(derOctetString(new Uint8Array(300))).slice(0, 8), '0482012c');
  });

  it('encodes a header as SEQUENCE { number, previousHash, dataHash }', () => {
    const dataHashBytes = Buffer.alloc(32, 0xab);
    const der = headerDer({ number: 0n, previousHash: new Uint8Array(), dataHash: dataHashBytes });
    assert.equal(hex(der), `3027` + `020100` + `0400` + `0420${dataHashBytes.toString('hex')}`);
    const second = headerDer({ number: 5n, previousHash: Buffer.alloc(32, 1), dataHash: Buffer.alloc(32, 2) });
    assert.equal(hex(second).slice(0, 10), '3047020105');
    assert.equal(second.length, 2 + 3 + 34 + 34);
  });

  it("hashes a real block's header to the currentBlockHash qscc GetChainInfo reported for it", () => {
    // Block 11 of a live test network's channel (compliance.integration.test.ts logs these).
    const fixture = FIXTURE;
    const hash = headerHash({
      number: BigInt(fixture.number),
      previousHash: Buffer.from(fixture.previousHash, 'hex'),
      dataHash: Buffer.from(fixture.dataHash, 'hex'),
    });
    assert.equal(hash.toString('hex'), fixture.hash);
  });

  it('data hash is SHA-256 of the entries concatenated', () => {
    const entries = [Buffer.from('one'), Buffer.from('two')];
    assert.equal(hex(dataHash(entries)), createHash('sha256').update('onetwo').digest('hex'));
    assert.equal(hex(dataHash([])), createHash('sha256').digest('hex'));
  });
});

const FIXTURE = {
  number: 11,
  previousHash: 'd1c34ac3510c69bddddb56aefefebd9b24dd13d455f00af3fb4f608429c1ffe5',
  dataHash: 'e91d47704ebe7da3ac2a99f2f308326289ffa9526f94974a2de43349b846e314',
  hash: '409e94169a4bdfd8b6cad0de880897561af0e5782f3ef29bc72614d8b103bf88',
};

const document = (over: Partial<ExportDocument> = {}): ExportDocument => ({
  format: 'ktalk-audit-export',
  version: 2,
  channel: 'ktalk',
  chaincode: 'ktalk',
  mspId: 'Org1MSP',
  exporter: 'Org1MSP::auditor1',
  exportedAt: 1_700_000_100_000,
  filter: { from: 1_699_999_000_000, to: 1_700_000_100_000 },
  anchor: { height: 12, blockHash: 'ab'.repeat(32) },
  records: [record({ detail: 'new' })],
  attestation: { txId: 'f'.repeat(64), seq: 0 },
  ...over,
});

const rejects = (content: string, pattern: RegExp) =>
  assert.throws(
    () => parseExportDocument(content),
    (error) => {
      assert.ok(error instanceof ComplianceError);
      assert.equal(error.code, 'NOT_AN_EXPORT');
      assert.match(error.message, pattern);
      return true;
    },
  );

describe('export digest (what the ledger attestation names)', () => {
  it('covers the window, filter, anchor and every record, and not who attested it or when', () => {
    const doc = document();
    const digest = exportDigest(doc);
    assert.match(digest, /^[0-9a-f]{64}$/);
    assert.equal(exportDigest({ ...doc, exporter: 'Org1MSP::mallory', exportedAt: 1 }), digest);
    assert.equal(exportDigest({ ...doc, attestation: { txId: 'e'.repeat(64), seq: 3 } }), digest);
    for (const changed of [
      { ...doc, records: [] },
      { ...doc, records: [record({ detail: 'other' })] },
      { ...doc, filter: { ...doc.filter, actor: 'Org1MSP::alice' } },
      { ...doc, anchor: { ...doc.anchor, height: 13 } },
      { ...doc, mspId: 'Org2MSP' },
    ]) {
      assert.notEqual(exportDigest(changed), digest);
    }
  });
});

describe('export document schema', () => {
  it('a JSON export parses back to the same document', () => {
    const doc = document();
    assert.deepEqual(parseExportDocument(jsonExport(doc)), doc);
  });

  it('a CSV export is refused as such', () => {
    rejects(csvExport([record()]), /CSV export cannot be verified/);
  });

  it('refuses text that is not JSON, and JSON that is not an export', () => {
    rejects('not json', /not JSON/);
    rejects('[]', /not a valid KTalk audit export/);
    rejects(JSON.stringify({ ...document(), format: 'other' }), /format/);
    rejects(JSON.stringify({ ...document(), version: 3 }), /version/);
    rejects(JSON.stringify({ ...document(), version: 1 }), /version 1 audit export carries no attestation/);
  });

  it('names the field that is wrong', () => {
    const { anchor: _anchor, ...noAnchor } = document();
    rejects(JSON.stringify(noAnchor), /anchor/);
    const { attestation: _attestation, ...unattested } = document();
    rejects(JSON.stringify(unattested), /attestation/);
    rejects(JSON.stringify(document({ anchor: { height: 12, blockHash: 'XYZ' } })), /anchor\.blockHash/);
    rejects(JSON.stringify(document({ anchor: { height: 0, blockHash: 'ab'.repeat(32) } })), /anchor\.height/);
    rejects(JSON.stringify(document({ filter: { from: 2, to: 1 } })), /filter/);
    rejects(JSON.stringify(document({ records: [record({ seq: -1 })] })), /records\.0\.seq/);
  });

  it('refuses a record with a field the ledger does not have (content, say)', () => {
    const withContent = { ...document(), records: [{ ...record(), content: 'hello' }] };
    rejects(JSON.stringify(withContent), /records\.0/);
    rejects(JSON.stringify({ ...document(), extra: 1 }), /extra|Unrecognized/);
  });
});
