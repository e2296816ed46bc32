import { LedgerError, refinedApiCode } from '../ledger';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import type { Keyring } from './keyring';
import type { LedgerGroup } from './ledger-records';
import { rememberMembers } from './membership-notices';
import type { MessageViews } from './message-views';

// The conversations this user is in, as the ledger has them, kept in the
// store's conversation rows: listing our memberships, reading a group into
// its row (epoch, title, policy, pending re-key), remembering that the
// ledger said we are no longer in one, and each direct conversation's peer.

const PAGE = 200;

export interface Membership {
  readonly conversationId: string;
  /** When this membership began: a different value means we were (re-)added. */
  readonly since: number;
}

export class Conversations {
  /** The other member of each direct conversation. */
  private readonly peers = new Map<string, string>();

  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly keyring: Keyring,
    private readonly views: MessageViews,
  ) {}

  peerOf(conversationId: string): string | undefined {
    return this.peers.get(conversationId);
  }

  /** Every conversation our own index on the ledger lists. */
  async memberships(): Promise<Membership[]> {
    let bookmark: string | undefined;
    const all: Membership[] = [];
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

  /** The group read from the ledger into its row; a changed epoch or re-key state is pushed to the UI. */
  async refresh(conversationId: string): Promise<LedgerGroup> {
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
      this.session.emit({ type: 'conversation', conversation: this.views.summary(conversationId) });
    }
    return group;
  }

  /** Who is in a group, as the baseline for its membership notices (groups only, once). */
  async rememberMembers(conversationId: string): Promise<void> {
    if (this.store.getConversation(conversationId)?.kind !== 'group') return;
    await rememberMembers(this.session, this.store, conversationId).catch(() => undefined);
  }

  async directPeer(conversationId: string): Promise<string | undefined> {
    const { members } = await this.session.ledger.evaluate('groups', 'ListMembers', { conversationId });
    return members.map((m) => m.userId).find((id) => id !== this.session.userId);
  }

  wasRemoved(conversationId: string): boolean {
    return this.store.getSyncState(removedKey(conversationId)) === '1';
  }

  /**
   * The key each conversation's events must be tagged with: its current
   * epoch's, and none while a re-key is pending (a leaver holds the current
   * key). Older epoch keys never match: former members hold them.
   */
  tagKeys(): Map<string, Uint8Array> {
    const keys = new Map<string, Uint8Array>();
    for (const c of this.store.listConversations()) {
      if (c.rekeyRequired || this.wasRemoved(c.id)) continue;
      const key = this.keyring.held(c.id, c.epoch);
      if (key) keys.set(c.id, key);
    }
    return keys;
  }

  /** Our conversations waiting for a re-key (not those we are out of), as their rows last had them. */
  pendingRekeys(): { id: string; epoch: number }[] {
    return this.store
      .listConversations()
      .filter((c) => c.rekeyRequired && !this.wasRemoved(c.id))
      .map((c) => ({ id: c.id, epoch: c.epoch }));
  }

  /** The group as the ledger has it; a refusal saying we are not in it is remembered. */
  async readGroup(conversationId: string): Promise<LedgerGroup> {
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
    this.session.emit({ type: 'conversation', conversation: this.views.summary(conversationId) });
  }

  private async directTitle(conversationId: string): Promise<string> {
    const peer = this.peers.get(conversationId) ?? (await this.directPeer(conversationId));
    if (!peer) return conversationId;
    this.peers.set(conversationId, peer);
    return peer.split('::')[1] ?? peer;
  }
}

const removedKey = (conversationId: string) => `removed:${conversationId}`;
