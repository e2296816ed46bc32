import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { AuditFilter } from '../../common/api';
import { canonicalJson } from '@ktalk/protocol';
import { csvDocument } from './csv';
import { notAnExport } from './errors';
import { type AuditRecord, auditRecordSchema } from './records';

// The export file formats. JSON is the verifiable one: it names where it
// came from and the chain head it was taken against (the anchor an officer
// trusts), carries every field the chaincode returned, and names the
// ledger record that attests it (audit.RecordExport: the exporter's
// identity, the time, and the SHA-256 of the body). CSV is a table for
// spreadsheets and cannot be verified.

export const EXPORT_FORMAT = 'ktalk-audit-export';
/** 2: attested on the ledger (version 1 files carry no attestation and are refused). */
export const EXPORT_VERSION = 2;

const hex32 = z.string().regex(/^[0-9a-f]{64}$/, 'must be 32 bytes of lowercase hex');

const filterSchema = z
  .strictObject({
    from: z.number().int().nonnegative(),
    to: z.number().int().nonnegative(),
    actor: z.string().max(256).optional(),
    action: z.string().max(256).optional(),
    target: z.string().max(256).optional(),
    outcome: z.enum(['ok', 'denied']).optional(),
  })
  .refine((f) => f.from <= f.to, 'filter.from must not be after filter.to');

export const exportDocumentSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(EXPORT_VERSION),
  channel: z.string().min(1).max(249),
  chaincode: z.string().min(1).max(128),
  /** Whose org copy the records were read from. */
  mspId: z.string().min(1).max(64),
  /** Who attested the export, and when: the attestation record's actor and time. */
  exporter: z.string().min(1).max(200),
  exportedAt: z.number().int().nonnegative(),
  filter: filterSchema,
  /** The chain head when the export was taken: height, and the SHA-256 of block height-1's header. */
  anchor: z.strictObject({ height: z.number().int().positive(), blockHash: hex32 }),
  records: z.array(auditRecordSchema).max(1_000_000),
  /** The audit.export record that attests this file: its transaction and seq in the exporter's org copy. */
  attestation: z.strictObject({ txId: z.string().min(1).max(256), seq: z.number().int().nonnegative().max(9999) }),
});
export type ExportDocument = z.infer<typeof exportDocumentSchema>;

/** What the attestation's digest covers: everything but who attested it, when, and where. */
export type ExportBody = Omit<ExportDocument, 'exporter' | 'exportedAt' | 'attestation'>;

/** SHA-256 (hex) of the body's canonical JSON: the target of the audit.export record. */
export function exportDigest(doc: ExportBody & Partial<ExportDocument>): string {
  const body: ExportBody = {
    format: doc.format,
    version: doc.version,
    channel: doc.channel,
    chaincode: doc.chaincode,
    mspId: doc.mspId,
    filter: doc.filter,
    anchor: doc.anchor,
    records: doc.records,
  };
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

/** Parses and schema-checks a JSON export; anything else is NOT_AN_EXPORT, with CSV named as such. */
export function parseExportDocument(content: string): ExportDocument {
  if (/^\uFEFF?time,/.test(content)) throw notAnExport('a CSV export cannot be verified: verify the JSON export');
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    throw notAnExport('not a KTalk audit export: the content is not JSON');
  }
  const version = (raw as { version?: unknown } | null)?.version;
  if ((raw as { format?: unknown } | null)?.format === EXPORT_FORMAT && version === 1) {
    throw notAnExport('a version 1 audit export carries no attestation of who exported it and when: export again');
  }
  const parsed = exportDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw notAnExport(
      `not a valid KTalk audit export: ${issue?.path.join('.') || 'document'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export function jsonExport(document: ExportDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export const CSV_HEADER = [
  'time',
  'timeUtc',
  'txId',
  'seq',
  'actor',
  'action',
  'target',
  'outcome',
  'orgs',
  'detail',
  'policyVersion',
  'edge',
] as const;

export function csvExport(records: readonly AuditRecord[]): string {
  return csvDocument(
    CSV_HEADER,
    records.map((r) => [
      r.time,
      new Date(r.time).toISOString(),
      r.txId,
      r.seq,
      r.actor,
      r.action,
      r.target,
      r.outcome,
      r.orgs.join(';'),
      r.detail,
      r.policyVersion,
      r.edge === true,
    ]),
  );
}

/** `20261123T032700Z`: sortable and safe in a file name on every OS. */
function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function exportFileName(filter: AuditFilter, format: 'csv' | 'json'): string {
  return `ktalk-audit-${fileStamp(filter.from)}-${fileStamp(filter.to)}.${format}`;
}
