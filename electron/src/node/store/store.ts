import type { Database, Statement } from 'better-sqlite3-multiple-ciphers';
import type { z } from 'zod';
import { StoreError } from './errors';
import { ftsQuery } from './fts-query';
import {
  type Attachment,
  type Contact,
  type ContactInput,
  type Conversation,
  type ConversationInput,
  type IncomingMessage,
  type MessageKey,
  type MessagePage,
  type MessageState,
  type NoticeInput,
  type PageRequest,
  type ReactionRow,
  type RelationFields,
  type SearchHit,
  type SearchRequest,
  type StoredMessage,
  SNIPPET_CLOSE,
  SNIPPET_OPEN,
  attachmentsSchema,
  contactInputSchema,
  conversationInputSchema,
  incomingMessageSchema,
  isVerified,
  messageKeySchema,
  NOTICE_SENDER,
  noticeInputSchema,
  pageRequestSchema,
  searchRequestSchema,
  syncKeySchema,
  syncValueSchema,
} from './schemas';

// The app's local database: conversations, contacts, messages with their
// delivery state, full-text search and sync checkpoints. Synchronous
// (better-sqlite3): each call is one short statement or transaction.

/** A messages row as SQLite returns it. */
export interface MessageRow {
  readonly id: number;
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly sender: string;
  readonly sentAt: number;
  readonly body: string | null;
  readonly contentJson?: string | null;
  readonly attachments: string;
  readonly state: MessageState;
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly txId: string | null;
  readonly blockNumber: number | null;
  readonly messageId: string | null;
  readonly epoch: number;
  readonly verified: number;
  readonly direction: 'in' | 'out';
  readonly payload: Buffer | null;
  readonly attempts: number;
  readonly notice: string | null;
  readonly relType?: 'reply' | 'reaction' | null;
  readonly relTo?: string | null;
  readonly relKey?: string | null;
  readonly relOn?: number | null;
  readonly threadRoot?: string | null;
}

interface ContactRow extends Omit<Contact, 'keyChangePending' | 'verifiedSigningKey' | 'verifiedEncryptionKey'> {
  readonly keyChangePending?: number;
  readonly verifiedSigningKey?: string | null;
  readonly verifiedEncryptionKey?: string | null;
}

const toContact = (row: ContactRow): Contact => ({
  ...row,
  verifiedSigningKey: row.verifiedSigningKey ?? null,
  verifiedEncryptionKey: row.verifiedEncryptionKey ?? null,
  keyChangePending: row.keyChangePending === 1,
});

interface ConversationRow extends Omit<Conversation, 'rekeyRequired'> {
  readonly rekeyRequired: number;
}

/** Parses input at the store's edge; nothing is written when it fails. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StoreError(
      'BAD_INPUT',
      `${what}: ${issue ? `${issue.path.join('.') || 'value'}: ${issue.message}` : 'invalid'}`,
    );
  }
  return parsed.data;
}

/** What search indexes of a message's files: their names, or null for none. */
export function fileNamesOf(attachments: readonly Attachment[]): string | null {
  const names = attachments.flatMap((a) => (typeof a.name === 'string' && a.name ? [a.name] : []));
  return names.length ? names.join(' ') : null;
}

function attachmentsOf(json: string): Attachment[] {
  try {
    const parsed = attachmentsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    conversationId: row.conversationId,
    clientMessageId: row.clientMessageId,
    sender: row.sender,
    sentAt: row.sentAt,
    body: row.body,
    contentJson: row.contentJson ?? null,
    attachments: attachmentsOf(row.attachments),
    state: row.state,
    failureCode: row.failureCode,
    failureMessage: row.failureMessage,
    txId: row.txId,
    blockNumber: row.blockNumber,
    messageId: row.messageId,
    epoch: row.epoch,
    verified: row.verified === 1,
    direction: row.direction,
    notice: row.notice ?? null,
    relType: row.relType ?? null,
    relTo: row.relTo ?? null,
    relKey: row.relKey ?? null,
    relOn: row.relOn === null || row.relOn === undefined ? null : row.relOn === 1,
    threadRoot: row.threadRoot ?? null,
  };
}

