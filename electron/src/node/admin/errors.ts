import { API_ERROR_CODES, type ApiErrorCode } from '../../common/api';
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

/** The API code for a ledger failure: the chaincode's own code when the API knows it. */
export function apiCodeOfLedgerError(error: LedgerError): ApiErrorCode {
  const known = API_ERROR_CODES.find((code) => code === error.code);
  if (known) return known;
  return error.code === 'UNAVAILABLE' || error.code === 'UNCERTAIN' || error.code === 'CLOSED'
    ? 'NETWORK_UNAVAILABLE'
    : 'INTERNAL';
}

/** Wraps a failure of `step` as an AdminError, keeping a typed code when there is one. */
export function adminFailure(error: unknown, step: string): AdminError {
  if (error instanceof AdminError) return new AdminError(error.code, `${step}: ${error.message}`, error.cause);
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof LedgerError ? apiCodeOfLedgerError(error) : 'INTERNAL';
  return new AdminError(code, `${step}: ${message}`, error);
}
