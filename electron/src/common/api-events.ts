import { z } from 'zod/mini';
import {
  API_ERROR_CODES,
  type AttachmentInfo,
  type ConversationSummary,
  type MembershipNotice,
  type MessageContent,
  type MessageView,
  type OwnKeyStatus,
  type ReactionSummary,
  type ReplyQuote,
  type SessionState,
  type SharedWithMe,
  type SyncState,
} from './api';

// The push events, declared once as a schema: every transport's receiving
// end (the renderer's client over IPC, the web mode's event stream, the fake
// API) parses each event with `apiEventSchema`, and `ApiEvent` is what it
// infers. Adding an event here is all a transport needs; the transport test
// (scripts/test/event-transports.test.ts) fails until it has a sample of it.
//
// The payloads reuse the view types of api.ts. Their schemas below are
// checked against those interfaces at compile time (same keys, each side
// assignable to the other), so a field added to a view but not here fails
// to compile instead of being stripped from every event on the way.
// Declared with zod/mini, like api-args.ts: the renderer parses every event in
// its first screen, and classic zod's chained API cannot be tree-shaken.

const errorCode = z.enum(API_ERROR_CODES);
const deliveryState = z.enum(['pending', 'endorsed', 'committed', 'failed', 'erased']);
const syncState = z.enum(['offline', 'connecting', 'connected', 'reconnecting', 'revoked']);
const sessionStateName = z.enum(['no-account', 'signed-out', 'signed-in']);

const messageContentSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({
    type: z.literal('payment'),
    paymentId: z.string(),
    amount: z.number(),
    memo: z.string(),
    to: z.string(),
    requestId: z.optional(z.string()),
  }),
  z.object({ type: z.literal('payment-request'), amount: z.number(), memo: z.string() }),
  z.object({
    type: z.literal('escrow'),
    escrowId: z.string(),
    amount: z.number(),
    deadline: z.number(),
    to: z.string(),
  }),
]);

const attachmentInfoSchema = z.object({
  index: z.int(),
  name: z.string(),
  mimeType: z.string(),
  size: z.number(),
});

const membershipNoticeSchema = z.object({ change: z.enum(['added', 'removed', 'left']), userId: z.string() });

const replyQuoteSchema = z.object({
  id: z.string(),
  sender: z.optional(z.string()),
  excerpt: z.optional(z.string()),
  missing: z.optional(z.boolean()),
});

const reactionSummarySchema = z.object({
  emoji: z.string(),
  count: z.number(),
  mine: z.boolean(),
  by: z.array(z.string()),
});

export const messageViewSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  clientMessageId: z.string(),
  sender: z.string(),
  sentAt: z.number(),
  outgoing: z.boolean(),
  state: deliveryState,
  failure: z.optional(errorCode),
  verified: z.boolean(),
  epoch: z.number(),
  content: z.optional(messageContentSchema),
  ledgerConfirmed: z.optional(z.boolean()),
  attachments: z.array(attachmentInfoSchema),
  notice: z.optional(membershipNoticeSchema),
  replyTo: z.optional(replyQuoteSchema),
  threadRoot: z.optional(z.string()),
  replyCount: z.optional(z.number()),
  reactions: z.optional(z.array(reactionSummarySchema)),
  needsNewerClient: z.optional(z.boolean()),
});

export const conversationSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['direct', 'group']),
  title: z.string(),
  peer: z.optional(z.string()),
  unread: z.number(),
  lastMessageAt: z.optional(z.number()),
  lastPreview: z.optional(z.string()),
  epoch: z.number(),
  retentionSeconds: z.number(),
  rekeyRequired: z.boolean(),
  draft: z.optional(z.string()),
});

const ownKeyStatusSchema = z.object({
  state: z.enum(['ok', 'pending', 'replaced']),
  requestedAt: z.optional(z.number()),
  effectiveAt: z.optional(z.number()),
});

const sharedWithMeSchema = z.object({
  itemId: z.string(),
  grantId: z.string(),
  sharedAt: z.number(),
  name: z.optional(z.string()),
  grantor: z.optional(z.string()),
  expiresAt: z.optional(z.number()),
  revoked: z.optional(z.boolean()),
});

