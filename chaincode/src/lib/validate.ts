import { z } from 'zod';
import { ChaincodeError, badInput } from './errors';
import { LIMITS } from './limits';

/** Keys that name JavaScript object internals; no KTalk request uses them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// Every transaction takes one JSON argument; nothing in it is trusted until
// the transaction's schema accepts it.
export function parseRequest<T>(schema: z.ZodType<T>, raw: unknown): T {
  if (typeof raw !== 'string') throw badInput('request must be a JSON string');
  if (Buffer.byteLength(raw, 'utf8') > LIMITS.argumentBytes) {
    throw new ChaincodeError('TOO_LARGE', `request exceeds ${LIMITS.argumentBytes} bytes`);
  }
  let json: unknown;
  const reserved: string[] = [];
  try {
    json = JSON.parse(raw, (k: string, v: unknown) => {
      if (RESERVED_KEYS.has(k)) reserved.push(k);
      return v;
    });
  } catch {
    throw badInput('request is not valid JSON');
  }
  // zod's record parsing drops a "__proto__" key silently (it lands on the
  // prototype), so a map like wrappedKeys could lose an entry unseen: refuse.
  if (reserved.length > 0) throw badInput(`request must not contain the key "${reserved[0]}"`);
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

/** An event tag: HMAC-SHA256 output the client computes (chaincode/README.md, "Events"). */
export const EVENT_TAG_BYTES = 32;
export const eventTag = base64(EVENT_TAG_BYTES).refine((s) => {
  const bytes = Buffer.from(s, 'base64');
  return bytes.length === EVENT_TAG_BYTES && bytes.toString('base64') === s;
}, `must be canonical base64 of exactly ${EVENT_TAG_BYTES} bytes`);
