import type { ApiInput, RecordVerdict, VerifyReport } from '../../common/api';
import { API_ARGS } from '../../common/api-args';
import type { ClientSession } from '../session/client-session';
import { type DecodedBlock, type LocatedTransaction, decodeBlock, locateTransaction } from './block-decode';
import { headerHash } from './block-hash';
import { canonicalJson } from '@ktalk/protocol';
import { badInput } from './errors';
import { type ExportDocument, exportDigest, parseExportDocument } from './export-format';
import { type BlockSource, qsccBlockSource } from './qscc';
import { MAX_CHAINCODE_PAGE, queryChaincodePage } from './query';
import { type AuditRecord, auditKey, edgeIsRight, ledgerAuditRecordSchema, ledgerForm, matchesFilter } from './records';

// Proves a JSON export against the ledger. A record passes when its
// transaction is in a block, marked VALID there, and wrote exactly this
// record under the exporting org's audit key. The export passes when, in
// addition:
//  - every block from the lowest record's up to the export's anchor (and its
//    attestation) carries its own data (dataHash) and is linked to the next
//    by previousHash, and the anchor block's header hash is the one named;
//  - it is attested: the audit.export record it names is on the ledger, by
//    the exporter it names, at the time it names, for this very body
//    (SHA-256 of its canonical JSON), so none of them can be rewritten;
//  - it is complete: the same query run now finds no record of the window
//    and filter, committed at or below the anchor, that the file lacks.
// A failed check is a verdict with a reason, not an exception: only input
// that is not a JSON export, and failures to reach the ledger, throw.

const VALID = 0;
const ENDORSER_TRANSACTION = 3;
const CONCURRENCY = 8;
/** Only audit writes are kept from a transaction: nothing else of it is needed, or held. */
const AUDIT_PREFIX = 'audit|';

export interface AuditVerifyOptions {
  /** Called as records are checked. */
  readonly onProgress?: (checked: number, total: number) => void;
  /** Where blocks come from; the session's qscc by default. */
  readonly blocks?: BlockSource;
}

/** Where a transaction is: its block's number and what it did (null: not in the block it was said to be in). */
type TxLookup =
  | { readonly found: false }
  | {
      readonly found: true;
      readonly blockNumber: number;
      readonly tx: LocatedTransaction | null;
      readonly error?: string;
    };

/** Headers by number and transactions by id, each fetched once; no block's data is kept. */
class BlockCache {
  private readonly byNumber = new Map<number, Promise<DecodedBlock | null>>();
  private readonly byTxId = new Map<string, Promise<TxLookup>>();

  constructor(
    private readonly source: BlockSource,
    private readonly chaincode: string,
  ) {}

  header(number: number): Promise<DecodedBlock | null> {
    let block = this.byNumber.get(number);
    if (!block) {
      block = this.source
        .blockByNumber(number)
        .then((bytes) => (bytes === null ? null : withoutEntries(decodeBlock(bytes, `block ${number}`))));
      this.byNumber.set(number, block);
    }
    return block;
  }

  transaction(txId: string): Promise<TxLookup> {
    let lookup = this.byTxId.get(txId);
    if (!lookup) {
      lookup = this.source.blockByTxId(txId).then((bytes): TxLookup => {
        if (bytes === null) return { found: false };
        const block = decodeBlock(bytes, `block of ${txId}`);
        if (!this.byNumber.has(block.number)) this.byNumber.set(block.number, Promise.resolve(withoutEntries(block)));
        try {
          return {
            found: true,
            blockNumber: block.number,
            tx: locateTransaction(block, txId, this.chaincode, AUDIT_PREFIX),
          };
        } catch (error) {
          return { found: true, blockNumber: block.number, tx: null, error: (error as Error).message };
        }
      });
      this.byTxId.set(txId, lookup);
    }
    return lookup;
  }
}

const withoutEntries = (block: DecodedBlock): DecodedBlock => ({ ...block, entries: [] });

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
      while (next < items.length) await work(items[next++] as T);
    }),
  );
}

/** Names the fields whose canonical JSON differs. */
function differingFields(mine: Record<string, unknown>, theirs: Record<string, unknown>): string[] {
  const names = [...new Set([...Object.keys(mine), ...Object.keys(theirs)])].sort();
  return names.filter((name) => canonicalJson(mine[name]) !== canonicalJson(theirs[name]));
}

