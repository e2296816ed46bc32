import { z } from 'zod';

// payments contract records: balance|<userId>, payhist|<userId>|<time>|<txId>,
// escrow|<escrowId>. Amounts are integer minor units.

export const balanceSchema = z.object({ userId: z.string(), balance: z.number().int().nonnegative() });
export type BalanceRecord = z.infer<typeof balanceSchema>;

export const HISTORY_KINDS = [
  'mint',
  'transfer-out',
  'transfer-in',
  'escrow-out',
  'escrow-in',
  /** Notices to the payer (delta 0, the amount left at creation): released by the payer, claimed by the recipient. */
  'escrow-released',
  'escrow-claimed',
  'escrow-refund',
] as const;

export const historyEntrySchema = z.object({
  txId: z.string(),
  time: z.number().int(),
  kind: z.enum(HISTORY_KINDS),
  /** Signed change to this user's balance (0 for a pure notice). */
  delta: z.number().int(),
  amount: z.number().int(),
  counterparty: z.string(),
  balanceAfter: z.number().int(),
  memo: z.string().optional(),
  conversationId: z.string().optional(),
  escrowId: z.string().optional(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const ESCROW_STATES = ['open', 'released', 'claimed', 'refunded'] as const;
export const escrowSchema = z.object({
  escrowId: z.string(),
  from: z.string(),
  to: z.string(),
  amount: z.number().int().positive(),
  deadline: z.number().int(),
  memo: z.string().optional(),
  createdAt: z.number().int(),
  state: z.enum(ESCROW_STATES),
  settledAt: z.number().int().optional(),
  settledBy: z.string().optional(),
});
export type EscrowRecord = z.infer<typeof escrowSchema>;
