import { z } from 'zod';
import { MAX_MEMO_CHARS } from '../limits';
import { bookmark, id, pageSize, positiveAmount, strictObject, timestampMs } from '../primitives';
import { balanceSchema, escrowSchema, historyEntrySchema } from '../records/payments';

// payments contract: requests and answers. Amounts are integer minor units.

const memo = z.string().max(MAX_MEMO_CHARS);
const escrowOnly = strictObject({ escrowId: id });

export const paymentsRequests = {
  Mint: strictObject({ toUserId: id, amount: positiveAmount, memo: memo.optional() }),
  Transfer: strictObject({ toUserId: id, amount: positiveAmount, memo, conversationId: id.optional() }),
  GetBalance: strictObject({}),
  GetHistory: strictObject({ pageSize, bookmark: bookmark.optional() }),
  CreateEscrow: strictObject({ toUserId: id, amount: positiveAmount, deadline: timestampMs, memo: memo.optional() }),
  ReleaseEscrow: escrowOnly,
  ClaimEscrow: escrowOnly,
  RefundEscrow: escrowOnly,
  GetEscrow: escrowOnly,
};

/** Mint's and Transfer's answer: the caller's (Transfer) or the payee's (Mint) balance after it. */
export const paidSchema = z.object({
  paymentId: z.string(),
  toUserId: z.string(),
  amount: z.number().int(),
  balance: z.number().int().nonnegative(),
});
export const historyPageSchema = z.object({ entries: z.array(historyEntrySchema), bookmark: z.string().optional() });
export { balanceSchema, escrowSchema };
