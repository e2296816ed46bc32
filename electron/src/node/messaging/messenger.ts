import path from 'node:path';
import type {
  ConversationSummary,
  MessageContent,
  MessageView,
  Page,
  SearchHit,
  SyncState,
  ThreadView,
} from '../../common/api';
import { type GroupsContext, groupsContextOf, submitTagged } from '../groups';
import { type EventSync, syncWithFileCheckpoint } from '../ledger';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import { CardConfirmations } from './card-confirmations';
import type { AttachmentRef } from './content-codec';
import { ConversationSync, type SyncOptions } from './conversation-sync';
import { clearDraft, writeDraft } from './drafts';
import { Conversations } from './conversations';
import { EventRouter } from './event-router';
import { type GroupHost, openDirect } from './group-ops';
import { KeyChangeEvents } from './key-change-events';
import { Keyring } from './keyring';
import type { LedgerGroup } from './ledger-records';
import { MessageReceiver } from './message-receiver';
import { MessageViews } from './message-views';
import { MessagingError } from './messaging-errors';
import { OutboxAdapter } from './outbox-adapter';
import { PaymentEvents } from './payment-events';
import type { PullPriority } from './pull-scheduler';
import { SenderKeys } from './sender-keys';
import { SharingEvents } from './sharing-events';

export type { SyncObserver } from './conversation-sync';

// One signed-in user's messaging, composed from modules with one job each
// (README.md): the outbox sends, the ledger is the source of truth for what
// arrived, the encrypted store is what the UI reads. This class wires them,
// owns the event stream and the sync state, and is the API the service calls.

export type MessengerOptions = SyncOptions;

export class Messenger implements GroupHost {
  /** Directory lookups the service offers (contacts, safety numbers); the keys' bookkeeping stays inside. */
  readonly senders: Pick<SenderKeys, 'refresh' | 'toApiContact'>;
  /** Group operations' context (group-ops.ts): epoch keys are reached through it, never the keyring itself. */
  readonly groups: GroupsContext;
  private readonly keyring: Keyring;
  private readonly views: MessageViews;
  private readonly conversations: Conversations;
  private readonly cards: CardConfirmations;
  private readonly sync: ConversationSync;
  private readonly outbox: OutboxAdapter;
  private readonly router: EventRouter;
  private events: EventSync | null = null;
  private syncState: SyncState = 'offline';
  private stopped = false;

  constructor(
    readonly session: ClientSession,
    readonly store: Store,
    options: MessengerOptions = {},
  ) {
    const keyring = new Keyring(session);
    const senders = new SenderKeys(session, store);
    this.keyring = keyring;
    this.senders = senders;
    // Member keys through SenderKeys, so every key used for wrapping is also checked for changes.
    this.groups = groupsContextOf(
      session,
      (conversationId, epoch) => keyring.get(conversationId, epoch),
      (userId) => senders.encryptionKey(userId),
    );
    this.views = new MessageViews(store, session.userId, (conversationId) => this.conversations.peerOf(conversationId));
    this.conversations = new Conversations(session, store, keyring, this.views);
    this.cards = new CardConfirmations(session, store, this.views);
    const receiver = new MessageReceiver(session, store, keyring, senders, this.views, this.cards);
    this.sync = new ConversationSync(session, store, this.conversations, this.views, receiver, options);
    this.outbox = new OutboxAdapter(session, store, keyring, senders, this.groups, this.conversations, this.views, () =>
      this.markRevoked(),
    );
    const keyChanges = new KeyChangeEvents(session, store, senders);
    const sharing = new SharingEvents(session, store);
    const payments = new PaymentEvents(session, store, this.views, this.cards);
    this.router = new EventRouter({
      message: (event) => this.sync.onMessageEvent(event),
      membership: (event) => this.sync.onMembershipEvent(event),
      directory: (name, payload) => keyChanges.onDirectoryEvent(name, payload),
      sharing: (event) => sharing.onSharingEvent(event),
      payment: (name, payload) => payments.onPaymentEvent(name, payload),
    });
  }

  get state(): SyncState {
    return this.syncState;
  }

  /**
   * The network refused this identity: the status says so from now on. An
   * event stream opened before the revocation may still deliver, but the
   * account can no longer act, so "Online" would be untrue.
   */
  markRevoked(): void {
    if (this.syncState === 'revoked') return;
    this.syncState = 'revoked';
    this.session.emit({ type: 'sync', state: 'revoked' });
  }

  /**
   * Catch up on every conversation, then follow events; the outbox resumes
   * what a crash left. The catch-up pulls are queued, not awaited: live
   * events go ahead of them.
   */
  async start(): Promise<void> {
    this.syncState = 'connecting';
    this.session.emit({ type: 'sync', state: 'connecting' });
    void this.syncConversations().catch(() => undefined);
    this.outbox.start();
    const events = await syncWithFileCheckpoint(
      this.session.connection,
      this.session.profile,
      path.join(this.session.dataDir, 'events.checkpoint'),
      (event) => this.router.route(event),
      {
        onStatus: (status) => {
          if (this.syncState === 'revoked') return;
          this.syncState = status === 'closed' ? 'offline' : status;
          this.session.emit({ type: 'sync', state: this.syncState });
          // Whatever was committed before the stream opened is on the ledger: after a reconnect,
          // and also right after start(), since a first stream (no checkpoint yet) begins at the next block.
          if (status === 'connected') void this.syncConversations().catch(() => undefined);
        },
      },
    );
    // Signed out while the stream was being set up: it must not outlive the session.
    if (this.stopped) await events.close();
    else this.events = events;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cards.stop();
    this.sync.stop();
    await this.outbox.stop();
    await this.events?.close();
    this.events = null;
    await this.sync.drain();
  }

