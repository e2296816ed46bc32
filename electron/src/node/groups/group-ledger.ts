import { type GroupRole, type ResponseOf, mayManageMembers as roleMayManageMembers } from '@ktalk/protocol';
import type { GroupKeyProvider } from '../crypto/group-keys';
import type { LedgerClient } from '../ledger';

// The groups contract's answers this module needs (validated by the ledger
// client with the protocol's response schemas) and the protocol's role rules.

export type { GroupRole };
export type GroupState = ResponseOf<'groups', 'GetGroup'>;

/** groups.GetGroup as the caller sees it (FORBIDDEN for non-members). */
export function readGroupState(ledger: LedgerClient, conversationId: string): Promise<GroupState> {
  return ledger.evaluate('groups', 'GetGroup', { conversationId });
}

/** The current members' ids, as the chaincode lists them (sorted). */
export async function listMemberIds(ledger: LedgerClient, conversationId: string): Promise<string[]> {
  const { members } = await ledger.evaluate('groups', 'ListMembers', { conversationId });
  return members.map((m) => m.userId);
}

/** The chaincode's own rule (@ktalk/protocol group-roles.ts): who may add members and re-key. */
export const mayManageMembers = (group: Pick<GroupState, 'myRole' | 'policy'>): boolean =>
  roleMayManageMembers(group.policy, group.myRole);

/** The caller's copy of an epoch key: its wrapped key from the ledger, opened with its X25519 secret key. */
export async function openMyEpochKey(
  ledger: LedgerClient,
  groupKeys: GroupKeyProvider,
  conversationId: string,
  epoch: number,
  mySecretKey: Uint8Array,
): Promise<Uint8Array> {
  const record = await ledger.evaluate('groups', 'GetMyEpochKey', { conversationId, epoch });
  return groupKeys.unwrap(record.wrappedKey, mySecretKey);
}
