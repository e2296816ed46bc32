// Every chaincode refusal carries one of these codes; the message format
// `CODE: text` survives the trip through the peer, which forwards only the
// error string, so the client reads the code back out of it.
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

const CODE_IN_TEXT = new RegExp(`\\b(${ERROR_CODES.join('|')}):`);

/** The first `CODE:` in a text (an error message as the peer forwarded it), or null. */
export function errorCodeIn(text: string): ErrorCode | null {
  const match = CODE_IN_TEXT.exec(text)?.[1];
  return match === undefined ? null : (match as ErrorCode);
}
