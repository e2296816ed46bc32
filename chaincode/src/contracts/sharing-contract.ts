import { createHash, createHmac } from 'node:crypto';
import { Info, Transaction } from 'fabric-contract-api';
import { memberRole, readGroup, requireNoPendingRekey } from '../domain/groups';
import { requireActiveUser } from '../domain/payments';
import {
  type AccessCode,
  type AccessRecord,
  type AttemptDecision,
  attemptDecisionSchema,
  attemptKey,
  decideUnseen,
  type GrantRecord,
  type ItemRecord,
  MAX_GRANTS_PER_ITEM,
  MAX_RESHARE_DEPTH,
  OWNER_GRANT,
  TICKET_TTL_MS,
  type TicketRecord,
  accessSchema,
  decideAccess,
  grantKey,
  grantSchema,
  grantState,
  itemKey,
  listGrants,
  payloadKey,
  readItem,
  ticketKey,
  ticketSchema,
  wrappedKeyKey,
  wrappedKeySchema,
} from '../domain/sharing';
import { CLOCK_SKEW_MS, sortableTime, surelyBefore } from '../lib/clock';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { ChaincodeError, badInput, forbidden, notFound } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { KTalkContract } from '../lib/ktalk-contract';
import { LIMITS } from '../lib/limits';
import { COLLECTIONS, key, readJson, readPrivateJson, writeJson, writePrivateJson } from '../lib/state';
import { transientBytes } from '../lib/transient';
import { parseTransactionRequest } from '../lib/validate';
import { prefixRange, readPage } from '../lib/state';
import { keySafe } from '../lib/identity';

/** A sealed box of a 32-byte data key is 80 bytes; leave room for other key sizes. */
const MAX_WRAPPED_KEY_BYTES = 384;

const target = (itemId: string): string => `item:${itemId}`;

/**
 * Data-sharing ACL. Content is served only by ReadItem (an evaluate) and only
 * against a ticket that RequestAccess wrote in a committed transaction, so
 * every served read has a committed access record behind it.
 */
@Info({ title: 'SharingContract', description: 'Encrypted item sharing with committed access tickets' })
export class SharingContract extends KTalkContract {
  constructor() {
    super('sharing');
  }

  @Transaction()
  async RegisterItem(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'RegisterItem', request);
    // The ciphertext travels in the transient map so it never lands in a block.
    const payload = transientBytes(ctx, 'payload', LIMITS.itemPayloadBytes);
    // So does the owner's wrapped key: it lands only in private data.
    const ownerWrappedKey = transientBytes(ctx, 'ownerWrappedKey', MAX_WRAPPED_KEY_BYTES);
    if (await readItem(ctx, req.itemId)) throw new ChaincodeError('CONFLICT', `item ${req.itemId} already exists`);

