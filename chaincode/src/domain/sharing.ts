import { z } from 'zod';
import { type AccessCode, type GrantRecord, type ItemRecord, grantSchema, itemSchema } from '@ktalk/protocol';
import { surelyBefore } from '../lib/clock';
import type { KTalkContext } from '../lib/context';
import { key, readJson, scanPrefix } from '../lib/state';
import { memberOfKey, memberRole } from './groups';

// Storage layout (world state unless noted):
//   item|<itemId>                              -> ItemRecord (public metadata)
//   grant|<itemId>|<grantId>                   -> GrantRecord (grantId = txId of the grant)
//   access|<itemId>|<sortableTime>|<txId>      -> AccessRecord (the attempt only: who, when)
//   ticket|<itemId>|<userId>|<txId>            -> TicketRecord (the attempt's window, no decision)
//   [ktalkItems] payload|<itemId>              -> raw ciphertext bytes
//   [ktalkItems] itemkey|<itemId>|<grantId>    -> { wrappedKey } ('owner' for the owner's copy)
//   [ktalkItems] attempt|<itemId>|<txId>       -> AttemptDecision (blinded: see decideUnseen)

export const OWNER_GRANT = 'owner';
/**
 * A ticket's lifetime. ReadItem stops serving it CLOCK_SKEW_MS before
 * expiresAt, so an honest reader keeps at least 60 s even when the request
 * was stamped a full skew early: 180 s - 2 x 60 s.
 */
export const TICKET_TTL_MS = 180_000;
/** Bounds the per-item grant scan done by every access decision. */
export const MAX_GRANTS_PER_ITEM = 500;
/** Bounds the parent walk of reshared grants. */
export const MAX_RESHARE_DEPTH = 8;

export const attemptKey = (itemId: string, txId: string): string => key('attempt', itemId, txId);

export const itemKey = (itemId: string): string => key('item', itemId);
export const grantKey = (itemId: string, grantId: string): string => key('grant', itemId, grantId);
export const payloadKey = (itemId: string): string => key('payload', itemId);
export const wrappedKeyKey = (itemId: string, grantId: string): string => key('itemkey', itemId, grantId);
export const ticketKey = (itemId: string, userId: string, ticketId: string): string =>
  key('ticket', itemId, userId, ticketId);

export async function readItem(ctx: KTalkContext, itemId: string): Promise<ItemRecord | null> {
  return readJson(ctx, itemKey(itemId), itemSchema);
}

export async function listGrants(ctx: KTalkContext, itemId: string): Promise<GrantRecord[]> {
  const rows = await scanPrefix(ctx, key('grant', itemId, ''), grantSchema, MAX_GRANTS_PER_ITEM + 1);
  return rows.map((r) => r.value);
}

/** Whether a grant is usable right now, or why not. */
export type GrantState = 'active' | 'revoked' | 'expired';

/** Does this grant name the user, directly or through current group membership? */
export async function granteeMatches(ctx: KTalkContext, grant: GrantRecord, userId: string): Promise<boolean> {
  if (grant.grantee.kind === 'user') return grant.grantee.userId === userId;
  return (await memberRole(ctx, grant.grantee.conversationId, userId)) !== null;
}

/**
 * A grant is active when it is unrevoked, unexpired, and (if reshared) its
 * parent is active and still covers the resharer: revoking or expiring a
 * grant cuts off everything granted onward from it.
 */
export async function grantState(
  ctx: KTalkContext,
  grant: GrantRecord,
  now: number,
  byId: ReadonlyMap<string, GrantRecord>,
  depth = 0,
): Promise<GrantState> {
  if (grant.revokedAt !== undefined) return 'revoked';
  // Expired as soon as the true time might have reached expiresAt.
  if (!surelyBefore(now, grant.expiresAt)) return 'expired';
  if (grant.parentGrantId === undefined) return 'active';
  const parent = byId.get(grant.parentGrantId);
  if (!parent || depth >= MAX_RESHARE_DEPTH) return 'revoked';
  const parentState = await grantState(ctx, parent, now, byId, depth + 1);
  if (parentState !== 'active') return parentState;
  return (await granteeMatches(ctx, parent, grant.grantor)) ? 'active' : 'revoked';
}

export interface AccessDecision {
  ok: boolean;
  grant: GrantRecord | null;
  code: AccessCode | null;
}

/**
 * The best active grant covering the user, else the reason for refusal:
 * EXPIRED if some covering grant merely ran out, FORBIDDEN otherwise.
 */
export async function decideAccess(
  ctx: KTalkContext,
  grants: readonly GrantRecord[],
  userId: string,
  now: number,
  filter: (g: GrantRecord) => boolean = () => true,
): Promise<AccessDecision> {
  const byId = new Map(grants.map((g) => [g.grantId, g]));
  let best: GrantRecord | null = null;
  let sawExpired = false;
  for (const grant of grants) {
    if (!filter(grant) || !(await granteeMatches(ctx, grant, userId))) continue;
    const state = await grantState(ctx, grant, now, byId);
    if (state === 'expired') sawExpired = true;
    // Longest-lived grant first, then the lowest id, so every endorser picks the same one.
    if (state === 'active' && (best === null || grant.expiresAt > best.expiresAt)) best = grant;
  }
  if (best) return { ok: true, grant: best, code: null };
  return { ok: false, grant: null, code: sawExpired ? 'EXPIRED' : 'FORBIDDEN' };
}

/**
 * decideAccess, made so that its reads do not depend on the decision: every
 * grant's state is judged (the same reads whoever asks), and the caller's
 * group memberships come from one scan of their own index, which they know
 * anyway. Used where the read set reaches the requester before any record
 * exists (RequestAccess's proposal response).
 */
export async function decideUnseen(
  ctx: KTalkContext,
  grants: readonly GrantRecord[],
  userId: string,
  now: number,
): Promise<AccessDecision> {
  const byId = new Map(grants.map((g) => [g.grantId, g]));
  const states = new Map<string, GrantState>();
  for (const g of grants) states.set(g.grantId, await grantState(ctx, g, now, byId));
  const prefix = memberOfKey(userId, '');
  const rows = await scanPrefix(ctx, prefix, z.unknown());
  const mine = new Set(rows.map((r) => r.key.slice(prefix.length)));
  let best: GrantRecord | null = null;
  let sawExpired = false;
  for (const grant of grants) {
    const covers =
      grant.grantee.kind === 'user' ? grant.grantee.userId === userId : mine.has(grant.grantee.conversationId);
    if (!covers) continue;
    const state = states.get(grant.grantId);
    if (state === 'expired') sawExpired = true;
    if (state === 'active' && (best === null || grant.expiresAt > best.expiresAt)) best = grant;
  }
  if (best) return { ok: true, grant: best, code: null };
  return { ok: false, grant: null, code: sawExpired ? 'EXPIRED' : 'FORBIDDEN' };
}

export {
  ACCESS_CODES,
  type AccessCode,
  type AccessRecord,
  type AttemptDecision,
  type GrantRecord,
  type Grantee,
  type ItemRecord,
  type TicketRecord,
  accessSchema,
  attemptDecisionSchema,
  grantSchema,
  granteeSchema,
  itemSchema,
  ticketSchema,
  wrappedKeySchema,
} from '@ktalk/protocol';
