import type { EscrowRecord, HistoryEntry } from '@ktalk/protocol';
import type { EscrowInfo, PaymentRecord } from '../../common/api';

// The payments contract's answers (schemas: @ktalk/protocol) mapped to the
// API's types. Amounts are integer minor units.

export {
  type EscrowRecord,
  type HistoryEntry,
  HISTORY_KINDS,
  balanceSchema,
  escrowSchema,
  historyEntrySchema,
  historyPageSchema,
  paidSchema as mintSchema,
  paidSchema as transferSchema,
} from '@ktalk/protocol';

/**
 * One history row. `amount` is what the row is about (positive); `delta` is
 * what it changed in my balance, so the rows add up to the balance: an
 * escrow's money leaves once (escrow-out) and its settling is a notice to
 * the payer (escrow-claimed / escrow-released, delta 0).
 */
export function toPaymentRecord(entry: HistoryEntry): PaymentRecord {
  return {
    paymentId: entry.txId,
    kind: entry.kind,
    delta: entry.delta,
    amount: entry.amount,
    counterparty: entry.counterparty,
    ...(entry.memo !== undefined && entry.memo !== '' ? { memo: entry.memo } : {}),
    time: entry.time,
  };
}

export function toEscrowInfo(escrow: EscrowRecord): EscrowInfo {
  return {
    escrowId: escrow.escrowId,
    from: escrow.from,
    to: escrow.to,
    amount: escrow.amount,
    deadline: escrow.deadline,
    state: escrow.state,
    ...(escrow.memo !== undefined && escrow.memo !== '' ? { memo: escrow.memo } : {}),
  };
}
