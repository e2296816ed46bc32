import type { GrantRecord, ItemRecord, ResponseOf } from '@ktalk/protocol';
import type { AccessRecord, GrantInfo, Grantee, SharedItem } from '../../common/api';

// The sharing contract's answers (schemas: @ktalk/protocol, applied as they
// arrive) mapped to the API's types.

export {
  type GrantRecord,
  type ItemRecord,
  type ServedItem,
  accessPageSchema,
  grantListSchema,
  grantSchema as grantRecordSchema,
  itemSchema as itemRecordSchema,
  servedItemSchema,
  ticketDecisionSchema as ticketSchema,
  ticketIdSchema,
} from '@ktalk/protocol';
type AccessEntry = ResponseOf<'sharing', 'ListAccesses'>['accesses'][number];

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

export function toAccessRecord(record: AccessEntry): AccessRecord {
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
