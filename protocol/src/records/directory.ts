import { z } from 'zod';

// directory contract records: user|<userId>, keyhist|<userId>|<validFrom>.

export const USER_STATUSES = ['active', 'disabled'] as const;

/** An unsigned key change waiting out its recovery period (or a compliance officer's approval). */
export const keyChangeSchema = z.object({
  encryptionKey: z.string(),
  signingKey: z.string(),
  requestedAt: z.number().int(),
  /** From then on anyone may complete it (CompleteKeyChange). */
  effectiveAt: z.number().int(),
});
export type KeyChange = z.infer<typeof keyChangeSchema>;

export const userRecordSchema = z.object({
  userId: z.string(),
  mspId: z.string(),
  enrollmentId: z.string(),
  status: z.enum(USER_STATUSES),
  encryptionKey: z.string().optional(),
  signingKey: z.string().optional(),
  keysSince: z.number().int().optional(),
  keyChange: keyChangeSchema.optional(),
  registeredAt: z.number().int(),
  statusChangedAt: z.number().int().optional(),
  statusChangedBy: z.string().optional(),
});
export type UserRecord = z.infer<typeof userRecordSchema>;

/** Only the status: what other contracts read of a user (disabled users are refused everywhere). */
export const userStatusSchema = z.object({ status: z.enum(USER_STATUSES) }).passthrough();

/** One published key pair and when it took effect. */
export const keyHistorySchema = z.object({
  encryptionKey: z.string(),
  signingKey: z.string(),
  validFrom: z.number().int(),
});
export type KeyHistoryRecord = z.infer<typeof keyHistorySchema>;
