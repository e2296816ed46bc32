import type { Context } from 'fabric-contract-api';
import { Info, Transaction } from 'fabric-contract-api';
import { sortableTime, surelyReached } from '../lib/clock';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { ChaincodeError, badInput, forbidden, notFound } from '../lib/errors';
import { type Caller, orgOfUserId, requireRole } from '../lib/identity';
import {
  KEY_RECOVERY_PERIOD_MS,
  type KeyPair,
  rotationStatement,
  signedBy,
  vetoStatement,
} from '../lib/key-continuity';
import { KTalkContract } from '../lib/ktalk-contract';
import { LIMITS } from '../lib/limits';
import { key, prefixEnd, readJson, readPage, writeJson } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';
import {
  ID_PATTERN,
  type KeyHistoryRecord,
  type UserRecord,
  keyHistorySchema,
  userRecordSchema,
} from '@ktalk/protocol';

export const userKey = (userId: string): string => key('user', userId);
const keyHistoryPrefix = (userId: string): string => key('userkeys', userId, '');

export async function readUser(ctx: Context, userId: string): Promise<UserRecord | null> {
  return readJson(ctx, userKey(userId), userRecordSchema);
}

/** The active caller, refused if its id could break key layout. */
export async function activeUser(ctx: KTalkContext): Promise<Caller> {
  const caller = await ctx.activeCaller();
  if (!ID_PATTERN.test(caller.userId)) throw forbidden('certificate id is not usable as a KTalk user id');
  return caller;
}

/** Someone being added to a conversation: known, keyed and active. */
export async function requireReachableUser(ctx: Context, userId: string): Promise<UserRecord> {
  const user = await readUser(ctx, userId);
  if (!user || !user.encryptionKey) throw notFound(`${userId} has no published keys`);
  if (user.status !== 'active') throw forbidden(`${userId} is disabled`);
  return user;
}

@Info({ title: 'DirectoryContract', description: 'User public keys and org-admin enable/disable' })
export class DirectoryContract extends KTalkContract {
  constructor() {
    super('directory');
  }

