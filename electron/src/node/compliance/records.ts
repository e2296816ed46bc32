import { CLOCK_SKEW_MS, type AuditRecord as LedgerAuditRecord, queriedAuditRecordSchema } from '@ktalk/protocol';
import type { z } from 'zod';
import type { AuditFilter, AuditRecordView } from '../../common/api';

// The audit record exactly as the chaincode stores it, and as QueryAudit
// returns it with `edge` added: the protocol's schemas (@ktalk/protocol
// records/audit.ts, contracts/audit.ts). Strict: a field the client does not
// know (content, say) is refused, never passed on into a view or an export.

export {
  type AuditRecord as LedgerAuditRecord,
  CLOCK_SKEW_MS,
  auditPageSchema as queryAnswerSchema,
  auditRecordSchema as ledgerAuditRecordSchema,
  queriedAuditRecordSchema as auditRecordSchema,
} from '@ktalk/protocol';
export type AuditRecord = z.infer<typeof queriedAuditRecordSchema>;

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