function parseStored(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/** Compares the record with what its transaction wrote; a reason when they differ. */
function compareWithWrites(record: AuditRecord, mspId: string, tx: LocatedTransaction): string | null {
  const mine = ledgerForm(record) as Record<string, unknown>;
  const key = auditKey(mspId, record);
  const write = tx.writes.get(key);
  if (write && !write.isDelete) {
    const stored = parseStored(write.value);
    if (stored === null) return `the ledger value under ${key} is not a JSON record`;
    const fields = differingFields(mine, stored);
    return fields.length === 0 ? null : `does not match the ledger: ${fields.join(', ')}`;
  }
  // The key holds time, txId and seq: find the org's record of this seq to name what changed.
  const prefix = `audit|${mspId}|`;
  for (const [otherKey, other] of tx.writes) {
    if (!otherKey.startsWith(prefix) || other.isDelete) continue;
    const stored = parseStored(other.value);
    if (stored?.seq !== record.seq) continue;
    return `does not match the ledger: ${differingFields(mine, stored).join(', ') || 'key'}`;
  }
  return `the transaction wrote no ${mspId} audit record with seq ${record.seq}`;
}

async function checkRecord(
  record: AuditRecord,
  doc: ExportDocument,
  cache: BlockCache,
  seen: Set<string>,
): Promise<RecordVerdict> {
  const base = { txId: record.txId, seq: record.seq };
  const fail = (reason: string, blockNumber?: number): RecordVerdict => ({
    ...base,
    ok: false,
    reason,
    ...(blockNumber !== undefined ? { blockNumber } : {}),
  });
  const id = `${record.txId}/${record.seq}`;
  if (seen.has(id)) return fail('appears twice in the export');
  seen.add(id);
  if (!matchesFilter(record, doc.filter)) return fail("is outside the export's filter");
  if (!edgeIsRight(record, doc.filter)) return fail('edge mark does not match its time and the window');
  if (!record.orgs.includes(doc.mspId)) return fail(`orgs does not include the exporting org ${doc.mspId}`);

  const lookup = await cache.transaction(record.txId);
  if (!lookup.found) return fail('txId not found on the ledger');
  const { blockNumber, tx } = lookup;
  if (lookup.error !== undefined)
    return fail(`block ${blockNumber} could not be decoded: ${lookup.error}`, blockNumber);
  if (tx === null) return fail(`txId is not in block ${blockNumber}`, blockNumber);
  if (tx.channelId !== doc.channel) return fail(`transaction is on channel ${tx.channelId}`, blockNumber);
  if (tx.type !== ENDORSER_TRANSACTION) return fail('not a chaincode transaction', blockNumber);
  if (tx.validationCode !== VALID) {
    return fail(`transaction is not valid (validation code ${tx.validationCode ?? 'missing'})`, blockNumber);
  }
  const anchorNumber = doc.anchor.height - 1;
  if (blockNumber > anchorNumber) {
    return fail(`block ${blockNumber} is after the export's anchor block ${anchorNumber}`, blockNumber);
  }
  const mismatch = compareWithWrites(record, doc.mspId, tx);
  if (mismatch !== null) return fail(mismatch, blockNumber);
  return { ...base, ok: true, blockNumber };
}

type Attestation = VerifyReport['attestation'] & { readonly blockNumber?: number };

/** The audit.export record the export names: on the ledger, valid, by its exporter, at its time, for its body. */
async function checkAttestation(doc: ExportDocument, cache: BlockCache): Promise<Attestation> {
  const { txId, seq } = doc.attestation;
  const fail = (reason: string, blockNumber?: number): Attestation => ({
    ok: false,
    reason,
    ...(blockNumber !== undefined ? { blockNumber } : {}),
  });
  const lookup = await cache.transaction(txId);
  if (!lookup.found) return fail(`the attestation transaction ${txId} is not on the ledger`);
  const { blockNumber, tx } = lookup;
  if (lookup.error !== undefined)
    return fail(`block ${blockNumber} could not be decoded: ${lookup.error}`, blockNumber);
  if (tx === null || tx.type !== ENDORSER_TRANSACTION)
    return fail('the attestation is not a chaincode transaction', blockNumber);
  if (tx.validationCode !== VALID) {
    return fail(
      `the attestation transaction is not valid (validation code ${tx.validationCode ?? 'missing'})`,
      blockNumber,
    );
  }
  const prefix = `${AUDIT_PREFIX}${doc.mspId}|`;
  const stored = [...tx.writes]
    .filter(([key, write]) => key.startsWith(prefix) && !write.isDelete)
    .map(([, write]) => ledgerAuditRecordSchema.safeParse(parseStored(write.value)))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .find((record) => record.txId === txId && record.seq === seq);
  if (!stored || stored.action !== 'audit.export') {
    return fail(`transaction ${txId} wrote no ${doc.mspId} audit.export record with seq ${seq}`, blockNumber);
  }
  const said = { exporter: stored.actor, exportedAt: stored.time };
  if (stored.actor !== doc.exporter || stored.time !== doc.exportedAt) {
    return {
      ...fail(
        `the file says it was exported by ${doc.exporter} at ${new Date(doc.exportedAt).toISOString()}; the ledger says ${stored.actor} at ${new Date(stored.time).toISOString()}`,
        blockNumber,
      ),
      ...said,
    };
  }
  if (stored.target !== exportDigest(doc)) {
    return {
      ...fail('the attested digest is not the digest of this file: its contents changed after export', blockNumber),
      ...said,
    };
  }
  return { ok: true, ...said, blockNumber };
}

/** Runs the export's query again: every record of the window committed at or below the anchor must be in the file. */
async function checkCompleteness(
  session: ClientSession,
  doc: ExportDocument,
  cache: BlockCache,
): Promise<VerifyReport['completeness']> {
  const listed = new Set(doc.records.map((r) => `${r.txId}/${r.seq}`));
  const anchorBlock = doc.anchor.height - 1;
  let missing = 0;
  let first: AuditRecord | undefined;
  let bookmark: string | undefined;
  do {
    const page = await queryChaincodePage(session, doc.filter, MAX_CHAINCODE_PAGE, bookmark);
    for (const record of page.records) {
      if (listed.has(`${record.txId}/${record.seq}`)) continue;
      // Committed after the export was taken: not the export's to hold.
      const lookup = await cache.transaction(record.txId);
      if (lookup.found && lookup.blockNumber > anchorBlock) continue;
      missing += 1;
      first ??= record;
    }
    bookmark = page.bookmark || undefined;
  } while (bookmark !== undefined);
  if (!first) return { ok: true, missing: 0 };
  return {
    ok: false,
    missing,
    reason: `${missing} record${missing === 1 ? '' : 's'} of this window and filter, on the ledger at or below the anchor, ${missing === 1 ? 'is' : 'are'} not in the export (first: ${first.action} by ${first.actor} at ${new Date(first.time).toISOString()}, ${first.txId}#${first.seq})`,
  };
}

/** Every block from `low` to `high` (at least the anchor): data bound to its header, headers chained, anchor hash as exported. */
async function checkChain(
  doc: ExportDocument,
  low: number,
  high: number,
  cache: BlockCache,
  height: number,
): Promise<VerifyReport['chain']> {
  const trustedBlock = doc.anchor.height - 1;
  if (doc.anchor.height > height) {
    return { ok: false, trustedBlock, reason: `anchor block ${trustedBlock} is beyond the chain (height ${height})` };
  }
  const top = Math.min(Math.max(high, trustedBlock), height - 1);
  const numbers = Array.from({ length: top - low + 1 }, (_, i) => low + i);
  const headers = new Map<number, DecodedBlock | null>();
  await inBatches(numbers, async (n) => {
    headers.set(n, await cache.header(n));
  });
  const fail = (reason: string) => ({ ok: false, trustedBlock, reason });
  for (const n of numbers) {
    const block = headers.get(n);
    if (!block) return fail(`block ${n} is not on the ledger`);
    if (block.number !== n) return fail(`the peer answered block ${block.number} for block ${n}`);
    if (!block.dataHashMatches) return fail(`block ${n}: data_hash does not match its transactions`);
    const next = headers.get(n + 1);
    if (next && !headerHash(block.header).equals(next.header.previousHash)) {
      return fail(`block ${n + 1}: previous_hash does not match the hash of block ${n}'s header`);
    }
  }
  const anchor = headers.get(trustedBlock);
  const anchorHash = anchor ? headerHash(anchor.header).toString('hex') : '';
  if (anchorHash !== doc.anchor.blockHash) {
    return fail(
      `anchor block ${trustedBlock}: header hash ${anchorHash} does not match the export's ${doc.anchor.blockHash}`,
    );
  }
  return { ok: true, trustedBlock };
}

export async function auditVerify(
  session: ClientSession,
  input: ApiInput<'auditVerify'>,
  options: AuditVerifyOptions = {},
): Promise<VerifyReport> {
  const parsed = API_ARGS.auditVerify.safeParse([input]);
  if (!parsed.success) throw badInput(parsed.error.issues[0]?.message ?? 'invalid verify request');
  const doc = parseExportDocument(parsed.data[0].content);
  if (doc.channel !== session.profile.channel || doc.chaincode !== session.profile.chaincode) {
    throw badInput(
      `the export is from ${doc.channel}/${doc.chaincode}; this profile is ${session.profile.channel}/${session.profile.chaincode}`,
    );
  }

  const source = options.blocks ?? qsccBlockSource(session);
  const cache = new BlockCache(source, doc.chaincode);
  // First, so a staff caller is refused before anything else, and a forged anchor height is caught early.
  const { height } = await source.chainInfo();
  const seen = new Set<string>();
  const verdicts: RecordVerdict[] = new Array<RecordVerdict>(doc.records.length);
  let checked = 0;
  await inBatches(
    doc.records.map((record, index) => ({ record, index })),
    async ({ record, index }) => {
      verdicts[index] = await checkRecord(record, doc, cache, seen);
      options.onProgress?.(++checked, doc.records.length);
    },
  );

  const attested = await checkAttestation(doc, cache);
  const completeness = await checkCompleteness(session, doc, cache);
  const trustedBlock = doc.anchor.height - 1;
  const low = verdicts.reduce(
    (min, v) => (v.blockNumber !== undefined && v.blockNumber < min ? v.blockNumber : min),
    trustedBlock,
  );
  // The attestation comes after the anchor: its block must descend from the anchor block too.
  const chain = await checkChain(doc, low, attested.blockNumber ?? trustedBlock, cache, height);
  const { blockNumber: _block, ...attestation } = attested;
  return {
    ok: chain.ok && verdicts.every((v) => v.ok) && attestation.ok && completeness.ok,
    records: verdicts,
    chain,
    attestation,
    completeness,
  };
}
