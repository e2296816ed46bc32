import type { GroupKeyProvider } from '../crypto/group-keys';
import type { MemberKeyLookup } from './member-keys';
import type { TaggedSubmitter } from './tagged-submit';

/** What the group operations of one signed-in user need (a ClientSession provides each part). */
export interface GroupsContext extends TaggedSubmitter {
  /** `<mspId>::<enrollmentId>` of the caller. */
  readonly userId: string;
  /** Members' X25519 keys, to wrap a fresh epoch key for them. */
  readonly memberKey: MemberKeyLookup;
  /**
   * The caller's own copy of an epoch key it holds (from a local cache, or
   * `openMyEpochKey`): the event tag of a membership change is made with the
   * epoch key before the change.
   */
  readonly epochKey: (conversationId: string, epoch: number) => Promise<Uint8Array>;
  /** How epoch keys are made and wrapped (`sealedBoxGroupKeys`). */
  readonly groupKeys: GroupKeyProvider;
}
