import { API_ERROR_CODES, type ApiErrorCode } from '../../common/api';
import { LEDGER_API_CODES, type LedgerErrorCode, ledgerApiCode } from '../ledger';
import type { OutboxFailureCode } from '../outbox';

// A failure the outbox recorded (a code kept in the store with the message),
// as the UI's typed error: a ledger code reads as every ledger failure does
// (ledger/api-code.ts: a refusal keeps its cause, only what went wrong on the
// way reads as "network"); the outbox's own codes are mapped here.

/** Total over the outbox's codes that are not the ledger's: a new one does not compile until it is mapped. */
const OUTBOX_API_CODES = {
  // A message that could not be sealed: ours, not the network's.
  PREPARE_FAILED: 'INTERNAL',
  KEY_CHANGED: 'KEY_CHANGED',
} as const satisfies Record<Exclude<OutboxFailureCode, LedgerErrorCode>, ApiErrorCode>;

const API_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

const isLedgerCode = (code: string): code is LedgerErrorCode => Object.hasOwn(LEDGER_API_CODES, code);
const isOutboxCode = (code: string): code is keyof typeof OUTBOX_API_CODES => Object.hasOwn(OUTBOX_API_CODES, code);

/** The stored code is a string (a row written by an older version may hold any code): unknown ones read as "network". */
export function apiFailure(code: string, message = ''): ApiErrorCode {
  if (isLedgerCode(code)) return ledgerApiCode(code, message);
  if (isOutboxCode(code)) return OUTBOX_API_CODES[code];
  if (API_CODES.has(code)) return code as ApiErrorCode;
  return 'NETWORK_UNAVAILABLE';
}