  // ---- conversations ------------------------------------------------------

  /** Every conversation the ledger says we are in, refreshed into the store, then (queued) their new messages. */
  syncConversations(): Promise<void> {
    return this.sync.syncAll();
  }

  refreshConversation(conversationId: string): Promise<LedgerGroup> {
    return this.conversations.refresh(conversationId);
  }

  directPeer(conversationId: string): Promise<string | undefined> {
    return this.conversations.directPeer(conversationId);
  }

  summary(conversationId: string): ConversationSummary {
    return this.views.summary(conversationId);
  }

  listConversations(): ConversationSummary[] {
    return this.views.listConversations();
  }

  async openDirect(peerUserId: string): Promise<ConversationSummary> {
    const conversationId = await openDirect(this, peerUserId);
    await this.pull(conversationId);
    return this.summary(conversationId);
  }

  keepEpochKey(conversationId: string, epoch: number, key: Uint8Array): void {
    this.keyring.remember(conversationId, epoch, key);
  }

  // ---- messages -------------------------------------------------------------

  listMessages(conversationId: string, before: string | undefined, limit: number | undefined): Page<MessageView> {
    const page = this.views.storedPage(conversationId, before, limit);
    for (const m of page.messages) this.cards.confirmLater(m);
    return this.views.visiblePage(page);
  }

  /** Written to the store first (pending), then sent by the outbox. */
  sendContent(
    conversationId: string,
    content: MessageContent,
    attachments: AttachmentRef[] = [],
    replyTo?: string,
  ): MessageView {
    return this.outbox.sendContent(conversationId, content, attachments, replyTo);
  }

  /** Toggles this user's reaction; answers the target's view with it counted. */
  react(conversationId: string, messageId: string, emoji: string, on: boolean): MessageView {
    return this.outbox.react(conversationId, messageId, emoji, on);
  }

  listThread(conversationId: string, messageId: string): ThreadView {
    return this.views.thread(conversationId, messageId);
  }

  retry(conversationId: string, clientMessageId: string): MessageView {
    return this.outbox.retry(conversationId, clientMessageId);
  }

  async deleteMessage(conversationId: string, clientMessageId: string): Promise<void> {
    const key = { conversationId, sender: this.session.userId, clientMessageId };
    const stored = this.store.getMessage(key);
    // A pending message already carries its id (for replies and reactions), but is not on the ledger yet.
    if (!stored || !stored.messageId || (stored.state !== 'committed' && stored.state !== 'erased')) {
      throw new MessagingError('NO_MESSAGE', 'only your own sent messages can be deleted');
    }
    const tagKey = await this.keyring.get(conversationId, stored.epoch);
    await submitTagged(this.groups, 'messages', 'DeleteMessage', tagKey, {
      conversationId,
      messageId: stored.messageId,
    });
    this.store.markErased(key);
  }

  markRead(conversationId: string): void {
    this.views.requireConversation(conversationId);
    const before = this.store.getConversation(conversationId)?.unread ?? 0;
    this.store.markRead(conversationId);
    // Every view of the list (the sidebar, another window) drops the badge, not only the caller.
    if (before > 0) this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
  }

  /** Keeps the conversation's unsent text (blank removes it); answers the conversation with it. */
  saveDraft(conversationId: string, text: string): ConversationSummary {
    this.views.requireConversation(conversationId);
    writeDraft(this.store, conversationId, text);
    return this.summary(conversationId);
  }

  /** After a send: the draft is gone, and every view of the list hears so. */
  clearDraft(conversationId: string): void {
    if (clearDraft(this.store, conversationId)) {
      this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
    }
  }

  search(query: string, limit: number | undefined): SearchHit[] {
    return this.views.search(query, limit);
  }

  /** By the message's full identity: another sender's message with the same clientMessageId is another message. */
  attachmentRef(
    key: { conversationId: string; sender: string; clientMessageId: string },
    index: number,
  ): AttachmentRef {
    return this.views.attachmentRef(key, index);
  }

  /** The user looked at a verified contact's key change: what waited for it is sent. */
  acknowledgeKeyChange(userId: string): void {
    this.store.acknowledgeKeyChange(userId);
    this.outbox.retryHeld();
  }

  /** A verification for new keys also ends the wait. */
  keyChangeResolved(): void {
    this.outbox.retryHeld();
  }

  /**
   * Reads the conversation's new messages from the ledger into the store,
   * through the fair scheduler: resolves once a pull begun after this call
   * has reached the end.
   */
  pull(conversationId: string, priority: PullPriority = 'live'): Promise<void> {
    return this.sync.pull(conversationId, priority);
  }
}
