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

/** A new group's policy unless its creator chooses otherwise: everyone posts, managers invite, nothing expires. */
export const DEFAULT_GROUP_POLICY = {
  whoCanPost: 'members',
  whoCanInvite: 'admins',
  retentionSeconds: 0,
  paymentsAllowed: false,
  crossOrg: true,
} as const satisfies RolePolicy & { retentionSeconds: number; paymentsAllowed: boolean; crossOrg: boolean };

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

/** A role change that would leave the group without an owner is refused (CONFLICT). */
export const keepsAnOwner = (from: GroupRole, to: GroupRole, owners: number): boolean =>
  from !== 'owner' || to === 'owner' || owners > 1;

export const GROUP_ACTIONS = [
  'post',
  'invite',
  'remove',
  'changeRole',
  'transferOwnership',
  'updatePolicy',
  'leave',
  'pay',
] as const;
export type GroupAction = (typeof GROUP_ACTIONS)[number];

/**
 * What a conversation offers its member: exactly what the rules above let
 * them do, so the client (and the UI's fake) never offers what the chaincode
 * refuses. `owners` counts every owner, the caller included.
 */
export function allowedActions(
  kind: 'group' | 'direct',
  role: GroupRole,
  policy: RolePolicy & { readonly paymentsAllowed: boolean },
  owners: number,
): GroupAction[] {
  const actions: GroupAction[] = [];
  if (mayPost(policy, role)) actions.push('post');
  if (policy.paymentsAllowed && role !== 'reader') actions.push('pay');
  if (kind === 'direct') return [...actions, 'updatePolicy'];
  if (mayManageMembers(policy, role)) actions.push('invite');
  if (isManager(role)) actions.push('remove', 'changeRole');
  if (mayTransferOwnership(role)) actions.push('transferOwnership');
  if (mayChangePolicy(kind, role)) actions.push('updatePolicy');
  if (mayLeave(role, role === 'owner' ? owners - 1 : owners)) actions.push('leave');
  return actions;
}
