import { Info, Transaction } from 'fabric-contract-api';
import { memberRole, requireMember } from '../domain/groups';
import {
  type EscrowRecord,
  appendHistory,
  creditedBalance,
  debitedBalance,
  escrowKey,
  escrowSchema,
  historyEntrySchema,
  historyPrefix,
  readBalance,
  requireActiveUser,
  writeBalance,
} from '../domain/payments';

// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { CLOCK_SKEW_MS, surelyBefore, surelyReached } from '../lib/clock';
import { ChaincodeError, badInput, forbidden } from '../lib/errors';
import { type Caller, orgOfUserId } from '../lib/identity';
import { KTalkContract } from '../lib/ktalk-contract';
import { LIMITS } from '../lib/limits';
import { mustReadJson, writeJson } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';
import { MAX_ESCROW_MS } from '@ktalk/protocol';
import { prefixRange, readPage } from '../lib/state';
import { keySafe } from '../lib/identity';

/**
 * Claims close CLOCK_SKEW_MS before the deadline (stamped time), so the
 * deadline must leave the recipient a window even if the sender's own stamp
 * ran a full skew ahead.
 */
const MIN_ESCROW_MS = 2 * CLOCK_SKEW_MS;

/**
 * Credits in integer minor units. Balances are per-user keys; every change
 * writes a history row for each affected user and an audit record.
 */
@Info({ title: 'PaymentsContract', description: 'Credits: mint, transfer, escrow' })
export class PaymentsContract extends KTalkContract {
  constructor() {
    super('payments');
  }

  @Transaction()
  async Mint(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('payments', 'Mint', request);
    if (!caller.treasury) throw forbidden('requires an admin with ktalk.treasury=true');
    if (orgOfUserId(req.toUserId) !== caller.mspId) throw forbidden('may only mint to users of your own org');
    if (req.amount > LIMITS.mintPerTransaction) {
      throw new ChaincodeError('LIMIT_EXCEEDED', `at most ${LIMITS.mintPerTransaction} per mint`);
    }
    await requireActiveUser(ctx, req.toUserId);
    const balance = creditedBalance(await readBalance(ctx, req.toUserId), req.amount);

    await writeBalance(ctx, req.toUserId, balance);
    await appendHistory(ctx, req.toUserId, {
      kind: 'mint',
      delta: req.amount,
      amount: req.amount,
      counterparty: caller.userId,
      balanceAfter: balance,
      memo: req.memo,
    });
    await ctx.audit({ action: 'payments.Mint', target: `user:${req.toUserId}`, detail: `amount=${req.amount}` });
    const paymentId = ctx.stub.getTxID();
    ctx.emit('payments.Minted', { paymentId, to: req.toUserId });
    return JSON.stringify({ paymentId, toUserId: req.toUserId, amount: req.amount, balance });
  }

  @Transaction()
  async Transfer(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('payments', 'Transfer', request);
    if (req.toUserId === caller.userId) throw badInput('a self-transfer is not a payment');
    await requireActiveUser(ctx, req.toUserId);
    if (req.conversationId !== undefined) {
      // In-chat payments follow the group's policy, and both sides must be in it.
      const { group } = await requireMember(ctx, req.conversationId, caller.userId);
      if (!group.policy.paymentsAllowed) throw forbidden('payments are disabled in this conversation');
      if ((await memberRole(ctx, req.conversationId, req.toUserId)) === null) {
        throw forbidden('recipient is not a member of the conversation');
      }
    }
    const fromBalance = debitedBalance(await readBalance(ctx, caller.userId), req.amount);
    const toBalance = creditedBalance(await readBalance(ctx, req.toUserId), req.amount);

    await writeBalance(ctx, caller.userId, fromBalance);
    await writeBalance(ctx, req.toUserId, toBalance);
    const common = { amount: req.amount, memo: req.memo, conversationId: req.conversationId };
    await appendHistory(ctx, caller.userId, {
      ...common,
      kind: 'transfer-out',
      delta: -req.amount,
      counterparty: req.toUserId,
      balanceAfter: fromBalance,
    });
    await appendHistory(ctx, req.toUserId, {
      ...common,
      kind: 'transfer-in',
      delta: req.amount,
      counterparty: caller.userId,
      balanceAfter: toBalance,
    });
    await ctx.audit({
      action: 'payments.Transfer',
      target: `user:${req.toUserId}`,
      orgs: [orgOfUserId(req.toUserId)],
      detail: `amount=${req.amount}`,
    });
    const paymentId = ctx.stub.getTxID();
    // No conversationId: it would tell every listener both parties are members of it.
    ctx.emit('payments.Transferred', { paymentId, from: caller.userId, to: req.toUserId });
    return JSON.stringify({ paymentId, toUserId: req.toUserId, amount: req.amount, balance: fromBalance });
  }

