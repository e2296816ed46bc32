import { z } from 'zod';
import { DEFAULT_LIMITS } from '@ktalk/protocol/limits';
import type { MessageContent } from '../../common/api';
import { isEmojiKey } from '../../common/reactions';

// What goes inside an envelope: the message content and, per attachment,
// the key that opens it (only members ever see it). Versioned JSON, checked
// on the way in like any other input.

const attachmentRef = z.strictObject({
  itemId: z.string().min(1).max(128),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  key: z.string().max(64),
  name: z.string().min(1).max(255),
  mimeType: z.string().max(255),
  size: z.number().int().nonnegative(),
});
export type AttachmentRef = z.infer<typeof attachmentRef>;

const amount = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
export const messageContentSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), text: z.string().max(16_000) }),
  z.strictObject({
    type: z.literal('payment'),
    paymentId: z.string().max(128),
    amount,
    memo: z.string().max(280),
    to: z.string().max(200),
    /** The request message this pays, so the requester's card says Paid. */
    requestId: z.string().max(128).optional(),
  }),
  z.strictObject({ type: z.literal('payment-request'), amount, memo: z.string().max(280) }),
  z.strictObject({
    type: z.literal('escrow'),
    escrowId: z.string().max(128),
    amount,
    deadline: z.number().int(),
    to: z.string().max(200),
  }),
]);

// Format versions. v1: content and attachments. v2 adds `rel`, a typed
// relation to another message of the same conversation (a reply, or a
// reaction toggled on or off), like Matrix's m.relates_to inside the
// encrypted event. A message without a relation is still written as v1, so
// clients from before v2 read it. A newer version, or a content type or
// relation this client does not know, decodes as `newer`: the UI says a
// newer KTalk is needed instead of showing garbage. Every v1 message reads.
export const CONTENT_VERSION = 2;

const messageId = z.string().regex(/^m-[0-9a-f]{40}$/);
export const relationSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('reply'), to: messageId }),
  z.strictObject({
    type: z.literal('reaction'),
    to: messageId,
    key: z.string().refine(isEmojiKey, 'not one emoji'),
    on: z.boolean(),
  }),
]);
export type Relation = z.infer<typeof relationSchema>;

const plaintextSchema = z.discriminatedUnion('v', [
  z.strictObject({ v: z.literal(1), content: messageContentSchema, attachments: z.array(attachmentRef).max(16) }),
  z.strictObject({
    v: z.literal(2),
    content: messageContentSchema,
    attachments: z.array(attachmentRef).max(16),
    rel: relationSchema.optional(),
  }),
]);
export type Plaintext = z.infer<typeof plaintextSchema>;

export type Decoded =
  { kind: 'message'; content: MessageContent; attachments: AttachmentRef[]; relation?: Relation } | { kind: 'newer' };

const KNOWN_CONTENT = new Set(['text', 'payment', 'payment-request', 'escrow']);
const KNOWN_RELATIONS = new Set(['reply', 'reaction']);

// Padding: the sealed plaintext is padded with trailing spaces (JSON ignores
// them, so every client from v1 on still parses it) up to the next bucket,
// so the ciphertext's size says little more than "short" or "long": a
// reaction, a read-sized reply and a one-word message are all 256 bytes on
// the ledger. Buckets: 256 B (reactions, short texts), 1 KiB (a paragraph),
// 4 KiB, then multiples of 4 KiB (a bucket per 4 KiB keeps the overhead of
// long messages under 4 KiB, about 7 % at worst above 56 KiB). Never past
// PADDED_MAX: the chaincode refuses ciphertexts over 64 KiB (protocol
// limits.envelopeBytes), and sealing adds a 16-byte tag; a plaintext already
// near that stays unpadded above its last whole bucket.
export const PAD_BUCKETS = [256, 1024, 4096] as const;
const PAD_STEP = 4096;
export const PADDED_MAX = DEFAULT_LIMITS.envelopeBytes - 64;

export function paddedLength(length: number): number {
  const bucket = PAD_BUCKETS.find((b) => length <= b) ?? Math.ceil(length / PAD_STEP) * PAD_STEP;
  return Math.max(length, Math.min(bucket, PADDED_MAX));
}

export function encodePlaintext(
  content: MessageContent,
  attachments: AttachmentRef[] = [],
  relation?: Relation,
): Uint8Array {
  const plaintext: Plaintext = relation
    ? { v: 2, content, attachments, rel: relation }
    : { v: 1, content, attachments };
  const json = new TextEncoder().encode(JSON.stringify(plaintext));
  const padded = new Uint8Array(paddedLength(json.length)).fill(0x20);
  padded.set(json);
  return padded;
}

/** null when the bytes are not a message at all (garbage, or a malformed one of a version we know). */
export function decodePlaintext(bytes: Uint8Array): Decoded | null {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { v, content, rel } = value as { v?: unknown; content?: unknown; rel?: unknown };
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) return null;
  if (v > CONTENT_VERSION) return { kind: 'newer' };
  if (!KNOWN_CONTENT.has(typeOf(content))) return typeOf(content) === '' ? null : { kind: 'newer' };
  if (rel !== undefined && !KNOWN_RELATIONS.has(typeOf(rel))) return typeOf(rel) === '' ? null : { kind: 'newer' };
  const parsed = plaintextSchema.safeParse(value);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    kind: 'message',
    content: p.content,
    attachments: p.attachments,
    ...(p.v === 2 && p.rel ? { relation: p.rel } : {}),
  };
}

function typeOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const type = (value as { type?: unknown }).type;
  return typeof type === 'string' ? type : '';
}

// How content is kept in the store: text in `body` (indexed for search);
// structured content (payments, requests, escrows) as JSON in `contentJson`,
// out of band of any text, with its memo as the searchable body. No text a
// sender writes can ever read back as a card.

export interface StoredContent {
  readonly body: string;
  readonly contentJson?: string;
}

/** Kept for a message of a newer format: nothing of it is shown but "a newer KTalk is needed". */
export const NEWER_CONTENT_JSON = '{"type":"ktalk:newer"}';

export function storedContent(content: MessageContent): StoredContent {
  if (content.type === 'text') return { body: content.text };
  return { body: 'memo' in content ? content.memo : '', contentJson: JSON.stringify(content) };
}

export function contentOf(row: {
  readonly body: string | null;
  readonly contentJson: string | null;
}): MessageContent | undefined {
  if (row.contentJson !== null) {
    try {
      const parsed = messageContentSchema.safeParse(JSON.parse(row.contentJson));
      return parsed.success && parsed.data.type !== 'text' ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }
  return row.body === null ? undefined : { type: 'text', text: row.body };
}
