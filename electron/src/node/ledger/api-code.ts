import type { ApiErrorCode } from '../../common/api';

// How a ledger failure reads to a person when its code alone says too
// little. The chaincode answers FORBIDDEN both for "your role may not" and
// for "you are not in this conversation" (groups.requireMember); a removed
// member must hear the second, in words, not "the network is down". The
// peers' refusal of the caller's identity (ACCESS_DENIED) is a revoked or
// expired certificate, never a transport failure.

/** requireMember's detail: the caller holds no membership (removed, left, or never added). */
const NOT_A_MEMBER = /\bFORBIDDEN: not a member of /;

/** The API code a ledger refusal deserves beyond its own code, or null when its code already says it. */
export function refinedApiCode(code: string, message: string): ApiErrorCode | null {
  if (code === 'FORBIDDEN' && NOT_A_MEMBER.test(message)) return 'NOT_MEMBER';
  if (code === 'ACCESS_DENIED') return /expired/i.test(message) ? 'CERT_EXPIRED' : 'CERT_REVOKED';
  return null;
}
