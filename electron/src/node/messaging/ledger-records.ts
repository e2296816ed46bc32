import { z } from 'zod';

// The chaincode's answers the messaging code reads, validated as they
// arrive: a peer's answer is input like any other.

const policy = z.object({
  whoCanPost: z.enum(['members', 'admins']),
  whoCanInvite: z.enum(['admins', 'members']),
  retentionSeconds: z.number().int().nonnegative(),
  paymentsAllowed: z.boolean(),
  crossOrg: z.boolean(),
});

export const groupRole = z.enum(['owner', 'admin', 'member', 'reader']);

export const groupSchema = z.object({
  conversationId: z.string(),
  kind: z.enum(['group', 'direct']),
  name: z.string().optional(),
  creator: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  policy,
  policyVersion: z.number().int(),
  epoch: z.number().int().min(1),
  memberCount: z.number().int(),
  rekeyRequired: z.boolean().optional(),
  myRole: groupRole,
});
export type LedgerGroup = z.infer<typeof groupSchema>;

export const membersSchema = z.object({
  members: z.array(z.object({ userId: z.string(), role: groupRole, since: z.number().int().optional() })),
});

export const epochKeySchema = z.object({ epoch: z.number().int(), wrappedKey: z.string() });

export const myConversationsSchema = z.object({
  conversations: z.array(z.object({ conversationId: z.string(), since: z.number().int() })),
  bookmark: z.string().optional(),
});

const payload = z.object({
  ciphertext: z.string(),
  nonce: z.string(),
  signature: z.string(),
  attachments: z.array(z.object({ itemId: z.string(), contentHash: z.string() })),
});

export const messageRecordSchema = z.object({
  conversationId: z.string(),
  messageId: z.string(),
  clientMessageId: z.string(),
  sender: z.string(),
  epoch: z.number().int(),
  time: z.number().int(),
  txId: z.string(),
  status: z.enum(['active', 'erased']),
  payload: payload.optional(),
});
export type LedgerMessage = z.infer<typeof messageRecordSchema>;

export const messagePageSchema = z.object({
  messages: z.array(messageRecordSchema),
  bookmark: z.string().optional(),
});

export const postedSchema = z.object({ messageId: z.string(), time: z.number().int() }).passthrough();
export const createdSchema = z.object({ conversationId: z.string(), epoch: z.number().int() }).passthrough();
