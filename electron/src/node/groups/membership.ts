import { submitted } from '../ledger';
import type { GroupsContext } from './context';
import { listMemberIds, readGroupState } from './group-ledger';
import { membersWithKeys } from './member-keys';
import { submitTagged } from './tagged-submit';

// Leaving and removing, each tagged with the epoch key before the change.
// Leaving makes no key (the leaver would know it); removing makes the next
// one here, in a remaining manager's client, for exactly who stays.

/** groups.Leave: the group stays at its epoch, marked for a re-key by someone who stays. */
export async function leaveGroup(
  ctx: GroupsContext,
  conversationId: string,
): Promise<{ readonly epoch: number; readonly transactionId: string }> {
  const group = await readGroupState(ctx.ledger, conversationId);
  const tagKey = await ctx.epochKey(conversationId, group.epoch);
  const committed = await submitTagged(ctx, 'groups', 'Leave', tagKey, { conversationId });
  const answer = submitted('groups', 'Leave', committed);
  return { epoch: answer.epoch, transactionId: committed.transactionId };
}

/** groups.RemoveMember with a fresh epoch key wrapped for the members who stay. */
export async function removeMember(
  ctx: GroupsContext,
  conversationId: string,
  userId: string,
): Promise<{ readonly epoch: number; readonly epochKey: Uint8Array; readonly transactionId: string }> {
  const group = await readGroupState(ctx.ledger, conversationId);
  const staying = (await listMemberIds(ctx.ledger, conversationId)).filter((id) => id !== userId);
  const tagKey = await ctx.epochKey(conversationId, group.epoch);
  const fresh = await ctx.groupKeys.newEpochKey(await membersWithKeys(staying, ctx.memberKey));
  const committed = await submitTagged(ctx, 'groups', 'RemoveMember', tagKey, {
    conversationId,
    userId,
    wrappedKeys: fresh.wrappedKeys,
  });
  const answer = submitted('groups', 'RemoveMember', committed);
  return { epoch: answer.epoch, epochKey: fresh.epochKey, transactionId: committed.transactionId };
}
