import { z } from 'zod';
import type { EscrowInfo, PaymentRecord } from '../../common/api';

// The payments contract's answers, validated as they arrive, and their
// mapping to the API's types. Amounts are integer minor units.

const text = z.string().min(1);
const time = z.number().int().nonnegative();
const units = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const balanceSchema = z.object({ userId: text, balance: units });
export const transferSchema = z.object({ paymentId: text, toUserId: text, amount: units, balance: units });
export const mintSchema = transferSchema;

export const HISTORY_KINDS = [
  'mint',
  'transfer-out',
  'transfer-in',
  'escrow-out',
  'escrow-in',
  'escrow-released',
  'escrow-claimed',
  'escrow-refund',
] as const;

export const historyEntrySchema = z.object({
  txId: text,
  time,
  kind: z.enum(HISTORY_KINDS),
  delta: z.number().int(),
  amount: units,
  counterparty: text,
  balanceAfter: units,
  memo: z.string().optional(),
  conversationId: z.string().optional(),
  escrowId: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;
export const historyPageSchema = z.object({ entries: z.array(historyEntrySchema), bookmark: z.string().optional() });

export const escrowSchema = z.object({
  escrowId: text,
  from: text,
  to: text,
  amount: units.refine((n) => n > 0, 'must be positive'),
  deadline: time,
  memo: z.string().optional(),
  createdAt: time,
  state: z.enum(['open', 'released', 'claimed', 'refunded']),
  settledAt: time.optional(),
  settledBy: z.string().optional(),
});
export type EscrowRecord = z.infer<typeof escrowSchema>;

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
