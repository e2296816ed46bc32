import { createHash } from 'node:crypto';
import { Info, Transaction } from 'fabric-contract-api';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { ChaincodeError, badInput, forbidden, notFound } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { KTalkContract } from '../lib/ktalk-contract';
import { LIMITS } from '../lib/limits';
import { key, prefixRange, readJson, readPage, writeJson } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';
import {
  type GroupPolicy,
  type GroupRecord,
  epochKeyKey,
  epochKeyRecordSchema,
  groupKey,
  isManager,
  listMembers,
  mayManageMembers,
  type MemberRecord,
  memberKey,
  memberOfKey,
  memberOfRecordSchema,
  memberRecordSchema,
  orgsOf,
  readGroup,
  requireMember,
} from '../domain/groups';
import { inboxKey, readInboxPolicy, requireMayInvite, requireMayOpenDirect } from '../domain/inbox';
import { activeUser, requireReachableUser } from './directory-contract';
import {
  DIRECT_POLICY_FIELDS as DIRECT_POLICY_FIELD_NAMES,
  type WrappedKeys,
  keepsAnOwner,
  mayAddWithRole,
  mayChangePolicy,
  mayChangeRole,
  mayLeave,
  mayRemove,
  mayTransferOwnership,
} from '@ktalk/protocol';

/** Deterministic 1:1 id, so both sides find the same conversation. */
export function directConversationId(a: string, b: string): string {
  const [x, y] = [a, b].sort();
  return `dm-${createHash('sha256').update(`${x}\n${y}`).digest('hex').slice(0, 40)}`;
}

/** The wrapped-key map must cover exactly the members of the new epoch. */
function requireExactCoverage(wrappedKeys: WrappedKeys, members: Iterable<string>): void {
  const expected = new Set(members);
  const given = Object.keys(wrappedKeys);
  const missing = [...expected].filter((u) => !(u in wrappedKeys));
  const extra = given.filter((u) => !expected.has(u));
  if (missing.length > 0 || extra.length > 0) {
    throw badInput(`wrappedKeys must cover exactly the members (missing ${missing.length}, extra ${extra.length})`);
  }
}

async function writeEpochKeys(
  ctx: KTalkContext,
  convId: string,
  epoch: number,
  wrappedKeys: WrappedKeys,
): Promise<void> {
  for (const userId of Object.keys(wrappedKeys).sort()) {
    const wrappedKey = wrappedKeys[userId] as string;
    await writeJson(ctx, epochKeyKey(convId, epoch, userId), { conversationId: convId, epoch, userId, wrappedKey });
  }
}

/** A member record and the member's own index entry are written together. */
async function writeMember(ctx: KTalkContext, convId: string, userId: string, record: MemberRecord): Promise<void> {
  await writeJson(ctx, memberKey(convId, userId), record);
  await writeJson(ctx, memberOfKey(userId, convId), { since: record.since });
}

async function deleteMember(ctx: KTalkContext, convId: string, userId: string): Promise<void> {
  await ctx.stub.deleteState(memberKey(convId, userId));
  await ctx.stub.deleteState(memberOfKey(userId, convId));
}

/** Only retention applies to both sides alike; the other fields would let one side decide for the other. */
const DIRECT_POLICY_FIELDS: ReadonlySet<string> = new Set(DIRECT_POLICY_FIELD_NAMES);

function requireGroupKind(group: GroupRecord): void {
  if (group.kind !== 'group') throw forbidden('membership of a direct conversation is fixed');
}

function requireOrgAllowed(group: Pick<GroupRecord, 'creatorOrg'>, policy: GroupPolicy, userId: string): void {
  if (!policy.crossOrg && orgOfUserId(userId) !== group.creatorOrg) {
    throw forbidden(`policy forbids members from outside ${group.creatorOrg}`);
  }
}

const foreignOrgs = (actorOrg: string, ...userIds: string[]): string[] =>
  [...new Set(userIds.map(orgOfUserId))].filter((o) => o !== actorOrg);

@Info({ title: 'GroupsContract', description: 'Conversations, membership, roles, policy and key epochs' })
export class GroupsContract extends KTalkContract {
  constructor() {
    super('groups');
  }

