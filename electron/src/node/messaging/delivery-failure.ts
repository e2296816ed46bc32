import { API_ERROR_CODES, type ApiErrorCode } from '../../common/api';
import { refinedApiCode } from '../ledger';
import type { OutboxFailureCode } from '../outbox';

// A failure the outbox recorded (a code kept in the store with the message),
// as the UI's typed error: a refusal keeps its cause (a removed member, a
// revoked certificate); only what went wrong on the way reads as "network";
// a message that could not be sealed is ours.

/** Total over the outbox's codes: a new one does not compile until it is mapped. */
const OUTBOX_TO_API: Readonly<Record<OutboxFailureCode, ApiErrorCode>> = {
  BAD_INPUT: 'BAD_INPUT',
  TOO_LARGE: 'TOO_LARGE',
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  DISABLED: 'DISABLED',
  CONFLICT: 'CONFLICT',
  STALE_EPOCH: 'STALE_EPOCH',
  EXPIRED: 'EXPIRED',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  REKEY_REQUIRED: 'REKEY_REQUIRED',
  UNAVAILABLE: 'NETWORK_UNAVAILABLE',
  MVCC_CONFLICT: 'CONFLICT',
  UNCERTAIN: 'NETWORK_UNAVAILABLE',
  INVALID_TRANSACTION: 'NETWORK_UNAVAILABLE',
  // refinedApiCode reads expired from revoked first; this is what is left.
  ACCESS_DENIED: 'CERT_REVOKED',
  BAD_RESPONSE: 'NETWORK_UNAVAILABLE',
  CLOSED: 'NETWORK_UNAVAILABLE',
  FAILED: 'NETWORK_UNAVAILABLE',
  PREPARE_FAILED: 'INTERNAL',
  KEY_CHANGED: 'KEY_CHANGED',
};

const API_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

function isOutboxFailureCode(code: string): code is OutboxFailureCode {
  return Object.hasOwn(OUTBOX_TO_API, code);
}

/** The stored code is a string (a row written by an older version may hold any code): unknown ones read as "network". */
export function apiFailure(code: string, message = ''): ApiErrorCode {
  const refined = refinedApiCode(code, message);
  if (refined) return refined;
  if (isOutboxFailureCode(code)) return OUTBOX_TO_API[code];
  if (API_CODES.has(code)) return code as ApiErrorCode;
  return 'NETWORK_UNAVAILABLE';
}