    const now = ctx.now();
    const item: ItemRecord = {
      itemId: req.itemId,
      owner: caller.userId,
      contentHash: req.contentHash,
      ciphertextHash: createHash('sha256').update(payload).digest('hex'),
      size: req.size,
      ciphertextSize: payload.length,
      mimeType: req.mimeType,
      createdAt: now,
      txId: ctx.stub.getTxID(),
    };
    await writeJson(ctx, itemKey(req.itemId), item);
    await ctx.stub.putPrivateData(COLLECTIONS.items, payloadKey(req.itemId), payload);
    await writePrivateJson(ctx, COLLECTIONS.items, wrappedKeyKey(req.itemId, OWNER_GRANT), {
      wrappedKey: ownerWrappedKey.toString('base64'),
    });
    await ctx.audit({ action: 'sharing.RegisterItem', target: target(req.itemId) });
    ctx.emit('sharing.ItemRegistered', { itemId: req.itemId, owner: caller.userId });
    return JSON.stringify(item);
  }

  @Transaction()
  async GrantAccess(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'GrantAccess', request);
    // Off the request, so RevokeGrant's purge leaves no copy in any block.
    const wrappedKey = transientBytes(ctx, 'wrappedKey', MAX_WRAPPED_KEY_BYTES);
    const now = ctx.now();
    const item = await readItem(ctx, req.itemId);
    if (!item) throw notFound(`item ${req.itemId} not found`);
    // A grant counts as active only while now + skew < expiresAt; refuse one that never would.
    if (!surelyBefore(now, req.expiresAt)) {
      throw badInput(`expiresAt must be more than ${CLOCK_SKEW_MS / 1000} s away`);
    }

    const grants = await listGrants(ctx, req.itemId);
    if (grants.length >= MAX_GRANTS_PER_ITEM) {
      throw new ChaincodeError('LIMIT_EXCEEDED', `an item has at most ${MAX_GRANTS_PER_ITEM} grants`);
    }
    // Non-owners act under their own reshare-capable grant and cannot exceed it.
    let parent: GrantRecord | null = null;
    if (caller.userId !== item.owner) {
      const decision = await decideAccess(ctx, grants, caller.userId, now, (g) => g.canReshare);
      if (!decision.grant) throw new ChaincodeError(decision.code ?? 'FORBIDDEN', 'no active grant allows resharing');
      parent = decision.grant;
      if (req.expiresAt > parent.expiresAt) throw forbidden('expiry exceeds your own grant');
      if (req.canReshare && !parent.canReshare) throw forbidden('canReshare exceeds your own grant');
      if (depthOf(parent, grants) + 1 >= MAX_RESHARE_DEPTH) {
        throw new ChaincodeError('LIMIT_EXCEEDED', `reshare chains are at most ${MAX_RESHARE_DEPTH} deep`);
      }
    }

    let epoch: number | undefined;
    let granteeOrgs: string[];
    if (req.grantee.kind === 'user') {
      if (req.grantee.userId === caller.userId || req.grantee.userId === item.owner) {
        throw badInput('grantee already holds the item');
      }
      await requireActiveUser(ctx, req.grantee.userId);
      granteeOrgs = [orgOfUserId(req.grantee.userId)];
    } else {
      const group = await readGroup(ctx, req.grantee.conversationId);
      if (!group) throw notFound(`conversation ${req.grantee.conversationId} not found`);
      // The key is sealed for the group's epoch key, which only members hold.
      if ((await memberRole(ctx, req.grantee.conversationId, caller.userId)) === null) {
        throw forbidden(`not a member of ${req.grantee.conversationId}`);
      }
      // Sealed for the current epoch key, which a member who left still holds until the re-key.
      requireNoPendingRekey(group);
      epoch = group.epoch;
      granteeOrgs = group.memberOrgs;
    }

    const grantId = ctx.stub.getTxID();
    const grant: GrantRecord = {
      grantId,
      itemId: req.itemId,
      grantor: caller.userId,
      grantee: req.grantee,
      canReshare: req.canReshare,
      expiresAt: req.expiresAt,
      createdAt: now,
      parentGrantId: parent?.grantId,
      epoch,
    };
    await writeJson(ctx, grantKey(req.itemId, grantId), grant);
    await writePrivateJson(ctx, COLLECTIONS.items, wrappedKeyKey(req.itemId, grantId), {
      wrappedKey: wrappedKey.toString('base64'),
    });
    await ctx.audit({
      action: 'sharing.GrantAccess',
      target: target(req.itemId),
      orgs: [orgOfUserId(item.owner), ...granteeOrgs],
      detail: grantId,
    });
    // A group grantee is left out: naming the conversation would tell every listener the grantor is in it.
    // Metadata the grantee's "Shared with you" shows: who shared it and when the access ends.
    const toUser =
      grant.grantee.kind === 'user'
        ? { granteeUserId: grant.grantee.userId, grantor: grant.grantor, expiresAt: String(grant.expiresAt) }
        : {};
    ctx.emit('sharing.AccessGranted', { itemId: req.itemId, grantId, ...toUser });
    return JSON.stringify(grant);
  }

  @Transaction()
  async RevokeGrant(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'RevokeGrant', request);
    const item = await readItem(ctx, req.itemId);
    if (!item) throw notFound(`item ${req.itemId} not found`);
    const grant = await readJson(ctx, grantKey(req.itemId, req.grantId), grantSchema);
    if (!grant) throw notFound(`grant ${req.grantId} not found`);
    // The owner may revoke anything; a resharer only what they granted.
    if (caller.userId !== item.owner && caller.userId !== grant.grantor) {
      throw forbidden('only the owner or the grantor may revoke');
    }
    if (grant.revokedAt !== undefined) throw new ChaincodeError('CONFLICT', 'grant already revoked');

    const revoked: GrantRecord = { ...grant, revokedAt: ctx.now(), revokedBy: caller.userId };
    await writeJson(ctx, grantKey(req.itemId, req.grantId), revoked);
    // Reshares die with their parent (grantState), so their wrapped keys go too;
    // each org touched by a grant that dies here gets the audit record.
    const dead = reshares(grant, await listGrants(ctx, req.itemId)).filter((g) => g.revokedAt === undefined);
    const orgs = [orgOfUserId(item.owner)];
    for (const g of [grant, ...dead]) {
      await purgeWrappedKey(ctx, req.itemId, g.grantId);
      orgs.push(...(await grantOrgs(ctx, g)));
    }
    await ctx.audit({
      action: 'sharing.RevokeGrant',
      target: target(req.itemId),
      orgs,
      detail: dead.length === 0 ? req.grantId : `${req.grantId} reshares=${dead.map((g) => g.grantId).join(',')}`,
    });
    ctx.emit('sharing.GrantRevoked', { itemId: req.itemId, grantId: req.grantId });
    return JSON.stringify(revoked);
  }

  @Transaction(false)
  async ListGrants(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'ListGrants', request);
    await requireOwner(ctx, req.itemId, caller.userId);
    const grants = await listGrants(ctx, req.itemId);
    const byId = new Map(grants.map((g) => [g.grantId, g]));
    const now = ctx.now();
    const out: Array<GrantRecord & { state: string }> = [];
    for (const g of grants) out.push({ ...g, state: await grantState(ctx, g, now, byId) });
    return JSON.stringify({ grants: out });
  }

  /**
   * The owner's log of every committed RequestAccess. Each attempt records
   * only who asked and when; its outcome here is the decision as of the
   * attempt's stamp, recomputed from the grant records (see attemptOutcome).
   */
  @Transaction(false)
  async ListAccesses(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'ListAccesses', request);
    const item = await requireOwner(ctx, req.itemId, caller.userId);
    const { start, end } = prefixRange(key('access', req.itemId, ''));
    const page = await readPage(ctx, start, end, req.pageSize ?? LIMITS.pageSize, req.bookmark, accessSchema);
    const grants = await listGrants(ctx, req.itemId);
    const accesses: AccessRecord[] = [];
    for (const { value } of page.records) {
      const recorded = await readPrivateJson(
        ctx,
        COLLECTIONS.items,
        attemptKey(req.itemId, value.txId),
        attemptDecisionSchema,
      );
      accesses.push(
        recorded
          ? { ...withoutOutcome(value), outcome: recorded.outcome, grantId: recorded.grantId, code: recorded.code }
          : await attemptOutcome(ctx, value, item, grants),
      );
    }
    return JSON.stringify({ accesses, bookmark: page.bookmark });
  }

  /**
   * A submit that records the attempt and nothing else: it reads only the
   * item record and writes the same keys, values, audit record and event
   * whether access would be granted or refused, and answers only the ticket
   * id. So an endorsement collected and never submitted (its response holds
   * the write set and the event) tells the caller nothing; the decision is
   * made by GetTicket and ReadItem, evaluates that require this committed
   * attempt.
   */
  @Transaction()
  async RequestAccess(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'RequestAccess', request);
    const now = ctx.now();
    const txId = ctx.stub.getTxID();
    const item = await readItem(ctx, req.itemId);
    // No access row for an item that does not exist: it would sit under an id
    // someone may register later. The audit record still captures the probe.
    if (item) {
      const attempt: AccessRecord = { itemId: req.itemId, accessor: caller.userId, time: now, txId };
      await writeJson(ctx, key('access', req.itemId, sortableTime(now), txId), attempt);
      await recordDecision(ctx, item, caller.userId, now, txId);
    }
    const ticket: TicketRecord = {
      ticketId: txId,
      itemId: req.itemId,
      holder: caller.userId,
      issuedAt: now,
      expiresAt: now + TICKET_TTL_MS,
    };
    await writeJson(ctx, ticketKey(req.itemId, caller.userId, txId), ticket);
    // No decision in the audit record either; only a probe for a missing item (whose ids every
    // listener of sharing.ItemRegistered knows anyway) is recorded as denied.
    await ctx.audit({
      action: 'sharing.RequestAccess',
      target: target(req.itemId),
      ...(item ? { orgs: [orgOfUserId(item.owner)] } : { orgs: [], outcome: 'denied', detail: 'NOT_FOUND' }),
    });
    ctx.emit('sharing.AccessRequested', { itemId: req.itemId, accessor: caller.userId });
    return JSON.stringify({ ticketId: txId });
  }

  /** An evaluate: the decision, made now, on one of the caller's committed RequestAccess attempts. */
  @Transaction(false)
  async GetTicket(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'GetTicket', request);
    const ticket = await readJson(ctx, ticketKey(req.itemId, caller.userId, req.ticketId), ticketSchema);
    if (!ticket) throw notFound('no committed access request of yours with this id');
    const decision = await decideTicket(ctx, ticket, caller.userId, ctx.now());
    return JSON.stringify(
      decision.ok
        ? { ok: true, ticketId: ticket.ticketId, grantId: decision.grantId, expiresAt: ticket.expiresAt }
        : { ok: false, ticketId: ticket.ticketId, code: decision.code },
    );
  }

  /**
   * An evaluate: serves content only against a committed attempt of the
   * caller, inside its window, and only under a grant active in committed
   * state now.
   */
  @Transaction(false)
  async ReadItem(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseTransactionRequest('sharing', 'ReadItem', request);
    const now = ctx.now();
    const item = await readItem(ctx, req.itemId);
    if (!item) throw notFound(`item ${req.itemId} not found`);
    const ticket = await readJson(ctx, ticketKey(req.itemId, caller.userId, req.ticketId), ticketSchema);
    if (!ticket || ticket.holder !== caller.userId) throw forbidden('no such ticket for this caller');
    const decision = await decideTicket(ctx, ticket, caller.userId, now);
    if (!decision.ok) throw new ChaincodeError(decision.code, decision.detail);
    const grantMeta = decision.grant
      ? { kind: decision.grant.grantee.kind, epoch: decision.grant.epoch }
      : { kind: 'owner' as const, epoch: undefined };

    const wrapped = await readPrivateJson(
      ctx,
      COLLECTIONS.items,
      wrappedKeyKey(req.itemId, decision.grantId),
      wrappedKeySchema,
    );
    const payload = await ctx.stub.getPrivateData(COLLECTIONS.items, payloadKey(req.itemId));
    if (!wrapped || !payload || payload.length === 0) throw notFound('item content is not available on this peer');
    if (createHash('sha256').update(payload).digest('hex') !== item.ciphertextHash) {
      throw new ChaincodeError('CONFLICT', 'stored ciphertext does not match its recorded hash');
    }
    return JSON.stringify({
      itemId: item.itemId,
      contentHash: item.contentHash,
      ciphertextHash: item.ciphertextHash,
      mimeType: item.mimeType,
      size: item.size,
      grantId: decision.grantId,
      granteeKind: grantMeta.kind,
      epoch: grantMeta.epoch,
      wrappedKey: wrapped.wrappedKey,
      payload: Buffer.from(payload).toString('base64'),
    });
  }
}

