// One error type for the whole crypto layer, so callers branch on `code`
// and never on message text. Messages name the failing field or check,
// never key or plaintext bytes.

export type CryptoErrorCode =
  /** Wrong type, length or format of an argument. */
  | 'BAD_INPUT'
  /** The sender's signature does not cover these fields with this key. */
  | 'BAD_SIGNATURE'
  /** The directory has no key for the sender at the message's time. */
  | 'NO_SENDER_KEY'
  /** AEAD authentication failed: wrong key, wrong associated data or changed bytes. */
  | 'DECRYPT_FAILED'
  /** A wrapped (sealed-box) key does not open with this secret key. */
  | 'UNWRAP_FAILED'
  /** An attachment ended before its final chunk. */
  | 'TRUNCATED'
  /** An attachment's bytes were changed, appended to, or do not match its address. */
  | 'TAMPERED';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';

  constructor(
    readonly code: CryptoErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isCryptoError(error: unknown, code?: CryptoErrorCode): error is CryptoError {
  return error instanceof CryptoError && (code === undefined || error.code === code);
}
