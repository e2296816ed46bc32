import type { Context } from 'fabric-contract-api';
import { z } from 'zod';
import { ChaincodeError, forbidden, notFound } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { key, readJson, scanPrefix } from '../lib/state';
import { LIMITS } from '../lib/limits';

// Group and member records shared by the groups, messages, sharing and
// payments contracts. Storage layout:
//   group|<conversationId>            -> GroupRecord
//   member|<conversationId>|<userId>  -> MemberRecord
//   epochkey|<conversationId>|<epoch>|<userId> -> EpochKeyRecord
//   memberof|<userId>|<conversationId> -> MemberOfRecord (the user's own index,
//     so an added user can find a conversation whose events it cannot yet recognise)

export const GROUP_ROLES = ['owner', 'admin', 'member', 'reader'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];
export const groupRoleSchema = z.enum(GROUP_ROLES);

/** Ten years: long enough for any retention rule, small enough to stay exact. */
export const MAX_RETENTION_SECONDS = 10 * 366 * 24 * 3600;

export const retentionSecondsSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_RETENTION_SECONDS)
  .refine((s) => s === 0 || s >= 60, 'must be 0 (keep forever) or at least 60');

const policyShape = {
  whoCanPost: z.enum(['members', 'admins']),
  whoCanInvite: z.enum(['admins', 'members']),
  retentionSeconds: retentionSecondsSchema,
  paymentsAllowed: z.boolean(),
  crossOrg: z.boolean(),
};
/** Requests: every field, nothing else. */
export const policyRequestSchema = z.strictObject(policyShape);
export const policySchema = z.object(policyShape);
export type GroupPolicy = z.infer<typeof policySchema>;

export const groupRecordSchema = z.object({
  conversationId: z.string(),
  kind: z.enum(['group', 'direct']),
  name: z.string().optional(),
  creator: z.string(),
  creatorOrg: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  policy: policySchema,
  policyVersion: z.number().int(),
  epoch: z.number().int(),
  memberCount: z.number().int(),
  /** Sorted orgs with a member here: audit copies without scanning members on every post. */
  memberOrgs: z.array(z.string()),
  /**
   * Set by Leave, cleared by the next rotation (Rekey, AddMember, RemoveMember):
   * the leaver still holds the current epoch key, so nothing new may be sealed
   * under it. Absent on records written before it existed: false.
   */
  rekeyRequired: z.boolean().optional(),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

export const memberRecordSchema = z.object({ role: groupRoleSchema, since: z.number().int() });
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const epochKeyRecordSchema = z.object({
  conversationId: z.string(),
  epoch: z.number().int(),
  userId: z.string(),
  wrappedKey: z.string(),
});
export type EpochKeyRecord = z.infer<typeof epochKeyRecordSchema>;

export const memberOfRecordSchema = z.object({ since: z.number().int() });

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

export const isManager = (role: GroupRole): boolean => role === 'owner' || role === 'admin';

/** Who may change the member set (add members, re-key): managers, and members if the policy lets them invite. */
export const mayManageMembers = (policy: GroupPolicy, role: GroupRole): boolean =>
  isManager(role) || (role === 'member' && policy.whoCanInvite === 'members');

/** REKEY_REQUIRED while a former member still holds the current epoch key. */
export function requireNoPendingRekey(group: GroupRecord): void {
  if (group.rekeyRequired === true) {
    throw new ChaincodeError(
      'REKEY_REQUIRED',
      `a member left ${group.conversationId}: a remaining member must re-key it (groups.Rekey) first`,
    );
  }
}

/** Readers never post; with whoCanPost=admins only owners and admins do. */
export function mayPost(policy: GroupPolicy, role: GroupRole): boolean {
  if (role === 'reader') return false;
  return policy.whoCanPost === 'members' || isManager(role);
}