  @Transaction(false)
  async GetBalance(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    parseTransactionRequest('payments', 'GetBalance', request);
    return JSON.stringify({ userId: caller.userId, balance: await readBalance(ctx, caller.userId) });
  }

  @Transaction(false)
  async GetHistory(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('payments', 'GetHistory', request);
    const { start, end } = prefixRange(historyPrefix(caller.userId));
    const page = await readPage(ctx, start, end, req.pageSize, req.bookmark, historyEntrySchema);
    return JSON.stringify({ entries: page.records.map((r) => r.value), bookmark: page.bookmark });
  }

  @Transaction()
  async CreateEscrow(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('payments', 'CreateEscrow', request);
    const now = ctx.now();
    if (req.toUserId === caller.userId) throw badInput('an escrow to yourself is not a payment');
    if (req.deadline <= now + MIN_ESCROW_MS) {
      throw badInput(`deadline must be more than ${MIN_ESCROW_MS / 1000} s away`);
    }
    if (req.deadline > now + MAX_ESCROW_MS) throw badInput('deadline is more than a year away');
    await requireActiveUser(ctx, req.toUserId);
    const fromBalance = debitedBalance(await readBalance(ctx, caller.userId), req.amount);

    const escrowId = ctx.stub.getTxID();
    const escrow: EscrowRecord = {
      escrowId,
      from: caller.userId,
      to: req.toUserId,
      amount: req.amount,
      deadline: req.deadline,
      memo: req.memo,
      createdAt: now,
      state: 'open',
    };
    await writeBalance(ctx, caller.userId, fromBalance);
    await writeJson(ctx, escrowKey(escrowId), escrow);
    await appendHistory(ctx, caller.userId, {
      kind: 'escrow-out',
      delta: -req.amount,
      amount: req.amount,
      counterparty: req.toUserId,
      balanceAfter: fromBalance,
      memo: req.memo,
      escrowId,
    });
    await ctx.audit({
      action: 'payments.CreateEscrow',
      target: `escrow:${escrowId}`,
      orgs: [orgOfUserId(req.toUserId)],
      detail: `amount=${req.amount}`,
    });
    ctx.emit('payments.EscrowCreated', { escrowId, from: caller.userId, to: req.toUserId });
    return JSON.stringify(escrow);
  }

  @Transaction()
  async ReleaseEscrow(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const escrow = await openEscrow(ctx, 'ReleaseEscrow', request);
    if (caller.userId !== escrow.from) throw forbidden('only the sender may release');
    return this.settle(ctx, caller, escrow, 'released');
  }

  @Transaction()
  async ClaimEscrow(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const escrow = await openEscrow(ctx, 'ClaimEscrow', request);
    if (caller.userId !== escrow.to) throw forbidden('only the recipient may claim');
    // A recipient stamping late cannot claim after the deadline.
    if (!surelyBefore(ctx.now(), escrow.deadline)) {
      throw new ChaincodeError('EXPIRED', `claims close ${CLOCK_SKEW_MS / 1000} s before the deadline`);
    }
    return this.settle(ctx, caller, escrow, 'claimed');
  }

