import path from 'node:path';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import {
  API_ERROR_CODES,
  type ApiErrorCode,
  type ConversationSummary,
  type DeliveryState,
  type MessageContent,
  type MessageView,
  type Page,
  type SearchHit,
  type SyncState,
} from '../../common/api';
import { textPreview } from '../../common/message-preview';
import { recogniseEvent } from '../../shared/event-tag';
import { type GroupsContext, groupsContextOf, rekeyIfRequired, submitTagged } from '../groups';
import { type EventSync, LedgerError, submitted, refinedApiCode, syncWithFileCheckpoint } from '../ledger';
import { HeldForKeyChange, Outbox, type OutboxMessage } from '../outbox';
import type { ClientSession } from '../session/client-session';
import { SNIPPET_CLOSE, SNIPPET_OPEN, type Store, type StoredMessage } from '../store';
import { canConfirm, isCard, isConfirmed, lookUpFact } from './card-facts';
import { type AttachmentRef, contentOf, decodePlaintext, encodePlaintext, storedContent } from './content-codec';
import { openRecord, postProposal, sealPost, sealedPostSchema } from './envelopes';
import { Keyring } from './keyring';
import { messageIdOf } from './message-id';
import { noteMembershipChange, noticeOf, rememberMembers } from './membership-notices';
import type { LedgerGroup, LedgerMessage } from './ledger-records';
import { type PullPriority, PullScheduler, type PullTurn } from './pull-scheduler';
import { SenderKeys } from './sender-keys';
import { blockedSenders } from '../settings/user-settings';
import { checkOwnKeys } from '../session/own-keys';
import { keepOrReport, rememberRevoked, rememberShared } from './shared-with-me';
import { SETTLED_STATES, type SettledState, rememberSettled, settledState } from './settled-escrows';

// One signed-in user's messaging: the outbox sends, the ledger is the
// source of truth for what arrived, the encrypted store is what the UI
// reads. Events only say "look again"; every pull reads the ledger from the
// conversation's high-water mark, so an event missed while offline costs
// nothing and a message seen twice is stored once.

/** Poster stamps may sit 60 s either side of the truth; read back twice that. */
const SKEW_MARGIN_MS = 120_000;
const PAGE = 200;
/** Records read per pull turn (one ListMessages page): the unit of fairness between conversations. */
const DEFAULT_PULL_PAGE = 100;

/** Where a pull turn resumes: the query's range start, its bookmark, and the newest time read so far. */
interface PullCursor {
  readonly from: number;
  readonly bookmark: string;
  readonly highest: number;
}

/** Watches the sync's work (tests count it; nothing in the app depends on it). */
export interface SyncObserver {
  /** The messenger's pull queue, handed over once (tests hold it to line up work). */
  onAttach?(queue: Pick<PullScheduler<unknown>, 'pending' | 'hold' | 'idle'>): void;
  /** An event's tag named this conversation. */
  onRecognised?(conversationId: string, transactionId: string): void;
  onTurn?(turn: PullTurn): void;
  onCoalesced?(conversationId: string): void;
}

export interface MessengerOptions {
  /** Records per pull turn (default 100). */
  readonly pullPage?: number;
  readonly observer?: SyncObserver;
}
/** When a card's payment or escrow was not found, it is read again after these waits. */
const RECHECK_DELAYS_MS = [1_000, 3_000, 10_000, 30_000];

export class Messenger {
  readonly keyring: Keyring;
  readonly senders: SenderKeys;
  readonly groups: GroupsContext;
  private readonly outbox: Outbox;
  private sync: EventSync | null = null;
  private syncState: SyncState = 'offline';
  private readonly pulls: PullScheduler<PullCursor>;
  private readonly pullPage: number;
  /** When each membership began, as last read: a different value means we were (re-)added. */
  private readonly memberSince = new Map<string, number>();
  /** The other member of each direct conversation. */
  private readonly peers = new Map<string, string>();
  /** lookAround's run, and the event asking for one more. */
  private looking: Promise<void> | null = null;
  private stopped = false;
  private lookAgain: ChaincodeEvent | null = null;
  /** The other members as last read before sealing; the check before each send reads them from here. */
  private readonly othersSeen = new Map<string, string[]>();
  /** Cards whose ledger fact was looked up this session (a miss is asked again after a restart). */
  private readonly looked = new Set<string>();
  /** Cards not found on the ledger yet, by the payment or escrow id they name: its event asks again. */
  private readonly unconfirmed = new Map<string, StoredMessage[]>();

