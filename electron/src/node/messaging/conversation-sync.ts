import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { recogniseEvent } from '../../shared/event-tag';
import type { ClientSession } from '../session/client-session';
import { blockedSenders } from '../settings/user-settings';
import type { Store } from '../store';
import type { Conversations } from './conversations';
import { noteMembershipChange } from './membership-notices';
import type { MessageReceiver } from './message-receiver';
import type { MessageViews } from './message-views';
import { type PullPriority, PullScheduler, type PullTurn } from './pull-scheduler';

// Keeping the store up to date with the ledger. Events only say "look
// again"; every pull reads the ledger from the conversation's high-water
// mark, so an event missed while offline costs nothing and a message seen
// twice is stored once. Pulls go through the fair scheduler; a conversation
// event is recognised by its tag, and one we do not recognise may mean we
// were just added somewhere (discovery) or a pending re-key happened.

/** Poster stamps may sit 60 s either side of the truth; read back twice that. */
const SKEW_MARGIN_MS = 120_000;
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

export interface SyncOptions {
  /** Records per pull turn (default 100). */
  readonly pullPage?: number;
  readonly observer?: SyncObserver;
}

export class ConversationSync {
  private readonly pulls: PullScheduler<PullCursor>;
  private readonly pullPage: number;
  /** When each membership began, as last read: a different value means we were (re-)added. */
  private readonly memberSince = new Map<string, number>();
  /** lookAround's run, and the event asking for one more. */
  private looking: Promise<void> | null = null;
  private lookAgain: ChaincodeEvent | null = null;
  private stopped = false;

  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly conversations: Conversations,
    private readonly views: MessageViews,
    private readonly receiver: MessageReceiver,
    private readonly options: SyncOptions = {},
  ) {
    this.pullPage = options.pullPage ?? DEFAULT_PULL_PAGE;
    this.pulls = new PullScheduler<PullCursor>({
      turn: (conversationId, cursor) => this.pullTurn(conversationId, cursor),
      // A direct conversation's work is its other member's: many DMs from one sender share one turn per round.
      fairnessKey: (conversationId) => conversations.peerOf(conversationId) ?? conversationId,
      onTurn: (turn) => options.observer?.onTurn?.(turn),
      onCoalesced: (conversationId) => options.observer?.onCoalesced?.(conversationId),
    });
    options.observer?.onAttach?.(this.pulls);
  }

  /** Signing out: a post waiting for discovery is not asked again. */
  stop(): void {
    this.stopped = true;
  }

  /** Once no more events come: no further look around, and the one running is waited for. */
  async drain(): Promise<void> {
    this.lookAgain = null;
    await this.looking;
  }

  /** Every conversation the ledger says we are in, refreshed into the store, then (queued) their new messages. */
  async syncAll(): Promise<void> {
    const pulls: Promise<void>[] = [];
    for (const { conversationId, since } of await this.conversations.memberships()) {
      await this.conversations.refresh(conversationId);
      await this.conversations.rememberMembers(conversationId);
      pulls.push(this.pull(conversationId, 'catch-up'));
      this.memberSince.set(conversationId, since);
    }
    await Promise.all(pulls);
  }

  /**
   * Reads the conversation's new messages from the ledger into the store,
   * through the fair scheduler (pull-scheduler.ts): resolves once a pull
   * begun after this call has reached the end.
   */
  pull(conversationId: string, priority: PullPriority = 'live'): Promise<void> {
    return this.pulls.request(conversationId, priority);
  }

  /**
   * A message event: recognised, its conversation is pulled (queued, not
   * awaited: the next event, maybe about another conversation, is looked at
   * at once; a crash before a queued pull ran costs nothing, start() pulls
   * every conversation).
   */
  onMessageEvent(event: ChaincodeEvent): void {
    const conversationId = this.recognise(event);
    if (conversationId) {
      void this.pull(conversationId, 'live').catch(() => undefined);
    } else if (this.looking) {
      // A post in a conversation being discovered right now (its opening event came just
      // before, and discovery runs in the background): asked again once discovery ends,
      // or the post would wait for the conversation's next event.
      const discovering = this.looking;
      void discovering.then(() => this.recogniseAfterDiscovery(event));
    }
  }

  /** A membership event: recognised, the group is read again; otherwise we look around. */
  async onMembershipEvent(event: ChaincodeEvent): Promise<void> {
    const conversationId = this.recognise(event);
    if (conversationId) {
      await this.onGroupEvent(conversationId, event);
      void this.pull(conversationId, 'live').catch(() => undefined);
    } else {
      this.lookAround(event);
    }
  }

  /** Only memberships this client has not seen: someone added us, or added us back. */
  private async discover(): Promise<void> {
    for (const { conversationId, since } of await this.conversations.memberships()) {
      if (this.memberSince.get(conversationId) === since) continue;
      await this.conversations.refresh(conversationId);
      await this.conversations.rememberMembers(conversationId);
      void this.pull(conversationId, 'catch-up').catch(() => undefined);
      this.memberSince.set(conversationId, since);
    }
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
      await this.receiver.receive(record);
    }
    if (page.messages.length === this.pullPage && page.bookmark) {
      return { records: page.messages.length, next: { from, bookmark: page.bookmark, highest } };
    }
    this.store.setSyncState(markKey, String(highest));
    return { records: page.messages.length };
  }

  private async onGroupEvent(conversationId: string, event: ChaincodeEvent): Promise<void> {
    await this.conversations.refresh(conversationId).catch(() => undefined);
    const notices = await noteMembershipChange(
      this.session,
      this.store,
      conversationId,
      event.eventName,
      event.transactionId,
    ).catch(() => []);
    for (const notice of notices) this.session.emit({ type: 'message', message: this.views.view(notice) });
    // Members or roles may change without a new epoch: the open view reads the group again.
    if (this.store.getConversation(conversationId)) {
      this.session.emit({ type: 'conversation', conversation: this.views.summary(conversationId) });
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
        await this.discover().catch(() => undefined);
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
      this.conversations.tagKeys(),
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
    for (const c of this.conversations.pendingRekeys()) {
      const group = await this.conversations.refresh(c.id).catch(() => null);
      if (!group || (group.epoch === c.epoch && group.rekeyRequired === true)) continue;
      await this.onGroupEvent(c.id, event);
      void this.pull(c.id, 'live').catch(() => undefined);
    }
  }
}
