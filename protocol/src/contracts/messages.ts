import { z } from 'zod';
import { DEFAULT_LIMITS, MAX_ATTACHMENTS } from '../limits';
import { bookmark, eventTag, exactBase64, id, pageSize, sha256Hex, strictObject, timestampMs } from '../primitives';
import { messagePayloadSchema, messageRecordSchema } from '../records/messages';

// messages contract: requests and answers. The ciphertext travels in the
// transient map (field `ciphertext`), never in the request.

export const attachmentSchema = strictObject({ itemId: id, contentHash: sha256Hex });

export const messagesRequests = {
  PostMessage: strictObject({
    conversationId: id,
    epoch: z.number().int().min(1),
    clientMessageId: id,
    nonce: exactBase64(24),
    signature: exactBase64(64),
    attachments: z.array(attachmentSchema).max(MAX_ATTACHMENTS),
    eventTag,
  }),
  ListMessages: strictObject({
    conversationId: id,
    from: timestampMs.optional(),
    to: timestampMs.optional(),
    pageSize,
    bookmark: bookmark.optional(),
  }),
  DeleteMessage: strictObject({ conversationId: id, messageId: id, eventTag }),
  PurgeExpired: strictObject({
    conversationId: id,
    limit: z.number().int().min(1).max(DEFAULT_LIMITS.pageSize).optional(),
    // Optional: an org admin's scheduled job holds no conversation key to tag with.
    eventTag: eventTag.optional(),
  }),
};

export const postedSchema = z.object({ messageId: z.string(), time: z.number().int(), replayed: z.boolean() });
export const messagePageSchema = z.object({
  messages: z.array(messageRecordSchema.extend({ payload: messagePayloadSchema.optional() })),
  bookmark: z.string().optional(),
});
export const deletedSchema = z.object({
  messageId: z.string(),
  status: z.literal('erased'),
  erasedAt: z.number().int(),
});
export const purgedSchema = z.object({ purged: z.number().int(), messageIds: z.array(z.string()), more: z.boolean() });
