import type { ApiErrorCode } from '../../common/api';

// What the messaging modules refuse on their own (before or without asking
// the ledger), each cause named, and how each reads as the API's error code.
// The ledger's own refusals stay LedgerErrors; the outbox's failures are
// mapped in delivery-failure.ts.

export type MessagingErrorCode =
  /** No such conversation in this device's store. */
  | 'NO_CONVERSATION'
  /** No such message of this user's (to retry or delete). */
  | 'NO_MESSAGE'
  /** No such attachment on that message (or the message was erased). */
  | 'NO_ATTACHMENT'
  /** A direct conversation with oneself. */
  | 'SELF_CONVERSATION'
  /** The ledger said this user is no longer a member (removed, or left). */
  | 'REMOVED'
  /** Adding someone who is in the group already. */
  | 'ALREADY_MEMBER'
  /** The outbox did not return the row it had just written. */
  | 'OUTBOX_LOST';

/** Total: a new code does not compile until it says how it reads to the UI. */
const API_CODE: Readonly<Record<MessagingErrorCode, ApiErrorCode>> = {
  NO_CONVERSATION: 'NOT_FOUND',
  NO_MESSAGE: 'NOT_FOUND',
  NO_ATTACHMENT: 'NOT_FOUND',
  SELF_CONVERSATION: 'BAD_INPUT',
  REMOVED: 'NOT_MEMBER',
  ALREADY_MEMBER: 'CONFLICT',
  // As before the split (it was a LedgerError FAILED): an invariant broken on this device, not a refusal.
  OUTBOX_LOST: 'NETWORK_UNAVAILABLE',
};

export class MessagingError extends Error {
  override readonly name = 'MessagingError';

  constructor(
    readonly code: MessagingErrorCode,
    message: string,
  ) {
    super(message);
  }

  get apiCode(): ApiErrorCode {
    return API_CODE[this.code];
  }
}
