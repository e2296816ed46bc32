import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import {
  MIGRATIONS,
  SCHEMA_VERSION,
  SNIPPET_CLOSE,
  NOTICE_SENDER,
  SNIPPET_OPEN,
  type Store,
  type StoreErrorCode,
  ftsQuery,
  isStoreError,
  isVerified,
  openStore,
  openStoreWithProtector,
  storeKeyFilePath,
} from '../src/node/store';
import { migrate } from '../src/node/store/migrations';
import { clearDraft, readDraft, writeDraft } from '../src/node/messaging/drafts';
import { KDF_INTERACTIVE, passphraseProtector } from '../src/node/wallet';

// The local store: encrypted at rest, typed errors for a wrong key or a
// foreign file, idempotent message upserts, erasure that reaches the search
// index, newest-first paging, and search input that cannot break FTS5.

const refused = (code: StoreErrorCode) => (error: unknown) => {
  assert.ok(isStoreError(error), `expected StoreError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

let dir = '';
let n = 0;
const newFile = () => path.join(dir, `store-${n++}.db`);
const newKey = () => new Uint8Array(randomBytes(32));

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ktalk-store-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const msg = (i: number, body: string, extra: Record<string, unknown> = {}) => ({
  conversationId: 'c1',
  clientMessageId: `m${i}`,
  sender: 'Org2MSP::bob',
  sentAt: 1_000 + i,
  body,
  epoch: 1,
  verified: true,
  ...extra,
});

describe('store: encryption at rest and opening', () => {
  it('a new store is created from an empty file by the migrations, at the latest schema', () => {
    const file = newFile();
    const store = openStore({ file, key: newKey() });
    assert.equal(store.schemaVersion(), SCHEMA_VERSION);
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
    assert.deepEqual(store.listConversations(), []);
    store.close();
  });

  it('an existing empty file becomes a store too', async () => {
    const file = newFile();
    await writeFile(file, '');
    const store = openStore({ file, key: newKey() });
    assert.equal(store.schemaVersion(), SCHEMA_VERSION);
    store.close();
  });

  it('migrations run forward from the stored version, once each, and keep the data', () => {
    const file = newFile();
    const key = newKey();
    const store = openStore({ file, key });
    store.upsertConversation({ id: 'c1', kind: 'direct' });
    const next = [
      ...MIGRATIONS,
      { version: SCHEMA_VERSION + 1, sql: 'ALTER TABLE conversations ADD COLUMN muted INTEGER NOT NULL DEFAULT 0' },
    ];
    assert.equal(migrate(store.db, next), SCHEMA_VERSION + 1);
    assert.equal(migrate(store.db, next), SCHEMA_VERSION + 1, 'a second run applies nothing');
    assert.equal(store.db.prepare('SELECT muted FROM conversations WHERE id = ?').pluck().get('c1'), 0);
    // A failing migration rolls back whole: version and schema stay as they were.
    const broken = [
      ...next,
      {
        version: SCHEMA_VERSION + 2,
        sql: 'ALTER TABLE conversations ADD COLUMN a INTEGER; SELECT * FROM no_such_table',
      },
    ];
    assert.throws(() => migrate(store.db, broken), /no_such_table/);
    assert.equal(store.schemaVersion(), SCHEMA_VERSION + 1);
    assert.throws(() => store.db.prepare('SELECT a FROM conversations').get(), /no such column/);
    store.close();
  });

  it('the file does not start with the SQLite header and holds no plaintext', async () => {
    const file = newFile();
    const key = newKey();
    const store = openStore({ file, key });
    store.upsertConversation({ id: 'c1', kind: 'direct', title: 'Bob' });
    store.upsertMessage(msg(1, 'the secret launch codes are tangerine'));
    store.close();
    const bytes = await readFile(file);
    assert.notEqual(bytes.subarray(0, 16).toString('latin1'), 'SQLite format 3\0');
    assert.equal(bytes.includes(Buffer.from('tangerine')), false);
    assert.equal(bytes.includes(Buffer.from('CREATE TABLE')), false);
    const again = openStore({ file, key });
    assert.equal(
      again.getMessage({ conversationId: 'c1', sender: 'Org2MSP::bob', clientMessageId: 'm1' })?.body,
      'the secret launch codes are tangerine',
    );
    again.close();
  });

  it('a draft survives closing and reopening the store, encrypted on the disk; blank text and clearing remove it', async () => {
    const file = newFile();
    const key = newKey();
    const store = openStore({ file, key });
    store.upsertConversation({ id: 'c1', kind: 'direct', title: 'Bob' });
    store.upsertConversation({ id: 'c2', kind: 'direct', title: 'Dave' });
    writeDraft(store, 'c1', 'unsent plan: mandarin');
    writeDraft(store, 'c2', 'other');
    writeDraft(store, 'c2', '   ');
    store.close();
    const bytes = await readFile(file);
    assert.equal(bytes.includes(Buffer.from('mandarin')), false);
    const again = openStore({ file, key });
    assert.equal(readDraft(again, 'c1'), 'unsent plan: mandarin');
    assert.equal(readDraft(again, 'c2'), undefined);
    assert.equal(clearDraft(again, 'c1'), true);
    assert.equal(clearDraft(again, 'c1'), false);
    assert.equal(readDraft(again, 'c1'), undefined);
    again.close();
  });

  it('a wrong key gives WRONG_KEY and leaves the file unchanged', async () => {
    const file = newFile();
    const store = openStore({ file, key: newKey() });
    store.upsertConversation({ id: 'c1', kind: 'group' });
    store.close();
    const before = await readFile(file);
    assert.throws(() => openStore({ file, key: newKey() }), refused('WRONG_KEY'));
    assert.deepEqual(await readFile(file), before);
  });

  it('a plain SQLite database or a random file is CORRUPT, not a crash', async () => {
    const plain = newFile();
    const db = new Database(plain);
    db.exec('CREATE TABLE t (x)');
    db.close();
    assert.throws(() => openStore({ file: plain, key: newKey() }), refused('CORRUPT'));
    const junk = newFile();
    await writeFile(junk, randomBytes(3000));
    assert.throws(() => openStore({ file: junk, key: newKey() }), refused('CORRUPT'));
  });

  it("another application's SQLCipher database opened with its key is CORRUPT", () => {
    const file = newFile();
    const key = newKey();
    const db = new Database(file);
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
    db.exec('CREATE TABLE notes (x)');
    db.close();
    assert.throws(() => openStore({ file, key }), refused('CORRUPT'));
  });

  it('a store written by a newer build is UNSUPPORTED_VERSION', () => {
    const file = newFile();
    const key = newKey();
    openStore({ file, key }).close();
    const db = new Database(file);
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
    db.prepare('INSERT INTO schema_version (version, appliedAt) VALUES (?, 0)').run(SCHEMA_VERSION + 1);
    db.close();
    assert.throws(() => openStore({ file, key }), refused('UNSUPPORTED_VERSION'));
  });

  it('a key of the wrong size or a directory is BAD_INPUT and creates no file', async () => {
    const file = newFile();
    assert.throws(() => openStore({ file, key: new Uint8Array(16) }), refused('BAD_INPUT'));
    await assert.rejects(stat(file), /ENOENT/);
    assert.throws(() => openStore({ file: dir, key: newKey() }), refused('BAD_INPUT'));
  });

  it('the key file: created with the store, reopened by the same passphrase, WRONG_KEY for another', async () => {
    const file = newFile();
    const store = await openStoreWithProtector({ file, protector: passphraseProtector('right one', KDF_INTERACTIVE) });
    store.upsertConversation({ id: 'c1', kind: 'direct' });
    store.close();
    const keyFile = JSON.parse(await readFile(storeKeyFilePath(file), 'utf8')) as { format: string; key: unknown };
    assert.equal(keyFile.format, 'ktalk-store-key');
    assert.equal((await stat(storeKeyFilePath(file))).mode & 0o777, 0o600);
    const again = await openStoreWithProtector({ file, protector: passphraseProtector('right one', KDF_INTERACTIVE) });
    assert.equal(again.getConversation('c1')?.kind, 'direct');
    again.close();
    await assert.rejects(
      openStoreWithProtector({ file, protector: passphraseProtector('wrong one', KDF_INTERACTIVE) }),
      refused('WRONG_KEY'),
    );
  });

  it('a store whose key file is gone is KEY_MISSING; a damaged key file is CORRUPT', async () => {
    const file = newFile();
    const protector = passphraseProtector('pw', KDF_INTERACTIVE);
    (await openStoreWithProtector({ file, protector })).close();
    const keyFile = storeKeyFilePath(file);
    const saved = await readFile(keyFile);
    await rm(keyFile);
    await assert.rejects(openStoreWithProtector({ file, protector }), refused('KEY_MISSING'));
    await writeFile(keyFile, '{"format":"ktalk-store-key","version":1}');
    await assert.rejects(openStoreWithProtector({ file, protector }), refused('CORRUPT'));
    await writeFile(keyFile, saved);
    (await openStoreWithProtector({ file, protector })).close();
  });
});

describe('store: messages, paging and search', () => {
  let store: Store;
  beforeEach(() => {
    store = openStore({ file: newFile(), key: newKey() });
    store.upsertConversation({ id: 'c1', kind: 'direct', title: 'Bob' });
  });

  it('a message delivered twice is stored once, and the copy fills in ledger facts only', () => {
    assert.deepEqual(store.upsertMessage(msg(1, 'hello')), { inserted: true });
    assert.deepEqual(store.upsertMessage(msg(1, 'changed body', { txId: 'tx1', blockNumber: 7 })), { inserted: false });
    const stored = store.getMessage({ conversationId: 'c1', sender: 'Org2MSP::bob', clientMessageId: 'm1' });
    assert.equal(stored?.body, 'hello');
    assert.equal(stored?.txId, 'tx1');
    assert.equal(stored?.blockNumber, 7);
    assert.equal(store.pageMessages({ conversationId: 'c1' }).messages.length, 1);
    assert.equal(store.getConversation('c1')?.unread, 1, 'the duplicate did not count as unread');
    assert.equal(store.search({ text: 'hello' }).length, 1);
  });

  it('the same clientMessageId from two senders is two messages', () => {
    store.upsertMessage(msg(1, 'one'));
    store.upsertMessage(msg(1, 'two', { sender: 'Org1MSP::alice' }));
    assert.equal(store.pageMessages({ conversationId: 'c1' }).messages.length, 2);
  });

  it('bad input is BAD_INPUT and writes nothing', () => {
    const bad: unknown[] = [
      { ...msg(1, 'x'), sentAt: -1 },
      { ...msg(1, 'x'), epoch: 0 },
      { ...msg(1, 'x'), clientMessageId: '' },
      { ...msg(1, 'x'), extra: true },
      { ...msg(1, 'x'), body: 'x'.repeat(70_000) },
      { ...msg(1, 'x'), attachments: [{ itemId: 'a' }] },
      null,
    ];
    for (const input of bad) {
      assert.throws(
        () => store.upsertMessage(input as never),
        refused('BAD_INPUT'),
        JSON.stringify(input)?.slice(0, 80),
      );
    }
    assert.throws(() => store.upsertMessage(msg(1, 'x', { conversationId: 'nope' })), refused('NOT_FOUND'));
    assert.equal(store.pageMessages({ conversationId: 'c1' }).messages.length, 0);
    assert.equal(store.getConversation('c1')?.unread, 0);
    assert.throws(() => store.pageMessages({ conversationId: 'c1', before: "1' OR 1=1" }), refused('BAD_INPUT'));
  });

  it('pages come newest first, and the cursor walks every message exactly once', () => {
    // Two messages share each timestamp: the row id breaks the tie.
    for (let i = 0; i < 120; i++) store.upsertMessage(msg(i, `message ${i}`, { sentAt: 1_000 + Math.floor(i / 2) }));
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    for (;;) {
      const page = store.pageMessages({ conversationId: 'c1', limit: 50, ...(before ? { before } : {}) });
      seen.push(...page.messages.map((m) => m.clientMessageId));
      pages++;
      if (!page.nextCursor) break;
      before = page.nextCursor;
    }
    assert.equal(pages, 3);
    assert.deepEqual(
      seen,
      Array.from({ length: 120 }, (_, i) => `m${119 - i}`),
    );
  });

  it('conversations are listed by latest message with unread counts; markRead clears them', () => {
    store.upsertConversation({ id: 'c2', kind: 'group', title: 'Team' });
    store.upsertConversation({ id: 'c3', kind: 'group', title: 'Quiet' });
    store.upsertMessage(msg(1, 'old', { sentAt: 10 }));
    store.upsertMessage(msg(2, 'new', { conversationId: 'c2', sentAt: 20 }));
    store.upsertMessage(msg(3, 'newer', { conversationId: 'c2', sentAt: 30 }));
    store.upsertMessage(msg(4, 'mine', { sentAt: 5, direction: 'out', sender: 'Org1MSP::alice' }));
    const list = store.listConversations();
    assert.deepEqual(
      list.map((c) => [c.id, c.unread, c.lastMessageAt]),
      [
        ['c2', 2, 30],
        ['c1', 1, 10],
        ['c3', 0, null],
      ],
    );
    store.markRead('c2');
    assert.equal(store.getConversation('c2')?.unread, 0);
    assert.throws(() => store.markRead('nope'), refused('NOT_FOUND'));
  });

  it('search finds words and prefixes, with the match marked in the snippet', () => {
    store.upsertMessage(msg(1, 'Quarterly report is ready'));
    store.upsertMessage(msg(2, 'lunch at noon?'));
    store.upsertMessage(msg(3, 'The report, revised', { sentAt: 2_000 }));
    const hits = store.search({ text: 'report' });
    assert.deepEqual(
      hits.map((h) => h.clientMessageId),
      ['m3', 'm1'],
    );
    assert.ok(hits[0]?.snippet.includes(`${SNIPPET_OPEN}report${SNIPPET_CLOSE}`), hits[0]?.snippet);
    assert.equal(hits[0]?.conversationId, 'c1');
    assert.equal(hits[0]?.sentAt, 2_000);
    assert.deepEqual(
      store.search({ text: 'quart' }).map((h) => h.clientMessageId),
      ['m1'],
    );
    assert.deepEqual(store.search({ text: 'report lunch' }), []);
  });

  it("a file's name finds its message, even with no text; erased, it is gone from search", () => {
    const file = (name: string) => ({ itemId: `item-${name}`, contentHash: 'h'.repeat(64), name, size: 10 });
    store.upsertMessage(msg(1, '', { attachments: [file('quarterly-budget.xlsx')] }));
    store.upsertMessage(msg(2, 'see attached', { attachments: [file('agenda.txt'), file('minutes.pdf')] }));
    store.upsertMessage(msg(3, 'nothing attached'));
    assert.deepEqual(
      store.search({ text: 'budget' }).map((h) => h.clientMessageId),
      ['m1'],
    );
    const hit = store.search({ text: 'minutes' })[0];
    assert.equal(hit?.clientMessageId, 'm2');
    assert.ok(hit?.snippet.includes(`${SNIPPET_OPEN}minutes${SNIPPET_CLOSE}`), hit?.snippet);
    assert.equal(store.search({ text: 'agenda' }).length, 1);
    assert.ok(store.markErased({ conversationId: 'c1', sender: 'Org2MSP::bob', clientMessageId: 'm1' }));
    assert.deepEqual(store.search({ text: 'budget' }), []);
  });

  it('a membership notice is written once, is not unread, not the latest activity, and never a search hit', () => {
    store.upsertMessage(msg(1, 'before the change'));
    store.markRead('c1');
    const before = store.getConversation('c1');
    const notice = { conversationId: 'c1', clientMessageId: 'n1', sentAt: 5_000, notice: '{"change":"removed"}' };
    assert.deepEqual(store.addNotice(notice), { inserted: true });
    assert.deepEqual(store.addNotice(notice), { inserted: false }, 'a replayed event adds nothing');
    const after = store.getConversation('c1');
    assert.equal(after?.unread, 0);
    assert.equal(after?.lastMessageAt, before?.lastMessageAt);
    const [newest] = store.pageMessages({ conversationId: 'c1' }).messages;
    assert.equal(newest?.notice, '{"change":"removed"}');
    assert.equal(newest?.body, null);
    assert.equal(newest?.sender, NOTICE_SENDER);
    assert.deepEqual(store.search({ text: 'removed' }), []);
    assert.throws(() => store.addNotice({ ...notice, conversationId: 'nope' }), refused('NOT_FOUND'));
  });

  it('search can be limited to one conversation', () => {
    store.upsertConversation({ id: 'c2', kind: 'group' });
    store.upsertMessage(msg(1, 'budget draft'));
    store.upsertMessage(msg(2, 'budget final', { conversationId: 'c2' }));
    assert.deepEqual(
      store.search({ text: 'budget', conversationId: 'c2' }).map((h) => [h.conversationId, h.clientMessageId]),
      [['c2', 'm2']],
    );
    assert.equal(store.search({ text: 'budget' }).length, 2);
    assert.equal(store.search({ text: 'budget', limit: 1 }).length, 1);
  });

  it('the first page and a search are index walks, not scans or sorts of the whole conversation', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
        .map((r) => r.detail)
        .join(' | ');
    const page = plan(
      'SELECT * FROM messages WHERE conversationId = ? AND (sentAt, id) < (?, ?) ORDER BY sentAt DESC, id DESC LIMIT 51',
      'c1',
      1,
      1,
    );
    assert.match(page, /USING INDEX messages_by_time/);
    assert.doesNotMatch(page, /TEMP B-TREE/);
    const search = plan(
      `SELECT m.id FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid
       WHERE messages_fts MATCH '"x" *' ORDER BY messages_fts.rowid DESC LIMIT 50`,
    );
    assert.match(search, /VIRTUAL TABLE INDEX/);
    assert.doesNotMatch(search, /TEMP B-TREE/);
  });

  it('search text with FTS5 syntax is plain text: no error, no injection', () => {
    store.upsertMessage(msg(1, 'say "hi" NEAR the door * star OR not'));
    store.upsertMessage(msg(2, 'other words entirely'));
    const weird = [
      '"',
      '""',
      '*',
      '"*',
      'NEAR(',
      'NEAR(say door',
      ')',
      'a OR',
      'OR',
      'AND',
      'NOT',
      'body:say',
      '-',
      '^say',
      '',
      '   ',
      '\u0000',
      "'; DROP TABLE messages; --",
      '{say}',
      'say + door',
      'x'.repeat(4000),
    ];
    for (const text of weird) {
      assert.doesNotThrow(() => store.search({ text }), text);
    }
    assert.deepEqual(store.search({ text: '' }), []);
    assert.deepEqual(store.search({ text: '"' }), []);
    assert.deepEqual(store.search({ text: '*' }), []);
    // Operators are words: "OR" finds the message that contains "OR", not everything.
    assert.deepEqual(
      store.search({ text: 'OR' }).map((h) => h.clientMessageId),
      ['m1'],
    );
    assert.deepEqual(
      store.search({ text: 'NEAR(the' }).map((h) => h.clientMessageId),
      ['m1'],
    );
    assert.deepEqual(
      store.search({ text: '"hi"' }).map((h) => h.clientMessageId),
      ['m1'],
    );
    assert.equal(store.pageMessages({ conversationId: 'c1' }).messages.length, 2, 'nothing was dropped');
    assert.equal(ftsQuery('a "b" NEAR('), '"a" """b""" "NEAR(" *');
    assert.equal(ftsQuery(' * " ( '), null);
  });

  it('an erased message is gone from search and its body is gone from the store', () => {
    store.upsertMessage(msg(1, 'the password is swordfish'));
    store.upsertMessage(msg(2, 'swordfish for dinner'));
    assert.equal(store.search({ text: 'swordfish' }).length, 2);
    const key = { conversationId: 'c1', sender: 'Org2MSP::bob', clientMessageId: 'm1' };
    assert.equal(store.markErased(key), true);
    assert.equal(store.markErased(key), false, 'erasing twice changes nothing');
    assert.deepEqual(
      store.search({ text: 'swordfish' }).map((h) => h.clientMessageId),
      ['m2'],
    );
    assert.deepEqual(store.search({ text: 'password' }), []);
    const erased = store.getMessage(key);
    assert.equal(erased?.state, 'erased');
    assert.equal(erased?.body, null);
    // The FTS index has no row for it (checked with the index's own integrity check too).
    assert.equal(
      store.db.prepare("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH 'password'").pluck().get(),
      0,
    );
    store.db.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
    // A late duplicate from the ledger does not bring the body back.
    assert.deepEqual(store.upsertMessage(msg(1, 'the password is swordfish')), { inserted: false });
    assert.equal(store.getMessage(key)?.body, null);
    assert.deepEqual(store.search({ text: 'password' }), []);
  });

  it('contacts: a key change is stamped and clears verification', () => {
    const contact = {
      userId: 'Org2MSP::bob',
      mspId: 'Org2MSP',
      displayName: 'Bob',
      encryptionKey: randomBytes(32).toString('base64'),
      signingKey: randomBytes(32).toString('base64'),
      keyValidFrom: 1,
    };
    assert.equal(store.upsertContact(contact).keyChanged, false);
    store.markVerified('Org2MSP::bob', contact);
    assert.ok(store.getContact('Org2MSP::bob')?.verifiedAt);
    assert.equal(store.upsertContact({ ...contact, displayName: 'Bobby' }).keyChanged, false);
    assert.ok(store.getContact('Org2MSP::bob')?.verifiedAt, 'a new name keeps verification');
    const changed = store.upsertContact({
      ...contact,
      signingKey: randomBytes(32).toString('base64'),
      keyValidFrom: 5,
    });
    assert.equal(changed.keyChanged, true);
    assert.equal(changed.contact.verifiedAt, null);
    assert.ok(changed.contact.keyChangedAt);
    // It had been verified: the change waits for the user to look at it.
    assert.equal(changed.contact.keyChangePending, true);
    assert.equal(isVerified(changed.contact), false);
    assert.throws(() => store.upsertContact({ ...contact, signingKey: 'not base64!' }), refused('BAD_INPUT'));
  });

  it("contacts: a verification is bound to the keys compared, and a verified contact's change waits until acknowledged", () => {
    const keys = () => ({
      encryptionKey: randomBytes(32).toString('base64'),
      signingKey: randomBytes(32).toString('base64'),
    });
    const first = keys();
    const contact = { userId: 'Org2MSP::dave', mspId: 'Org2MSP', displayName: 'Dave', keyValidFrom: 1, ...first };
    store.upsertContact(contact);
    // Never verified: a change is flagged but nothing waits.
    const second = keys();
    assert.equal(store.upsertContact({ ...contact, ...second }).contact.keyChangePending, false);
    // Verifying the keys shown before (first) is refused now that second is current: nothing marked.
    assert.throws(() => store.markVerified('Org2MSP::dave', first), refused('KEY_CHANGED'));
    assert.equal(store.getContact('Org2MSP::dave')?.verifiedAt, null);
    store.markVerified('Org2MSP::dave', second);
    const verified = store.getContact('Org2MSP::dave');
    assert.ok(verified && isVerified(verified));
    assert.equal(verified?.verifiedSigningKey, second.signingKey);
    // Keys change: no longer verified, and waiting for the user; acknowledging ends the wait, not the flag.
    const third = store.upsertContact({ ...contact, ...keys() }).contact;
    assert.equal(isVerified(third), false);
    assert.equal(third.keyChangePending, true);
    store.acknowledgeKeyChange('Org2MSP::dave');
    assert.equal(store.getContact('Org2MSP::dave')?.keyChangePending, false);
    assert.throws(() => store.markVerified('Org2MSP::nobody', first), refused('NOT_FOUND'));
    assert.throws(() => store.acknowledgeKeyChange('Org2MSP::nobody'), refused('NOT_FOUND'));
  });

  it('schema 6 binds a verification made before it to the keys the contact had then', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 6),
    );
    const insert = db.prepare(
      `INSERT INTO contacts (userId, mspId, encryptionKey, signingKey, keyValidFrom, verifiedAt)
       VALUES (?, 'Org2MSP', ?, ?, 1, ?)`,
    );
    insert.run('Org2MSP::bob', 'ZW5j', 'c2ln', 5);
    insert.run('Org2MSP::dave', 'ZW5k', 'c2lo', null);
    migrate(db, MIGRATIONS);
    const rows = db
      .prepare(
        'SELECT userId, verifiedSigningKey, verifiedEncryptionKey, keyChangePending FROM contacts ORDER BY userId',
      )
      .all();
    assert.deepEqual(rows, [
      { userId: 'Org2MSP::bob', verifiedSigningKey: 'c2ln', verifiedEncryptionKey: 'ZW5j', keyChangePending: 0 },
      { userId: 'Org2MSP::dave', verifiedSigningKey: null, verifiedEncryptionKey: null, keyChangePending: 0 },
    ]);
    db.close();
  });

  it('sync state is a key/value table', () => {
    assert.equal(store.getSyncState('events.checkpoint'), null);
    store.setSyncState('events.checkpoint', '{"block":3}');
    store.setSyncState('events.checkpoint', '{"block":4}');
    assert.equal(store.getSyncState('events.checkpoint'), '{"block":4}');
    assert.throws(() => store.setSyncState('', 'x'), refused('BAD_INPUT'));
  });
});
