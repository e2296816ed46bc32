import type { ApiErrorCode } from '../../common/api';
import type { LedgerErrorCode } from './errors';

// How a ledger failure reads to a person. Every LedgerError code has its
// API code (the table below must name them all, or this fails to compile);
// where the code alone says too little, the refusal's detail decides. The
// chaincode answers FORBIDDEN both for "your role may not" and for "you
// are not in this conversation" (groups.requireMember); a removed member
// must hear the second, in words, not "the network is down". The peers'
// refusal of the caller's identity (ACCESS_DENIED) is a revoked or expired
// certificate, never a transport failure; the peers say which only in text.

export const LEDGER_API_CODES = {
  // The chaincode's refusals are the API's own codes.
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
  // Transport: nothing was refused, the network or a race got in the way.
  UNAVAILABLE: 'NETWORK_UNAVAILABLE',
  MVCC_CONFLICT: 'CONFLICT',
  UNCERTAIN: 'NETWORK_UNAVAILABLE',
  INVALID_TRANSACTION: 'NETWORK_UNAVAILABLE',
  ACCESS_DENIED: 'CERT_REVOKED',
  BAD_RESPONSE: 'NETWORK_UNAVAILABLE',
  CLOSED: 'NETWORK_UNAVAILABLE',
  FAILED: 'NETWORK_UNAVAILABLE',
} as const satisfies Record<LedgerErrorCode, ApiErrorCode>;

/** requireMember's detail: the caller holds no membership (removed, left, or never added). */
const NOT_A_MEMBER = /\bFORBIDDEN: not a member of /;

/** The API code a ledger refusal deserves beyond its own code, or null when its code already says it. */
export function refinedApiCode(code: string, message: string): ApiErrorCode | null {
  if (code === 'FORBIDDEN' && NOT_A_MEMBER.test(message)) return 'NOT_MEMBER';
  if (code === 'ACCESS_DENIED') return /expired/i.test(message) ? 'CERT_EXPIRED' : 'CERT_REVOKED';
  return null;
}

/** The API code of a ledger failure: its refined cause, else the table's. */
export function ledgerApiCode(code: LedgerErrorCode, message: string): ApiErrorCode {
  return refinedApiCode(code, message) ?? LEDGER_API_CODES[code];
}
