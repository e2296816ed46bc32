import type { ApiErrorCode } from '../../common/api';
import { ledgerApiCode } from '../ledger/api-code';
import { LedgerError } from '../ledger/errors';

// Admin operations fail with an API error code the UI can translate; the
// message says which step failed (and, for a revocation, what was done).

export class AdminError extends Error {
  override readonly name = 'AdminError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

/** Wraps a failure of `step` as an AdminError, keeping a typed code when there is one. */
export function adminFailure(error: unknown, step: string): AdminError {
  if (error instanceof AdminError) return new AdminError(error.code, `${step}: ${error.message}`, error.cause);
  const message = error instanceof Error ? error.message : String(error);
  // A ledger failure reads as it does everywhere else (the ledger's one table).
  const code = error instanceof LedgerError ? ledgerApiCode(error.code, error.message) : 'INTERNAL';
  return new AdminError(code, `${step}: ${message}`, error);
}
