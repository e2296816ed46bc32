import type { ClientSession } from '../session/client-session';
import type { Store, StoredMessage } from '../store';
import { canConfirm, isCard, isConfirmed, lookUpFact } from './card-facts';
import { contentOf } from './content-codec';
import { messageIdOf } from './message-id';
import type { MessageViews } from './message-views';

// A payment or escrow card is ticked once this user read its ledger fact
// (card-facts.ts). This module decides when to read it: once per session
// per card, again a few times while the fact is not found yet (the peer that
// answered may not have the payment's block), and again on the payment's own
// event; a card that became confirmed is pushed again with its conversation.

/** When a card's payment or escrow was not found, it is read again after these waits. */
const RECHECK_DELAYS_MS = [1_000, 3_000, 10_000, 30_000];

export class CardConfirmations {
  /** Cards whose ledger fact was looked up this session (a miss is asked again after a restart). */
  private readonly looked = new Set<string>();
  /** Cards not found on the ledger yet, by the payment or escrow id they name: its event asks again. */
  private readonly unconfirmed = new Map<string, StoredMessage[]>();
  private stopped = false;

  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly views: MessageViews,
  ) {}

  stop(): void {
    this.stopped = true;
  }

  /**
   * Looks up, once per session, the payment or escrow a card names, when this
   * user is a party and it is not confirmed yet; a confirmed card is shown again.
   */
  confirmLater(m: StoredMessage, attempt = 0): void {
    if (m.state === 'erased' || this.stopped) return;
    const content = contentOf(m);
    if (!isCard(content) || isConfirmed(this.store, content, m.sender)) return;
    const id = messageIdOf(m);
    if (this.looked.has(id)) return;
    this.looked.add(id);
    const ref = content.type === 'payment' ? content.paymentId : content.escrowId;
    // Not found, or the read failed: the peer that answered may not have committed the payment's
    // block yet (the message came first), so it is read again a few times, and on its own event.
    const askAgain = () => {
      if (!canConfirm(content, m.sender, this.session.userId)) return;
      this.unconfirmed.set(ref, [...(this.unconfirmed.get(ref) ?? []), m]);
      const delay = RECHECK_DELAYS_MS[attempt];
      if (delay === undefined) return;
      setTimeout(() => {
        this.looked.delete(id);
        this.confirmLater(m, attempt + 1);
      }, delay).unref();
    };
    void lookUpFact(this.session, this.store, content, m.sender)
      .then(() => {
        if (!isConfirmed(this.store, content, m.sender)) return askAgain();
        const fresh = this.store.getMessage({
          conversationId: m.conversationId,
          sender: m.sender,
          clientMessageId: m.clientMessageId,
        });
        if (fresh) this.session.emit({ type: 'message', message: this.views.view(fresh) });
        // Its preview may be the conversation's last line: ticked now.
        this.session.emit({ type: 'conversation', conversation: this.views.summary(m.conversationId) });
      })
      .catch(() => {
        // The next listing may ask too.
        this.looked.delete(id);
        askAgain();
      });
  }

  /** A payment or escrow event of ours: cards naming it that were not confirmed are looked up again. */
  recheck(ref: string): void {
    const waiting = this.unconfirmed.get(ref);
    if (!waiting) return;
    this.unconfirmed.delete(ref);
    for (const m of waiting) {
      this.looked.delete(messageIdOf(m));
      this.confirmLater(m);
    }
  }
}
