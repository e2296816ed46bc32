import { z } from 'zod';
import { eventTag } from './primitives';

// Chaincode events: one per transaction (Fabric allows one), ids and
// metadata only, never content. Conversation events carry only the
// caller's tag (an HMAC of the txId under a key derived from the
// conversation key), which only members can recognise.

const text = z.string();
/** Event payloads are flat maps of strings, numbers and booleans (canonical JSON). */
const stringNumber = z.string().regex(/^\d+$/);

export const taggedEventSchema = z.object({ tag: eventTag });
export type TaggedEvent = z.infer<typeof taggedEventSchema>;

export const TAGGED_EVENTS = [
  'groups.DirectOpened',
  'groups.GroupCreated',
  'groups.MemberAdded',
  'groups.MemberRemoved',
  'groups.MemberLeft',
  'groups.Rekeyed',
  'groups.RoleChanged',
  'groups.OwnershipTransferred',
  'groups.PolicyUpdated',
  'messages.MessagePosted',
  'messages.MessageDeleted',
  'messages.Purged',
] as const;
export type TaggedEventName = (typeof TAGGED_EVENTS)[number];

/** Payload schema of every named (untagged) event. */
export const NAMED_EVENTS = {
  'directory.KeysPublished': z.object({ userId: text, validFrom: z.number().int() }),
  'directory.KeyChangeRequested': z.object({ userId: text, effectiveAt: z.number().int() }),
  'directory.KeyChangeVetoed': z.object({ userId: text, requestedAt: z.number().int() }),
  'directory.UserDisabled': z.object({ userId: text }),
  'directory.UserEnabled': z.object({ userId: text }),
  'payments.Minted': z.object({ paymentId: text, to: text }),
  'payments.Transferred': z.object({ paymentId: text, from: text, to: text }),
  'payments.EscrowCreated': z.object({ escrowId: text, from: text, to: text }),
  'payments.EscrowSettled': z.object({
    escrowId: text,
    state: z.enum(['released', 'claimed', 'refunded']),
    from: text,
    to: text,
  }),
  'sharing.ItemRegistered': z.object({ itemId: text, owner: text }),
  /** A group grantee is left out: naming the conversation would tell every listener the grantor is in it. */
  'sharing.AccessGranted': z.object({
    itemId: text,
    grantId: text,
    granteeUserId: text.optional(),
    grantor: text.optional(),
    expiresAt: stringNumber.optional(),
  }),
  'sharing.GrantRevoked': z.object({ itemId: text, grantId: text }),
  'sharing.AccessRequested': z.object({ itemId: text, accessor: text }),
  'smoke.NotePut': z.object({ noteId: text, owner: text }),
} as const;
export type NamedEventName = keyof typeof NAMED_EVENTS;
export type NamedEventPayload<N extends NamedEventName> = z.infer<(typeof NAMED_EVENTS)[N]>;

export type EventName = TaggedEventName | NamedEventName;

export const isTaggedEvent = (name: string): name is TaggedEventName =>
  (TAGGED_EVENTS as readonly string[]).includes(name);
export const isNamedEvent = (name: string): name is NamedEventName => Object.hasOwn(NAMED_EVENTS, name);
