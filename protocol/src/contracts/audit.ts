import { z } from 'zod';
import { bookmark, id, pageSize, sha256Hex, strictObject, timestampMs } from '../primitives';
import { auditRecordSchema } from '../records/audit';

// audit contract (compliance officers only): requests and answers.

const text = z.string().min(1).max(256);

export const auditRequests = {
  QueryAudit: strictObject({
    from: timestampMs.optional(),
    to: timestampMs.optional(),
    actor: text.optional(),
    action: text.optional(),
    target: text.optional(),
    pageSize,
    bookmark: bookmark.optional(),
  }),
  RecordExport: strictObject({
    /** SHA-256 (hex) of the export's canonical body: window, filter, anchor and every record. */
    digest: sha256Hex,
    records: z.number().int().nonnegative().max(1_000_000),
    anchorHeight: z.number().int().positive(),
  }),
  GetAuditRecord: strictObject({ time: timestampMs, txId: id, seq: z.number().int().nonnegative().max(9999) }),
};

/** As QueryAudit returns it: stamped outside [from, to] (the window widened by the clock skew) carries edge: true. */
export const queriedAuditRecordSchema = auditRecordSchema.extend({ edge: z.literal(true).optional() });
export const auditPageSchema = z.object({
  records: z.array(queriedAuditRecordSchema),
  scanned: z.number().int().nonnegative(),
  bookmark: z.string(),
});
export { auditRecordSchema };
