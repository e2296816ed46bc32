import { z } from 'zod';
import type { GroupKeyProvider } from '../crypto/group-keys';
import type { LedgerClient } from '../ledger';

// The groups contract's answers this module needs, validated: a peer's
// answer is input like any other.

const roleSchema = z.enum(['owner', 'admin', 'member', 'reader']);
export type GroupRole = z.infer<typeof roleSchema>;

export const groupStateSchema = z.object({
  conversationId: z.string(),
  kind: z.enum(['group', 'direct']),
  epoch: z.number().int().min(1),
  rekeyRequired: z.boolean(),
  myRole: roleSchema,
  policy: z.object({ whoCanInvite: z.enum(['admins', 'members']) }),
});
export type GroupState = z.infer<typeof groupStateSchema>;

const membersSchema = z.object({
  members: z.array(z.object({ userId: z.string(), role: roleSchema, since: z.number().int() })),
});

const epochKeySchema = z.object({
  conversationId: z.string(),
  epoch: z.number().int().min(1),
  userId: z.string(),
  wrappedKey: z.string(),
});

/** groups.GetGroup as the caller sees it (FORBIDDEN for non-members). */
export function readGroupState(ledger: LedgerClient, conversationId: string): Promise<GroupState> {
  return ledger.evaluate('groups', 'GetGroup', { conversationId }, groupStateSchema);
}

/** The current members' ids, as the chaincode lists them (sorted). */
export async function listMemberIds(ledger: LedgerClient, conversationId: string): Promise<string[]> {
  const { members } = await ledger.evaluate('groups', 'ListMembers', { conversationId }, membersSchema);
  return members.map((m) => m.userId);
}

/** Same rule as the chaincode's mayManageMembers: who may add members and re-key. */
export const mayManageMembers = (group: Pick<GroupState, 'myRole' | 'policy'>): boolean =>
  group.myRole === 'owner' ||
  group.myRole === 'admin' ||
  (group.myRole === 'member' && group.policy.whoCanInvite === 'members');

/** The caller's copy of an epoch key: its wrapped key from the ledger, opened with its X25519 secret key. */
export async function openMyEpochKey(
  ledger: LedgerClient,
  groupKeys: GroupKeyProvider,
  conversationId: string,
  epoch: number,
  mySecretKey: Uint8Array,
): Promise<Uint8Array> {
  const record = await ledger.evaluate('groups', 'GetMyEpochKey', { conversationId, epoch }, epochKeySchema);
  return groupKeys.unwrap(record.wrappedKey, mySecretKey);
}
