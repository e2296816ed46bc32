import { CLOCK_SKEW_MS, MAX_ESCROW_MS } from '@ktalk/protocol';
import type { EscrowInfo, KTalkApi, Page, PaymentRecord } from '../../common/api';
import { submitted } from '../ledger';
import type { ClientSession } from '../session/client-session';
import { knownActiveUser } from '../sharing/access';
import { ServiceError, checkedInput } from '../sharing/errors';
import { type HistoryEntry, toEscrowInfo, toPaymentRecord } from './records';

// Payments: the ledger side of credits (balance, transfers, escrow, minting).
// The chat's payment messages are the messaging code's; this module only
// moves credits and reports `{type: 'balance'}` when the caller's changed.

type In<M extends keyof KTalkApi> = Parameters<KTalkApi[M]>[0];

const HISTORY_PAGE_SIZE = 50;
/** payments.CreateEscrow's window (the protocol's): more than two clock skews away, at most 366 days. */
export const MIN_ESCROW_MS = 2 * CLOCK_SKEW_MS;
export { MAX_ESCROW_MS };

/** BAD_INPUT for a deadline the chaincode would refuse, judged on the local clock. */
export function checkEscrowDeadline(deadline: number, now: number): void {
  if (deadline <= now + MIN_ESCROW_MS) {
    throw new ServiceError('BAD_INPUT', `deadline must be more than ${MIN_ESCROW_MS / 1000} s away`);
  }
  if (deadline > now + MAX_ESCROW_MS) throw new ServiceError('BAD_INPUT', 'deadline is more than a year away');
}

async function currentBalance(session: ClientSession): Promise<number> {
  return (await session.ledger.evaluate('payments', 'GetBalance', {})).balance;
}

async function emitBalance(session: ClientSession, balance?: number): Promise<void> {
  session.emit({ type: 'balance', balance: balance ?? (await currentBalance(session)) });
}

export async function getBalance(session: ClientSession): Promise<{ balance: number }> {
  return { balance: await currentBalance(session) };
}

export async function sendPayment(session: ClientSession, input: In<'sendPayment'>): Promise<PaymentRecord> {
  const { to, amount, memo, conversationId } = checkedInput('sendPayment', input);
  if (to === session.userId) throw new ServiceError('SELF_PAYMENT', 'a payment to yourself is not a payment');
  await knownActiveUser(session, to);
  const request = { toUserId: to, amount, memo, ...(conversationId !== undefined ? { conversationId } : {}) };
  const committed = await session.ledger.submit('payments', 'Transfer', request);
  const answer = submitted('payments', 'Transfer', committed);
  await emitBalance(session, answer.balance);
  return {
    paymentId: answer.paymentId,
    kind: 'transfer-out',
    delta: -answer.amount,
    amount: answer.amount,
    counterparty: answer.toUserId,
    ...(memo !== '' ? { memo } : {}),
    // The ledger stamps the row within ±60 s of this; paymentHistory has its exact stamp.
    time: Date.now(),
  };
}

/** One page of my history as the ledger has it, and the cursor of the next page if there is one. */
export async function historyPage(
  session: ClientSession,
  cursor: string | undefined,
): Promise<{ entries: HistoryEntry[]; next?: string }> {
  const request = { pageSize: HISTORY_PAGE_SIZE, ...(cursor !== undefined ? { bookmark: cursor } : {}) };
  const page = await session.ledger.evaluate('payments', 'GetHistory', request);
  const full = page.entries.length >= HISTORY_PAGE_SIZE;
  return { entries: page.entries, ...(full && page.bookmark ? { next: page.bookmark } : {}) };
}

/** My history, oldest first (the ledger's order), one page per call. */
export async function paymentHistory(
  session: ClientSession,
  input: In<'paymentHistory'>,
): Promise<Page<PaymentRecord>> {
  const { cursor } = checkedInput('paymentHistory', input);
  const page = await historyPage(session, cursor);
  return { items: page.entries.map(toPaymentRecord), ...(page.next !== undefined ? { next: page.next } : {}) };
}

/**
 * payments.CreateEscrow knows no conversations, so an escrow offered in a
 * chat is held to the rules an in-chat Transfer gets from the ledger: both
 * parties are members and the conversation allows payments.
 */
async function requireChatAllowsPayment(session: ClientSession, conversationId: string, to: string): Promise<void> {
  const group = await session.ledger.evaluate('groups', 'GetGroup', { conversationId });
  if (!group.policy.paymentsAllowed) throw new ServiceError('FORBIDDEN', 'payments are disabled in this conversation');
  const { members } = await session.ledger.evaluate('groups', 'ListMembers', { conversationId });
  if (!members.some((m) => m.userId === to)) {
    throw new ServiceError('FORBIDDEN', 'recipient is not a member of the conversation');
  }
}

export async function createEscrow(session: ClientSession, input: In<'createEscrow'>): Promise<EscrowInfo> {
  const { to, amount, deadline, memo, conversationId } = checkedInput('createEscrow', input);
  if (to === session.userId) throw new ServiceError('SELF_PAYMENT', 'an escrow to yourself is not a payment');
  checkEscrowDeadline(deadline, Date.now());
  await knownActiveUser(session, to);
  if (conversationId !== undefined) await requireChatAllowsPayment(session, conversationId, to);
  const request = { toUserId: to, amount, deadline, ...(memo !== '' ? { memo } : {}) };
  const committed = await session.ledger.submit('payments', 'CreateEscrow', request);
  const escrow = submitted('payments', 'CreateEscrow', committed);
  await emitBalance(session);
  return toEscrowInfo(escrow);
}

const SETTLE = { release: 'ReleaseEscrow', claim: 'ClaimEscrow', refund: 'RefundEscrow' } as const;

export async function settleEscrow(session: ClientSession, input: In<'settleEscrow'>): Promise<EscrowInfo> {
  const { escrowId, action } = checkedInput('settleEscrow', input);
  const committed = await session.ledger.submit('payments', SETTLE[action], { escrowId });
  const escrow = submitted('payments', SETTLE[action], committed);
  // Claims credit the recipient and refunds the sender; a release changes only the recipient's balance.
  const payee = escrow.state === 'refunded' ? escrow.from : escrow.to;
  if (payee === session.userId) await emitBalance(session);
  return toEscrowInfo(escrow);
}

export async function getEscrow(session: ClientSession, input: In<'getEscrow'>): Promise<EscrowInfo> {
  const { escrowId } = checkedInput('getEscrow', input);
  return toEscrowInfo(await session.ledger.evaluate('payments', 'GetEscrow', { escrowId }));
}

/** Treasury admins credit a user of their own org (the ledger checks both). */
export async function mint(session: ClientSession, input: In<'mint'>): Promise<{ balance: number }> {
  const { to, amount } = checkedInput('mint', input);
  const committed = await session.ledger.submit('payments', 'Mint', { toUserId: to, amount });
  const answer = submitted('payments', 'Mint', committed);
  if (answer.toUserId === session.userId) await emitBalance(session, answer.balance);
  return { balance: answer.balance };
}