/**
 * The decision as of the attempt, for the owner's log only: in private data,
 * blinded (see attemptDecisionSchema), reached by reads that do not depend on
 * it (decideUnseen). The requester's proposal response holds only its hash.
 */
async function recordDecision(
  ctx: KTalkContext,
  item: ItemRecord,
  userId: string,
  now: number,
  txId: string,
): Promise<void> {
  const ownerKey = await readPrivateJson(
    ctx,
    COLLECTIONS.items,
    wrappedKeyKey(item.itemId, OWNER_GRANT),
    wrappedKeySchema,
  );
  if (!ownerKey) throw notFound('item content is not available on this peer');
  const blind = createHmac('sha256', Buffer.from(ownerKey.wrappedKey, 'base64')).update(txId).digest('hex');
  const decision =
    userId === item.owner
      ? { ok: true, grant: null, code: null }
      : await decideUnseen(ctx, await listGrants(ctx, item.itemId), userId, now);
  const recorded: AttemptDecision = decision.ok
    ? { blind, outcome: 'granted', grantId: decision.grant?.grantId ?? OWNER_GRANT }
    : { blind, outcome: 'denied', code: decision.code ?? 'FORBIDDEN' };
  await writePrivateJson(ctx, COLLECTIONS.items, attemptKey(item.itemId, txId), recorded);
}

