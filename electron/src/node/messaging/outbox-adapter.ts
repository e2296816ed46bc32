import type { MessageContent, MessageView } from '../../common/api';
import { DirectoryError } from '../fabric/directory';
import { type GroupsContext, rekeyIfRequired } from '../groups';
import { LedgerError, submitted } from '../ledger';
import { HeldForKeyChange, Outbox, type OutboxMessage } from '../outbox';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import { type AttachmentRef, contentOf, encodePlaintext, storedContent } from './content-codec';
import type { Conversations } from './conversations';
import { apiFailure } from './delivery-failure';
import { postProposal, sealPost, sealedPostSchema } from './envelopes';
import type { Keyring } from './keyring';
import { messageIdOf } from './message-id';
import type { MessageViews } from './message-views';
import { MessagingError } from './messaging-errors';
import { relationFields, relationOf } from './relations';
import type { SenderKeys } from './sender-keys';

// What this user sends goes through the durable outbox (../outbox): written
// to the store first (pending), then sealed for the conversation's current
// epoch and posted. This module gives the outbox its callbacks (seal, post),
// holds a message while a verified contact's keys changed unacknowledged,
// and turns the outbox's state changes into `delivery` events.

export class OutboxAdapter {
  private readonly outbox: Outbox;
  /** The other members as last read before sealing; the check before each send reads them from here. */
  private readonly othersSeen = new Map<string, string[]>();

  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly keyring: Keyring,
    private readonly senders: SenderKeys,
    private readonly groups: GroupsContext,
    private readonly conversations: Conversations,
    private readonly views: MessageViews,
    /** The network refused this identity (a send failed with CERT_REVOKED). */
    onRevoked: () => void,
  ) {
    this.outbox = new Outbox({
      store,
      sender: session.userId,
      prepare: (message) => this.prepare(message),
      send: (message, hooks) => this.post(message, hooks.onEndorsed),
    });
    this.outbox.onStateChange((change) => {
      const failure = change.failureCode ? apiFailure(change.failureCode, change.failureMessage) : undefined;
      session.emit({
        type: 'delivery',
        messageId: messageIdOf({ ...change, sender: session.userId }),
        conversationId: change.conversationId,
        clientMessageId: change.clientMessageId,
        state: change.state,
        ...(failure ? { failure } : {}),
      });
      if (failure === 'CERT_REVOKED') onRevoked();
    });
  }

  /** Resumes what a crash left. */
  start(): void {
    this.outbox.start();
  }

  stop(): Promise<void> {
    return this.outbox.stop();
  }

  /** Written to the store first (pending), then sent by the outbox. */
  sendContent(
    conversationId: string,
    content: MessageContent,
    attachments: AttachmentRef[],
    replyTo?: string,
  ): MessageView {
    this.requireSendable(conversationId);
    // The reply's own id is not known before the outbox names it; a new message can never be its own target.
    const relation = replyTo
      ? relationFields(this.store, conversationId, '', {
          type: 'reply',
          to: this.requireTarget(conversationId, replyTo),
        })
      : {};
    const clientMessageId = this.outbox.enqueue({
      conversationId,
      ...storedContent(content),
      attachments,
      ...relation,
    });
    this.nameOwn(conversationId, clientMessageId);
    const stored = this.store.getMessage({ conversationId, sender: this.session.userId, clientMessageId });
    if (!stored) throw new MessagingError('OUTBOX_LOST', 'the outbox lost a message it had just written');
    this.store.touchConversation(conversationId, stored.sentAt, 0);
    const view = this.views.view(stored);
    // Pushed too, so a view that did not send it (a payment from the composer's dialog) shows it at once.
    this.session.emit({ type: 'message', message: view });
    if (relation.threadRoot) {
      const root = this.views.byId(conversationId, relation.threadRoot);
      if (root) this.session.emit({ type: 'message', message: root });
    }
    return view;
  }

  /**
   * A reaction is a message like any other on the ledger (same envelope,
   * padded to the same size as a short text); in the store it is a row the
   * timeline leaves out, folded into its target's view.
   */
  react(conversationId: string, messageId: string, emoji: string, on: boolean): MessageView {
    this.requireSendable(conversationId);
    const to = this.requireTarget(conversationId, messageId);
    const clientMessageId = this.outbox.enqueue({
      conversationId,
      body: '',
      attachments: [],
      ...relationFields(this.store, conversationId, '', { type: 'reaction', to, key: emoji, on }),
    });
    this.nameOwn(conversationId, clientMessageId);
    const view = this.views.byId(conversationId, to);
    if (!view) throw new MessagingError('NO_MESSAGE', `no message ${to} in ${conversationId}`);
    this.session.emit({ type: 'message', message: view });
    return view;
  }

  /** Our new message gets its ledger id at once (the same hash), so a relation can find it while pending. */
  private nameOwn(conversationId: string, clientMessageId: string): void {
    const key = { conversationId, sender: this.session.userId, clientMessageId };
    this.store.assignMessageId(key, messageIdOf(key));
  }

  private requireSendable(conversationId: string): void {
    this.views.requireConversation(conversationId);
    if (this.conversations.wasRemoved(conversationId)) {
      // The chaincode's own answer when we last asked; a re-add clears it (Conversations.readGroup).
      throw new MessagingError('REMOVED', `FORBIDDEN: not a member of ${conversationId}`);
    }
  }

  /** A relation's target must be a message of this conversation this device has (on the ledger already). */
  private requireTarget(conversationId: string, messageId: string): string {
    if (!this.views.byId(conversationId, messageId)) {
      throw new MessagingError('NO_MESSAGE', `no message ${messageId} in ${conversationId}`);
    }
    return messageId;
  }

  retry(conversationId: string, clientMessageId: string): MessageView {
    this.outbox.retry(clientMessageId);
    const view = this.views.own({ conversationId, sender: this.session.userId, clientMessageId });
    if (!view) throw new MessagingError('NO_MESSAGE', `no message ${clientMessageId}`);
    return view;
  }

  /** What waited for a key change to be looked at is sent. */
  retryHeld(): void {
    this.outbox.retryHeld();
  }

  private async currentEpoch(conversationId: string): Promise<number> {
    let group = await this.conversations.readGroup(conversationId);
    if (group.rekeyRequired) {
      const outcome = await rekeyIfRequired(this.groups, conversationId);
      if (outcome.status === 'rekeyed') this.keyring.remember(conversationId, outcome.epoch, outcome.epochKey);
      if (outcome.status === 'not-allowed') {
        // A LedgerError: the outbox keeps the ledger's code with the message (REKEY_REQUIRED).
        throw new LedgerError('REKEY_REQUIRED', 'a member left; a group manager must come online to rotate the key');
      }
      group = await this.conversations.refresh(conversationId);
    }
    return group.epoch;
  }

  /**
   * Sealing reads the ledger and the directory. The outbox keeps a ledger
   * refusal's code (final, and worded by its cause: a revoked certificate
   * reads as revoked); a directory refusal is the same ledger's, so it is
   * handed on as one instead of an unexplained "could not seal".
   */
  private async prepare(message: OutboxMessage): Promise<{ epoch: number; payload: Uint8Array }> {
    try {
      return await this.seal(message);
    } catch (error) {
      throw error instanceof DirectoryError ? new LedgerError(error.code ?? 'FAILED', error.message) : error;
    }
  }

  private async seal(message: OutboxMessage): Promise<{ epoch: number; payload: Uint8Array }> {
    const content = contentOf(message) ?? { type: 'text' as const, text: '' };
    const refs = message.attachments as AttachmentRef[];
    await this.holdForKeyChanges(message.conversationId, true);
    const epoch = await this.currentEpoch(message.conversationId);
    const sealed = await sealPost(
      this.session,
      this.keyring,
      {
        conversationId: message.conversationId,
        clientMessageId: message.clientMessageId,
        epoch,
        plaintext: encodePlaintext(content, refs, relationOf(message)),
      },
      refs.map((r) => ({ itemId: r.itemId, contentHash: r.contentHash })),
    );
    return { epoch, payload: new TextEncoder().encode(JSON.stringify(sealed)) };
  }

  /** One post of the stored envelope; on a stale epoch the outbox re-seals, stores and calls again. */
  private async post(message: OutboxMessage, onEndorsed: () => void) {
    // Sealed before a change was noticed: it still waits for the user to look.
    await this.holdForKeyChanges(message.conversationId, false);
    const sealed = sealedPostSchema.parse(JSON.parse(new TextDecoder().decode(message.payload ?? new Uint8Array())));
    const tagKey = await this.keyring.get(message.conversationId, sealed.epoch);
    const committed = await this.session.ledger.submitProposal(
      'messages',
      (c) => postProposal(this.session.connection.gateway, c, message, sealed, tagKey),
      { onEndorsed: () => onEndorsed() },
    );
    const posted = submitted('messages', 'PostMessage', committed);
    return {
      txId: committed.transactionId,
      blockNumber: committed.blockNumber,
      messageId: posted.messageId,
      sentAt: posted.time,
    };
  }

  /**
   * A message waits while any other member is a contact the user verified
   * whose keys changed since, unacknowledged. Before sealing, a direct
   * conversation's peer is read from the directory again, so a change is
   * noticed now rather than after the message went out.
   */
  private async holdForKeyChanges(conversationId: string, refresh: boolean): Promise<void> {
    let others = refresh ? undefined : this.othersSeen.get(conversationId);
    if (!others) {
      const { members } = await this.session.ledger.evaluate('groups', 'ListMembers', { conversationId });
      others = members.map((m) => m.userId).filter((id) => id !== this.session.userId);
      this.othersSeen.set(conversationId, others);
    }
    if (refresh && others.length === 1 && others[0] !== undefined) await this.senders.refresh(others[0]);
    const changed = others.filter((id) => this.store.getContact(id)?.keyChangePending === true);
    if (changed.length > 0) {
      throw new HeldForKeyChange(`KEY_CHANGED: ${changed.join(', ')} changed keys since you verified them; look first`);
    }
  }
}
