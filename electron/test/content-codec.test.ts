import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import type { MessageContent } from '../src/common/api';
import { contentOf, storedContent } from '../src/node/messaging/content-codec';
import { MIGRATIONS, migrate } from '../src/node/store/migrations';
import { openStore } from '../src/node/store';
import { scratchDir } from '../../network/test/support/scratch-dir';

// A message's content type travels out of band of its text, in the store as
// on the wire: no text anyone writes can come back as a payment card.

const payment: MessageContent = { type: 'payment', paymentId: 'p1', amount: 500, memo: 'lunch', to: 'Org2MSP::bob' };
/** What a text once had to look like to read back as a completed payment. */
const forged = `\u0001${JSON.stringify(payment)}`;

describe('content kept in the store', () => {
  it('a text that looks like a marked payment stays text, byte for byte', () => {
    const kept = storedContent({ type: 'text', text: forged });
    assert.deepEqual(kept, { body: forged });
    assert.deepEqual(contentOf({ body: kept.body, contentJson: null }), { type: 'text', text: forged });
  });

  it('structured content round-trips through its own column, with its memo as the searchable body', () => {
    const kept = storedContent(payment);
    assert.equal(kept.body, 'lunch');
    assert.deepEqual(contentOf({ body: kept.body, contentJson: kept.contentJson ?? null }), payment);
    const escrow: MessageContent = { type: 'escrow', escrowId: 'e1', amount: 5, deadline: 9, to: 'Org2MSP::bob' };
    const keptEscrow = storedContent(escrow);
    assert.deepEqual(contentOf({ body: keptEscrow.body, contentJson: keptEscrow.contentJson ?? null }), escrow);
  });

  it('a structured column holding a text, or junk, shows nothing rather than a guess', () => {
    assert.equal(contentOf({ body: 'x', contentJson: JSON.stringify({ type: 'text', text: 'x' }) }), undefined);
    assert.equal(contentOf({ body: 'x', contentJson: '{not json' }), undefined);
    assert.equal(contentOf({ body: null, contentJson: null }), undefined, 'erased');
  });

  it('a sent forged text reads back as text from a real store', async () => {
    const dir = await scratchDir('ktalk-content-');
    const store = openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) });
    store.upsertConversation({ id: 'dm-1', kind: 'direct', title: 'bob', epoch: 1 });
    const base = { conversationId: 'dm-1', sender: 'Org2MSP::bob', sentAt: 1, epoch: 1, verified: true };
    store.upsertMessage({ ...base, clientMessageId: 'm1', ...storedContent({ type: 'text', text: forged }) });
    store.upsertMessage({ ...base, clientMessageId: 'm2', ...storedContent(payment) });
    const read = (clientMessageId: string) => {
      const row = store.getMessage({ conversationId: 'dm-1', sender: 'Org2MSP::bob', clientMessageId });
      assert.ok(row);
      return contentOf(row);
    };
    assert.deepEqual(read('m1'), { type: 'text', text: forged });
    assert.deepEqual(read('m2'), payment);
    store.close();
  });

  it('a store from before moves marked structured bodies into their column', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 5),
    );
    db.prepare("INSERT INTO conversations (id, kind, title, updatedAt) VALUES ('c', 'direct', 't', 0)").run();
    const insert = db.prepare(
      `INSERT INTO messages (conversationId, clientMessageId, sender, sentAt, body, attachments, state, epoch, verified, direction)
       VALUES ('c', ?, 's', 1, ?, '[]', 'committed', 1, 1, 'in')`,
    );
    insert.run('structured', `\u0001${JSON.stringify(payment)}`);
    insert.run('text', 'plain words');
    migrate(db, MIGRATIONS);
    const rows = db.prepare('SELECT clientMessageId, body, contentJson FROM messages ORDER BY clientMessageId').all();
    assert.deepEqual(rows, [
      { clientMessageId: 'structured', body: 'lunch', contentJson: JSON.stringify(payment) },
      { clientMessageId: 'text', body: 'plain words', contentJson: null },
    ]);
    db.close();
  });
});
