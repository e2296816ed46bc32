import { z } from 'zod';
import { GROUP_ROLES } from '../group-roles';
import { MAX_RETENTION_SECONDS } from '../limits';

// groups contract records:
//   group|<conversationId>            -> GroupRecord
//   member|<conversationId>|<userId>  -> MemberRecord
//   epochkey|<conversationId>|<epoch>|<userId> -> EpochKeyRecord
//   memberof|<userId>|<conversationId> -> MemberOfRecord

export const groupRoleSchema = z.enum(GROUP_ROLES);

export const retentionSecondsSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_RETENTION_SECONDS)
  .refine((s) => s === 0 || s >= 60, 'must be 0 (keep forever) or at least 60');

export const policyShape = {
  whoCanPost: z.enum(['members', 'admins']),
  whoCanInvite: z.enum(['admins', 'members']),
  retentionSeconds: retentionSecondsSchema,
  paymentsAllowed: z.boolean(),
  crossOrg: z.boolean(),
};
/** Requests: every field, nothing else. */
export const policyRequestSchema = z.strictObject(policyShape);
export const policySchema = z.object(policyShape);
export type GroupPolicy = z.infer<typeof policySchema>;

export const CONVERSATION_KINDS = ['group', 'direct'] as const;

export const groupRecordSchema = z.object({
  conversationId: z.string(),
  kind: z.enum(CONVERSATION_KINDS),
  name: z.string().optional(),
  creator: z.string(),
  creatorOrg: z.string(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
  policy: policySchema,
  policyVersion: z.number().int(),
  epoch: z.number().int(),
  memberCount: z.number().int(),
  /** Sorted orgs with a member here: audit copies without scanning members on every post. */
  memberOrgs: z.array(z.string()),
  /**
   * Set by Leave, cleared by the next rotation (Rekey, AddMember, RemoveMember):
   * the leaver still holds the current epoch key, so nothing new may be sealed
   * under it. Absent on records written before it existed: false.
   */
  rekeyRequired: z.boolean().optional(),
});
export type GroupRecord = z.infer<typeof groupRecordSchema>;

export const memberRecordSchema = z.object({ role: groupRoleSchema, since: z.number().int() });
export type MemberRecord = z.infer<typeof memberRecordSchema>;

export const epochKeyRecordSchema = z.object({
  conversationId: z.string(),
  epoch: z.number().int(),
  userId: z.string(),
  wrappedKey: z.string(),
});
export type EpochKeyRecord = z.infer<typeof epochKeyRecordSchema>;

export const memberOfRecordSchema = z.object({ since: z.number().int() });
