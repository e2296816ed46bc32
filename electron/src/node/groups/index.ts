export type { GroupsContext } from './context';
export { type GroupRole, type GroupState, mayManageMembers, openMyEpochKey, readGroupState } from './group-ledger';
export { type MemberKeyLookup, MemberKeyError, type MemberKeyErrorCode, directoryMemberKeys } from './member-keys';
export { leaveGroup, removeMember } from './membership';
export { type RekeyOutcome, rekeyIfRequired } from './rekey';
export { submitTagged } from './tagged-submit';
export { groupsContextOf } from './session-context';
