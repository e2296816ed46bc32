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

// The local store indexes `body` for search: text content is kept as it
// is; structured content (payments) is stored as marked JSON.
const STRUCTURED = '\u0001';

export function bodyOf(content: MessageContent): string {
  return content.type === 'text' ? content.text : `${STRUCTURED}${JSON.stringify(content)}`;
}

export function contentOf(body: string | null): MessageContent | undefined {
  if (body === null) return undefined;
  if (!body.startsWith(STRUCTURED)) return { type: 'text', text: body };
  try {
    const parsed = messageContentSchema.safeParse(JSON.parse(body.slice(1)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
