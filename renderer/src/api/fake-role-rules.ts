import type { GroupAction, GroupPolicy, GroupRole } from '../../../electron/src/common/api';

// Every group role decision the fake API makes, in one module whose
// functions mirror the chaincode's by name and rule (chaincode/src/domain/
// groups.ts and the checks in contracts/groups-contract.ts). The fake calls
// nothing else for a role decision, so when the protocol package's shared
// role rules land, this file is replaced by that import and the fake cannot
// drift from the ledger again. Pure functions of roles and policy.

type ConversationKind = 'group' | 'direct';

/** Owners and admins. */
export const isManager = (role: GroupRole): boolean => role === 'owner' || role === 'admin';

/** Who may change the member set (add members, re-key): managers, and members if the policy lets them invite. */
export const mayManageMembers = (policy: GroupPolicy, role: GroupRole): boolean =>
  isManager(role) || (role === 'member' && policy.whoCanInvite === 'members');

/** Readers never post; with whoCanPost=admins only owners and admins do. */
export const mayPost = (policy: GroupPolicy, role: GroupRole): boolean =>
  role !== 'reader' && (policy.whoCanPost === 'members' || isManager(role));

/** AddMember: only an owner adds an owner, only a manager adds an admin (besides mayManageMembers). */
export const mayAddWithRole = (callerRole: GroupRole, newRole: GroupRole): boolean =>
  (newRole !== 'owner' || callerRole === 'owner') && (newRole !== 'admin' || isManager(callerRole));

/** RemoveMember: managers remove others; only an owner removes an owner. */
export const mayRemoveMember = (callerRole: GroupRole, targetRole: GroupRole): boolean =>
  isManager(callerRole) && (targetRole !== 'owner' || callerRole === 'owner');

/** ChangeRole: managers change roles; only an owner demotes an owner or makes one. */
export const mayChangeRole = (callerRole: GroupRole, targetRole: GroupRole, newRole: GroupRole): boolean =>
  isManager(callerRole) && (callerRole === 'owner' || (targetRole !== 'owner' && newRole !== 'owner'));

/** ChangeRole's CONFLICT: a group keeps at least one owner. */
export const keepsAnOwner = (targetRole: GroupRole, newRole: GroupRole, owners: number): boolean =>
  targetRole !== 'owner' || newRole === 'owner' || owners > 1;

/** TransferOwnership: owners only (the previous owner stays on as an admin). */
export const mayTransferOwnership = (role: GroupRole): boolean => role === 'owner';

/** UpdatePolicy: in a group only an owner; either side of a direct conversation (retention only, see below). */
export const mayChangePolicy = (kind: ConversationKind, role: GroupRole): boolean =>
  kind === 'direct' || role === 'owner';

/** The policy fields a direct conversation may change: what binds both sides alike. */
export const DIRECT_POLICY_FIELDS: ReadonlySet<keyof GroupPolicy> = new Set(['retentionSeconds']);

/** Leave: anyone but the last owner (who is refused with CONFLICT until another owner exists). */
export const mayLeave = (role: GroupRole, owners: number): boolean => role !== 'owner' || owners > 1;

/** What the UI may offer: exactly what the rules above let the caller do (the service answers the same list). */
export function allowedActions(
  kind: ConversationKind,
  role: GroupRole,
  policy: GroupPolicy,
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
  if (mayLeave(role, owners)) actions.push('leave');
  return actions;
}