  /**
   * Returns the funds to the sender. The sender may do so as soon as claims
   * close (the very stamp ClaimEscrow refuses), anyone else once the deadline
   * has surely passed, so nothing stays locked. Why the sender need not wait:
   * a claim endorsed just inside its window can be held and submitted after
   * the deadline, and Fabric's validation knows no chaincode time. This
   * refund writes `escrow|<id>`, which ClaimEscrow reads, so once it commits
   * MVCC validation invalidates every claim endorsed before it: the deadline
   * then holds at commit, not only at endorsement.
   */
  @Transaction()
  async RefundEscrow(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const escrow = await openEscrow(ctx, 'RefundEscrow', request);
    const now = ctx.now();
    if (caller.userId === escrow.from) {
      if (surelyBefore(now, escrow.deadline)) {
        throw forbidden(`the sender may refund from ${CLOCK_SKEW_MS / 1000} s before the deadline, when claims close`);
      }
    } else if (!surelyReached(now, escrow.deadline)) {
      // A refunder stamping early cannot refund before the deadline.
      throw forbidden(`refunds open ${CLOCK_SKEW_MS / 1000} s after the deadline`);
    }
    return this.settle(ctx, caller, escrow, 'refunded');
  }

  @Transaction(false)
  async GetEscrow(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('payments', 'GetEscrow', request);
    const escrow = await mustReadJson(ctx, escrowKey(req.escrowId), escrowSchema, 'escrow');
    if (caller.userId !== escrow.from && caller.userId !== escrow.to) throw forbidden('not a party to this escrow');
    return JSON.stringify(escrow);
  }

  /** Moves the held amount once; the state check in openEscrow makes it exactly once. */
  private async settle(
    ctx: KTalkContext,
    caller: Caller,
    escrow: EscrowRecord,
    state: 'released' | 'claimed' | 'refunded',
  ): Promise<string> {
    const payee = state === 'refunded' ? escrow.from : escrow.to;
    const other = payee === escrow.from ? escrow.to : escrow.from;
    const balance = creditedBalance(await readBalance(ctx, payee), escrow.amount);
    const settled: EscrowRecord = { ...escrow, state, settledAt: ctx.now(), settledBy: caller.userId };

    await writeJson(ctx, escrowKey(escrow.escrowId), settled);
    await writeBalance(ctx, payee, balance);
    await appendHistory(ctx, payee, {
      kind: state === 'refunded' ? 'escrow-refund' : 'escrow-in',
      delta: escrow.amount,
      amount: escrow.amount,
      counterparty: other,
      balanceAfter: balance,
      escrowId: escrow.escrowId,
    });
    if (state !== 'refunded') {
      // The sender's balance is unchanged (debited at creation); this is a notice row.
      await appendHistory(ctx, escrow.from, {
        kind: state === 'claimed' ? 'escrow-claimed' : 'escrow-released',
        delta: 0,
        amount: escrow.amount,
        counterparty: escrow.to,
        balanceAfter: await readBalance(ctx, escrow.from),
        escrowId: escrow.escrowId,
      });
    }
    const action = { released: 'ReleaseEscrow', claimed: 'ClaimEscrow', refunded: 'RefundEscrow' }[state];
    await ctx.audit({
      action: `payments.${action}`,
      target: `escrow:${escrow.escrowId}`,
      orgs: [orgOfUserId(escrow.from), orgOfUserId(escrow.to)],
      detail: `amount=${escrow.amount}`,
    });
    ctx.emit('payments.EscrowSettled', { escrowId: escrow.escrowId, state, from: escrow.from, to: escrow.to });
    return JSON.stringify(settled);
  }
}

async function openEscrow(
  ctx: KTalkContext,
  transaction: 'ReleaseEscrow' | 'ClaimEscrow' | 'RefundEscrow',
  request: string,
): Promise<EscrowRecord> {
  const req = parseTransactionRequest('payments', transaction, request);
  const escrow = await mustReadJson(ctx, escrowKey(req.escrowId), escrowSchema, 'escrow');
  if (escrow.state !== 'open') throw new ChaincodeError('CONFLICT', `escrow already ${escrow.state}`);
  return escrow;
}
