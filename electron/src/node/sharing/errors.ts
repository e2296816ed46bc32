import type { ApiErrorCode, ApiMethod, InputProblem } from '../../common/api';
import { parseApiArgs } from '../../common/api-args';
import { isCryptoError } from '../crypto';

// Failures of the sharing and payments services that are not the ledger's
// (those stay LedgerError): bad input, a file that does not decrypt or
// verify, an answer that does not fit. `code` is always an API error code.

export class ServiceError extends Error {
  override readonly name = 'ServiceError';

  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For BAD_INPUT: the field and limit, as the argument schema found them. */
    readonly detail?: InputProblem,
  ) {
    super(message);
  }
}

export function isServiceError(error: unknown, code?: ApiErrorCode): error is ServiceError {
  return error instanceof ServiceError && (code === undefined || error.code === code);
}

/**
 * Validates one method's input with the shared API schema, so a direct call
 * (not through a transport) gets the same checks; BAD_INPUT before anything is sent.
 */
export function checkedInput<T>(method: ApiMethod, input: T): T {
  const parsed = parseApiArgs(method, input === undefined ? [] : [input]);
  if (!parsed.ok) throw new ServiceError('BAD_INPUT', parsed.error.message, parsed.error.detail);
  return parsed.value.input as T;
}

/** A payload or wrapped key that does not open: wrong key and changed bytes look alike to an AEAD. */
export function cryptoFailure(error: unknown, what: string): ServiceError {
  if (isCryptoError(error)) return new ServiceError('DECRYPT_FAILED', `${what}: ${error.message}`);
  return new ServiceError('INTERNAL', `${what}: ${error instanceof Error ? error.message : String(error)}`);
}
