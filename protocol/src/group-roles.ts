// Who may do what in a conversation: the chaincode enforces these rules and
// the UI uses the same functions to show only what will be accepted. No zod
// here, so the renderer can import this file without pulling a validator.

export const GROUP_ROLES = ['owner', 'admin', 'member', 'reader'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

/** The parts of a group's policy the role rules read. */
export interface RolePolicy {
  readonly whoCanPost: 'members' | 'admins';
  readonly whoCanInvite: 'admins' | 'members';
}

export const isManager = (role: GroupRole): boolean => role === 'owner' || role === 'admin';

/** Who may change the member set (add members, re-key): managers, and members if the policy lets them invite. */
export const mayManageMembers = (policy: RolePolicy, role: GroupRole): boolean =>
  isManager(role) || (role === 'member' && policy.whoCanInvite === 'members');

/** Readers never post; with whoCanPost=admins only owners and admins do. */
export function mayPost(policy: RolePolicy, role: GroupRole): boolean {
  if (role === 'reader') return false;
  return policy.whoCanPost === 'members' || isManager(role);
}

/** Whether `actor` may give a new member `role` (beyond mayManageMembers): owners only by an owner, admins only by a manager. */
export function mayAddWithRole(actor: GroupRole, role: GroupRole): boolean {
  if (role === 'owner') return actor === 'owner';
  if (role === 'admin') return isManager(actor);
  return true;
}

/** Managers remove members; only an owner removes an owner. */
export const mayRemove = (actor: GroupRole, target: GroupRole): boolean =>
  isManager(actor) && (target !== 'owner' || actor === 'owner');

/** Managers change roles; only an owner makes or unmakes an owner. */
export const mayChangeRole = (actor: GroupRole, from: GroupRole, to: GroupRole): boolean =>
  isManager(actor) && (actor === 'owner' || (from !== 'owner' && to !== 'owner'));

export const mayTransferOwnership = (actor: GroupRole): boolean => actor === 'owner';

/** A group's policy is its owners'; either side of a direct conversation may change its retention. */
export const mayChangePolicy = (kind: 'group' | 'direct', actor: GroupRole): boolean =>
  kind === 'direct' || actor === 'owner';

/** Policy fields a direct conversation's members may change: what binds both alike. */
export const DIRECT_POLICY_FIELDS: readonly string[] = ['retentionSeconds'];

/** Anyone may leave, except the last owner (who must transfer ownership first). */
export const mayLeave = (actor: GroupRole, otherOwners: number): boolean => actor !== 'owner' || otherOwners > 0;