  constructor(
    readonly session: ClientSession,
    readonly store: Store,
    private readonly options: MessengerOptions = {},
  ) {
    this.pullPage = options.pullPage ?? DEFAULT_PULL_PAGE;
    this.pulls = new PullScheduler<PullCursor>({
      turn: (conversationId, cursor) => this.pullTurn(conversationId, cursor),
      // A direct conversation's work is its other member's: many DMs from one sender share one turn per round.
      fairnessKey: (conversationId) => this.peers.get(conversationId) ?? conversationId,
      onTurn: (turn) => options.observer?.onTurn?.(turn),
      onCoalesced: (conversationId) => options.observer?.onCoalesced?.(conversationId),
    });
    options.observer?.onAttach?.(this.pulls);
    this.keyring = new Keyring(session);
    this.senders = new SenderKeys(session, store);
    // Member keys through SenderKeys, so every key used for wrapping is also checked for changes.
    this.groups = groupsContextOf(
      session,
      (conversationId, epoch) => this.keyring.get(conversationId, epoch),
      (userId) => this.senders.encryptionKey(userId),
    );
    this.outbox = new Outbox({
      store,
      sender: session.userId,
      prepare: (message) => this.prepare(message),
      send: (message, hooks) => this.send(message, hooks.onEndorsed),
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
      if (failure === 'CERT_REVOKED') this.markRevoked();
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
    const sync = await syncWithFileCheckpoint(
      this.session.connection,
      this.session.profile,
      path.join(this.session.dataDir, 'events.checkpoint'),
      (event) => this.onEvent(event),
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
    if (this.stopped) await sync.close();
    else this.sync = sync;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.outbox.stop();
    await this.sync?.close();
    this.sync = null;
    this.lookAgain = null;
    await this.looking;
  }

  // ---- conversations ------------------------------------------------------

  /** Every conversation the ledger says we are in, refreshed into the store, then (queued) their new messages. */
  async syncConversations(): Promise<void> {
    const pulls: Promise<void>[] = [];
    for (const { conversationId, since } of await this.myConversations()) {
      await this.refreshConversation(conversationId);
      await this.rememberMembers(conversationId);
      pulls.push(this.pull(conversationId, 'catch-up'));
      this.memberSince.set(conversationId, since);
    }
    await Promise.all(pulls);
  }

  /** Only memberships this client has not seen: someone added us, or added us back. */
  private async discoverConversations(): Promise<void> {
    for (const { conversationId, since } of await this.myConversations()) {
      if (this.memberSince.get(conversationId) === since) continue;
      await this.refreshConversation(conversationId);
      await this.rememberMembers(conversationId);
      void this.pull(conversationId, 'catch-up').catch(() => undefined);
      this.memberSince.set(conversationId, since);
    }
  }

  private async myConversations(): Promise<{ conversationId: string; since: number }[]> {
    let bookmark: string | undefined;
    const all: { conversationId: string; since: number }[] = [];
    do {
      const page = await this.session.ledger.evaluate('groups', 'ListMyConversations', {
        pageSize: PAGE,
        ...(bookmark ? { bookmark } : {}),
      });
      all.push(...page.conversations);
      bookmark = page.conversations.length === PAGE ? page.bookmark : undefined;
    } while (bookmark);
    return all;
  }

  async refreshConversation(conversationId: string): Promise<LedgerGroup> {
    const group = await this.readGroup(conversationId);
    // Hold the current key now: the next message's event is recognised by it.
    await this.keyring.get(conversationId, group.epoch).catch(() => undefined);
    const title = group.kind === 'direct' ? await this.directTitle(conversationId) : (group.name ?? conversationId);
    const before = this.store.getConversation(conversationId);
    const saved = this.store.upsertConversation({
      id: conversationId,
      kind: group.kind,
      title,
      epoch: group.epoch,
      retentionSeconds: group.policy.retentionSeconds,
      rekeyRequired: group.rekeyRequired === true,
    });
    if (!before || before.epoch !== saved.epoch || before.rekeyRequired !== saved.rekeyRequired) {
      this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
    }
    return group;
  }

  /** The group as the ledger has it; a refusal saying we are not in it is remembered. */
  private async readGroup(conversationId: string): Promise<LedgerGroup> {
    let group: LedgerGroup;
    try {
      group = await this.session.ledger.evaluate('groups', 'GetGroup', { conversationId });
    } catch (error) {
      if (error instanceof LedgerError && refinedApiCode(error.code, error.message) === 'NOT_MEMBER') {
        this.noteRemoved(conversationId);
      }
      throw error;
    }
    if (this.wasRemoved(conversationId)) this.store.setSyncState(removedKey(conversationId), '0');
    return group;
  }

  /**
   * The ledger said we are no longer in this conversation (removed, or we
   * left): remembered, so a post is refused at once with that cause instead
   * of queueing, and the open view re-reads the group and says why.
   */
  private noteRemoved(conversationId: string): void {
    if (this.wasRemoved(conversationId) || !this.store.getConversation(conversationId)) return;
    this.store.setSyncState(removedKey(conversationId), '1');
    this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
  }

  private wasRemoved(conversationId: string): boolean {
    return this.store.getSyncState(removedKey(conversationId)) === '1';
  }

  /** Who is in a group, as the baseline for its membership notices (groups only, once). */
  private async rememberMembers(conversationId: string): Promise<void> {
    if (this.store.getConversation(conversationId)?.kind !== 'group') return;
    await rememberMembers(this.session, this.store, conversationId).catch(() => undefined);
  }

  private async directTitle(conversationId: string): Promise<string> {
    const peer = this.peers.get(conversationId) ?? (await this.directPeer(conversationId));
    if (!peer) return conversationId;
    this.peers.set(conversationId, peer);
    return peer.split('::')[1] ?? peer;
  }

  async directPeer(conversationId: string): Promise<string | undefined> {
    const { members } = await this.session.ledger.evaluate('groups', 'ListMembers', { conversationId });
    return members.map((m) => m.userId).find((id) => id !== this.session.userId);
  }

  summary(conversationId: string): ConversationSummary {
    const c = this.store.getConversation(conversationId);
    if (!c) throw new LedgerError('NOT_FOUND', `no conversation ${conversationId} here`);
    const last = this.store.pageMessages({ conversationId, limit: 1 }).messages[0];
    const content = last ? contentOf(last) : undefined;
    return {
      id: c.id,
      kind: c.kind,
      title: c.title,
      ...(this.peers.has(c.id) ? { peer: this.peers.get(c.id) } : {}),
      unread: c.unread,
      ...(c.lastMessageAt !== null ? { lastMessageAt: c.lastMessageAt } : {}),
      ...(content && last
        ? {
            lastPreview: previewOf(
              content,
              last,
              this.escrowStateOf(content),
              isCard(content) && isConfirmed(this.store, content, last.sender),
            ),
          }
        : {}),
      epoch: c.epoch,
      retentionSeconds: c.retentionSeconds,
      rekeyRequired: c.rekeyRequired,
    };
  }

  /** How an escrow in a message was settled, once its event has been seen. */
  private escrowStateOf(content: MessageContent): SettledState | undefined {
    return content.type === 'escrow' ? settledState(this.store, content.escrowId) : undefined;
  }

  /** A settled escrow: conversations whose last message offers it get a fresh preview. */
  private onEscrowSettled(escrowId: string, state: SettledState): void {
    if (!rememberSettled(this.store, escrowId, state)) return;
    for (const c of this.store.listConversations()) {
      const last = this.store.pageMessages({ conversationId: c.id, limit: 1 }).messages[0];
      const content = last ? contentOf(last) : undefined;
      if (content?.type === 'escrow' && content.escrowId === escrowId) {
        this.session.emit({ type: 'conversation', conversation: this.summary(c.id) });
      }
    }
  }

  listConversations(): ConversationSummary[] {
    return this.store.listConversations().map((c) => this.summary(c.id));
  }

  async openDirect(peerUserId: string): Promise<ConversationSummary> {
    if (peerUserId === this.session.userId)
      throw new LedgerError('BAD_INPUT', 'a direct conversation needs someone else');
    const members = [
      { userId: this.session.userId, encryptionKey: await this.senders.encryptionKey(this.session.userId) },
      { userId: peerUserId, encryptionKey: await this.senders.encryptionKey(peerUserId) },
    ];
    const fresh = await this.keyring.groupKeys.newEpochKey(members);
    const committed = await submitTagged(this.groups, 'groups', 'OpenDirect', fresh.epochKey, {
      peerUserId,
      wrappedKeys: fresh.wrappedKeys,
    });
    const opened = submitted('groups', 'OpenDirect', committed);
    if (opened.created) this.keyring.remember(opened.conversationId, 1, fresh.epochKey);
    await this.refreshConversation(opened.conversationId);
    await this.pull(opened.conversationId);
    return this.summary(opened.conversationId);
  }

  // ---- messages -------------------------------------------------------------

  listMessages(conversationId: string, before: string | undefined, limit: number | undefined): Page<MessageView> {
    this.requireConversation(conversationId);
    const page = this.store.pageMessages({ conversationId, limit: limit ?? 50, ...(before ? { before } : {}) });
    // What a blocked sender wrote before the block stays stored, hidden.
    const blocked = blockedSenders(this.store);
    for (const m of page.messages) this.confirmCardLater(m);
    return {
      items: page.messages.filter((m) => !blocked.has(m.sender)).map((m) => this.view(m)),
      ...(page.nextCursor ? { next: page.nextCursor } : {}),
    };
  }

  /** Written to the store first (pending), then sent by the outbox. */
  sendContent(conversationId: string, content: MessageContent, attachments: AttachmentRef[] = []): MessageView {
    this.requireConversation(conversationId);
    if (this.wasRemoved(conversationId)) {
      // The chaincode's own answer when we last asked; a re-add clears it (refreshConversation).
      throw new LedgerError('FORBIDDEN', `FORBIDDEN: not a member of ${conversationId}`);
    }
    const clientMessageId = this.outbox.enqueue({ conversationId, ...storedContent(content), attachments });
    const stored = this.store.getMessage({ conversationId, sender: this.session.userId, clientMessageId });
    if (!stored) throw new LedgerError('FAILED', 'the outbox lost a message it had just written');
    this.store.touchConversation(conversationId, stored.sentAt, 0);
    const view = this.view(stored);
    // Pushed too, so a view that did not send it (a payment from the composer's dialog) shows it at once.
    this.session.emit({ type: 'message', message: view });
    return view;
  }

  retry(conversationId: string, clientMessageId: string): MessageView {
    this.outbox.retry(clientMessageId);
    const stored = this.store.getMessage({ conversationId, sender: this.session.userId, clientMessageId });
    if (!stored) throw new LedgerError('NOT_FOUND', `no message ${clientMessageId}`);
    return this.view(stored);
  }

  async deleteMessage(conversationId: string, clientMessageId: string): Promise<void> {
    const stored = this.store.getMessage({ conversationId, sender: this.session.userId, clientMessageId });
    if (!stored || !stored.messageId) throw new LedgerError('NOT_FOUND', 'only your own sent messages can be deleted');
    const tagKey = await this.keyring.get(conversationId, stored.epoch);
    await submitTagged(this.groups, 'messages', 'DeleteMessage', tagKey, {
      conversationId,
      messageId: stored.messageId,
    });
    this.store.markErased({ conversationId, sender: this.session.userId, clientMessageId });
  }

  markRead(conversationId: string): void {
    this.requireConversation(conversationId);
    const before = this.store.getConversation(conversationId)?.unread ?? 0;
    this.store.markRead(conversationId);
    // Every view of the list (the sidebar, another window) drops the badge, not only the caller.
    if (before > 0) this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
  }

  search(query: string, limit: number | undefined): SearchHit[] {
    return this.store.search({ text: query, limit: limit ?? 50 }).map((hit) => ({
      messageId: messageIdOf(hit),
      conversationId: hit.conversationId,
      sender: hit.sender,
      clientMessageId: hit.clientMessageId,
      sentAt: hit.sentAt,
      snippet: hit.snippet.split(SNIPPET_OPEN).join('').split(SNIPPET_CLOSE).join(''),
    }));
  }

  /** By the message's full identity: another sender's message with the same clientMessageId is another message. */
  attachmentRef(
    key: { conversationId: string; sender: string; clientMessageId: string },
    index: number,
  ): AttachmentRef {
    const message = this.store.getMessage(key);
    const ref = message?.state === 'erased' ? undefined : (message?.attachments[index] as AttachmentRef | undefined);
    if (!ref || typeof ref.key !== 'string') throw new LedgerError('NOT_FOUND', 'no such attachment');
    return ref;
  }

  private requireConversation(conversationId: string): void {
    if (!this.store.getConversation(conversationId)) {
      throw new LedgerError('NOT_FOUND', `no conversation ${conversationId} here`);
    }
  }

  private view(m: StoredMessage): MessageView {
    // A message this device could not open is stored with an empty body and unverified.
    const unreadable = !m.verified && m.body === '' && m.direction === 'in';
    const content = unreadable ? undefined : contentOf(m);
    const notice = noticeOf(m);
    const attachments = m.attachments.map((a, index) => {
      const ref = a as Partial<AttachmentRef>;
      return {
        index,
        name: ref.name ?? 'file',
        mimeType: ref.mimeType ?? 'application/octet-stream',
        size: ref.size ?? 0,
      };
    });
    return {
      id: messageIdOf(m),
      conversationId: m.conversationId,
      clientMessageId: m.clientMessageId,
      sender: m.sender,
      sentAt: m.sentAt,
      outgoing: m.direction === 'out',
      state: m.state as DeliveryState,
      ...(m.failureCode ? { failure: apiFailure(m.failureCode, m.failureMessage ?? '') } : {}),
      verified: m.verified,
      epoch: m.epoch,
      ...(content ? { content } : {}),
      ...(isCard(content) ? { ledgerConfirmed: isConfirmed(this.store, content, m.sender) } : {}),
      attachments,
      ...(notice ? { notice } : {}),
    };
  }

  // ---- sending (outbox callbacks) ---------------------------------------------

  private async currentEpoch(conversationId: string): Promise<number> {
    let group = await this.readGroup(conversationId);
    if (group.rekeyRequired) {
      const outcome = await rekeyIfRequired(this.groups, conversationId);
      if (outcome.status === 'rekeyed') this.keyring.remember(conversationId, outcome.epoch, outcome.epochKey);
      if (outcome.status === 'not-allowed') {
        throw new LedgerError('REKEY_REQUIRED', 'a member left; a group manager must come online to rotate the key');
      }
      group = await this.refreshConversation(conversationId);
    }
    return group.epoch;
  }

  private async prepare(message: OutboxMessage): Promise<{ epoch: number; payload: Uint8Array }> {
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
        plaintext: encodePlaintext(content, refs),
      },
      refs.map((r) => ({ itemId: r.itemId, contentHash: r.contentHash })),
    );
    return { epoch, payload: new TextEncoder().encode(JSON.stringify(sealed)) };
  }

  /** One post of the stored envelope; on a stale epoch the outbox re-seals, stores and calls again. */
  private async send(message: OutboxMessage, onEndorsed: () => void) {
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

  /** The user looked at a verified contact's key change: what waited for it is sent. */
  acknowledgeKeyChange(userId: string): void {
    this.store.acknowledgeKeyChange(userId);
    this.outbox.retryHeld();
  }

  /** A verification for new keys also ends the wait. */
  keyChangeResolved(): void {
    this.outbox.retryHeld();
  }

  // ---- ledger facts behind cards ------------------------------------------------

  /**
   * Looks up, once per session, the payment or escrow a card names, when this
   * user is a party and it is not confirmed yet; a confirmed card is shown again.
   */
  private confirmCardLater(m: StoredMessage, attempt = 0): void {
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
        this.confirmCardLater(m, attempt + 1);
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
        if (fresh) this.session.emit({ type: 'message', message: this.view(fresh) });
        // Its preview may be the conversation's last line: ticked now.
        this.session.emit({ type: 'conversation', conversation: this.summary(m.conversationId) });
      })
      .catch(() => {
        // The next listing may ask too.
        this.looked.delete(id);
        askAgain();
      });
  }

