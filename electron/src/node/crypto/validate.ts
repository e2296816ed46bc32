import { CryptoError } from './errors';

// Checks at the edge of the crypto layer: callers get a typed BAD_INPUT
// instead of a libsodium exception or a silent coercion.

const badInput = (message: string) => new CryptoError('BAD_INPUT', message);

/** Longest id or name accepted in associated data (the ledger allows 128 characters). */
export const MAX_TEXT_LENGTH = 1024;

/** Callers from JavaScript or IPC may pass anything; a missing object is BAD_INPUT, not a TypeError. */
export function object<T>(name: string, value: T): T {
  if (typeof value !== 'object' || value === null) throw badInput(`${name} must be an object`);
  return value;
}

export function bytes(name: string, value: unknown, length?: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw badInput(`${name} must be a Uint8Array`);
  if (length !== undefined && value.length !== length) {
    throw badInput(`${name} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

// Lone surrogates would all encode as U+FFFD, so two different ids could
// produce the same bytes in associated data or a signed statement.
const LONE_SURROGATE = /\p{Surrogate}/u;

export function text(name: string, value: unknown): string {
  if (typeof value !== 'string') throw badInput(`${name} must be a string`);
  if (value.length === 0 || value.length > MAX_TEXT_LENGTH) {
    throw badInput(`${name} must be 1-${MAX_TEXT_LENGTH} characters`);
  }
  if (LONE_SURROGATE.test(value)) throw badInput(`${name} must be well-formed Unicode`);
  return value;
}

/** Epochs start at 1, as in the groups contract. */
export function epochNumber(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw badInput(`${name} must be an integer >= 1`);
  }
  return value;
}

/** Milliseconds since the epoch, as the ledger records them. */
export function timestampMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw badInput(`${name} must be a non-negative integer (ms)`);
  }
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Padded standard base64 that re-encodes to itself, as the chaincode demands. */
export function base64Bytes(name: string, value: unknown, length: number): Uint8Array {
  if (typeof value !== 'string' || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw badInput(`${name} must be padded base64`);
  }
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== length || decoded.toString('base64') !== value) {
    throw badInput(`${name} must encode exactly ${length} bytes`);
  }
  return new Uint8Array(decoded);
}

export function toBase64(value: Uint8Array): string {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
}