/** Every push event: a union over `type`, one member per event. */
export const apiEventSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), message: messageViewSchema }),
  z.object({
    type: z.literal('delivery'),
    /** The message's MessageView.id: a delivery change of another sender's message never touches mine. */
    messageId: z.string(),
    conversationId: z.string(),
    clientMessageId: z.string(),
    state: deliveryState,
    failure: z.optional(errorCode),
  }),
  z.object({ type: z.literal('conversation'), conversation: conversationSummarySchema }),
  z.object({ type: z.literal('keyChange'), userId: z.string() }),
  /** The user's own keys: a change this device did not make is pending or was applied. */
  z.object({ type: z.literal('keyAlarm'), status: ownKeyStatusSchema }),
  /** A contact's keys: an unsigned change is pending (don't trust it; it may be vetoed). */
  z.object({
    type: z.literal('contactKeyPending'),
    userId: z.string(),
    requestedAt: z.number(),
    effectiveAt: z.number(),
  }),
  /** A contact's pending key change ended (vetoed, approved or completed): what showed it reads the contact again. */
  z.object({ type: z.literal('contactKeyPendingEnded'), userId: z.string() }),
  z.object({ type: z.literal('sync'), state: syncState }),
  z.object({ type: z.literal('session'), state: sessionStateName }),
  z.object({ type: z.literal('access'), itemId: z.string(), accessor: z.string() }),
  z.object({ type: z.literal('sharedWithMe'), item: sharedWithMeSchema }),
  /** Something this device received could not be kept in its store (a list must never stop growing silently). */
  z.object({ type: z.literal('storeFailed'), message: z.string() }),
  z.object({ type: z.literal('balance'), balance: z.number() }),
]);

export type ApiEvent = z.infer<typeof apiEventSchema>;
export type ApiEventType = ApiEvent['type'];

/** Every push event type, read from the schema (transports and tests enumerate these). */
export const API_EVENT_TYPES: readonly ApiEventType[] = apiEventSchema._zod.def.options.map(
  (option) => option._zod.def.shape.type._zod.def.values[0] as ApiEventType,
);

export type ParsedEvent = { ok: true; event: ApiEvent } | { ok: false; reason: string };

/** Checks one received value against the schema; `reason` names the event type and the first field that failed. */
export function parseApiEvent(value: unknown): ParsedEvent {
  const parsed = apiEventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const type =
    typeof value === 'object' && value !== null && 'type' in value ? String((value as { type: unknown }).type) : '?';
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'type';
  return { ok: false, reason: `event ${type}: ${where}: ${issue?.message ?? 'invalid'}` };
}

// ---- compile-time checks: the schemas describe exactly the view types of api.ts -------

type Mutual<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
type Same<A, B> = Mutual<A, B> extends true ? SameKeys<A, B> : false;
/** Per member of a union tagged by `type`, so a field missing from one variant is caught too. */
type SameVariants<A extends { type: string }, B extends { type: string }> = false extends {
  [T in A['type'] | B['type']]: Same<Extract<A, { type: T }>, Extract<B, { type: T }>>;
}[A['type'] | B['type']]
  ? false
  : true;

const viewsMatch: [
  Same<z.infer<typeof messageViewSchema>, MessageView>,
  SameVariants<z.infer<typeof messageContentSchema>, MessageContent>,
  Same<z.infer<typeof attachmentInfoSchema>, AttachmentInfo>,
  Same<z.infer<typeof membershipNoticeSchema>, MembershipNotice>,
  Same<z.infer<typeof replyQuoteSchema>, ReplyQuote>,
  Same<z.infer<typeof reactionSummarySchema>, ReactionSummary>,
  Same<z.infer<typeof conversationSummarySchema>, ConversationSummary>,
  Same<z.infer<typeof ownKeyStatusSchema>, OwnKeyStatus>,
  Same<z.infer<typeof sharedWithMeSchema>, SharedWithMe>,
  Same<z.infer<typeof syncState>, SyncState>,
  Same<z.infer<typeof sessionStateName>, SessionState['state']>,
] = [true, true, true, true, true, true, true, true, true, true, true];
void viewsMatch;