  /** A payment or escrow event of ours: cards naming it that were not confirmed are looked up again. */
  private recheckCards(ref: string): void {
    const waiting = this.unconfirmed.get(ref);
    if (!waiting) return;
    this.unconfirmed.delete(ref);
    for (const m of waiting) {
      this.looked.delete(messageIdOf(m));
      this.confirmCardLater(m);
    }
  }

  // ---- receiving ----------------------------------------------------------------

  /**
   * Reads the conversation's new messages from the ledger into the store,
   * through the fair scheduler (pull-scheduler.ts): resolves once a pull
   * begun after this call has reached the end.
   */
  pull(conversationId: string, priority: PullPriority = 'live'): Promise<void> {
    return this.pulls.request(conversationId, priority);
  }

  /** One page of a pull; the high-water mark moves only when the pull reaches the end. */
  private async pullTurn(
    conversationId: string,
    cursor: PullCursor | undefined,
  ): Promise<{ records: number; next?: PullCursor }> {
    const markKey = `pulled:${conversationId}`;
    const mark = Number(this.store.getSyncState(markKey) ?? '0');
    const from = cursor?.from ?? Math.max(0, mark - SKEW_MARGIN_MS);
    let highest = cursor?.highest ?? mark;
    const page = await this.session.ledger.evaluate('messages', 'ListMessages', {
      conversationId,
      from,
      pageSize: this.pullPage,
      ...(cursor ? { bookmark: cursor.bookmark } : {}),
    });
    const blocked = blockedSenders(this.store);
    for (const record of page.messages) {
      highest = Math.max(highest, record.time);
      // A blocked sender's messages are not even opened (no signature check, no decryption).
      if (blocked.has(record.sender)) continue;
      await this.receive(record);
    }
    if (page.messages.length === this.pullPage && page.bookmark) {
      return { records: page.messages.length, next: { from, bookmark: page.bookmark, highest } };
    }
    this.store.setSyncState(markKey, String(highest));
    return { records: page.messages.length };
  }