function withoutOutcome(attempt: AccessRecord): AccessRecord {
  return { itemId: attempt.itemId, accessor: attempt.accessor, time: attempt.time, txId: attempt.txId };
}

type TicketDecision =
  { ok: true; grantId: string; grant: GrantRecord | null } | { ok: false; code: AccessCode; detail: string };

/**
 * The decision on a committed attempt, made at `now` (an evaluate's stamp,
 * the caller's choice within the skew): inside the ticket's window, the
 * owner, or the longest-lived grant active now that covers the caller.
 */
async function decideTicket(
  ctx: KTalkContext,
  ticket: TicketRecord,
  userId: string,
  now: number,
): Promise<TicketDecision> {
  const item = await readItem(ctx, ticket.itemId);
  if (!item) return { ok: false, code: 'NOT_FOUND', detail: `item ${ticket.itemId} not found` };
  if (now < ticket.issuedAt - CLOCK_SKEW_MS || !surelyBefore(now, ticket.expiresAt)) {
    return { ok: false, code: 'EXPIRED', detail: 'ticket is outside its window; request access again' };
  }
  if (item.owner === userId) return { ok: true, grantId: OWNER_GRANT, grant: null };
  const decision = await decideAccess(ctx, await listGrants(ctx, ticket.itemId), userId, now);
  if (!decision.grant) {
    const code = decision.code ?? 'FORBIDDEN';
    return { ok: false, code, detail: code === 'EXPIRED' ? 'grant has expired' : 'no active grant covers you' };
  }
  return { ok: true, grantId: decision.grant.grantId, grant: decision.grant };
}