  @Transaction()
  async OpenDirect(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'OpenDirect', request);
    if (req.peerUserId === caller.userId) throw badInput('cannot open a direct conversation with yourself');
    const convId = directConversationId(caller.userId, req.peerUserId);
    const existing = await readGroup(ctx, convId);
    // Opening twice is a no-op: both sides converge on one conversation.
    if (existing) return JSON.stringify({ conversationId: convId, epoch: existing.epoch, created: false });
    await requireReachableUser(ctx, caller.userId);
    await requireReachableUser(ctx, req.peerUserId);
    await requireMayOpenDirect(ctx, caller.userId, req.peerUserId);
    requireExactCoverage(req.wrappedKeys, [caller.userId, req.peerUserId]);

    const now = ctx.now();
    const crossOrg = orgOfUserId(req.peerUserId) !== caller.mspId;
    const group: GroupRecord = {
      conversationId: convId,
      kind: 'direct',
      creator: caller.userId,
      creatorOrg: caller.mspId,
      createdAt: now,
      updatedAt: now,
      policy: { whoCanPost: 'members', whoCanInvite: 'admins', retentionSeconds: 0, paymentsAllowed: true, crossOrg },
      policyVersion: 1,
      epoch: 1,
      memberCount: 2,
      memberOrgs: orgsOf([caller.userId, req.peerUserId]),
    };
    await writeJson(ctx, groupKey(convId), group);
    for (const userId of [caller.userId, req.peerUserId]) {
      await writeMember(ctx, convId, userId, { role: 'member', since: now });
    }
    await writeEpochKeys(ctx, convId, 1, req.wrappedKeys);
    await ctx.audit({ action: 'group.openDirect', target: convId, orgs: foreignOrgs(caller.mspId, req.peerUserId) });
    ctx.emitTagged('groups.DirectOpened', req.eventTag);
    return JSON.stringify({ conversationId: convId, epoch: 1, created: true });
  }

  @Transaction()
  async CreateGroup(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'CreateGroup', request);
    if (req.groupId.startsWith('dm-')) throw badInput('group ids starting with dm- are reserved');
    const ids = req.members.map((m) => m.userId);
    if (new Set(ids).size !== ids.length) throw badInput('members contains duplicates');
    if (ids.includes(caller.userId)) throw badInput('the creator is the owner and must not be listed in members');
    if (await readGroup(ctx, req.groupId)) throw new ChaincodeError('CONFLICT', `${req.groupId} already exists`);
    const all = [caller.userId, ...ids];
    for (const userId of all) {
      requireOrgAllowed({ creatorOrg: caller.mspId }, req.policy, userId);
      await requireReachableUser(ctx, userId);
    }
    for (const userId of ids) await requireMayInvite(ctx, caller.userId, userId);
    requireExactCoverage(req.wrappedKeys, all);

    const now = ctx.now();
    const group: GroupRecord = {
      conversationId: req.groupId,
      kind: 'group',
      name: req.name,
      creator: caller.userId,
      creatorOrg: caller.mspId,
      createdAt: now,
      updatedAt: now,
      policy: req.policy,
      policyVersion: 1,
      epoch: 1,
      memberCount: all.length,
      memberOrgs: orgsOf(all),
    };
    await writeJson(ctx, groupKey(req.groupId), group);
    await writeMember(ctx, req.groupId, caller.userId, { role: 'owner', since: now });
    for (const m of req.members) await writeMember(ctx, req.groupId, m.userId, { role: m.role, since: now });
    await writeEpochKeys(ctx, req.groupId, 1, req.wrappedKeys);
    await ctx.audit({
      action: 'group.create',
      target: req.groupId,
      orgs: foreignOrgs(caller.mspId, ...ids),
      detail: `members=${all.length}`,
      policyVersion: 1,
    });
    ctx.emitTagged('groups.GroupCreated', req.eventTag);
    return JSON.stringify({ conversationId: req.groupId, epoch: 1 });
  }

  @Transaction()
  async AddMember(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'AddMember', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    requireGroupKind(group);
    if (!mayManageMembers(group.policy, role)) throw forbidden(`a ${role} cannot add members here`);
    if (!mayAddWithRole(role, req.role)) {
      throw forbidden(
        req.role === 'owner' ? 'only an owner can add an owner' : 'only owners and admins can add an admin',
      );
    }
    const members = await listMembers(ctx, req.conversationId);
    if (members.some((m) => m.userId === req.userId)) throw new ChaincodeError('CONFLICT', 'already a member');
    if (members.length + 1 > LIMITS.groupMembers) throw new ChaincodeError('LIMIT_EXCEEDED', 'group is full');
    requireOrgAllowed(group, group.policy, req.userId);
    await requireReachableUser(ctx, req.userId);
    await requireMayInvite(ctx, caller.userId, req.userId);
    requireExactCoverage(req.wrappedKeys, [...members.map((m) => m.userId), req.userId]);

    const now = ctx.now();
    await writeMember(ctx, req.conversationId, req.userId, { role: req.role, since: now });
    const memberIds = [...members.map((m) => m.userId), req.userId];
    const epoch = await this.advanceEpoch(ctx, group, memberIds, req.wrappedKeys, now);
    await ctx.audit({
      action: 'group.addMember',
      target: req.userId,
      orgs: foreignOrgs(caller.mspId, req.userId),
      detail: `conversation=${req.conversationId} role=${req.role} epoch=${epoch}`,
    });
    ctx.emitTagged('groups.MemberAdded', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, epoch });
  }

  @Transaction()
  async RemoveMember(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'RemoveMember', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    requireGroupKind(group);
    if (!isManager(role)) throw forbidden(`a ${role} cannot remove members`);
    if (req.userId === caller.userId) throw badInput('use Leave to leave a conversation');
    const members = await listMembers(ctx, req.conversationId);
    const target = members.find((m) => m.userId === req.userId);
    if (!target) throw notFound(`${req.userId} is not a member`);
    if (!mayRemove(role, target.role)) throw forbidden('an admin cannot remove an owner');
    const remaining = members.filter((m) => m.userId !== req.userId);
    requireExactCoverage(
      req.wrappedKeys,
      remaining.map((m) => m.userId),
    );

    const now = ctx.now();
    await deleteMember(ctx, req.conversationId, req.userId);
    const epoch = await this.advanceEpoch(
      ctx,
      group,
      remaining.map((m) => m.userId),
      req.wrappedKeys,
      now,
    );
    await ctx.audit({
      action: 'group.removeMember',
      target: req.userId,
      orgs: foreignOrgs(caller.mspId, req.userId),
      detail: `conversation=${req.conversationId} epoch=${epoch}`,
    });
    ctx.emitTagged('groups.MemberRemoved', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, epoch });
  }

  /**
   * The caller leaves without creating a key: a new epoch key made by the
   * leaver would be known to the leaver. The group is marked rekeyRequired
   * and nothing new can be sealed until a remaining member calls Rekey.
   */
  @Transaction()
  async Leave(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'Leave', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    requireGroupKind(group);
    const members = await listMembers(ctx, req.conversationId);
    const remaining = members.filter((m) => m.userId !== caller.userId).map((m) => m.userId);
    if (!mayLeave(role, members.filter((m) => m.role === 'owner' && m.userId !== caller.userId).length)) {
      throw new ChaincodeError('CONFLICT', 'the last owner must transfer ownership before leaving');
    }

    const now = ctx.now();
    await deleteMember(ctx, req.conversationId, caller.userId);
    await writeJson(ctx, groupKey(req.conversationId), {
      ...group,
      memberCount: remaining.length,
      memberOrgs: orgsOf(remaining),
      rekeyRequired: true,
      updatedAt: now,
    });
    await ctx.audit({
      action: 'group.leave',
      target: req.conversationId,
      detail: `epoch=${group.epoch} rekeyRequired=true`,
    });
    ctx.emitTagged('groups.MemberLeft', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, epoch: group.epoch, rekeyRequired: true });
  }

  /**
   * After a Leave: a remaining member who may manage membership creates the
   * next epoch for exactly the current members. Only one rotation per Leave
   * succeeds; a racing second one is CONFLICT (or loses MVCC) and re-reads.
   */
  @Transaction()
  async Rekey(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'Rekey', request);
    const { group, role } = await requireMember(ctx, req.groupId, caller.userId);
    requireGroupKind(group);
    if (!mayManageMembers(group.policy, role)) throw forbidden(`a ${role} cannot re-key this group`);
    if (group.rekeyRequired !== true) throw new ChaincodeError('CONFLICT', `${req.groupId} needs no re-key`);
    if (req.epoch !== group.epoch + 1) {
      throw new ChaincodeError('CONFLICT', `the next epoch of ${req.groupId} is ${group.epoch + 1}, not ${req.epoch}`);
    }
    const members = (await listMembers(ctx, req.groupId)).map((m) => m.userId);
    requireExactCoverage(req.wrappedKeys, members);

    const epoch = await this.advanceEpoch(ctx, group, members, req.wrappedKeys, ctx.now());
    await ctx.audit({
      action: 'group.rekey',
      target: req.groupId,
      orgs: foreignOrgs(caller.mspId, ...members),
      detail: `epoch=${epoch} members=${members.length}`,
    });
    ctx.emitTagged('groups.Rekeyed', req.eventTag);
    return JSON.stringify({ conversationId: req.groupId, epoch });
  }

  @Transaction()
  async ChangeRole(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'ChangeRole', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    requireGroupKind(group);
    if (!isManager(role)) throw forbidden(`a ${role} cannot change roles`);
    const members = await listMembers(ctx, req.conversationId);
    const target = members.find((m) => m.userId === req.userId);
    if (!target) throw notFound(`${req.userId} is not a member`);
    if (target.role === req.role) throw new ChaincodeError('CONFLICT', `${req.userId} is already ${req.role}`);
    if (!mayChangeRole(role, target.role, req.role)) {
      throw forbidden('an admin cannot demote an owner or make one');
    }
    if (!keepsAnOwner(target.role, req.role, members.filter((m) => m.role === 'owner').length)) {
      throw new ChaincodeError('CONFLICT', 'a group keeps at least one owner');
    }

    await writeJson(ctx, memberKey(req.conversationId, req.userId), { role: req.role, since: target.since });
    await ctx.audit({
      action: 'group.changeRole',
      target: req.userId,
      orgs: foreignOrgs(caller.mspId, req.userId),
      detail: `conversation=${req.conversationId} ${target.role}->${req.role}`,
    });
    ctx.emitTagged('groups.RoleChanged', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, userId: req.userId, role: req.role });
  }

  @Transaction()
  async TransferOwnership(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'TransferOwnership', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    requireGroupKind(group);
    if (!mayTransferOwnership(role)) throw forbidden('only an owner can transfer ownership');
    if (req.newOwnerUserId === caller.userId) throw badInput('already the owner');
    const target = await readJson(ctx, memberKey(req.conversationId, req.newOwnerUserId), memberRecordSchema);
    if (!target) throw notFound(`${req.newOwnerUserId} is not a member`);
    if (target.role === 'owner') throw new ChaincodeError('CONFLICT', `${req.newOwnerUserId} is already an owner`);
    await requireReachableUser(ctx, req.newOwnerUserId);

    await writeJson(ctx, memberKey(req.conversationId, req.newOwnerUserId), { role: 'owner', since: target.since });
    // The previous owner stays on as an admin; they can Leave afterwards.
    const mine = await readJson(ctx, memberKey(req.conversationId, caller.userId), memberRecordSchema);
    await writeJson(ctx, memberKey(req.conversationId, caller.userId), {
      role: 'admin',
      since: mine?.since ?? ctx.now(),
    });
    await ctx.audit({
      action: 'group.transferOwnership',
      target: req.newOwnerUserId,
      orgs: foreignOrgs(caller.mspId, req.newOwnerUserId),
      detail: `conversation=${req.conversationId}`,
    });
    ctx.emitTagged('groups.OwnershipTransferred', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, owner: req.newOwnerUserId });
  }

  @Transaction()
  async UpdatePolicy(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'UpdatePolicy', request);
    if (Object.keys(req.policy).length === 0) throw badInput('policy: nothing to change');
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    // Groups need an owner. Either side of a direct conversation may set what
    // binds both alike (retention), never what one side would impose on the other.
    if (!mayChangePolicy(group.kind, role)) throw forbidden('only an owner can change the policy');
    const fixed = Object.keys(req.policy).filter((f) => !DIRECT_POLICY_FIELDS.has(f));
    if (group.kind === 'direct' && fixed.length > 0) {
      throw forbidden(`${fixed.sort().join(', ')} cannot change in a direct conversation; only retentionSeconds can`);
    }
    if (req.expectedPolicyVersion !== undefined && req.expectedPolicyVersion !== group.policyVersion) {
      throw new ChaincodeError('CONFLICT', `policy is at version ${group.policyVersion}`);
    }
    const policy: GroupPolicy = { ...group.policy, ...req.policy };
    if (!policy.crossOrg && group.policy.crossOrg) {
      const members = await listMembers(ctx, req.conversationId);
      if (members.some((m) => orgOfUserId(m.userId) !== group.creatorOrg)) {
        throw new ChaincodeError('CONFLICT', 'members from other orgs must be removed before crossOrg=false');
      }
    }
    const policyVersion = group.policyVersion + 1;
    await writeJson(ctx, groupKey(req.conversationId), { ...group, policy, policyVersion, updatedAt: ctx.now() });
    await ctx.audit({
      action: 'group.updatePolicy',
      target: req.conversationId,
      detail: Object.keys(req.policy).sort().join(','),
      policyVersion,
    });
    ctx.emitTagged('groups.PolicyUpdated', req.eventTag);
    return JSON.stringify({ conversationId: req.conversationId, policy, policyVersion });
  }

  /**
   * The caller's inbox policy (domain/inbox.ts): who may open a direct
   * conversation with them, and whom they blocked. Replaces the previous one.
   */
  @Transaction()
  async SetInboxPolicy(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'SetInboxPolicy', request);
    if (req.blocked.includes(caller.userId)) throw badInput('you cannot block yourself');
    const policy = {
      directFrom: req.directFrom,
      contacts: [...req.contacts].sort(),
      blocked: [...req.blocked].sort(),
      updatedAt: ctx.now(),
    };
    await writeJson(ctx, inboxKey(caller.userId), policy);
    return JSON.stringify(policy);
  }

  @Transaction(false)
  async GetMyInboxPolicy(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    parseTransactionRequest('groups', 'GetMyInboxPolicy', request);
    return JSON.stringify(await readInboxPolicy(ctx, caller.userId));
  }

  @Transaction(false)
  async GetGroup(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'GetGroup', request);
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    // Always present, so clients need not know records from before the flag.
    return JSON.stringify({ ...group, rekeyRequired: group.rekeyRequired === true, myRole: role });
  }

  @Transaction(false)
  async ListMembers(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'ListMembers', request);
    await requireMember(ctx, req.conversationId, caller.userId);
    return JSON.stringify({ members: await listMembers(ctx, req.conversationId) });
  }

  @Transaction(false)
  async GetMyEpochKey(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'GetMyEpochKey', request);
    const { group } = await requireMember(ctx, req.conversationId, caller.userId);
    const epoch = req.epoch ?? group.epoch;
    if (epoch > group.epoch) throw notFound(`epoch ${epoch} does not exist yet`);
    const record = await readJson(ctx, epochKeyKey(req.conversationId, epoch, caller.userId), epochKeyRecordSchema);
    if (!record) throw notFound(`no key for you at epoch ${epoch}`);
    return JSON.stringify(record);
  }

  /**
   * The caller's own conversations. Membership events carry only a tag made
   * with a key the added user does not hold yet, so a client that sees a
   * membership event it cannot recognise asks here (see chaincode/README.md).
   */
  @Transaction(false)
  async ListMyConversations(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('groups', 'ListMyConversations', request);
    const prefix = key('memberof', caller.userId, '');
    const { start, end } = prefixRange(prefix);
    const page = await readPage(ctx, start, end, req.pageSize ?? LIMITS.pageSize, req.bookmark, memberOfRecordSchema);
    const conversations = page.records.map((r) => ({
      conversationId: r.key.slice(prefix.length),
      since: r.value.since,
    }));
    return JSON.stringify({ conversations, bookmark: page.bookmark });
  }

  /**
   * Membership changed or a re-key: store the new epoch's keys and bump the
   * epoch. The keys are fresh and cover exactly `memberIds`, so a pending
   * re-key after a Leave is done as well.
   */
  private async advanceEpoch(
    ctx: KTalkContext,
    group: GroupRecord,
    memberIds: readonly string[],
    wrappedKeys: WrappedKeys,
    now: number,
  ): Promise<number> {
    const epoch = group.epoch + 1;
    await writeEpochKeys(ctx, group.conversationId, epoch, wrappedKeys);
    const { rekeyRequired: _done, ...rest } = group;
    await writeJson(ctx, groupKey(group.conversationId), {
      ...rest,
      epoch,
      memberCount: memberIds.length,
      memberOrgs: orgsOf(memberIds),
      updatedAt: now,
    });
    return epoch;
  }
}

export { WRAPPED_KEY_BYTES } from '@ktalk/protocol';
