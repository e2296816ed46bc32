import { isLedgerError, submitted, sleep } from '../ledger';
import type { GroupsContext } from './context';
import { listMemberIds, mayManageMembers, readGroupState } from './group-ledger';
import { membersWithKeys } from './member-keys';
import { submitTagged } from './tagged-submit';

// After a member leaves, the group waits (posting refused with
// REKEY_REQUIRED) until a remaining member who may manage membership makes
// the next epoch key. A leaver never makes it, so it never knows it. Call
// this before posting and when a membership event for the group arrives.

export type RekeyOutcome =
  /** Nothing pending: post at `epoch`. */
  | { readonly status: 'not-required'; readonly epoch: number }
  /** Pending, and this user may not manage membership: an owner's or admin's client will re-key. */
  | { readonly status: 'not-allowed'; readonly epoch: number }
  /** This client created `epoch`; its key stays in this process. */
  | {
      readonly status: 'rekeyed';
      readonly epoch: number;
      readonly epochKey: Uint8Array;
      readonly transactionId: string;
    }
  /** Another member's client re-keyed first; fetch the key of `epoch` (GetMyEpochKey). */
  | { readonly status: 'rekeyed-elsewhere'; readonly epoch: number };

/** Re-reads after losing a race; a few rounds cover a Leave that lands between read and submit. */
const MAX_ROUNDS = 3;
const ROUND_DELAY_MS = 300;

export async function rekeyIfRequired(ctx: GroupsContext, groupId: string): Promise<RekeyOutcome> {
  let lostRace = false;
  for (let round = 1; ; round++) {
    const group = await readGroupState(ctx.ledger, groupId);
    if (!group.rekeyRequired) {
      return { status: lostRace ? 'rekeyed-elsewhere' : 'not-required', epoch: group.epoch };
    }
    if (!mayManageMembers(group)) return { status: 'not-allowed', epoch: group.epoch };

    const memberIds = await listMemberIds(ctx.ledger, groupId);
    const fresh = await ctx.groupKeys.newEpochKey(await membersWithKeys(memberIds, ctx.memberKey));
    const epoch = group.epoch + 1;
    try {
      // Tagged with the NEW key: the leaver holds the current one, and the
      // members' clients accept no tag under it while the re-key is pending.
      const committed = await submitTagged(ctx, 'groups', 'Rekey', fresh.epochKey, {
        groupId,
        epoch,
        wrappedKeys: fresh.wrappedKeys,
      });
      const answer = submitted('groups', 'Rekey', committed);
      return {
        status: 'rekeyed',
        epoch: answer.epoch,
        epochKey: fresh.epochKey,
        transactionId: committed.transactionId,
      };
    } catch (error) {
      // CONFLICT: another client re-keyed first. BAD_INPUT: the member set
      // changed between our read and the endorsement. Both: read again.
      const raced = isLedgerError(error, 'CONFLICT') || isLedgerError(error, 'BAD_INPUT');
      if (!raced || round >= MAX_ROUNDS) throw error;
      lostRace ||= isLedgerError(error, 'CONFLICT');
      // The other org's peer may not have committed what ours shows yet.
      await sleep(ROUND_DELAY_MS * round);
    }
  }
}