/** The relation columns of a row being written (null when the message has none). */
export function relationColumns(m: RelationFields) {
  return {
    relType: m.relType ?? null,
    relTo: m.relTo ?? null,
    relKey: m.relKey ?? null,
    relOn: m.relOn === undefined ? null : m.relOn ? 1 : 0,
    threadRoot: m.threadRoot ?? null,
  };
}

const toConversation = (row: ConversationRow): Conversation => ({ ...row, rekeyRequired: row.rekeyRequired === 1 });

export class Store {
  private readonly statements = new Map<string, Statement>();

  constructor(
    /** The open SQLite handle, for modules that keep their own statements (the outbox). */
    readonly db: Database,
    readonly now: () => number,
  ) {}

  /** A prepared statement, compiled once per store. */
  prepare(source: string): Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  get open(): boolean {
    return this.db.open;
  }

  close(): void {
    if (!this.db.open) return;
    // Fold the WAL back into the encrypted file so a closed store is one file.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }

  schemaVersion(): number {
    return (this.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
  }

  // --- conversations -------------------------------------------------------

  upsertConversation(input: ConversationInput): Conversation {
    const c = parseInput(conversationInputSchema, input, 'conversation');
    this.prepare(
      `INSERT INTO conversations (id, kind, title, epoch, retentionSeconds, rekeyRequired, updatedAt)
         VALUES (@id, @kind, @title, @epoch, @retentionSeconds, @rekeyRequired, @updatedAt)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, epoch = excluded.epoch,
           retentionSeconds = excluded.retentionSeconds, rekeyRequired = excluded.rekeyRequired,
           updatedAt = excluded.updatedAt`,
    ).run({ ...c, rekeyRequired: c.rekeyRequired ? 1 : 0, updatedAt: this.now() });
    return this.requireConversation(c.id);
  }

  getConversation(id: string): Conversation | null {
    const row = this.prepare('SELECT * FROM conversations WHERE id = ?').get(String(id)) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  requireConversation(id: string): Conversation {
    const conversation = this.getConversation(id);
    if (!conversation) throw new StoreError('NOT_FOUND', `no conversation ${id}`);
    return conversation;
  }

  /** Most recent activity first; conversations without messages last. */
  listConversations(): Conversation[] {
    const rows = this.prepare(
      'SELECT * FROM conversations ORDER BY lastMessageAt IS NULL, lastMessageAt DESC, id',
    ).all() as ConversationRow[];
    return rows.map(toConversation);
  }

  markRead(conversationId: string): void {
    const id = parseInput(messageKeySchema.shape.conversationId, conversationId, 'conversationId');
    const result = this.prepare('UPDATE conversations SET unread = 0 WHERE id = ?').run(id);
    if (result.changes === 0) throw new StoreError('NOT_FOUND', `no conversation ${id}`);
  }

  /** Called inside a message write: later activity moves the conversation up. */
  touchConversation(conversationId: string, at: number, unreadDelta: number): void {
    this.prepare(
      `UPDATE conversations SET lastMessageAt = max(coalesce(lastMessageAt, 0), @at), unread = unread + @unreadDelta
         WHERE id = @conversationId`,
    ).run({ conversationId, at, unreadDelta });
  }

  // --- contacts ------------------------------------------------------------

  /** Stores a contact's current keys; a change of keys is stamped and clears `verifiedAt`. */
  upsertContact(input: ContactInput): { contact: Contact; keyChanged: boolean } {
    const c = parseInput(contactInputSchema, input, 'contact');
    return this.db.transaction(() => {
      const before = this.getContact(c.userId);
      const keyChanged =
        before !== null && (before.encryptionKey !== c.encryptionKey || before.signingKey !== c.signingKey);
      this.prepare(
        `INSERT INTO contacts (userId, mspId, displayName, encryptionKey, signingKey, keyValidFrom)
           VALUES (@userId, @mspId, @displayName, @encryptionKey, @signingKey, @keyValidFrom)
           ON CONFLICT (userId) DO UPDATE SET mspId = excluded.mspId, displayName = excluded.displayName,
             encryptionKey = excluded.encryptionKey, signingKey = excluded.signingKey,
             keyValidFrom = excluded.keyValidFrom`,
      ).run(c);
      if (keyChanged) {
        // A contact the user had verified (or was still to look at) waits for the user to look.
        const pending = before !== null && (isVerified(before) || before.keyChangePending);
        this.prepare(
          `UPDATE contacts SET keyChangedAt = ?, verifiedAt = NULL, verifiedSigningKey = NULL,
             verifiedEncryptionKey = NULL, keyChangePending = ? WHERE userId = ?`,
        ).run(this.now(), pending ? 1 : 0, c.userId);
      }
      const contact = this.getContact(c.userId);
      if (!contact) throw new StoreError('NOT_FOUND', `contact ${c.userId} vanished`);
      return { contact, keyChanged };
    })();
  }

  getContact(userId: string): Contact | null {
    const row = this.prepare('SELECT * FROM contacts WHERE userId = ?').get(String(userId)) as ContactRow | undefined;
    return row ? toContact(row) : null;
  }

  listContacts(): Contact[] {
    return (this.prepare('SELECT * FROM contacts ORDER BY displayName, userId').all() as ContactRow[]).map(toContact);
  }

  /**
   * Marks the contact verified for exactly `keys`, the ones the user compared.
   * KEY_CHANGED, nothing written, when the stored keys are others by now.
   */
  markVerified(userId: string, keys: { signingKey: string; encryptionKey: string }): void {
    const result = this.prepare(
      `UPDATE contacts SET verifiedAt = @now, verifiedSigningKey = signingKey, verifiedEncryptionKey = encryptionKey,
         keyChangePending = 0
       WHERE userId = @userId AND signingKey = @signingKey AND encryptionKey = @encryptionKey`,
    ).run({ now: this.now(), userId: String(userId), signingKey: keys.signingKey, encryptionKey: keys.encryptionKey });
    if (result.changes > 0) return;
    if (!this.getContact(userId)) throw new StoreError('NOT_FOUND', `no contact ${userId}`);
    throw new StoreError('KEY_CHANGED', `${userId}'s keys are not the ones compared`);
  }

  /** The user looked at a verified contact's key change: sends to them go out again (unverified). */
  acknowledgeKeyChange(userId: string): void {
    const result = this.prepare('UPDATE contacts SET keyChangePending = 0 WHERE userId = ?').run(String(userId));
    if (result.changes === 0) throw new StoreError('NOT_FOUND', `no contact ${userId}`);
  }

  // --- messages ------------------------------------------------------------

  /**
   * Stores a message read from the ledger. Delivered twice, it is stored
   * once: a second copy only fills in ledger facts still missing (and
   * confirms our own message that was still pending), and never brings
   * back an erased body.
   */
  upsertMessage(input: IncomingMessage): { inserted: boolean } {
    const m = parseInput(incomingMessageSchema, input, 'message');
    return this.db.transaction(() => {
      this.requireConversation(m.conversationId);
      const inserted = this.prepare(
        `INSERT INTO messages (conversationId, clientMessageId, sender, sentAt, body, contentJson, attachments,
             fileNames, state, txId, blockNumber, messageId, epoch, verified, direction,
             relType, relTo, relKey, relOn, threadRoot)
           VALUES (@conversationId, @clientMessageId, @sender, @sentAt, @body, @contentJson, @attachments,
             @fileNames, 'committed', @txId, @blockNumber, @messageId, @epoch, @verified, @direction,
             @relType, @relTo, @relKey, @relOn, @threadRoot)
           ON CONFLICT (conversationId, sender, clientMessageId) DO NOTHING`,
      ).run({
        ...m,
        contentJson: m.contentJson ?? null,
        attachments: JSON.stringify(m.attachments),
        fileNames: fileNamesOf(m.attachments),
        txId: m.txId ?? null,
        blockNumber: m.blockNumber ?? null,
        messageId: m.messageId ?? null,
        verified: m.verified ? 1 : 0,
        ...relationColumns(m),
      }).changes;
      if (inserted === 1) {
        // A reaction is not activity in the timeline: no unread, no move up.
        if (m.relType !== 'reaction') this.touchConversation(m.conversationId, m.sentAt, m.direction === 'in' ? 1 : 0);
        return { inserted: true };
      }
      this.prepare(
        `UPDATE messages SET txId = coalesce(txId, @txId), blockNumber = coalesce(blockNumber, @blockNumber),
             messageId = coalesce(messageId, @messageId),
             state = CASE WHEN state IN ('pending', 'endorsed', 'failed') THEN 'committed' ELSE state END,
             failureCode = CASE WHEN state = 'erased' THEN failureCode ELSE NULL END,
             failureMessage = CASE WHEN state = 'erased' THEN failureMessage ELSE NULL END
           WHERE conversationId = @conversationId AND sender = @sender AND clientMessageId = @clientMessageId`,
      ).run({
        conversationId: m.conversationId,
        sender: m.sender,
        clientMessageId: m.clientMessageId,
        txId: m.txId ?? null,
        blockNumber: m.blockNumber ?? null,
        messageId: m.messageId ?? null,
      });
      return { inserted: false };
    })();
  }

  /**
   * Writes a membership notice into a conversation's timeline, once per id
   * (a replayed event writes nothing). It has no body, so search never finds
   * it, and it is neither unread nor the conversation's latest activity.
   */
  addNotice(input: NoticeInput): { inserted: boolean } {
    const n = parseInput(noticeInputSchema, input, 'notice');
    return this.db.transaction(() => {
      const conversation = this.requireConversation(n.conversationId);
      const changes = this.prepare(
        `INSERT INTO messages (conversationId, clientMessageId, sender, sentAt, body, state, epoch, verified,
             direction, notice)
           VALUES (@conversationId, @clientMessageId, @sender, @sentAt, NULL, 'committed', @epoch, 1, 'in', @notice)
           ON CONFLICT (conversationId, sender, clientMessageId) DO NOTHING`,
      ).run({ ...n, sender: NOTICE_SENDER, epoch: conversation.epoch }).changes;
      return { inserted: changes === 1 };
    })();
  }

  getMessage(key: MessageKey): StoredMessage | null {
    const k = parseInput(messageKeySchema, key, 'message key');
    const row = this.prepare(
      'SELECT * FROM messages WHERE conversationId = ? AND sender = ? AND clientMessageId = ?',
    ).get(k.conversationId, k.sender, k.clientMessageId) as MessageRow | undefined;
    return row ? toStoredMessage(row) : null;
  }

  /** Newest first, `limit` at a time; pass `nextCursor` back as `before` for older ones. */
  pageMessages(request: PageRequest): MessagePage {
    const r = parseInput(pageRequestSchema, request, 'page request');
    const [sentAt, id] = r.before
      ? r.before.split('.').map(Number)
      : [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    // Row-value comparison walks messages_by_time from the cursor down.
    const rows = this.prepare(
      `SELECT * FROM messages WHERE conversationId = ? AND (sentAt, id) < (?, ?) AND relType IS NOT 'reaction'
         ORDER BY sentAt DESC, id DESC LIMIT ?`,
    ).all(r.conversationId, sentAt, id, r.limit + 1) as MessageRow[];
    const page = rows.slice(0, r.limit);
    const last = page[page.length - 1];
    return {
      messages: page.map(toStoredMessage),
      nextCursor: rows.length > r.limit && last ? `${last.sentAt}.${last.id}` : null,
    };
  }

  /**
   * Names our own pending message by the id the ledger will give it (the
   * same hash), so a reply or reaction can find it before it is committed.
   */
  assignMessageId(key: MessageKey, messageId: string): void {
    const k = parseInput(messageKeySchema, key, 'message key');
    this.prepare(
      'UPDATE messages SET messageId = ? WHERE conversationId = ? AND sender = ? AND clientMessageId = ? AND messageId IS NULL',
    ).run(String(messageId), k.conversationId, k.sender, k.clientMessageId);
  }

  /** A message of this conversation by its ledger message id (a pending one of ours has none yet). */
  findByMessageId(conversationId: string, messageId: string): StoredMessage | null {
    const row = this.prepare('SELECT * FROM messages WHERE conversationId = ? AND messageId = ? LIMIT 1').get(
      String(conversationId),
      String(messageId),
    ) as MessageRow | undefined;
    return row ? toStoredMessage(row) : null;
  }

  /**
   * Every reaction row aimed at a message of this conversation, in ledger
   * order: committed rows by their ledger time, then our pending ones. A
   * failed or erased row counts for nothing.
   */
  reactionsTo(conversationId: string, messageId: string): ReactionRow[] {
    const rows = this.prepare(
      `SELECT sender, relKey AS key, relOn AS "on" FROM messages
         WHERE conversationId = ? AND relTo = ? AND relType = 'reaction' AND state NOT IN ('failed', 'erased')
           AND relKey IS NOT NULL
         ORDER BY state != 'committed', sentAt, id`,
    ).all(String(conversationId), String(messageId)) as { sender: string; key: string; on: number }[];
    return rows.map((r) => ({ sender: r.sender, key: r.key, on: r.on === 1 }));
  }

  /** The replies of a thread (not erased), oldest first. */
  threadReplies(conversationId: string, rootId: string, limit = 500): StoredMessage[] {
    const rows = this.prepare(
      `SELECT * FROM messages WHERE conversationId = ? AND threadRoot = ? AND relType = 'reply' AND state != 'erased'
         ORDER BY sentAt, id LIMIT ?`,
    ).all(String(conversationId), String(rootId), limit) as MessageRow[];
    return rows.map(toStoredMessage);
  }

  replyCount(conversationId: string, rootId: string): number {
    return this.prepare(
      `SELECT count(*) FROM messages WHERE conversationId = ? AND threadRoot = ? AND relType = 'reply'
         AND state != 'erased'`,
    )
      .pluck()
      .get(String(conversationId), String(rootId)) as number;
  }

  /**
   * Erased means gone here too: the body, attachments and sealed payload
   * are removed, the search index entry is deleted (secure-delete), and the
   * WAL is checkpointed so no old page copy stays behind. The row remains as
   * a tombstone so a later sync does not bring the message back.
   */
  markErased(key: MessageKey): boolean {
    const k = parseInput(messageKeySchema, key, 'message key');
    const changed = this.prepare(
      `UPDATE messages SET body = NULL, contentJson = NULL, attachments = '[]', fileNames = NULL, payload = NULL, state = 'erased',
           failureCode = NULL, failureMessage = NULL
         WHERE conversationId = ? AND sender = ? AND clientMessageId = ? AND state != 'erased'`,
    ).run(k.conversationId, k.sender, k.clientMessageId).changes;
    if (changed > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return changed > 0;
  }

  /**
   * Full-text search over message bodies and attached files' names: the most recently stored matches,
   * newest first. The index is walked by rowid from the end and stops at
   * `limit`, so a word found in thousands of messages costs about as much
   * as a rare one. User text is never FTS syntax.
   */
  search(request: SearchRequest): SearchHit[] {
    const r = parseInput(searchRequestSchema, request, 'search');
    const match = ftsQuery(r.text);
    if (match === null) return [];
    return this.prepare(
      `SELECT conversationId, clientMessageId, sender, sentAt, snippet FROM (
         SELECT m.conversationId, m.clientMessageId, m.sender, m.sentAt, m.id,
           snippet(messages_fts, -1, @open, @close, '…', 12) AS snippet
         FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts MATCH @match AND m.state != 'erased'
           AND (@conversationId IS NULL OR m.conversationId = @conversationId)
         ORDER BY messages_fts.rowid DESC LIMIT @limit
       ) ORDER BY sentAt DESC, id DESC`,
    ).all({
      match,
      open: SNIPPET_OPEN,
      close: SNIPPET_CLOSE,
      conversationId: r.conversationId ?? null,
      limit: r.limit,
    }) as SearchHit[];
  }

  // --- sync state ----------------------------------------------------------

  getSyncState(key: string): string | null {
    const k = parseInput(syncKeySchema, key, 'sync key');
    return (this.prepare('SELECT value FROM sync_state WHERE key = ?').pluck().get(k) as string | undefined) ?? null;
  }

  setSyncState(key: string, value: string): void {
    const k = parseInput(syncKeySchema, key, 'sync key');
    const v = parseInput(syncValueSchema, value, 'sync value');
    this.prepare(
      'INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(k, v);
  }
}
