import { z } from 'zod';

// messages contract records: the public metadata (msg|<conv>|<time>|<id>)
// and the purgeable private payload (ktalkMessages: msg|<conv>|<id>).

export const MESSAGE_STATUSES = ['active', 'erased'] as const;

export const messageRecordSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  clientMessageId: z.string(),
  sender: z.string(),
  epoch: z.number().int(),
  time: z.number().int(),
  txId: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  ciphertextHash: z.string().optional(),
  size: z.number().int().optional(),
  erasedAt: z.number().int().optional(),
  reason: z.enum(['retention', 'sender']).optional(),
});
export type MessageRecord = z.infer<typeof messageRecordSchema>;

export const messagePayloadSchema = z.object({
  ciphertext: z.string(),
  nonce: z.string(),
  signature: z.string(),
  attachments: z.array(z.object({ itemId: z.string(), contentHash: z.string() })),
});
export type MessagePayload = z.infer<typeof messagePayloadSchema>;

/** msgidx|<conv>|<messageId>: where the record is. */
export const messageIndexSchema = z.object({ time: z.number().int() });
