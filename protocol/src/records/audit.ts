import { z } from 'zod';

// audit|<org>|<time>|<txId>|<seq>: one copy per org involved. Strict: a
// field nobody declared (content, say) is refused, never passed on into a
// view or an export.

export const AUDIT_OUTCOMES = ['ok', 'denied'] as const;

export const auditRecordSchema = z.strictObject({
  txId: z.string().min(1).max(256),
  seq: z.number().int().nonnegative().max(9999),
  time: z.number().int().nonnegative(),
  actor: z.string().max(256),
  action: z.string().max(256),
  target: z.string().max(256),
  outcome: z.enum(AUDIT_OUTCOMES),
  /** Orgs whose compliance officers may see this record. */
  orgs: z.array(z.string().max(64)).max(64),
  /** Error code for denials, or short non-secret facts (never content). */
  detail: z.string().max(1024).optional(),
  policyVersion: z.number().int().optional(),
});
export type AuditRecord = z.infer<typeof auditRecordSchema>;