/**
 * An attempt with its outcome as of its own stamp: the grants created by
 * then and not yet revoked (stamps, so ±60 s), with their expiry and
 * reshare chains judged at that time. Group membership is read as it is now:
 * the ledger keeps no membership history.
 */
async function attemptOutcome(
  ctx: KTalkContext,
  attempt: AccessRecord,
  item: ItemRecord,
  grants: readonly GrantRecord[],
): Promise<AccessRecord> {
  const base: AccessRecord = {
    itemId: attempt.itemId,
    accessor: attempt.accessor,
    time: attempt.time,
    txId: attempt.txId,
  };
  if (attempt.accessor === item.owner) return { ...base, outcome: 'granted', grantId: OWNER_GRANT };
  const asOf = grants
    .filter((g) => g.createdAt <= attempt.time)
    .map((g) => (g.revokedAt !== undefined && g.revokedAt > attempt.time ? { ...g, revokedAt: undefined } : g));
  const decision = await decideAccess(ctx, asOf, attempt.accessor, attempt.time);
  return decision.grant
    ? { ...base, outcome: 'granted', grantId: decision.grant.grantId }
    : { ...base, outcome: 'denied', code: decision.code ?? 'FORBIDDEN' };
}

async function requireOwner(ctx: KTalkContext, itemId: string, userId: string): Promise<ItemRecord> {
  const item = await readItem(ctx, itemId);
  if (!item) throw notFound(`item ${itemId} not found`);
  if (item.owner !== userId) throw forbidden('only the owner may list this');
  return item;
}

function depthOf(grant: GrantRecord, grants: readonly GrantRecord[]): number {
  let depth = 0;
  let current: GrantRecord | undefined = grant;
  while (current?.parentGrantId !== undefined && depth <= MAX_RESHARE_DEPTH) {
    const parentId: string = current.parentGrantId;
    current = grants.find((g) => g.grantId === parentId);
    depth++;
  }
  return depth;
}

/** Grants reshared from `root`, directly or further down, in grant-list order. */
function reshares(root: GrantRecord, grants: readonly GrantRecord[]): GrantRecord[] {
  const cut = new Set([root.grantId]);
  const out: GrantRecord[] = [];
  // Parents precede nothing in particular, so sweep until no new child appears (depth is bounded).
  for (let grew = true; grew;) {
    grew = false;
    for (const g of grants) {
      if (g.parentGrantId !== undefined && cut.has(g.parentGrantId) && !cut.has(g.grantId)) {
        cut.add(g.grantId);
        out.push(g);
        grew = true;
      }
    }
  }
  return out;
}

/** The orgs a grant touches: its grantor's and its grantee's (every member org of a group). */
async function grantOrgs(ctx: KTalkContext, grant: GrantRecord): Promise<string[]> {
  if (grant.grantee.kind === 'user') return [orgOfUserId(grant.grantor), orgOfUserId(grant.grantee.userId)];
  const group = await readGroup(ctx, grant.grantee.conversationId);
  return [orgOfUserId(grant.grantor), ...(group?.memberOrgs ?? [])];
}

/**
 * Removes a grant's wrapped key from the collection and, unlike a delete,
 * from every peer's private data history (DeliverWithPrivateData, reconciliation).
 * Skipped when already purged (the public hash is gone), so purges never repeat.
 */
async function purgeWrappedKey(ctx: KTalkContext, itemId: string, grantId: string): Promise<void> {
  const k = wrappedKeyKey(itemId, grantId);
  const hash = await ctx.stub.getPrivateDataHash(COLLECTIONS.items, k);
  if (hash && hash.length > 0) await ctx.stub.purgePrivateData(COLLECTIONS.items, k);
}
