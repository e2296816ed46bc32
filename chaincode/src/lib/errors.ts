import type { ErrorCode } from '@ktalk/protocol';

// Every rejection carries a stable code (declared in @ktalk/protocol) so
// clients can branch on it without parsing prose. The message format
// `CODE: text` survives the trip through the peer, which only forwards the
// error string.
export { ERROR_CODES, type ErrorCode } from '@ktalk/protocol';

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
