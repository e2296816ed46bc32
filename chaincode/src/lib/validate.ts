import { z } from 'zod';
import { ChaincodeError, badInput } from './errors';
import { LIMITS } from './limits';

// Every transaction takes one JSON argument; nothing in it is trusted until
// the transaction's schema accepts it.
export function parseRequest<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (typeof raw !== 'string') throw badInput('request must be a JSON string');
  if (Buffer.byteLength(raw, 'utf8') > LIMITS.argumentBytes) {
    throw new ChaincodeError('TOO_LARGE', `request exceeds ${LIMITS.argumentBytes} bytes`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badInput('request is not valid JSON');
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw badInput(`${where}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}

export const ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;
export const id = z.string().regex(ID_PATTERN, 'must be 1-128 chars of [A-Za-z0-9._:@-]');
export const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4 + 4)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
    .refine((s) => s.length % 4 === 0, 'must be padded base64');
export const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');
export const positiveAmount = z
  .number()
  .int('must be an integer in minor units')
  .positive('must be positive')
  .max(Number.MAX_SAFE_INTEGER, 'too large');
export const timestampMs = z.number().int().nonnegative().max(8.64e15);
export const pageSize = z.number().int().min(1).max(LIMITS.pageSize);
export const bookmark = z.string().max(1024);

/** A strict object: unknown fields (e.g. a claimed `sender`) are rejected. */
export const strictObject = <S extends z.ZodRawShape>(shape: S) => z.strictObject(shape);
