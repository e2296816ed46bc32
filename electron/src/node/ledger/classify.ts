import { type ChaincodeCode, chaincodeErrorCode, gatewayErrorText } from './errors';

// What to do about a failure, decided per phase of a submit. Only failures
// after which nothing can have been written are retried with a new
// proposal; a failed hand-over to the orderer is retried with the same
// signed transaction, so it can commit at most once (a second copy would be
// invalidated as DUPLICATE_TXID).

export type Verdict =
  | { readonly kind: 'refused'; readonly code: ChaincodeCode }
  /** The peers refused the caller's identity (revoked or expired certificate): as final as a refusal. */
  | { readonly kind: 'denied' }
  | { readonly kind: 'transient' }
  | { readonly kind: 'fatal' };

const GRPC = { DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, ABORTED: 10, UNAVAILABLE: 14 } as const;

// The peer's MSP check of the proposal's creator (a revoked certificate is
// on the channel's CRL); no chaincode ran, so there is no `CODE:`.
const IDENTITY_REFUSED_TEXT =
  /access denied|creator certificate is not valid|certificate (has been|is) revoked|certificate has expired/i;

/** Transaction validation codes (fabric-protos TxValidationCode) worth a new proposal. */
export const RETRYABLE_VALIDATION = { MVCC_READ_CONFLICT: 11, PHANTOM_READ_CONFLICT: 12 } as const;

// Peers at different heights simulate on different state ("do not match");
// a restarted peer has no gossip membership yet ("eligible peers").
const TRANSIENT_TEXT = new RegExp(
  [
    'no combination of peers',
    'ProposalResponsePayloads do not match',
    'failed to distribute private collection',
    'code = Unavailable',
    'code = DeadlineExceeded',
    'connection refused',
    'transport is closing',
    'failed to connect',
    'deadline exceeded',
  ].join('|'),
  'i',
);

export function grpcCode(error: unknown): number | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : null;
}

/** Endorsement wrote nothing, so any transient failure may get a new proposal; a refusal never does. */
export function classifyEndorseError(error: unknown): Verdict {
  const refused = chaincodeErrorCode(error);
  if (refused) return { kind: 'refused', code: refused };
  const code = grpcCode(error);
  if (code === GRPC.PERMISSION_DENIED || IDENTITY_REFUSED_TEXT.test(gatewayErrorText(error))) return { kind: 'denied' };
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED) return { kind: 'transient' };
  if (TRANSIENT_TEXT.test(gatewayErrorText(error))) return { kind: 'transient' };
  return { kind: 'fatal' };
}

/** Hand-over to the orderer or the commit-status query: retried with the same transaction only. */
export function classifyDeliveryError(error: unknown): Verdict {
  const code = grpcCode(error);
  if (code === GRPC.UNAVAILABLE || code === GRPC.DEADLINE_EXCEEDED || code === GRPC.ABORTED) {
    return { kind: 'transient' };
  }
  return TRANSIENT_TEXT.test(gatewayErrorText(error)) ? { kind: 'transient' } : { kind: 'fatal' };
}

export function isRetryableValidationCode(code: number): boolean {
  return code === RETRYABLE_VALIDATION.MVCC_READ_CONFLICT || code === RETRYABLE_VALIDATION.PHANTOM_READ_CONFLICT;
}
