import { z } from 'zod';
import type { MessageContent } from '../../common/api';

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

const plaintextSchema = z.strictObject({
  v: z.literal(1),
  content: messageContentSchema,
  attachments: z.array(attachmentRef).max(16),
});
export type Plaintext = z.infer<typeof plaintextSchema>;

export function encodePlaintext(content: MessageContent, attachments: AttachmentRef[] = []): Uint8Array {
  const plaintext: Plaintext = { v: 1, content, attachments };
  return new TextEncoder().encode(JSON.stringify(plaintext));
}

/** null when the bytes are not a message this client understands. */
export function decodePlaintext(bytes: Uint8Array): Plaintext | null {
  try {
    const parsed = plaintextSchema.safeParse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

// How content is kept in the store: text in `body` (indexed for search);
// structured content (payments, requests, escrows) as JSON in `contentJson`,
// out of band of any text, with its memo as the searchable body. No text a
// sender writes can ever read back as a card.

export interface StoredContent {
  readonly body: string;
  readonly contentJson?: string;
}

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
