import { type HistoryEntry, balanceSchema, userStatusSchema } from '@ktalk/protocol';
import { sortableTime } from '../lib/clock';
import type { KTalkContext } from '../lib/context';
import { ChaincodeError, notFound } from '../lib/errors';
import { LIMITS } from '../lib/limits';
import { key, readJson, writeJson } from '../lib/state';

// Record schemas: @ktalk/protocol records/payments.ts.
// Balances live one key per user (no global counter, so unrelated transfers
// never touch the same key). Two transfers reading the same balance in
// parallel are serialised by Fabric's MVCC check: one is invalidated at
// commit (MVCC_READ_CONFLICT) and the client retries it.

export const balanceKey = (userId: string): string => key('balance', userId);
export const escrowKey = (escrowId: string): string => key('escrow', escrowId);
export const historyPrefix = (userId: string): string => key('payhist', userId, '');

export async function readBalance(ctx: KTalkContext, userId: string): Promise<number> {
  return (await readJson(ctx, balanceKey(userId), balanceSchema))?.balance ?? 0;
}

/** Payees must be in the directory and active; the directory is the other contract's. */
export async function requireActiveUser(ctx: KTalkContext, userId: string): Promise<void> {
  const user = await readJson(ctx, key('user', userId), userStatusSchema);
  if (user === null) throw notFound(`user ${userId} not found`);
  if (user.status !== 'active') throw new ChaincodeError('DISABLED', `${userId} is disabled`);
}

/** The balance after adding `amount`, refused if it breaks the cap or safe-integer range. */
export function creditedBalance(current: number, amount: number): number {
  const next = current + amount;
  if (!Number.isSafeInteger(next) || next > LIMITS.balance) {
    throw new ChaincodeError('LIMIT_EXCEEDED', `balance would exceed ${LIMITS.balance}`);
  }
  return next;
}

export function debitedBalance(current: number, amount: number): number {
  if (current < amount) throw new ChaincodeError('INSUFFICIENT_FUNDS', `balance ${current} < ${amount}`);
  return current - amount;
}

export async function writeBalance(ctx: KTalkContext, userId: string, balance: number): Promise<void> {
  await writeJson(ctx, balanceKey(userId), { userId, balance });
}

export async function appendHistory(
  ctx: KTalkContext,
  userId: string,
  entry: Omit<HistoryEntry, 'txId' | 'time'>,
): Promise<void> {
  const txId = ctx.stub.getTxID();
  const time = ctx.now();
  const record: HistoryEntry = { txId, time, ...entry };
  await writeJson(ctx, key('payhist', userId, sortableTime(time), txId), record);
}

export {
  type BalanceRecord,
  type EscrowRecord,
  type HistoryEntry,
  ESCROW_STATES,
  HISTORY_KINDS,
  balanceSchema,
  escrowSchema,
  historyEntrySchema,
} from '@ktalk/protocol';
