import { z } from 'zod';
import type { AccessRecord, GrantInfo, Grantee, SharedItem } from '../../common/api';

// The sharing contract's answers, validated as they arrive (a peer's answer
// is input like any other), and their mapping to the API's types.

const text = z.string().min(1);
const time = z.number().int().nonnegative();

export const itemRecordSchema = z.object({
  itemId: text,
  owner: text,
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  ciphertextHash: z.string(),
  size: z.number().int().nonnegative(),
  ciphertextSize: z.number().int().nonnegative(),
  mimeType: text,
  createdAt: time,
  txId: text,
});
export type ItemRecord = z.infer<typeof itemRecordSchema>;

const granteeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('user'), userId: text }),
  z.object({ kind: z.literal('group'), conversationId: text }),
]);

export const grantRecordSchema = z.object({
  grantId: text,
  itemId: text,
  grantor: text,
  grantee: granteeSchema,
  canReshare: z.boolean(),
  expiresAt: time,
  createdAt: time,
  parentGrantId: z.string().optional(),
  epoch: z.number().int().min(1).optional(),
  revokedAt: time.optional(),
  revokedBy: z.string().optional(),
});
export type GrantRecord = z.infer<typeof grantRecordSchema>;

const grantState = z.enum(['active', 'revoked', 'expired']);
export const grantListSchema = z.object({ grants: z.array(grantRecordSchema.extend({ state: grantState })) });

const accessCode = z.enum(['FORBIDDEN', 'EXPIRED', 'NOT_FOUND']);
export const accessRecordSchema = z.object({
  itemId: text,
  accessor: text,
  time,
  txId: text,
  outcome: z.enum(['granted', 'denied']),
  grantId: z.string().optional(),
  code: accessCode.optional(),
});
export const accessPageSchema = z.object({ accesses: z.array(accessRecordSchema), bookmark: z.string().optional() });

export const ticketIdSchema = z.object({ ticketId: text });
export const ticketSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), ticketId: text, grantId: text, expiresAt: time }),
  z.object({ ok: z.literal(false), ticketId: text, code: accessCode }),
]);

export const servedItemSchema = z.object({
  itemId: text,
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  ciphertextHash: z.string(),
  mimeType: text,
  size: z.number().int().nonnegative(),
  grantId: text,
  granteeKind: z.enum(['owner', 'user', 'group']),
  epoch: z.number().int().min(1).optional(),
  wrappedKey: text,
  payload: z.string(),
});
export type ServedItem = z.infer<typeof servedItemSchema>;

export const epochKeySchema = z.object({ epoch: z.number().int().min(1), wrappedKey: text });
export const myConversationsSchema = z.object({
  conversations: z.array(z.object({ conversationId: text })),
  bookmark: z.string().optional(),
});

export function toApiGrantee(grantee: GrantRecord['grantee']): Grantee {
  return grantee.kind === 'user'
    ? { kind: 'user', userId: grantee.userId }
    : { kind: 'group', groupId: grantee.conversationId };
}

export function toLedgerGrantee(grantee: Grantee): GrantRecord['grantee'] {
  return grantee.kind === 'user'
    ? { kind: 'user', userId: grantee.userId }
    : { kind: 'group', conversationId: grantee.groupId };
}

/** A grant as listed; a just-made grant (GrantAccess's answer) is active. */
export function toGrantInfo(grant: GrantRecord, state: GrantInfo['state'] = 'active'): GrantInfo {
  return {
    grantId: grant.grantId,
    grantee: toApiGrantee(grant.grantee),
    grantor: grant.grantor,
    expiresAt: grant.expiresAt,
    canReshare: grant.canReshare,
    state,
  };
}

export function toAccessRecord(record: z.infer<typeof accessRecordSchema>): AccessRecord {
  return {
    time: record.time,
    accessor: record.accessor,
    outcome: record.outcome === 'granted' ? 'ok' : 'denied',
    ...(record.code !== undefined ? { code: record.code } : {}),
    txId: record.txId,
  };
}

export function toSharedItem(item: ItemRecord, name: string): SharedItem {
  return {
    itemId: item.itemId,
    name,
    mimeType: item.mimeType,
    size: item.size,
    owner: item.owner,
    createdAt: item.createdAt,
  };
}

/**
 * The cursor of the next page, or none. Fabric hands back a bookmark even
 * after the last record when the page came back full, so a short page ends
 * the listing and an empty bookmark always does.
 */
export function nextCursor(bookmark: string | undefined, returned: number, pageSize: number): string | undefined {
  return bookmark !== undefined && bookmark !== '' && returned >= pageSize ? bookmark : undefined;
}
