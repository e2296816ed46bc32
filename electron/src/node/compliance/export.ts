import type { ApiInput, AuditExport } from '../../common/api';
import { API_ARGS } from '../../common/api-args';
import type { ClientSession } from '../session/client-session';
import { ComplianceError, badInput } from './errors';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  type ExportBody,
  csvExport,
  exportDigest,
  exportFileName,
  jsonExport,
} from './export-format';
import { type BlockSource, qsccBlockSource } from './qscc';
import { MAX_CHAINCODE_PAGE, queryChaincodePage } from './query';
import { type AuditRecord, ledgerAuditRecordSchema } from './records';

// The whole window, paged through QueryAudit, as one file. The anchor is
// read after the last page, so every exported record's block is at or below
// it; records come only from the audit contract, which stores no content.
// A JSON export is then attested on the ledger (audit.RecordExport with the
// body's digest): its exporter and time are that record's, not the clock's.

/** Past this an export is refused: narrow the window (JSON this size is tens of MB). */
export const MAX_EXPORT_RECORDS = 100_000;

export interface AuditExportOptions {
  /** Called after each page with the number of records fetched so far. */
  readonly onProgress?: (fetched: number) => void;
  /** Where the anchor comes from; the session's qscc by default. */
  readonly blocks?: BlockSource;
}

export async function auditExport(
  session: ClientSession,
  input: ApiInput<'auditExport'>,
  options: AuditExportOptions = {},
): Promise<AuditExport> {
  const parsed = API_ARGS.auditExport.safeParse([input]);
  if (!parsed.success) throw badInput(parsed.error.issues[0]?.message ?? 'invalid audit export');
  const [{ format, ...filter }] = parsed.data;

  const records: AuditRecord[] = [];
  let bookmark: string | undefined;
  do {
    const page = await queryChaincodePage(session, filter, MAX_CHAINCODE_PAGE, bookmark);
    records.push(...page.records);
    if (records.length > MAX_EXPORT_RECORDS) {
      throw new ComplianceError(
        'LIMIT_EXCEEDED',
        `more than ${MAX_EXPORT_RECORDS} records: narrow the window or filter`,
      );
    }
    options.onProgress?.(records.length);
    bookmark = page.bookmark || undefined;
  } while (bookmark !== undefined);

  const fileName = exportFileName(filter, format);
  if (format === 'csv') return { fileName, format, content: csvExport(records), records: records.length };

  const info = await (options.blocks ?? qsccBlockSource(session)).chainInfo();
  const body: ExportBody = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    channel: session.profile.channel,
    chaincode: session.profile.chaincode,
    mspId: session.identity.mspId,
    filter,
    anchor: { height: info.height, blockHash: info.currentBlockHash.toString('hex') },
    records,
  };
  const committed = await session.ledger.submit('audit', 'RecordExport', {
    digest: exportDigest(body),
    records: records.length,
    anchorHeight: info.height,
  });
  const attestation = parseAttestation(committed.result);
  const content = jsonExport({
    ...body,
    exporter: attestation.actor,
    exportedAt: attestation.time,
    attestation: { txId: attestation.txId, seq: attestation.seq },
  });
  return { fileName, format, content, records: records.length };
}

function parseAttestation(result: Uint8Array) {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(result).toString('utf8'));
  } catch {
    throw new ComplianceError('INTERNAL', 'the ledger answered the export attestation with something that is not JSON');
  }
  const parsed = ledgerAuditRecordSchema.safeParse(raw);
  if (!parsed.success || parsed.data.action !== 'audit.export') {
    throw new ComplianceError('INTERNAL', 'the ledger answered the export attestation with no audit.export record');
  }
  return parsed.data;
}
