import { z } from 'zod';
import { DEFAULT_LIMITS, WRAPPED_KEY_BYTES } from '../limits';
import { bookmark, eventTag, exactBase64, id, pageSize, strictObject, userIdSchema } from '../primitives';
import {
  epochKeyRecordSchema,
  groupRecordSchema,
  groupRoleSchema,
  policyRequestSchema,
  policySchema,
} from '../records/groups';

// groups contract: requests and answers.

/** The new epoch's key sealed to each member: exactly the members of that epoch. */
export const wrappedKeysSchema = z
  .record(userIdSchema, exactBase64(WRAPPED_KEY_BYTES))
  .refine(
    (m) => Object.keys(m).length >= 1 && Object.keys(m).length <= DEFAULT_LIMITS.groupMembers,
    'wrong number of keys',
  );
export type WrappedKeys = z.infer<typeof wrappedKeysSchema>;

const conversationId = id;

export const DIRECT_FROM = ['anyone', 'org', 'contacts'] as const;
export type DirectFrom = (typeof DIRECT_FROM)[number];
/** Per list; a deployment's users number in the thousands at most. */
export const INBOX_LIST_MAX = 1000;
const inboxList = z
  .array(userIdSchema)
  .max(INBOX_LIST_MAX)
  .refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user');

export const groupsRequests = {
  OpenDirect: strictObject({ peerUserId: userIdSchema, wrappedKeys: wrappedKeysSchema, eventTag }),
  CreateGroup: strictObject({
    groupId: conversationId,
    name: z.string().min(1).max(128).optional(),
    policy: policyRequestSchema,
    members: z
      .array(strictObject({ userId: userIdSchema, role: groupRoleSchema }))
      .max(DEFAULT_LIMITS.groupMembers - 1),
    wrappedKeys: wrappedKeysSchema,
    eventTag,
  }),
  AddMember: strictObject({
    conversationId,
    userId: userIdSchema,
    role: groupRoleSchema,
    wrappedKeys: wrappedKeysSchema,
    eventTag,
  }),
  RemoveMember: strictObject({ conversationId, userId: userIdSchema, wrappedKeys: wrappedKeysSchema, eventTag }),
  Leave: strictObject({
    conversationId,
    // Refused by name, so a client still on the old protocol fails loudly.
    wrappedKeys: z.never({ error: 'Leave takes no keys; a remaining member re-keys (groups.Rekey)' }).optional(),
    eventTag,
  }),
  Rekey: strictObject({
    groupId: conversationId,
    epoch: z.number().int().min(2),
    wrappedKeys: wrappedKeysSchema,
    eventTag,
  }),
  ChangeRole: strictObject({ conversationId, userId: userIdSchema, role: groupRoleSchema, eventTag }),
  TransferOwnership: strictObject({ conversationId, newOwnerUserId: userIdSchema, eventTag }),
  UpdatePolicy: strictObject({
    conversationId,
    policy: policyRequestSchema.partial(),
    expectedPolicyVersion: z.number().int().min(1).optional(),
    eventTag,
  }),
  SetInboxPolicy: strictObject({ directFrom: z.enum(DIRECT_FROM), contacts: inboxList, blocked: inboxList }),
  GetMyInboxPolicy: strictObject({}),
  GetGroup: strictObject({ conversationId }),
  ListMembers: strictObject({ conversationId }),
  GetMyEpochKey: strictObject({ conversationId, epoch: z.number().int().min(1).optional() }),
  ListMyConversations: strictObject({ pageSize: pageSize.optional(), bookmark: bookmark.optional() }),
};

/** inbox|<userId>: who may reach a user (absent: anyone). */
export const inboxPolicySchema = z.object({
  /** Who may open a direct conversation: anyone, my org's users, or my contacts. */
  directFrom: z.enum(DIRECT_FROM),
  /** Who counts as a contact for directFrom=contacts. */
  contacts: z.array(z.string()),
  /** Never reach me: no direct conversation, no group invitation, whatever directFrom says. */
  blocked: z.array(z.string()),
  updatedAt: z.number().int(),
});
export type InboxPolicy = z.infer<typeof inboxPolicySchema>;

export const epochAnswerSchema = z.object({ conversationId: z.string(), epoch: z.number().int().min(1) });
export const openDirectAnswerSchema = epochAnswerSchema.extend({ created: z.boolean() });
export const leaveAnswerSchema = epochAnswerSchema.extend({ rekeyRequired: z.literal(true) });
export const roleChangedSchema = z.object({ conversationId: z.string(), userId: z.string(), role: groupRoleSchema });
export const ownershipSchema = z.object({ conversationId: z.string(), owner: z.string() });
export const policyUpdatedSchema = z.object({
  conversationId: z.string(),
  policy: policySchema,
  policyVersion: z.number().int(),
});
/** GetGroup: the record plus the caller's role. */
export const groupViewSchema = groupRecordSchema.extend({
  epoch: z.number().int().min(1),
  rekeyRequired: z.boolean(),
  myRole: groupRoleSchema,
});
export const membersSchema = z.object({
  members: z.array(z.object({ userId: z.string(), role: groupRoleSchema, since: z.number().int() })),
});
export const myEpochKeySchema = epochKeyRecordSchema.extend({ epoch: z.number().int().min(1) });
export const myConversationsSchema = z.object({
  conversations: z.array(z.object({ conversationId: z.string(), since: z.number().int() })),
  bookmark: z.string().optional(),
});
export const myInboxPolicySchema = inboxPolicySchema.omit({ updatedAt: true }).extend({
  updatedAt: z.number().int().optional(),
});
