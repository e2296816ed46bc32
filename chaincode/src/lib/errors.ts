// Every rejection carries a stable code so clients can branch on it without
// parsing prose. The message format `CODE: text` survives the trip through
// the peer, which only forwards the error string.
export const ERROR_CODES = [
  'BAD_INPUT',
  'TOO_LARGE',
  'NOT_FOUND',
  'FORBIDDEN',
  'DISABLED',
  'CONFLICT',
  'STALE_EPOCH',
  'EXPIRED',
  'INSUFFICIENT_FUNDS',
  'LIMIT_EXCEEDED',
  /** A member left: a remaining manager must re-key (groups.Rekey) before anything new is sealed. */
  'REKEY_REQUIRED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class ChaincodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
  }
}

export const badInput = (detail: string): ChaincodeError => new ChaincodeError('BAD_INPUT', detail);
export const forbidden = (detail: string): ChaincodeError => new ChaincodeError('FORBIDDEN', detail);
export const notFound = (detail: string): ChaincodeError => new ChaincodeError('NOT_FOUND', detail);
