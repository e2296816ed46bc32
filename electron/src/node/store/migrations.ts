import type { Database } from 'better-sqlite3-multiple-ciphers';
import { StoreError } from './errors';

// Forward-only schema migrations. Each runs in its own transaction together
// with its row in schema_version, so a crash leaves the store at the last
// whole version. Never edit a shipped migration: add the next one.

/** PRAGMA application_id of a KTalk store ("KTLK"), to tell it from other SQLite files. */
export const APPLICATION_ID = 0x4b544c4b;

export interface Migration {
  readonly version: number;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE conversations (
        id               TEXT PRIMARY KEY,
        kind             TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
        title            TEXT NOT NULL DEFAULT '',
        epoch            INTEGER NOT NULL DEFAULT 1,
        retentionSeconds INTEGER NOT NULL DEFAULT 0,
        lastMessageAt    INTEGER,
        unread           INTEGER NOT NULL DEFAULT 0,
        rekeyRequired    INTEGER NOT NULL DEFAULT 0,
        updatedAt        INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX conversations_by_last_message ON conversations (lastMessageAt DESC, id);

      CREATE TABLE contacts (
        userId        TEXT PRIMARY KEY,
        mspId         TEXT NOT NULL,
        displayName   TEXT NOT NULL DEFAULT '',
        encryptionKey TEXT NOT NULL,
        signingKey    TEXT NOT NULL,
        keyValidFrom  INTEGER NOT NULL,
        keyChangedAt  INTEGER,
        verifiedAt    INTEGER
      ) STRICT;

      -- id orders a conversation's outgoing messages as they were enqueued.
      CREATE TABLE messages (
        id              INTEGER PRIMARY KEY,
        conversationId  TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        clientMessageId TEXT NOT NULL,
        sender          TEXT NOT NULL,
        sentAt          INTEGER NOT NULL,
        body            TEXT,
        attachments     TEXT NOT NULL DEFAULT '[]',
        state           TEXT NOT NULL CHECK (state IN ('pending', 'endorsed', 'committed', 'failed', 'erased')),
        failureCode     TEXT,
        failureMessage  TEXT,
        txId            TEXT,
        blockNumber     INTEGER,
        messageId       TEXT,
        epoch           INTEGER NOT NULL,
        verified        INTEGER NOT NULL DEFAULT 0,
        direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        -- The sealed envelope of an outgoing message, kept so every resend carries the same bytes.
        payload         BLOB,
        attempts        INTEGER NOT NULL DEFAULT 0,
        UNIQUE (conversationId, sender, clientMessageId)
      ) STRICT;
      CREATE INDEX messages_by_time ON messages (conversationId, sentAt DESC, id DESC);
      CREATE INDEX messages_outbox ON messages (conversationId, id) WHERE state IN ('pending', 'endorsed');
      CREATE INDEX messages_by_client_id ON messages (clientMessageId);

      -- External content: the text lives once, in messages.body.
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body, content = 'messages', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      -- Deleted tokens leave the index at once instead of at the next merge.
      INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.body IS NOT NULL BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL;
        INSERT INTO messages_fts (rowid, body) SELECT new.id, new.body WHERE new.body IS NOT NULL;
      END;

      CREATE TABLE sync_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    // File names are searchable too: each message keeps its attachments' names in fileNames
    // (written with the row), and the index covers the body and those names.
    version: 2,
    sql: `
      ALTER TABLE messages ADD COLUMN fileNames TEXT;
      UPDATE messages SET fileNames = (
        SELECT group_concat(json_extract(value, '$.name'), ' ') FROM json_each(messages.attachments)
      ) WHERE json_valid(attachments) AND attachments != '[]';
      DROP TRIGGER messages_fts_insert;
      DROP TRIGGER messages_fts_delete;
      DROP TRIGGER messages_fts_update;
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5 (
        body, fileNames, content = 'messages', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
      );
      INSERT INTO messages_fts (messages_fts, rank) VALUES ('secure-delete', 1);
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
        WHEN new.body IS NOT NULL OR new.fileNames IS NOT NULL BEGIN
        INSERT INTO messages_fts (rowid, body, fileNames) VALUES (new.id, new.body, new.fileNames);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
        WHEN old.body IS NOT NULL OR old.fileNames IS NOT NULL BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body, fileNames) VALUES ('delete', old.id, old.body, old.fileNames);
      END;
      CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, fileNames ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body, fileNames)
          SELECT 'delete', old.id, old.body, old.fileNames WHERE old.body IS NOT NULL OR old.fileNames IS NOT NULL;
        INSERT INTO messages_fts (rowid, body, fileNames)
          SELECT new.id, new.body, new.fileNames WHERE new.body IS NOT NULL OR new.fileNames IS NOT NULL;
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `,
  },
  {
    // Membership notices in the timeline ("bob was removed"): local rows with no body (never
    // indexed for search), derived from the group's events; notice holds their JSON.
    version: 3,
    sql: `ALTER TABLE messages ADD COLUMN notice TEXT;`,
  },
  {
    // Lists the user relies on get tables of their own, inside the encrypted store: items
    // shared with me (one JSON value in sync_state, capped at 64 KiB, stopped growing after a
    // few hundred items) and my own items (a plaintext file beside the store, names in clear;
    // imported and deleted at sign-in by sharing/my-items.ts).
    version: 4,
    sql: `
      CREATE TABLE shared_with_me (
        itemId TEXT PRIMARY KEY,
        grantId TEXT NOT NULL,
        sharedAt INTEGER NOT NULL,
        name TEXT,
        grantor TEXT,
        expiresAt INTEGER,
        revoked INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX shared_with_me_grant ON shared_with_me (grantId);
      CREATE INDEX shared_with_me_newest ON shared_with_me (sharedAt DESC);
      INSERT OR IGNORE INTO shared_with_me (itemId, grantId, sharedAt, name, grantor, expiresAt, revoked)
        SELECT json_extract(e.value, '$.itemId'), json_extract(e.value, '$.grantId'),
               json_extract(e.value, '$.sharedAt'), json_extract(e.value, '$.name'),
               json_extract(e.value, '$.grantor'), json_extract(e.value, '$.expiresAt'),
               coalesce(json_extract(e.value, '$.revoked'), 0)
        FROM sync_state AS s, json_each(s.value) AS e
        WHERE s.key = 'shared-with-me' AND json_valid(s.value)
          AND json_type(e.value, '$.itemId') = 'text' AND json_type(e.value, '$.grantId') = 'text'
          AND json_type(e.value, '$.sharedAt') = 'integer';
      DELETE FROM sync_state WHERE key = 'shared-with-me';
      CREATE TABLE my_items (
        itemId TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        mimeType TEXT NOT NULL,
        size INTEGER NOT NULL,
        owner TEXT NOT NULL,
        createdAt INTEGER NOT NULL
      );
    `,
  },
  {
    // A message's content type is kept out of band of its text: structured content (payments,
    // requests, escrows) is JSON in contentJson, and body holds only searchable text. Before,
    // body marked structured content with a leading U+0001, so a text starting with it read back
    // as a payment card. Rows from before cannot be told apart: marked ones stay structured.
    version: 5,
    sql: `
      ALTER TABLE messages ADD COLUMN contentJson TEXT;
      UPDATE messages SET contentJson = substr(body, 2),
          body = coalesce(json_extract(substr(body, 2), '$.memo'), '')
        WHERE body IS NOT NULL AND substr(body, 1, 1) = char(1) AND json_valid(substr(body, 2));
    `,
  },
  {
    // A verification is bound to the keys the user compared: verifiedSigningKey and
    // verifiedEncryptionKey hold them, and a contact is verified only while its keys are those.
    // keyChangePending: a verified contact's keys changed and the user has not looked yet (sends
    // to them wait). Verified rows from before were verified at their current keys (a key change
    // cleared verifiedAt), so those keys are the ones compared.
    version: 6,
    sql: `
      ALTER TABLE contacts ADD COLUMN verifiedSigningKey TEXT;
      ALTER TABLE contacts ADD COLUMN verifiedEncryptionKey TEXT;
      ALTER TABLE contacts ADD COLUMN keyChangePending INTEGER NOT NULL DEFAULT 0;
      UPDATE contacts SET verifiedSigningKey = signingKey, verifiedEncryptionKey = encryptionKey
        WHERE verifiedAt IS NOT NULL;
    `,
  },
  {
    // The unsent text of each conversation (messaging/drafts.ts), inside the encrypted store like
    // every message: a draft survives a restart and never sits in clear on the disk.
    version: 7,
    sql: `
      CREATE TABLE drafts (
        conversationId TEXT PRIMARY KEY REFERENCES conversations (id) ON DELETE CASCADE,
        text           TEXT NOT NULL,
        updatedAt      INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    // Relations inside the encrypted content (content format v2): a reply or a reaction points
    // at another message of the conversation by its ledger message id. Reactions are rows the
    // timeline leaves out; threadRoot groups a reply chain. Older rows have no relation.
    version: 8,
    sql: `
      ALTER TABLE messages ADD COLUMN relType TEXT;
      ALTER TABLE messages ADD COLUMN relTo TEXT;
      ALTER TABLE messages ADD COLUMN relKey TEXT;
      ALTER TABLE messages ADD COLUMN relOn INTEGER;
      ALTER TABLE messages ADD COLUMN threadRoot TEXT;
      CREATE INDEX messages_by_relation ON messages (conversationId, relTo) WHERE relTo IS NOT NULL;
      CREATE INDEX messages_by_thread ON messages (conversationId, threadRoot) WHERE threadRoot IS NOT NULL;
      CREATE INDEX messages_by_message_id ON messages (conversationId, messageId) WHERE messageId IS NOT NULL;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/** Brings the schema up to SCHEMA_VERSION; refuses a store from a newer build. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, appliedAt INTEGER NOT NULL)');
  const current = (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
  const latest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new StoreError('UNSUPPORTED_VERSION', `the store is at schema ${current}; this build knows up to ${latest}`);
  }
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_version (version, appliedAt) VALUES (?, ?)').run(migration.version, Date.now());
    }).immediate();
  }
  return Math.max(current, latest);
}
