import { randomBytes } from 'node:crypto';
import { type RequestOf, allowedActions } from '@ktalk/protocol';
import type { ConversationSummary, GroupDetails, GroupPolicy, GroupRole } from '../../common/api';
import { type GroupsContext, leaveGroup, removeMember, submitTagged } from '../groups';
import { membersWithKeys } from '../groups/member-keys';
import { submitted } from '../ledger';
import type { ClientSession } from '../session/client-session';
import type { LedgerGroup } from './ledger-records';
import { MessagingError } from './messaging-errors';

// Group management as the UI calls it. Every membership change rotates the
// epoch key here, in a remaining member's client, wrapped for exactly the
// new member set; the chaincode checks the set and the caller's role.

/**
 * What group management needs from the signed-in user's messaging (the
 * Messenger): epoch keys are reached only through the groups context, and a
 * key made here is handed back with keepEpochKey.
 */
export interface GroupHost {
  readonly session: Pick<ClientSession, 'userId' | 'ledger'>;
  readonly groups: GroupsContext;
  /** A new epoch key this user made: kept for sealing, reading and recognising events. */
  keepEpochKey(conversationId: string, epoch: number, key: Uint8Array): void;
  refreshConversation(conversationId: string): Promise<LedgerGroup>;
  summary(conversationId: string): ConversationSummary;
}

async function memberList(m: GroupHost, conversationId: string) {
  return (await m.session.ledger.evaluate('groups', 'ListMembers', { conversationId })).members;
}

export async function createGroup(
  m: GroupHost,
  input: { title: string; members: string[]; policy: GroupPolicy },
): Promise<string> {
  const others = [...new Set(input.members)].filter((id) => id !== m.session.userId);
  const fresh = await m.groups.groupKeys.newEpochKey(
    await membersWithKeys([m.session.userId, ...others], m.groups.memberKey),
  );
  const groupId = `g-${randomBytes(12).toString('hex')}`;
  const committed = await submitTagged(m.groups, 'groups', 'CreateGroup', fresh.epochKey, {
    groupId,
    name: input.title,
    policy: input.policy,
    members: others.map((userId) => ({ userId, role: 'member' })),
    wrappedKeys: fresh.wrappedKeys,
  });
  const created = submitted('groups', 'CreateGroup', committed);
  m.keepEpochKey(created.conversationId, created.epoch, fresh.epochKey);
  await m.refreshConversation(created.conversationId);
  return created.conversationId;
}

/** Opens (or finds) the direct conversation with this peer; returns its id, refreshed into the store. */
export async function openDirect(m: GroupHost, peerUserId: string): Promise<string> {
  if (peerUserId === m.session.userId) {
    throw new MessagingError('SELF_CONVERSATION', 'a direct conversation needs someone else');
  }
  const fresh = await m.groups.groupKeys.newEpochKey(
    await membersWithKeys([m.session.userId, peerUserId], m.groups.memberKey),
  );
  const committed = await submitTagged(m.groups, 'groups', 'OpenDirect', fresh.epochKey, {
    peerUserId,
    wrappedKeys: fresh.wrappedKeys,
  });
  const opened = submitted('groups', 'OpenDirect', committed);
  if (opened.created) m.keepEpochKey(opened.conversationId, 1, fresh.epochKey);
  await m.refreshConversation(opened.conversationId);
  return opened.conversationId;
}

export async function groupDetails(m: GroupHost, conversationId: string): Promise<GroupDetails> {
  const group = await m.refreshConversation(conversationId);
  const members = await memberList(m, conversationId);
  const owner = members.find((x) => x.role === 'owner')?.userId ?? group.creator;
  const policy: GroupPolicy = { ...group.policy };
  return {
    conversation: m.summary(conversationId),
    members: members.map((x) => ({ userId: x.userId, role: x.role })),
    policy,
    owner,
    myRole: group.myRole,
    allowedActions: allowedActions(group.kind, group.myRole, policy, members.filter((x) => x.role === 'owner').length),
    epochChangedAt: group.updatedAt,
  };
}

export async function addMember(m: GroupHost, conversationId: string, userId: string, role: GroupRole): Promise<void> {
  const group = await m.refreshConversation(conversationId);
  const ids = (await memberList(m, conversationId)).map((x) => x.userId);
  if (ids.includes(userId)) throw new MessagingError('ALREADY_MEMBER', `${userId} is already a member`);
  const tagKey = await m.groups.epochKey(conversationId, group.epoch);
  const fresh = await m.groups.groupKeys.newEpochKey(await membersWithKeys([...ids, userId], m.groups.memberKey));
  const committed = await submitTagged(m.groups, 'groups', 'AddMember', tagKey, {
    conversationId,
    userId,
    role,
    wrappedKeys: fresh.wrappedKeys,
  });
  const rotated = submitted('groups', 'AddMember', committed);
  m.keepEpochKey(conversationId, rotated.epoch, fresh.epochKey);
  await m.refreshConversation(conversationId);
}

export async function removeFromGroup(m: GroupHost, conversationId: string, userId: string): Promise<void> {
  const removed = await removeMember(m.groups, conversationId, userId);
  m.keepEpochKey(conversationId, removed.epoch, removed.epochKey);
  await m.refreshConversation(conversationId);
}

export async function leave(m: GroupHost, conversationId: string): Promise<void> {
  await leaveGroup(m.groups, conversationId);
  await m.refreshConversation(conversationId).catch(() => undefined);
}

type ConversationChange = 'ChangeRole' | 'TransferOwnership' | 'UpdatePolicy';

async function tagged<T extends ConversationChange>(
  m: GroupHost,
  conversationId: string,
  transaction: T,
  request: Omit<RequestOf<'groups', T>, 'eventTag' | 'conversationId'>,
) {
  const group = await m.refreshConversation(conversationId);
  const tagKey = await m.groups.epochKey(conversationId, group.epoch);
  const full = { conversationId, ...request } as Omit<RequestOf<'groups', T>, 'eventTag'>;
  await submitTagged(m.groups, 'groups', transaction, tagKey, full);
  await m.refreshConversation(conversationId);
}

export const changeRole = (m: GroupHost, conversationId: string, userId: string, role: GroupRole) =>
  tagged(m, conversationId, 'ChangeRole', { userId, role });

export const transferOwnership = (m: GroupHost, conversationId: string, userId: string) =>
  tagged(m, conversationId, 'TransferOwnership', { newOwnerUserId: userId });

export const updatePolicy = (m: GroupHost, conversationId: string, policy: Partial<GroupPolicy>) =>
  tagged(m, conversationId, 'UpdatePolicy', { policy });
