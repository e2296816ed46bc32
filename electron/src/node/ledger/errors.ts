// Typed ledger errors, and the chaincode's refusal code read out of a
// gateway error (the peers put `CODE: detail` in the error details).
import { type ErrorCode, errorCodeIn } from '@ktalk/protocol';

/** The chaincode's refusal codes: the protocol's (@ktalk/protocol errors.ts). */
export { ERROR_CODES as CHAINCODE_CODES } from '@ktalk/protocol';
export type ChaincodeCode = ErrorCode;

/** Failures that are not the chaincode's answer. */
export type TransportCode =
  /** Peer, orderer or endorsers unreachable after every retry. */
  | 'UNAVAILABLE'
  /** Still losing MVCC/phantom-read races after every retry. */
  | 'MVCC_CONFLICT'
  /** Submitted, but whether it was ordered is unknown: check `transactionId` before acting again. */
  | 'UNCERTAIN'
  /** Committed as invalid for another reason (endorsement policy, duplicate id, ...). */
  | 'INVALID_TRANSACTION'
  /**
   * The peers refused this identity before any chaincode ran (its certificate
   * is revoked or expired): final, never retried.
   */
  | 'ACCESS_DENIED'
  /** The answer was not what the caller expected. */
  | 'BAD_RESPONSE'
  | 'CLOSED'
  | 'FAILED';

export type LedgerErrorCode = ChaincodeCode | TransportCode;

export class LedgerError extends Error {
  override readonly name = 'LedgerError';

  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details: { readonly transactionId?: string; readonly attempts?: number; readonly cause?: unknown } = {},
  ) {
    super(message);
  }
}

export function isLedgerError(error: unknown, code?: LedgerErrorCode): error is LedgerError {
  return error instanceof LedgerError && (code === undefined || error.code === code);
}

function gatewayErrorTexts(error: unknown): string[] {
  const texts: string[] = [];
  if (error instanceof Error) texts.push(error.message);
  else if (error !== undefined && error !== null) texts.push(String(error));
  const details = (error as { details?: unknown } | null)?.details;
  if (Array.isArray(details)) {
    for (const d of details as unknown[]) {
      const message = (d as { message?: unknown } | null)?.message;
      if (typeof message === 'string') texts.push(message);
    }
  }
  return texts;
}

/** A gateway error's message with the peers' own reasons (its details) appended. */
export function gatewayErrorText(error: unknown): string {
  return gatewayErrorTexts(error).join(' | ');
}

/** The chaincode's refusal code carried by a gateway error, or null. */
export function chaincodeErrorCode(error: unknown): ChaincodeCode | null {
  for (const text of gatewayErrorTexts(error)) {
    const code = errorCodeIn(text);
    if (code !== null) return code;
  }
  return null;
}
