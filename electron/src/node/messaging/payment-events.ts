import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import type { CardConfirmations } from './card-confirmations';
import type { PaymentEventPayload } from './event-payloads';
import type { MessageViews } from './message-views';
import { type SettledState, rememberSettled } from './settled-escrows';

// The payments contract's events where this user is a party: a settled
// escrow updates the previews offering it, cards naming the payment or
// escrow are looked up again, and the balance is read and pushed.

export class PaymentEvents {
  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly views: MessageViews,
    private readonly cards: CardConfirmations,
  ) {}

  async onPaymentEvent(eventName: string, payload: PaymentEventPayload): Promise<void> {
    const me = this.session.userId;
    if (payload.to !== me && payload.from !== me) return;
    if (eventName === 'payments.EscrowSettled' && payload.escrowId !== undefined && payload.state !== undefined) {
      this.onEscrowSettled(payload.escrowId, payload.state);
    }
    const ref = payload.paymentId ?? payload.escrowId;
    if (ref !== undefined) this.cards.recheck(ref);
    const { balance } = await this.session.ledger.evaluate('payments', 'GetBalance', {});
    this.session.emit({ type: 'balance', balance });
  }

  /** A settled escrow: conversations whose last message offers it get a fresh preview. */
  private onEscrowSettled(escrowId: string, state: SettledState): void {
    if (!rememberSettled(this.store, escrowId, state)) return;
    for (const conversationId of this.views.offeringEscrow(escrowId)) {
      this.session.emit({ type: 'conversation', conversation: this.views.summary(conversationId) });
    }
  }
}
