import type {
  ConversationSummary,
  DeliveryState,
  MessageContent,
  MessageView,
  Page,
  ReplyQuote,
  SearchHit,
  ThreadView,
} from '../../common/api';
import { textPreview } from '../../common/message-preview';
import { blockedSenders } from '../settings/user-settings';
import { type MessagePage, SNIPPET_CLOSE, SNIPPET_OPEN, type Store, type StoredMessage } from '../store';
import { isCard, isConfirmed } from './card-facts';
import { type AttachmentRef, NEWER_CONTENT_JSON, contentOf } from './content-codec';
import { readDraft } from './drafts';
import { apiFailure } from './delivery-failure';
import { messageIdOf } from './message-id';
import { noticeOf } from './membership-notices';
import { MessagingError } from './messaging-errors';
import { aggregateReactions } from '../../common/reactions';
import { type SettledState, settledState } from './settled-escrows';

// What the UI reads, built from the store's rows: a message as a
// MessageView, a conversation as a ConversationSummary with its last line's
// preview, search hits, pages. Reads only; nothing here writes the store.

type MessageKey = { conversationId: string; sender: string; clientMessageId: string };

export class MessageViews {
  constructor(
    private readonly store: Store,
    /** This user: whose reactions are "mine". */
    private readonly me: string,
    /** The other member of a direct conversation, when the sync has read it. */
    private readonly peerOf: (conversationId: string) => string | undefined,
  ) {}

  requireConversation(conversationId: string): void {
    if (!this.store.getConversation(conversationId)) {
      throw new MessagingError('NO_CONVERSATION', `no conversation ${conversationId} here`);
    }
  }

  summary(conversationId: string): ConversationSummary {
    const c = this.store.getConversation(conversationId);
    if (!c) throw new MessagingError('NO_CONVERSATION', `no conversation ${conversationId} here`);
    const last = this.lastMessage(conversationId);
    const content = last ? contentOf(last) : undefined;
    const peer = this.peerOf(c.id);
    const draft = readDraft(this.store, c.id);
    return {
      id: c.id,
      kind: c.kind,
      title: c.title,
      ...(peer !== undefined ? { peer } : {}),
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
      ...(draft !== undefined ? { draft } : {}),
    };
  }

  listConversations(): ConversationSummary[] {
    return this.store.listConversations().map((c) => this.summary(c.id));
  }

  /** Conversations whose last message offers this escrow (their preview shows its state). */
  offeringEscrow(escrowId: string): string[] {
    return this.store.listConversations().flatMap((c) => {
      const last = this.lastMessage(c.id);
      const content = last ? contentOf(last) : undefined;
      return content?.type === 'escrow' && content.escrowId === escrowId ? [c.id] : [];
    });
  }

  /** The stored rows of one page, blocked senders' included (the caller may look at every row). */
  storedPage(conversationId: string, before: string | undefined, limit: number | undefined): MessagePage {
    this.requireConversation(conversationId);
    return this.store.pageMessages({ conversationId, limit: limit ?? 50, ...(before ? { before } : {}) });
  }

  /** The page as the UI sees it: what a blocked sender wrote before the block stays stored, hidden. */
  visiblePage(page: MessagePage): Page<MessageView> {
    const blocked = blockedSenders(this.store);
    return {
      items: page.messages.filter((m) => !blocked.has(m.sender)).map((m) => this.view(m)),
      ...(page.nextCursor ? { next: page.nextCursor } : {}),
    };
  }

  /** This user's own message, as the UI shows it. */
  own(key: MessageKey): MessageView | undefined {
    const stored = this.store.getMessage(key);
    return stored ? this.view(stored) : undefined;
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
  attachmentRef(key: MessageKey, index: number): AttachmentRef {
    const message = this.store.getMessage(key);
    const ref = message?.state === 'erased' ? undefined : (message?.attachments[index] as AttachmentRef | undefined);
    if (!ref || typeof ref.key !== 'string') throw new MessagingError('NO_ATTACHMENT', 'no such attachment');
    return ref;
  }

  view(m: StoredMessage): MessageView {
    // A message this device could not open is stored with an empty body and unverified.
    const unreadable = !m.verified && m.body === '' && m.direction === 'in';
    const content = unreadable ? undefined : contentOf(m);
    const notice = noticeOf(m);
    const id = messageIdOf(m);
    const attachments = m.attachments.map((a, index) => {
      const ref = a as Partial<AttachmentRef>;
      return {
        index,
        name: ref.name ?? 'file',
        mimeType: ref.mimeType ?? 'application/octet-stream',
        size: ref.size ?? 0,
      };
    });
    const reactions = aggregateReactions(this.store.reactionsTo(m.conversationId, id), this.me);
    const replyCount = this.store.replyCount(m.conversationId, id);
    return {
      id,
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
      ...(m.relType === 'reply' && m.relTo ? { replyTo: this.quote(m.conversationId, m.relTo) } : {}),
      ...(m.relType === 'reply' && m.threadRoot ? { threadRoot: m.threadRoot } : {}),
      ...(replyCount > 0 ? { replyCount } : {}),
      ...(reactions.length > 0 ? { reactions } : {}),
      ...(m.contentJson === NEWER_CONTENT_JSON ? { needsNewerClient: true } : {}),
    };
  }

  /** A message of this conversation by its id, as the UI shows it (undefined when this device does not have it). */
  byId(conversationId: string, messageId: string): MessageView | undefined {
    const stored = this.store.findByMessageId(conversationId, messageId);
    return stored && stored.state !== 'erased' && stored.relType !== 'reaction' ? this.view(stored) : undefined;
  }

  /** The thread `messageId` is the root of, or the one it is a reply in. */
  thread(conversationId: string, messageId: string): ThreadView {
    this.requireConversation(conversationId);
    const start = this.store.findByMessageId(conversationId, messageId);
    const rootId = start?.relType === 'reply' && start.threadRoot ? start.threadRoot : messageId;
    const root = this.byId(conversationId, rootId);
    const blocked = blockedSenders(this.store);
    const replies = this.store
      .threadReplies(conversationId, rootId)
      .filter((m) => !blocked.has(m.sender))
      .map((m) => this.view(m));
    return { rootId, ...(root ? { root } : {}), replies };
  }

  /** What a reply shows of the message it answers: sender and a short excerpt, or that it is gone. */
  private quote(conversationId: string, to: string): ReplyQuote {
    const target = this.store.findByMessageId(conversationId, to);
    const content =
      target && target.state !== 'erased' && target.relType !== 'reaction' ? contentOf(target) : undefined;
    if (!target || !content) return { id: to, missing: true };
    return { id: to, sender: target.sender, excerpt: previewOf(content, target, undefined, false).slice(0, 120) };
  }

  private lastMessage(conversationId: string): StoredMessage | undefined {
    return this.store.pageMessages({ conversationId, limit: 1 }).messages[0];
  }

  /** How an escrow in a message was settled, once its event has been seen. */
  private escrowStateOf(content: MessageContent): SettledState | undefined {
    return content.type === 'escrow' ? settledState(this.store, content.escrowId) : undefined;
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
