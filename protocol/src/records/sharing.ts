import { z } from 'zod';

// sharing contract records (world state unless noted):
//   item|<itemId>                              -> ItemRecord (public metadata)
//   grant|<itemId>|<grantId>                   -> GrantRecord (grantId = txId of the grant)
//   access|<itemId>|<sortableTime>|<txId>      -> AccessRecord (the attempt only: who, when)
//   ticket|<itemId>|<userId>|<txId>            -> TicketRecord (the attempt's window, no decision)
//   [ktalkItems] itemkey|<itemId>|<grantId>    -> { wrappedKey }
//   [ktalkItems] attempt|<itemId>|<txId>       -> AttemptDecision

export const itemSchema = z.object({
  itemId: z.string(),
  owner: z.string(),
  contentHash: z.string(),
  ciphertextHash: z.string(),
  size: z.number().int(),
  ciphertextSize: z.number().int(),
  mimeType: z.string(),
  createdAt: z.number().int(),
  txId: z.string(),
});
export type ItemRecord = z.infer<typeof itemSchema>;

export const granteeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId: z.string() }),
  z.strictObject({ kind: z.literal('group'), conversationId: z.string() }),
]);
export type Grantee = z.infer<typeof granteeSchema>;

export const grantSchema = z.object({
  grantId: z.string(),
  itemId: z.string(),
  grantor: z.string(),
  grantee: granteeSchema,
  canReshare: z.boolean(),
  expiresAt: z.number().int(),
  createdAt: z.number().int(),
  /** The grant a resharer acted under; absent for the owner's own grants. */
  parentGrantId: z.string().optional(),
  /** Group epoch the wrapped key was sealed for (group grants only). */
  epoch: z.number().int().optional(),
  revokedAt: z.number().int().optional(),
  revokedBy: z.string().optional(),
});
export type GrantRecord = z.infer<typeof grantSchema>;

export const ACCESS_CODES = ['FORBIDDEN', 'EXPIRED', 'NOT_FOUND'] as const;
export type AccessCode = (typeof ACCESS_CODES)[number];

/**
 * One committed RequestAccess. Stored without a decision (the write set
 * must not depend on it); ListAccesses adds outcome, grantId and code.
 */
export const accessSchema = z.object({
  itemId: z.string(),
  accessor: z.string(),
  time: z.number().int(),
  txId: z.string(),
  outcome: z.enum(['granted', 'denied']).optional(),
  grantId: z.string().optional(),
  code: z.enum(ACCESS_CODES).optional(),
});
export type AccessRecord = z.infer<typeof accessSchema>;

/**
 * One committed RequestAccess of its holder: only the window in which
 * GetTicket and ReadItem decide on it. It holds no decision, so the
 * transaction's write set is the same whether access would be granted.
 */
export const ticketSchema = z.object({
  ticketId: z.string(),
  itemId: z.string(),
  holder: z.string(),
  issuedAt: z.number().int(),
  expiresAt: z.number().int(),
});
export type TicketRecord = z.infer<typeof ticketSchema>;

export const wrappedKeySchema = z.object({ wrappedKey: z.string() });

/**
 * The decision on one attempt, as RequestAccess recorded it for the owner's
 * log, in private data. `blind` (an HMAC of the txId under the owner's
 * wrapped key, which the requester cannot read) makes the value's hash, the
 * only part in the requester's proposal response, unguessable.
 */
export const attemptDecisionSchema = z.object({
  blind: z.string(),
  outcome: z.enum(['granted', 'denied']),
  grantId: z.string().optional(),
  code: z.enum(ACCESS_CODES).optional(),
});
export type AttemptDecision = z.infer<typeof attemptDecisionSchema>;
