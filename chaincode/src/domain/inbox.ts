import type { Context } from 'fabric-contract-api';
import { type InboxPolicy, inboxPolicySchema } from '@ktalk/protocol';
import { forbidden } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { key, readJson } from '../lib/state';
import { listMembers } from './groups';

// Who may reach a user (issue 14, item 3). A user publishes an inbox policy;
// the chaincode applies it when someone opens a direct conversation with
// them or adds them to a group, so a flooder cannot even create the
// conversation, and to posts in an existing direct conversation once the
// recipient blocked the sender. Storage: inbox|<userId> -> InboxPolicy. Without a record,
// anyone may (the behaviour before policies existed).
//
// The record is world state: peer operators can read it (who a user lists
// as contacts or has blocked). Only its owner reads it through the chaincode
// (groups.GetMyInboxPolicy); a refusal names no reason, so a blocked sender
// cannot tell a block from an org or contacts rule.

export { DIRECT_FROM, type DirectFrom, INBOX_LIST_MAX, type InboxPolicy, inboxPolicySchema } from '@ktalk/protocol';

export const ANYONE: Omit<InboxPolicy, 'updatedAt'> = { directFrom: 'anyone', contacts: [], blocked: [] };

export const inboxKey = (userId: string): string => key('inbox', userId);

export async function readInboxPolicy(ctx: Context, userId: string): Promise<Omit<InboxPolicy, 'updatedAt'>> {
  return (await readJson(ctx, inboxKey(userId), inboxPolicySchema)) ?? ANYONE;
}

/** FORBIDDEN unless `to`'s policy lets `from` open a direct conversation with them. */
export async function requireMayOpenDirect(ctx: Context, from: string, to: string): Promise<void> {
  const policy = await readInboxPolicy(ctx, to);
  const allowed =
    !policy.blocked.includes(from) &&
    (policy.directFrom === 'anyone' ||
      (policy.directFrom === 'org' && orgOfUserId(from) === orgOfUserId(to)) ||
      policy.contacts.includes(from));
  if (!allowed) throw forbidden(`${to} does not accept a direct conversation from you`);
}

/** FORBIDDEN if `invitee` blocked `inviter` (group creation and AddMember). */
export async function requireMayInvite(ctx: Context, inviter: string, invitee: string): Promise<void> {
  const policy = await readInboxPolicy(ctx, invitee);
  if (policy.blocked.includes(inviter)) throw forbidden(`${invitee} does not accept invitations from you`);
}

/**
 * FORBIDDEN if the other member of a direct conversation blocked `sender`:
 * a block also stops a conversation that existed before it, at the source
 * (the victim's client never even sees the posts). Groups are not affected:
 * there, a blocked member's posts are hidden by the blocker's client only.
 */
export async function requireMayPostDirect(ctx: Context, conversationId: string, sender: string): Promise<void> {
  for (const member of await listMembers(ctx, conversationId)) {
    if (member.userId === sender) continue;
    const policy = await readInboxPolicy(ctx, member.userId);
    if (policy.blocked.includes(sender)) throw forbidden(`${member.userId} does not accept messages from you`);
  }
}
