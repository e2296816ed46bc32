import { createHash } from 'node:crypto';
import { Info, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import { memberRole, readGroup, requireNoPendingRekey } from '../domain/groups';
import { requireActiveUser } from '../domain/payments';
import {
  type AccessCode,
  type AccessRecord,
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
  granteeMatches,
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
import { base64, bookmark, id, pageSize, parseRequest, sha256Hex, strictObject, timestampMs } from '../lib/validate';
import { prefixRange, readPage } from '../lib/state';
import { keySafe } from '../lib/identity';

/** A sealed box of a 32-byte data key is 80 bytes; leave room for other key sizes. */
const wrappedKey = base64(512).refine((s) => s.length > 0, 'must not be empty');
const mimeType = z
  .string()
  .max(127)
  .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/, 'must be type/subtype');

const registerSchema = strictObject({
  itemId: id,
  contentHash: sha256Hex,
  size: z.number().int().nonnegative().max(LIMITS.itemPayloadBytes),
  mimeType,
  ownerWrappedKey: wrappedKey,
});
const granteeRequest = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('user'), userId: id }),
  strictObject({ kind: z.literal('group'), conversationId: id }),
]);
const grantRequestSchema = strictObject({
  itemId: id,
  grantee: granteeRequest,
  canReshare: z.boolean(),
  expiresAt: timestampMs,
  wrappedKey,
});
const itemOnly = strictObject({ itemId: id });
const revokeSchema = strictObject({ itemId: id, grantId: id });
const listAccessesSchema = strictObject({ itemId: id, pageSize: pageSize.optional(), bookmark: bookmark.optional() });
const readSchema = strictObject({ itemId: id, ticketId: id });

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
    const req = parseRequest(registerSchema, request);
    // The ciphertext travels in the transient map so it never lands in a block.
    const payload = ctx.stub.getTransient().get('payload');
    if (!payload || payload.length === 0) throw badInput('transient "payload" is required');
    if (payload.length > LIMITS.itemPayloadBytes) {
      throw new ChaincodeError('TOO_LARGE', `payload exceeds ${LIMITS.itemPayloadBytes} bytes`);
    }
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
      wrappedKey: req.ownerWrappedKey,
    });
    await ctx.audit({ action: 'sharing.RegisterItem', target: target(req.itemId) });
    ctx.emit('sharing.ItemRegistered', { itemId: req.itemId, owner: caller.userId });
    return JSON.stringify(item);
  }

  @Transaction()
  async GrantAccess(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(grantRequestSchema, request);
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
    await writePrivateJson(ctx, COLLECTIONS.items, wrappedKeyKey(req.itemId, grantId), { wrappedKey: req.wrappedKey });
    await ctx.audit({
      action: 'sharing.GrantAccess',
      target: target(req.itemId),
      orgs: [orgOfUserId(item.owner), ...granteeOrgs],
      detail: grantId,
    });
    // A group grantee is left out: naming the conversation would tell every listener the grantor is in it.
    const event: Record<string, string> = { itemId: req.itemId, grantId };
    if (grant.grantee.kind === 'user') {
      // Metadata the grantee's "Shared with you" shows: who shared it and when the access ends.
      event.granteeUserId = grant.grantee.userId;
      event.grantor = grant.grantor;
      event.expiresAt = String(grant.expiresAt);
    }
    ctx.emit('sharing.AccessGranted', event);
    return JSON.stringify(grant);
  }

  @Transaction()
  async RevokeGrant(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(revokeSchema, request);
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
    const req = parseRequest(itemOnly, request);
    await requireOwner(ctx, req.itemId, caller.userId);
    const grants = await listGrants(ctx, req.itemId);
    const byId = new Map(grants.map((g) => [g.grantId, g]));
    const now = ctx.now();
    const out: Array<GrantRecord & { state: string }> = [];
    for (const g of grants) out.push({ ...g, state: await grantState(ctx, g, now, byId) });
    return JSON.stringify({ grants: out });
  }

  @Transaction(false)
  async ListAccesses(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(listAccessesSchema, request);
    await requireOwner(ctx, req.itemId, caller.userId);
    const { start, end } = prefixRange(key('access', req.itemId, ''));
    const page = await readPage(ctx, start, end, req.pageSize ?? LIMITS.pageSize, req.bookmark, accessSchema);
    return JSON.stringify({ accesses: page.records.map((r) => r.value), bookmark: page.bookmark });
  }

  /**
   * A submit: the decision, its access record and its ticket commit together,
   * refusals included (a thrown error would roll the denied record back). It
   * returns only the ticket id, never the decision: Fabric cannot tell an
   * evaluate from a submit, so the decision is readable only once committed
   * (GetTicket, ReadItem).
   */
  @Transaction()
  async RequestAccess(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(itemOnly, request);
    const now = ctx.now();
    const txId = ctx.stub.getTxID();
    const item = await readItem(ctx, req.itemId);

    let grantId: string | null = null;
    let code: AccessCode | null = null;
    if (!item) {
      code = 'NOT_FOUND';
    } else if (caller.userId === item.owner) {
      grantId = OWNER_GRANT;
    } else {
      const decision = await decideAccess(ctx, await listGrants(ctx, req.itemId), caller.userId, now);
      grantId = decision.grant?.grantId ?? null;
      code = decision.code;
    }

    const outcome = grantId !== null ? 'ok' : 'denied';
    // No access row for an item that does not exist: it would sit under an id
    // someone may register later. The audit record still captures the probe.
    if (item) {
      const access: AccessRecord = {
        itemId: req.itemId,
        accessor: caller.userId,
        time: now,
        txId,
        outcome: grantId !== null ? 'granted' : 'denied',
        grantId: grantId ?? undefined,
        code: code ?? undefined,
      };
      await writeJson(ctx, key('access', req.itemId, sortableTime(now), txId), access);
    }
    // Denials get a ticket record too: it is where the caller reads the decision
    // (GetTicket), only after commit. Only the caller's own id is in the key.
    const holder = { ticketId: txId, itemId: req.itemId, holder: caller.userId, issuedAt: now };
    const ticket: TicketRecord =
      grantId !== null
        ? { ...holder, outcome: 'granted', grantId, expiresAt: now + TICKET_TTL_MS }
        : { ...holder, outcome: 'denied', code: code ?? 'FORBIDDEN' };
    await writeJson(ctx, ticketKey(req.itemId, caller.userId, txId), ticket);
    await ctx.audit({
      action: 'sharing.RequestAccess',
      target: target(req.itemId),
      outcome,
      orgs: item ? [orgOfUserId(item.owner)] : [],
      detail: grantId ?? code ?? undefined,
    });
    ctx.emit('sharing.AccessRequested', { itemId: req.itemId, accessor: caller.userId, outcome });
    // The same answer whatever the decision: an evaluate (never committed) learns nothing.
    return JSON.stringify({ ticketId: txId });
  }

  /** An evaluate: the committed decision of one of the caller's RequestAccess transactions. */
  @Transaction(false)
  async GetTicket(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(readSchema, request);
    const ticket = await readJson(ctx, ticketKey(req.itemId, caller.userId, req.ticketId), ticketSchema);
    if (!ticket) throw notFound('no committed access request of yours with this id');
    return JSON.stringify(
      ticket.outcome === 'granted'
        ? { ok: true, ticketId: ticket.ticketId, grantId: ticket.grantId, expiresAt: ticket.expiresAt }
        : { ok: false, ticketId: ticket.ticketId, code: ticket.code },
    );
  }

  /**
   * An evaluate: serves content only against a committed ticket of the caller,
   * inside its window, and only while the grant behind it is still active in
   * committed state.
   */
  @Transaction(false)
  async ReadItem(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    const req = parseRequest(readSchema, request);
    const now = ctx.now();
    const item = await readItem(ctx, req.itemId);
    if (!item) throw notFound(`item ${req.itemId} not found`);
    const ticket = await readJson(ctx, ticketKey(req.itemId, caller.userId, req.ticketId), ticketSchema);
    if (!ticket || ticket.holder !== caller.userId) throw forbidden('no such ticket for this caller');
    if (ticket.outcome === 'denied') throw new ChaincodeError(ticket.code, 'access was denied; request access again');
    // An evaluate is never recorded, so its stamp is the caller's choice within the skew.
    if (now < ticket.issuedAt - CLOCK_SKEW_MS || !surelyBefore(now, ticket.expiresAt)) {
      throw new ChaincodeError('EXPIRED', 'ticket is outside its window; request access again');
    }

    let grantMeta: { kind: 'owner' | 'user' | 'group'; epoch?: number };
    if (ticket.grantId === OWNER_GRANT) {
      if (item.owner !== caller.userId) throw forbidden('no longer the owner');
      grantMeta = { kind: 'owner' };
    } else {
      const grants = await listGrants(ctx, req.itemId);
      const grant = grants.find((g) => g.grantId === ticket.grantId);
      if (!grant) throw forbidden('grant no longer exists');
      const state = await grantState(ctx, grant, now, new Map(grants.map((g) => [g.grantId, g])));
      if (state === 'revoked') throw forbidden('grant was revoked');
      if (state === 'expired') throw new ChaincodeError('EXPIRED', 'grant has expired');
      if (!(await granteeMatches(ctx, grant, caller.userId))) throw forbidden('no longer covered by the grant');
      grantMeta = { kind: grant.grantee.kind, epoch: grant.epoch };
    }

    const wrapped = await readPrivateJson(
      ctx,
      COLLECTIONS.items,
      wrappedKeyKey(req.itemId, ticket.grantId),
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
      grantId: ticket.grantId,
      granteeKind: grantMeta.kind,
      epoch: grantMeta.epoch,
      wrappedKey: wrapped.wrappedKey,
      payload: Buffer.from(payload).toString('base64'),
    });
  }
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
