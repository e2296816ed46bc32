import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ApiEvent } from '../src/common/api';
import {
  keepOrReport,
  listSharedWithMe,
  rememberName,
  rememberRevoked,
  rememberShared,
} from '../src/node/messaging/shared-with-me';
import { MIGRATIONS, migrate } from '../src/node/store/migrations';
import { type Store, openStore } from '../src/node/store';
import { scratchDir } from '../../network/test/support/scratch-dir';

// "Shared with you" lives in the encrypted store, a row per item: it keeps
// growing for as long as items are shared (it was one JSON value capped at
// 64 KiB, which silently stopped taking new items after a few hundred).

async function newStore(): Promise<Store> {
  const dir = await scratchDir('ktalk-shared-');
  return openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) });
}

const grant = (n: number, over: Record<string, unknown> = {}) => ({
  itemId: `item-${n.toString().padStart(6, '0')}-0123456789abcdef0123456789abcdef`,
  grantId: `grant-${n.toString().padStart(6, '0')}-0123456789abcdef0123456789abcdef`,
  sharedAt: 1_000 + n,
  grantor: 'Org1MSP::alice',
  expiresAt: 9_000_000,
  ...over,
});

describe('shared with me', () => {
  it('keeps every item, newest first, far past what the old 64 KiB value held', async () => {
    const store = await newStore();
    const count = 2_000;
    for (let n = 0; n < count; n++) assert.equal(rememberShared(store, grant(n)), true);
    const listed = listSharedWithMe(store);
    assert.equal(listed.length, count);
    assert.ok(JSON.stringify(listed).length > 64 * 1024, 'more than the old cap could hold');
    assert.equal(listed[0]?.itemId, grant(count - 1).itemId);
    assert.equal(listed.at(-1)?.itemId, grant(0).itemId);
    store.close();
  });

  it('one entry per item: a replayed grant is known, a newer grant replaces the old and keeps the name', async () => {
    const store = await newStore();
    assert.equal(rememberShared(store, grant(1)), true);
    assert.equal(rememberShared(store, grant(1)), false, 'the same grant again (a replayed event)');
    rememberName(store, grant(1).itemId, 'plan.pdf');
    rememberName(store, 'not-shared-with-me', 'ignored.txt');
    const newer = grant(1, { grantId: 'grant-newer', sharedAt: 5_000, expiresAt: 9_500_000 });
    assert.equal(rememberShared(store, newer), true);
    assert.deepEqual(listSharedWithMe(store), [{ ...newer, name: 'plan.pdf' }]);
    store.close();
  });

  it('a revoked grant stays listed and marked; an unknown or repeated revocation changes nothing', async () => {
    const store = await newStore();
    rememberShared(store, grant(1));
    rememberShared(store, grant(2));
    assert.deepEqual(rememberRevoked(store, grant(1).grantId), { ...grant(1), revoked: true });
    assert.equal(rememberRevoked(store, grant(1).grantId), undefined);
    assert.equal(rememberRevoked(store, 'grant-unknown'), undefined);
    assert.deepEqual(
      listSharedWithMe(store).map((i) => [i.itemId, i.revoked ?? false]),
      [
        [grant(2).itemId, false],
        [grant(1).itemId, true],
      ],
    );
    store.close();
  });

  it('a failure to store is reported to the user, not dropped', async () => {
    const store = await newStore();
    store.close();
    const events: ApiEvent[] = [];
    const kept = keepOrReport(
      (e) => events.push(e),
      'an item shared with you',
      () => rememberShared(store, grant(1)),
    );
    assert.equal(kept, undefined);
    assert.equal(events.length, 1);
    assert.equal(events[0]?.type, 'storeFailed');
    assert.match(
      events[0]?.type === 'storeFailed' ? events[0].message : '',
      /^an item shared with you could not be saved on this device: .+/,
    );
  });

  it('a store from before moves its list out of the capped value into the table', () => {
    const db = new Database(':memory:');
    migrate(
      db,
      MIGRATIONS.filter((m) => m.version < 4),
    );
    const old = [
      { itemId: 'a', grantId: 'ga', sharedAt: 2, name: 'a.txt', grantor: 'Org1MSP::alice', revoked: true },
      { itemId: 'b', grantId: 'gb', sharedAt: 1 },
      { itemId: 7 },
    ];
    db.prepare('INSERT INTO sync_state (key, value) VALUES (?, ?)').run('shared-with-me', JSON.stringify(old));
    migrate(db, MIGRATIONS);
    assert.deepEqual(db.prepare('SELECT * FROM shared_with_me ORDER BY itemId').all(), [
      {
        itemId: 'a',
        grantId: 'ga',
        sharedAt: 2,
        name: 'a.txt',
        grantor: 'Org1MSP::alice',
        expiresAt: null,
        revoked: 1,
      },
      { itemId: 'b', grantId: 'gb', sharedAt: 1, name: null, grantor: null, expiresAt: null, revoked: 0 },
    ]);
    assert.equal(db.prepare("SELECT count(*) FROM sync_state WHERE key = 'shared-with-me'").pluck().get(), 0);
    db.close();
  });
});
