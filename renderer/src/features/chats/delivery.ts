import type { ApiErrorCode, DeliveryState, MessageView } from '../../../../electron/src/common/api';

// What the person sees about an outgoing message's fate. "committed" is
// the only state that means "recorded on the ledger": the UI never says
// "sent" before that.

export interface DeliveryInfo {
  /** Key in the chats namespace. */
  readonly label: `delivery.${DeliveryState}`;
  readonly tone: 'neutral' | 'info' | 'success' | 'danger';
  readonly canRetry: boolean;
  /** Error code to translate as the reason, for failed messages. */
  readonly reason?: ApiErrorCode;
}

/** Refusals that no retry can change: the person is not in the group, or their access was revoked. */
const FINAL_REFUSALS: ReadonlySet<ApiErrorCode> = new Set(['NOT_MEMBER', 'CERT_REVOKED', 'CERT_EXPIRED']);

export function deliveryInfo(message: Pick<MessageView, 'state' | 'failure' | 'outgoing'>): DeliveryInfo {
  switch (message.state) {
    case 'pending':
      return { label: 'delivery.pending', tone: 'neutral', canRetry: false };
    case 'endorsed':
      return { label: 'delivery.endorsed', tone: 'info', canRetry: false };
    case 'committed':
      return { label: 'delivery.committed', tone: 'success', canRetry: false };
    case 'failed':
      return {
        label: 'delivery.failed',
        tone: 'danger',
        canRetry: message.outgoing && !(message.failure && FINAL_REFUSALS.has(message.failure)),
        reason: message.failure ?? 'INTERNAL',
      };
    case 'erased':
      return { label: 'delivery.erased', tone: 'neutral', canRetry: false };
    default: {
      const never: never = message.state;
      return never;
    }
  }
}

/** "30 days", "12 hours" etc.: the largest whole unit. */
export function retentionParts(seconds: number): { count: number; unit: 'days' | 'hours' | 'minutes' } {
  if (seconds % 86_400 === 0) return { count: seconds / 86_400, unit: 'days' };
  if (seconds % 3_600 === 0) return { count: seconds / 3_600, unit: 'hours' };
  return { count: Math.max(1, Math.round(seconds / 60)), unit: 'minutes' };
}
