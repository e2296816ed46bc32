import { z } from 'zod';
import type { AuditFilter, AuditRecordView } from '../../common/api';

// The audit record exactly as the chaincode stores it (chaincode
// lib/context.ts), and as QueryAudit returns it with `edge` added. Strict:
// a field the client does not know (content, say) is refused, never passed
// on into a view or an export.

/** A record's ledger form; its canonical JSON is the value under its key. */
export const ledgerAuditRecordSchema = z.strictObject({
  txId: z.string().min(1).max(256),
  seq: z.number().int().nonnegative().max(9999),
  time: z.number().int().nonnegative(),
  actor: z.string().max(256),
  action: z.string().max(256),
  target: z.string().max(256),
  outcome: z.enum(['ok', 'denied']),
  orgs: z.array(z.string().max(64)).max(64),
  detail: z.string().max(1024).optional(),
  policyVersion: z.number().int().optional(),
});
export type LedgerAuditRecord = z.infer<typeof ledgerAuditRecordSchema>;

/** As QueryAudit returns it: stamped outside [from, to] (clock skew) carries edge: true. */
export const auditRecordSchema = ledgerAuditRecordSchema.extend({ edge: z.literal(true).optional() });
export type AuditRecord = z.infer<typeof auditRecordSchema>;

export const queryAnswerSchema = z.object({
  records: z.array(auditRecordSchema),
  scanned: z.number().int().nonnegative(),
  bookmark: z.string(),
});

/** How far the chaincode widens the window each side (its CLOCK_SKEW_MS). */
export const CLOCK_SKEW_MS = 60_000;

/** The state key of an org's copy of a record (chaincode: key('audit', org, sortableTime, txId, seq)). */
export function auditKey(mspId: string, record: Pick<LedgerAuditRecord, 'time' | 'txId' | 'seq'>): string {
  return [
    'audit',
    mspId,
    record.time.toString().padStart(16, '0'),
    record.txId,
    record.seq.toString().padStart(4, '0'),
  ].join('|');
}

/** The record without the query's `edge` mark: what the ledger holds. */
export function ledgerForm(record: AuditRecord): LedgerAuditRecord {
  const { edge: _edge, ...stored } = record;
  return stored;
}

export function toView(record: AuditRecord): AuditRecordView {
  return {
    time: record.time,
    txId: record.txId,
    seq: record.seq,
    actor: record.actor,
    action: record.action,
    target: record.target,
    outcome: record.outcome,
    edge: record.edge === true,
  };
}

/** Whether a record answers the filter (the chaincode's widened window, and the outcome it does not filter). */
export function matchesFilter(record: AuditRecord, filter: AuditFilter): boolean {
  return (
    record.time >= filter.from - CLOCK_SKEW_MS &&
    record.time <= filter.to + CLOCK_SKEW_MS &&
    (filter.actor === undefined || record.actor === filter.actor) &&
    (filter.action === undefined || record.action === filter.action) &&
    (filter.target === undefined || record.target === filter.target) &&
    (filter.outcome === undefined || record.outcome === filter.outcome)
  );
}

/** The chaincode marks exactly the records stamped outside [from, to]. */
export function edgeIsRight(record: AuditRecord, filter: AuditFilter): boolean {
  return (record.edge === true) === (record.time < filter.from || record.time > filter.to);
}
