import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import type { CardConfirmations } from './card-confirmations';
import { NEWER_CONTENT_JSON, decodePlaintext, storedContent } from './content-codec';
import { openRecord } from './envelopes';
import type { Keyring } from './keyring';
import type { LedgerMessage } from './ledger-records';
import { messageIdOf } from './message-id';
import type { MessageViews } from './message-views';
import { relationFields } from './relations';
import type { SenderKeys } from './sender-keys';

// One message record read from the ledger, into the store: opened (signature
// checked, decrypted) with the sender's key of its time, stored once, and
// pushed to the UI when new. Our own message read back confirms its delivery;
// an erased record erases the stored copy.

export class MessageReceiver {
  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly keyring: Keyring,
    private readonly senders: SenderKeys,
    private readonly views: MessageViews,
    private readonly cards: CardConfirmations,
  ) {}

  async receive(record: LedgerMessage): Promise<void> {
    const key = {
      conversationId: record.conversationId,
      sender: record.sender,
      clientMessageId: record.clientMessageId,
    };
    const outgoing = record.sender === this.session.userId;
    if (record.status === 'erased') {
      if (this.store.markErased(key)) {
        this.session.emit({
          type: 'delivery',
          messageId: messageIdOf(key),
          conversationId: record.conversationId,
          clientMessageId: record.clientMessageId,
          state: 'erased',
        });
      }
      return;
    }
    const existing = this.store.getMessage(key);
    if (existing && existing.state === 'committed' && existing.txId) return;
    let opened = await openRecord(this.keyring, this.senders, record);
    if (!opened.ok && opened.reason === 'VERIFY_FAILED') {
      // Maybe a rotation we had not seen yet: ask the directory again once.
      await this.senders.refresh(record.sender).catch(() => undefined);
      opened = await openRecord(this.keyring, this.senders, record);
    }
    const decoded = opened.ok ? decodePlaintext(opened.plaintext) : null;
    const message = decoded?.kind === 'message' ? decoded : undefined;
    const stored = message
      ? storedContent(message.content)
      : decoded?.kind === 'newer'
        ? { body: '', contentJson: NEWER_CONTENT_JSON }
        : { body: '' };
    const relation = relationFields(this.store, record.conversationId, messageIdOf(key), message?.relation);
    const { inserted } = this.store.upsertMessage({
      ...key,
      sentAt: record.time,
      ...stored,
      ...relation,
      attachments: message?.attachments ?? [],
      epoch: record.epoch,
      verified: opened.ok && decoded !== null,
      txId: record.txId,
      messageId: record.messageId,
      direction: outgoing ? 'out' : 'in',
    });
    if (outgoing && existing && existing.state !== 'committed') {
      // Our own message, confirmed by the ledger (e.g. sent before a crash).
      this.session.emit({
        type: 'delivery',
        messageId: messageIdOf(key),
        conversationId: record.conversationId,
        clientMessageId: record.clientMessageId,
        state: 'committed',
      });
    }
    if (inserted && relation.relTo) this.emitRelated(record.conversationId, relation.threadRoot ?? relation.relTo);
    if (inserted && relation.relType === 'reaction') return;
    if (inserted) {
      // upsertMessage already moved the conversation up and counted it unread (once).
      const stored = this.store.getMessage(key);
      if (stored) {
        this.session.emit({ type: 'message', message: this.views.view(stored) });
        this.cards.confirmLater(stored);
      }
      this.session.emit({ type: 'conversation', conversation: this.views.summary(record.conversationId) });
    }
  }

  /** The message a reaction or reply points at changed (its reactions, its reply count): pushed again. */
  private emitRelated(conversationId: string, messageId: string): void {
    const view = this.views.byId(conversationId, messageId);
    if (view) this.session.emit({ type: 'message', message: view });
  }
}
