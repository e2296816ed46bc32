import { z } from 'zod';
import { canonicalBase64Length } from './base64';
import { DEFAULT_LIMITS, EVENT_TAG_BYTES } from './limits';

// The building blocks every request schema is made of.

export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const id = z.string().regex(ID_PATTERN, 'must be 1-128 chars of [A-Za-z0-9._:@-]');

/** `<mspId>::<enrollmentId>`, both parts non-empty. */
export const userIdSchema = id.refine((s) => {
  const sep = s.indexOf('::');
  return sep > 0 && sep + 2 < s.length && !s.slice(sep + 2).includes('::');
}, 'must be <mspId>::<enrollmentId>');

export const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .refine((s) => s.length % 4 === 0, 'must be padded base64');

/** Canonical padded base64 that decodes to exactly `bytes` bytes. */
export const exactBase64 = (bytes: number) =>
  base64(bytes).refine((s) => canonicalBase64Length(s) === bytes, `must encode exactly ${bytes} bytes`);

export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
export const positiveAmount = z
  .number()
  .int('must be an integer in minor units')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'too large');
export const timestampMs = z.number().int().nonnegative().max(8.64e15);
export const pageSize = z.number().int().min(1).max(DEFAULT_LIMITS.pageSize);
export const bookmark = z.string().max(1024);

/** A strict object: unknown fields (e.g. a claimed `sender`) are rejected. */
export const strictObject = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);

/** A conversation's tag for its event (see events.ts). */
export const eventTag = base64(EVENT_TAG_BYTES).refine(
  (s) => canonicalBase64Length(s) === EVENT_TAG_BYTES,
  `must be canonical base64 of exactly ${EVENT_TAG_BYTES} bytes`,
);
