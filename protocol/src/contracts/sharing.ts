import { z } from 'zod';
import { DEFAULT_LIMITS } from '../limits';
import { bookmark, id, pageSize, sha256Hex, strictObject, timestampMs } from '../primitives';
import { ACCESS_CODES, accessSchema, grantSchema, itemSchema } from '../records/sharing';

// sharing contract: requests and answers. Wrapped keys and payloads travel
// in the transient map, never in the request (where they would stay in the
// block after any purge).

const notInRequest = (field: string) =>
  z.never({ error: `${field} travels in the transient map (transient '${field}'), never in the request` }).optional();
const mimeType = z
  .string()
  .max(127)
  .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$/, 'must be type/subtype');
const granteeRequest = z.discriminatedUnion('kind', [
  strictObject({ kind: z.literal('user'), userId: id }),
  strictObject({ kind: z.literal('group'), conversationId: id }),
]);
const itemOnly = strictObject({ itemId: id });
const ticketRequest = strictObject({ itemId: id, ticketId: id });

export const sharingRequests = {
  RegisterItem: strictObject({
    itemId: id,
    contentHash: sha256Hex,
    size: z.number().int().nonnegative().max(DEFAULT_LIMITS.itemPayloadBytes),
    mimeType,
    ownerWrappedKey: notInRequest('ownerWrappedKey'),
  }),
  GrantAccess: strictObject({
    itemId: id,
    grantee: granteeRequest,
    canReshare: z.boolean(),
    expiresAt: timestampMs,
    wrappedKey: notInRequest('wrappedKey'),
  }),
  RevokeGrant: strictObject({ itemId: id, grantId: id }),
  ListGrants: itemOnly,
  ListAccesses: strictObject({ itemId: id, pageSize: pageSize.optional(), bookmark: bookmark.optional() }),
  RequestAccess: itemOnly,
  GetTicket: ticketRequest,
  ReadItem: ticketRequest,
};

export const GRANT_STATES = ['active', 'revoked', 'expired'] as const;
export const grantListSchema = z.object({ grants: z.array(grantSchema.extend({ state: z.enum(GRANT_STATES) })) });
/** As listed to the owner: every attempt with its decision. */
export const accessPageSchema = z.object({
  accesses: z.array(accessSchema.extend({ outcome: z.enum(['granted', 'denied']) })),
  bookmark: z.string().optional(),
});
export const ticketIdSchema = z.object({ ticketId: z.string().min(1) });
export const ticketDecisionSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ticketId: z.string(), grantId: z.string(), expiresAt: z.number().int() }),
  z.object({ ok: z.literal(false), ticketId: z.string(), code: z.enum(ACCESS_CODES) }),
]);
export const servedItemSchema = z.object({
  itemId: z.string(),
  contentHash: sha256Hex,
  ciphertextHash: z.string(),
  mimeType: z.string(),
  size: z.number().int().nonnegative(),
  grantId: z.string(),
  granteeKind: z.enum(['owner', 'user', 'group']),
  epoch: z.number().int().min(1).optional(),
  wrappedKey: z.string().min(1),
  /** base64 of the stored ciphertext. */
  payload: z.string(),
});
export type ServedItem = z.infer<typeof servedItemSchema>;
export { grantSchema, itemSchema };