  /**
   * First keys go through as they are. After that, new keys take effect at
   * once only with `signature`: the current signing key's Ed25519 signature
   * of rotationStatement(). Without it the change is a recovery request
   * (lost device, or an org admin who re-enrolled the user): it stays
   * pending, visible in the user's record, until its recovery period ends
   * or a compliance officer of the org approves it, and the user's current
   * keys can veto it.
   */
  @Transaction()
  async PublishKeys(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'PublishKeys', request);
    const keys: KeyPair = { encryptionKey: req.encryptionKey, signingKey: req.signingKey };
    const now = ctx.now();
    const existing = await readUser(ctx, caller.userId);
    if (existing?.encryptionKey === req.encryptionKey && existing.signingKey === req.signingKey) {
      throw new ChaincodeError('CONFLICT', 'these keys are already current');
    }
    const base: UserRecord = {
      ...(existing ?? { registeredAt: now, status: 'active' }),
      userId: caller.userId,
      mspId: caller.mspId,
      enrollmentId: caller.enrollmentId,
    };
    if (existing?.signingKey === undefined || existing.keysSince === undefined) {
      if (req.signature !== undefined) throw badInput('signature: there are no current keys to sign with');
      return this.applyKeys(ctx, base, keys, now, 'first');
    }
    if (req.signature !== undefined) {
      if (!signedBy(existing.signingKey, rotationStatement(caller.userId, existing.keysSince, keys), req.signature)) {
        throw forbidden('signature: not a signature of this rotation by the current signing key');
      }
      // Whoever holds the current keys is in control: a pending recovery request is dropped.
      return this.applyKeys(ctx, base, keys, now, existing.keyChange ? 'rotate, pending change dropped' : 'rotate');
    }
    if (existing.keyChange) {
      throw new ChaincodeError('CONFLICT', `a key change is already pending since ${existing.keyChange.requestedAt}`);
    }
    const record: UserRecord = {
      ...base,
      keyChange: { ...keys, requestedAt: now, effectiveAt: now + KEY_RECOVERY_PERIOD_MS },
    };
    await writeJson(ctx, userKey(caller.userId), record);
    await ctx.audit({ action: 'directory.requestKeyChange', target: caller.userId });
    ctx.emit('directory.KeyChangeRequested', { userId: caller.userId, effectiveAt: now + KEY_RECOVERY_PERIOD_MS });
    return JSON.stringify(record);
  }

  /** The user's current keys refuse a pending change: `signature` over vetoStatement(). */
  @Transaction()
  async VetoKeyChange(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'VetoKeyChange', request);
    const existing = await readUser(ctx, caller.userId);
    const pending = existing?.keyChange;
    if (!existing?.signingKey || !pending) throw notFound(`${caller.userId} has no pending key change`);
    if (!signedBy(existing.signingKey, vetoStatement(caller.userId, pending.requestedAt, pending), req.signature)) {
      throw forbidden('signature: not a veto of this key change by the current signing key');
    }
    const { keyChange: _vetoed, ...record } = existing;
    await writeJson(ctx, userKey(caller.userId), record);
    await ctx.audit({ action: 'directory.vetoKeyChange', target: caller.userId });
    ctx.emit('directory.KeyChangeVetoed', { userId: caller.userId, requestedAt: pending.requestedAt });
    return JSON.stringify(record);
  }

  /** The second party: a compliance officer of the user's org lets a pending change take effect now. */
  @Transaction()
  async ApproveKeyChange(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'ApproveKeyChange', request);
    requireRole(caller, 'compliance');
    if (orgOfUserId(req.userId) !== caller.mspId)
      throw forbidden('compliance approves key changes of its own org only');
    if (req.userId === caller.userId) throw forbidden('nobody approves their own key change');
    const existing = await readUser(ctx, req.userId);
    if (!existing?.keyChange) throw notFound(`${req.userId} has no pending key change`);
    return this.applyKeys(ctx, existing, existing.keyChange, ctx.now(), `approved by ${caller.userId}`);
  }

  /** Anyone may finish a pending change once its recovery period has surely ended. */
  @Transaction()
  async CompleteKeyChange(ctx: KTalkContext, request: string): Promise<string> {
    await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'CompleteKeyChange', request);
    const existing = await readUser(ctx, req.userId);
    if (!existing?.keyChange) throw notFound(`${req.userId} has no pending key change`);
    const now = ctx.now();
    // The stamp may run 60 s ahead of the true time: the period holds whatever the caller's clock.
    if (!surelyReached(now, existing.keyChange.effectiveAt)) {
      throw new ChaincodeError('CONFLICT', `the recovery period ends at ${existing.keyChange.effectiveAt}`);
    }
    return this.applyKeys(ctx, existing, existing.keyChange, now, 'recovery period over');
  }

  /** Makes `keys` current from `now`: record, key history, audit, event. */
  private async applyKeys(
    ctx: KTalkContext,
    base: UserRecord,
    keys: KeyPair,
    now: number,
    detail: string,
  ): Promise<string> {
    // Key history only moves forward: a stamp at or before the current key's
    // validFrom would insert a key into the past or overwrite history.
    if (base.keysSince !== undefined && now <= base.keysSince) {
      throw new ChaincodeError('CONFLICT', `keys are current since ${base.keysSince}; time must move past it`);
    }
    const { keyChange: _settled, ...rest } = base;
    const record: UserRecord = {
      ...rest,
      encryptionKey: keys.encryptionKey,
      signingKey: keys.signingKey,
      keysSince: now,
    };
    await writeJson(ctx, userKey(record.userId), record);
    // History lets verifiers check old signatures against the key valid then.
    await writeJson(ctx, key('userkeys', record.userId, sortableTime(now)), {
      encryptionKey: keys.encryptionKey,
      signingKey: keys.signingKey,
      validFrom: now,
    });
    await ctx.audit({ action: 'directory.publishKeys', target: record.userId, detail, orgs: [record.mspId] });
    ctx.emit('directory.KeysPublished', { userId: record.userId, validFrom: now });
    return JSON.stringify(record);
  }

  @Transaction(false)
  async GetUser(ctx: KTalkContext, request: string): Promise<string> {
    await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'GetUser', request);
    const user = await readUser(ctx, req.userId);
    if (!user) throw notFound(`${req.userId} not found`);
    return JSON.stringify(user);
  }

  @Transaction(false)
  async GetKeysAt(ctx: KTalkContext, request: string): Promise<string> {
    await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'GetKeysAt', request);
    const start = keyHistoryPrefix(req.userId);
    // Inclusive of a rotation at exactly `at`.
    const end = key('userkeys', req.userId, sortableTime(req.at + 1));
    let found: KeyHistoryRecord | null = null;
    const iterator = await ctx.stub.getStateByRange(start, end);
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        found = keyHistorySchema.parse(JSON.parse(Buffer.from(next.value.value).toString('utf8')));
      }
    } finally {
      await iterator.close();
    }
    if (!found) throw notFound(`${req.userId} had no keys at ${req.at}`);
    return JSON.stringify({ userId: req.userId, ...found });
  }

  @Transaction(false)
  async ListOrgDirectory(ctx: KTalkContext, request: string): Promise<string> {
    await activeUser(ctx);
    const req = parseTransactionRequest('directory', 'ListOrgDirectory', request);
    const prefix = key('user', `${req.mspId}::`);
    const page = await readPage(
      ctx,
      prefix,
      prefixEnd(prefix),
      req.pageSize ?? LIMITS.pageSize,
      req.bookmark,
      userRecordSchema,
    );
    return JSON.stringify({ users: page.records.map((r) => r.value), bookmark: page.bookmark });
  }

  @Transaction()
  async DisableUser(ctx: KTalkContext, request: string): Promise<string> {
    return this.setStatus(ctx, request, 'disabled');
  }

  @Transaction()
  async EnableUser(ctx: KTalkContext, request: string): Promise<string> {
    return this.setStatus(ctx, request, 'active');
  }

  private async setStatus(ctx: KTalkContext, request: string, status: UserRecord['status']): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('directory', status === 'disabled' ? 'DisableUser' : 'EnableUser', request);
    requireRole(caller, 'admin');
    if (orgOfUserId(req.userId) !== caller.mspId) throw forbidden('admins manage users of their own org only');
    if (req.userId === caller.userId) throw forbidden('an admin cannot change their own status');
    const now = ctx.now();
    const existing = await readUser(ctx, req.userId);
    if (!existing && status === 'active') throw notFound(`${req.userId} not found`);
    if (existing?.status === status) throw new ChaincodeError('CONFLICT', `${req.userId} is already ${status}`);
    // Disabling someone who never published keys still blocks them (CA revocation can precede first use).
    const sep = req.userId.indexOf('::');
    const record: UserRecord = {
      ...(existing ?? {
        userId: req.userId,
        mspId: req.userId.slice(0, sep),
        enrollmentId: req.userId.slice(sep + 2),
        registeredAt: now,
      }),
      status,
      statusChangedAt: now,
      statusChangedBy: caller.userId,
    };
    await writeJson(ctx, userKey(req.userId), record);
    const action = status === 'disabled' ? 'directory.disableUser' : 'directory.enableUser';
    await ctx.audit({ action, target: req.userId });
    ctx.emit(status === 'disabled' ? 'directory.UserDisabled' : 'directory.UserEnabled', { userId: req.userId });
    return JSON.stringify(record);
  }
}

export type { UserRecord };
