import assert from 'node:assert/strict';
import { isCryptoError, type CryptoErrorCode } from '../../src/node/crypto/errors';

// Shared by the crypto-*.test.ts files: fixed byte patterns for known-answer
// tests and one way to assert a typed rejection.

/** start, start+1, … (mod 256): the fixed keys and nonces of the known-answer tests. */
export const seq = (start: number, length: number): Uint8Array =>
  Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);

export const hex = (value: Uint8Array): string => Buffer.from(value).toString('hex');
export const fromHex = (value: string): Uint8Array => new Uint8Array(Buffer.from(value, 'hex'));
export const utf8 = (value: string): Uint8Array => new TextEncoder().encode(value);

export function flipBit(value: Uint8Array, bit: number): Uint8Array {
  const copy = value.slice();
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

export async function rejectsWith(action: () => Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isCryptoError(error), `expected a CryptoError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}
