import { z } from 'zod';

// The shapes the store accepts, checked at its edge: a caller (the messaging
// service, IPC) that passes anything else gets BAD_INPUT and nothing is
// written. Ids follow the ledger's limits (1-128 characters).

const id = z.string().min(1).max(128);
const timestamp = z.number().int().min(0).max(8.64e15);
const count = z.number().int().min(0);

export const conversationInputSchema = z.strictObject({
  id,
  kind: z.enum(['direct', 'group']),
  title: z.string().max(256).default(''),
  epoch: z.number().int().min(1).default(1),
  retentionSeconds: count.default(0),
  rekeyRequired: z.boolean().default(false),
});
export type ConversationInput = z.input<typeof conversationInputSchema>;

export interface Conversation {
  readonly id: string;
  readonly kind: 'direct' | 'group';
  readonly title: string;
  readonly epoch: number;
  readonly retentionSeconds: number;
  readonly lastMessageAt: number | null;
  readonly unread: number;
  readonly rekeyRequired: boolean;
  readonly updatedAt: number;
}

const b64 = z
  .string()
  .max(512)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const contactInputSchema = z.strictObject({
  userId: id,
  mspId: id,
  displayName: z.string().max(256).default(''),
  encryptionKey: b64,
  signingKey: b64,
  keyValidFrom: timestamp,
});
export type ContactInput = z.input<typeof contactInputSchema>;

export interface Contact {
  readonly userId: string;
  readonly mspId: string;
  readonly displayName: string;
  readonly encryptionKey: string;
  readonly signingKey: string;
  readonly keyValidFrom: number;
  /** When the stored keys last changed (null: never since first seen). */
  readonly keyChangedAt: number | null;
  /** When the user compared safety numbers; cleared by a key change. */
  readonly verifiedAt: number | null;
  /** The keys the user compared (schema 6); verified only while they are the current keys. */
  readonly verifiedSigningKey: string | null;
  readonly verifiedEncryptionKey: string | null;
  /** A verified contact's keys changed and the user has not acknowledged it: sends to them wait. */
  readonly keyChangePending: boolean;
}

/** Verified, and for exactly the keys the contact has now. */
export function isVerified(c: Contact): boolean {
  return c.verifiedAt !== null && c.verifiedSigningKey === c.signingKey && c.verifiedEncryptionKey === c.encryptionKey;
}

/** Attachment references as the ledger knows them; extra fields (name, size, type) are kept as given. */
export const attachmentSchema = z.looseObject({ itemId: id, contentHash: z.string().min(1).max(128) });
export const attachmentsSchema = z.array(attachmentSchema).max(16);
export type Attachment = z.infer<typeof attachmentSchema>;

export const MAX_BODY_CHARS = 64 * 1024;
const body = z.string().max(MAX_BODY_CHARS);

/**
 * A message's relation to another message of its conversation (schema 7),
 * as the content's `rel` said: a reply (`threadRoot` is the first message of
 * its chain, set by the writer) or a reaction toggled on or off. Reactions
 * are rows too, so an outgoing one goes through the outbox like any
 * message; the timeline, previews and unread counts leave them out.
 */
export const relationFieldsSchema = z.strictObject({
  relType: z.enum(['reply', 'reaction']).optional(),
  relTo: id.optional(),
  relKey: z.string().min(1).max(64).optional(),
  relOn: z.boolean().optional(),
  threadRoot: id.optional(),
});
export type RelationFields = z.input<typeof relationFieldsSchema>;

export const incomingMessageSchema = z.strictObject({
  conversationId: id,
  clientMessageId: id,
  sender: id,
  sentAt: timestamp,
  body,
  /** Structured content's JSON (a payment, a request, an escrow); absent for text, which is the body. */
  contentJson: body.optional(),
  attachments: attachmentsSchema.default([]),
  epoch: z.number().int().min(1),
  verified: z.boolean(),
  txId: z.string().min(1).max(128).optional(),
  blockNumber: count.optional(),
  messageId: id.optional(),
  /** Our own message seen on the ledger (another device, or the sync after a crash). */
  direction: z.enum(['in', 'out']).default('in'),
  ...relationFieldsSchema.shape,
});
export type IncomingMessage = z.input<typeof incomingMessageSchema>;

export const MESSAGE_STATES = ['pending', 'endorsed', 'committed', 'failed', 'erased'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export interface StoredMessage {
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly sender: string;
  readonly sentAt: number;
  /** null once erased. */
  readonly body: string | null;
  /** Structured content's JSON, kept out of band of the text; null for text, and once erased. */
  readonly contentJson: string | null;
  readonly attachments: readonly Attachment[];
  readonly state: MessageState;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly txId: string | null;
  readonly blockNumber: number | null;
  readonly messageId: string | null;
  readonly epoch: number;
  readonly verified: boolean;
  readonly direction: 'in' | 'out';
  /** A membership notice this client wrote into the timeline (JSON), not a message anyone sent. */
  readonly notice: string | null;
  readonly relType: 'reply' | 'reaction' | null;
  readonly relTo: string | null;
  readonly relKey: string | null;
  readonly relOn: boolean | null;
  readonly threadRoot: string | null;
}

/** One reaction row aimed at a message, in ledger order (sentAt, then arrival). */
export interface ReactionRow {
  readonly sender: string;
  readonly key: string;
  readonly on: boolean;
}

/** The sender of the timeline's membership notices: no user id has this form. */
export const NOTICE_SENDER = 'ktalk:notice';

export const noticeInputSchema = z.strictObject({
  conversationId: id,
  clientMessageId: id,
  sentAt: timestamp,
  notice: z.string().min(2).max(1024),
});
export type NoticeInput = z.input<typeof noticeInputSchema>;

export const messageKeySchema = z.strictObject({ conversationId: id, sender: id, clientMessageId: id });
export type MessageKey = z.infer<typeof messageKeySchema>;

/** An opaque page cursor: `<sentAt>.<row id>` of the last message returned. */
export const cursorSchema = z.string().regex(/^\d{1,16}\.\d{1,16}$/, 'not a message cursor');

export const pageRequestSchema = z.strictObject({
  conversationId: id,
  limit: z.number().int().min(1).max(500).default(50),
  before: cursorSchema.optional(),
});
export type PageRequest = z.input<typeof pageRequestSchema>;

export interface MessagePage {
  readonly messages: readonly StoredMessage[];
  /** Pass as `before` for the next (older) page; null when this page reached the oldest message. */
  readonly nextCursor: string | null;
}

export const searchRequestSchema = z.strictObject({
  text: z.string().max(4096),
  conversationId: id.optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type SearchRequest = z.input<typeof searchRequestSchema>;

export interface SearchHit {
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly sender: string;
  readonly sentAt: number;
  /** Text around the match; matched terms are wrapped in SNIPPET_OPEN / SNIPPET_CLOSE. */
  readonly snippet: string;
}

/** Snippet markers: control characters, so the UI splits text and never parses markup. */
export const SNIPPET_OPEN = '\u0002';
export const SNIPPET_CLOSE = '\u0003';

export const syncKeySchema = z.string().min(1).max(256);
export const syncValueSchema = z.string().max(64 * 1024);
