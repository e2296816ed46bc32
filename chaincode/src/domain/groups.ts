import type { Context } from 'fabric-contract-api';
import { type GroupRecord, type GroupRole, groupRecordSchema, memberRecordSchema } from '@ktalk/protocol';
import { ChaincodeError, forbidden, notFound } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { key, readJson, scanPrefix } from '../lib/state';
import { LIMITS } from '../lib/limits';

// The records' schemas and the role rules are the protocol's
// (@ktalk/protocol records/groups.ts, group-roles.ts). Group and member records shared by the groups, messages, sharing and
// payments contracts. Storage layout:
//   group|<conversationId>            -> GroupRecord
//   member|<conversationId>|<userId>  -> MemberRecord
//   epochkey|<conversationId>|<epoch>|<userId> -> EpochKeyRecord
//   memberof|<userId>|<conversationId> -> MemberOfRecord (the user's own index,
//     so an added user can find a conversation whose events it cannot yet recognise)

export const groupKey = (conversationId: string): string => key('group', conversationId);
export const memberOfKey = (userId: string, conversationId: string): string => key('memberof', userId, conversationId);
/** The orgs of these users, deduplicated and sorted (deterministic across endorsers). */
export const orgsOf = (userIds: Iterable<string>): string[] => [...new Set([...userIds].map(orgOfUserId))].sort();
export const memberKey = (conversationId: string, userId: string): string => key('member', conversationId, userId);
/** Fixed width so epochs sort numerically. */
export const epochPart = (epoch: number): string => epoch.toString().padStart(10, '0');
export const epochKeyKey = (conversationId: string, epoch: number, userId: string): string =>
  key('epochkey', conversationId, epochPart(epoch), userId);

export async function readGroup(ctx: Context, conversationId: string): Promise<GroupRecord | null> {
  return readJson(ctx, groupKey(conversationId), groupRecordSchema);
}

export async function memberRole(ctx: Context, conversationId: string, userId: string): Promise<GroupRole | null> {
  const member = await readJson(ctx, memberKey(conversationId, userId), memberRecordSchema);
  return member?.role ?? null;
}

/** Every current member (bounded by the group size limit). */
export async function listMembers(
  ctx: Context,
  conversationId: string,
): Promise<Array<{ userId: string; role: GroupRole; since: number }>> {
  const prefix = key('member', conversationId, '');
  const rows = await scanPrefix(ctx, prefix, memberRecordSchema, LIMITS.groupMembers + 1);
  return rows.map((r) => ({ userId: r.key.slice(prefix.length), role: r.value.role, since: r.value.since }));
}

/** The group and the caller's role; NOT_FOUND / FORBIDDEN otherwise. */
export async function requireMember(
  ctx: Context,
  conversationId: string,
  userId: string,
): Promise<{ group: GroupRecord; role: GroupRole }> {
  const group = await readGroup(ctx, conversationId);
  if (!group) throw notFound(`conversation ${conversationId} not found`);
  const role = await memberRole(ctx, conversationId, userId);
  if (!role) throw forbidden(`not a member of ${conversationId}`);
  return { group, role };
}

/** REKEY_REQUIRED while a former member still holds the current epoch key. */
export function requireNoPendingRekey(group: GroupRecord): void {
  if (group.rekeyRequired === true) {
    throw new ChaincodeError(
      'REKEY_REQUIRED',
      `a member left ${group.conversationId}: a remaining member must re-key it (groups.Rekey) first`,
    );
  }
}

export {
  GROUP_ROLES,
  type GroupPolicy,
  type GroupRecord,
  type GroupRole,
  type EpochKeyRecord,
  type MemberRecord,
  MAX_RETENTION_SECONDS,
  epochKeyRecordSchema,
  groupRecordSchema,
  groupRoleSchema,
  isManager,
  mayManageMembers,
  mayPost,
  memberOfRecordSchema,
  memberRecordSchema,
  policyRequestSchema,
  policySchema,
  retentionSecondsSchema,
} from '@ktalk/protocol';
