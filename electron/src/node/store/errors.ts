// One error type for the local store, so callers branch on `code`. Messages
// name the file or the check; never key bytes or message text.

export type StoreErrorCode =
  /** The key does not open this database (or its key file). */
  | 'WRONG_KEY'
  /** Not a KTalk store: plaintext SQLite, another app's database, or damaged bytes. */
  | 'CORRUPT'
  /** Written by a newer KTalk (a schema version this build does not know). */
  | 'UNSUPPORTED_VERSION'
  /** A database exists but its key file does not: the key is lost. */
  | 'KEY_MISSING'
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  /** The contact's keys are no longer the ones the user compared. */
  | 'KEY_CHANGED'
  /** The state change is not allowed from the row's current state. */
  | 'BAD_STATE'
  | 'CLOSED';

export class StoreError extends Error {
  override readonly name = 'StoreError';

  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isStoreError(error: unknown, code?: StoreErrorCode): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