  private async receive(record: LedgerMessage): Promise<void> {
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
    const stored = decoded ? storedContent(decoded.content) : { body: '' };
    const { inserted } = this.store.upsertMessage({
      ...key,
      sentAt: record.time,
      ...stored,
      attachments: decoded?.attachments ?? [],
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
    if (inserted) {
      // upsertMessage already moved the conversation up and counted it unread (once).
      const stored = this.store.getMessage(key);
      if (stored) {
        this.session.emit({ type: 'message', message: this.view(stored) });
        this.confirmCardLater(stored);
      }
      this.session.emit({ type: 'conversation', conversation: this.summary(record.conversationId) });
    }
  }

  /**
   * The key each conversation's events must be tagged with: its current
   * epoch's, and none while a re-key is pending (a leaver holds the current
   * key). Older epoch keys never match: former members hold them.
   */
  private tagKeys(): Map<string, Uint8Array> {
    const keys = new Map<string, Uint8Array>();
    for (const c of this.store.listConversations()) {
      if (c.rekeyRequired || this.wasRemoved(c.id)) continue;
      const key = this.keyring.held(c.id, c.epoch);
      if (key) keys.set(c.id, key);
    }
    return keys;
  }

  /**
   * Events only queue pulls (not awaited): the next event, maybe about
   * another conversation, is looked at at once. A crash before a queued pull
   * ran costs nothing: start() pulls every conversation.
   */
  private async onEvent(event: ChaincodeEvent): Promise<void> {
    const [area] = event.eventName.split('.');
    if (area === 'messages' || area === 'groups') {
      const conversationId = this.recognise(event);
      if (conversationId) {
        if (area === 'groups') await this.onGroupEvent(conversationId, event);
        void this.pull(conversationId, 'live').catch(() => undefined);
      } else if (area === 'groups') {
        this.lookAround(event);
      } else if (this.looking) {
        // A post in a conversation being discovered right now (its opening event came just
        // before, and discovery runs in the background): asked again once discovery ends,
        // or the post would wait for the conversation's next event.
        const discovering = this.looking;
        void discovering.then(() => this.recogniseAfterDiscovery(event));
      }
      return;
    }
    if (area === 'payments' || area === 'sharing') await this.onOtherEvent(event).catch(() => undefined);
    if (area === 'directory') await this.onDirectoryEvent(event).catch(() => undefined);
  }

  /**
   * Key continuity: my own entry changing is checked against my wallet (an
   * alarm unless I made the change); a contact's pending change is shown.
   */
  private async onDirectoryEvent(event: ChaincodeEvent): Promise<void> {
    const payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Record<string, unknown>;
    const userId = payload.userId;
    if (typeof userId !== 'string') return;
    if (userId === this.session.userId) {
      await checkOwnKeys(this.session);
      return;
    }
    // Only people this device has looked up (contacts, members): not a lookup per event of the whole network.
    if (event.eventName.startsWith('directory.Key') && this.store.getContact(userId) !== null) {
      const user = await this.senders.refresh(userId);
      if (user.keyChange) {
        const { requestedAt, effectiveAt } = user.keyChange;
        this.session.emit({ type: 'contactKeyPending', userId, requestedAt, effectiveAt });
      } else {
        // Vetoed, approved or completed: a banner shown for the pending change must not outlive it.
        this.session.emit({ type: 'contactKeyPendingEnded', userId });
      }
    }
  }

  private async onGroupEvent(conversationId: string, event: ChaincodeEvent): Promise<void> {
    await this.refreshConversation(conversationId).catch(() => undefined);
    const notices = await noteMembershipChange(
      this.session,
      this.store,
      conversationId,
      event.eventName,
      event.transactionId,
    ).catch(() => []);
    for (const notice of notices) this.session.emit({ type: 'message', message: this.view(notice) });
    // Members or roles may change without a new epoch: the open view reads the group again.
    if (this.store.getConversation(conversationId)) {
      this.session.emit({ type: 'conversation', conversation: this.summary(conversationId) });
    }
  }

  /**
   * After a membership event we did not recognise: not one of ours, or we
   * were just added somewhere (our own index says which), or a group waiting
   * for its re-key moved on (it recognises no tag: the leaver holds its key,
   * and the Rekey is tagged with the new key we do not hold yet). Anyone can
   * cause such events (opening direct conversations by the dozen), so this
   * runs in the background, at most once more while it runs: a burst of N
   * events costs two reads of the index, not N.
   */
  private lookAround(event: ChaincodeEvent): void {
    this.lookAgain = event;
    if (this.looking) return;
    this.looking = (async () => {
      while (this.lookAgain) {
        const latest = this.lookAgain;
        this.lookAgain = null;
        await this.discoverConversations().catch(() => undefined);
        await this.recheckPendingRekeys(latest).catch(() => undefined);
      }
    })().finally(() => {
      this.looking = null;
    });
  }

  /** The conversation an event's tag names, among those whose current key this device holds. */
  private recognise(event: ChaincodeEvent): string | undefined {
    const conversationId = recogniseEvent(
      { transactionId: event.transactionId, payload: event.payload },
      this.tagKeys(),
    );
    if (conversationId) this.options.observer?.onRecognised?.(conversationId, event.transactionId);
    return conversationId ?? undefined;
  }

  private recogniseAfterDiscovery(event: ChaincodeEvent): void {
    if (this.stopped) return;
    const conversationId = this.recognise(event);
    if (conversationId) void this.pull(conversationId, 'live').catch(() => undefined);
  }

  /** Groups pending a re-key, read again; one that moved on is handled like a recognised group event. */
  private async recheckPendingRekeys(event: ChaincodeEvent): Promise<void> {
    for (const c of this.store.listConversations()) {
      if (!c.rekeyRequired || this.wasRemoved(c.id)) continue;
      const group = await this.refreshConversation(c.id).catch(() => null);
      if (!group || (group.epoch === c.epoch && group.rekeyRequired === true)) continue;
      await this.onGroupEvent(c.id, event);
      void this.pull(c.id, 'live').catch(() => undefined);
    }
  }

  private async onOtherEvent(event: ChaincodeEvent): Promise<void> {
    let payload: Record<string, unknown>;
    try {
      payload = JSON.parse(Buffer.from(event.payload).toString('utf8')) as Record<string, unknown>;
    } catch {
      return; // Not JSON: not an event this client reads.
    }
    const me = this.session.userId;
    if (event.eventName === 'sharing.AccessRequested' && typeof payload.itemId === 'string') {
      // The event carries no decision (an endorsement that is never submitted would show it):
      // the owner's log (accessHistory) has the outcome once the attempt is committed.
      const accessor = String(payload.accessor ?? '');
      if (accessor !== me) this.session.emit({ type: 'access', itemId: payload.itemId, accessor });
    }
    if (
      event.eventName === 'sharing.AccessGranted' &&
      payload.granteeUserId === me &&
      typeof payload.itemId === 'string' &&
      typeof payload.grantId === 'string'
    ) {
      const expiresAt = Number(payload.expiresAt);
      const item = {
        itemId: payload.itemId,
        grantId: payload.grantId,
        sharedAt: Date.now(),
        ...(typeof payload.grantor === 'string' ? { grantor: payload.grantor } : {}),
        ...(Number.isSafeInteger(expiresAt) && expiresAt > 0 ? { expiresAt } : {}),
      };
      const stored = keepOrReport(
        (e) => this.session.emit(e),
        'an item shared with you',
        () => rememberShared(this.store, item),
      );
      if (stored) this.session.emit({ type: 'sharedWithMe', item });
    }
    // A revoked grant of mine stays listed, marked, so the person knows why it no longer opens.
    if (event.eventName === 'sharing.GrantRevoked' && typeof payload.grantId === 'string') {
      const grantId = payload.grantId;
      const item = keepOrReport(
        (e) => this.session.emit(e),
        'a revocation of an item shared with you',
        () => rememberRevoked(this.store, grantId),
      );
      if (item) this.session.emit({ type: 'sharedWithMe', item });
    }
    const settled = SETTLED_STATES.find((state) => state === payload.state);
    if (
      event.eventName === 'payments.EscrowSettled' &&
      (payload.to === me || payload.from === me) &&
      typeof payload.escrowId === 'string' &&
      settled !== undefined
    ) {
      this.onEscrowSettled(payload.escrowId, settled);
    }
    if (event.eventName.startsWith('payments.') && (payload.to === me || payload.from === me)) {
      const ref = typeof payload.paymentId === 'string' ? payload.paymentId : payload.escrowId;
      if (typeof ref === 'string') this.recheckCards(ref);
      const { balance } = await this.session.ledger.evaluate('payments', 'GetBalance', {});
      this.session.emit({ type: 'balance', balance });
    }
  }
}

/** A text message without text shows its files (an attachment-only message had an empty preview). */
function previewOf(
  content: MessageContent,
  message: StoredMessage | undefined,
  escrowState: SettledState | undefined,
  confirmed: boolean,
): string {
  if (content.type !== 'text') return preview(content, escrowState, confirmed);
  const names = (message?.attachments ?? []).map((a) => (a as Partial<AttachmentRef>).name ?? 'file');
  return textPreview(content.text, names);
}

/**
 * Language-neutral: the UI words it; amounts are minor units shown as credits; a settled escrow is no longer ⏳.
 * Only a payment this user confirmed on the ledger is ticked; an unconfirmed card's claim is marked with a "⚠".
 */
function preview(content: MessageContent, escrowState: SettledState | undefined, confirmed: boolean): string {
  const credits = (minor: number) => `¤ ${(minor / 100).toFixed(2)}`;
  switch (content.type) {
    case 'text':
      return content.text.slice(0, 120);
    case 'payment':
      return `${credits(content.amount)} ${confirmed ? '✓' : '⚠'}`;
    case 'payment-request':
      return `${credits(content.amount)} ?`;
    case 'escrow':
      return `${credits(content.amount)} ${escrowState === undefined ? '⏳' : escrowState === 'refunded' ? '↩' : '✓'}`;
  }
}

const removedKey = (conversationId: string) => `removed:${conversationId}`;

const API_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

/**
 * A failure the outbox recorded, as the UI's typed error: a refusal keeps its
 * cause (a removed member, a revoked certificate); only what went wrong on
 * the way reads as "network"; a message that could not be sealed is ours.
 */
export function apiFailure(code: string, message = ''): ApiErrorCode {
  const refined = refinedApiCode(code, message);
  if (refined) return refined;
  if (API_CODES.has(code)) return code as ApiErrorCode;
  if (code === 'MVCC_CONFLICT') return 'CONFLICT';
  if (code === 'PREPARE_FAILED') return 'INTERNAL';
  return 'NETWORK_UNAVAILABLE';
}
