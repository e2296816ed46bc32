import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { MAX_FILE_BYTES } from '../src/common/limits';
import { wrapKey } from '../src/node/crypto/key-wrap';
import { isLedgerError } from '../src/node/ledger';
import * as sharing from '../src/node/sharing';
import { openFile, sealFile, unframeFile, frameFile, MAX_PAYLOAD_BYTES } from '../src/node/sharing/item-crypto';
import { unwrapForGroup, unwrapForUser, wrapForGroup, wrapForUser } from '../src/node/sharing/item-keys';
import { LEGACY_ITEMS_FILE, type MyItems, importLegacyItemsFile, myItemsIn } from '../src/node/sharing/my-items';
import { openStore } from '../src/node/store';
import {
  accessPageSchema,
  grantRecordSchema,
  nextCursor,
  servedItemSchema,
  toAccessRecord,
  toGrantInfo,
} from '../src/node/sharing/records';
import { checkExpiry } from '../src/node/sharing/service';
import {
  type FakeSession,
  directoryUser,
  fakeSession,
  groupView,
  messagingKeyPair,
  refusal,
} from './sharing-fake-session';

// Unit tests of the sharing service: the item format and key wrapping, the
// mapping of chaincode records, and the service functions on a scripted
// ledger (what is sent, what a refusal or a bad answer becomes, and that
// bad input sends nothing).

/** Each session's item list, in a real (encrypted) store in its data dir, as the app keeps it. */
const itemLists = new WeakMap<FakeSession, MyItems>();
function itemsOf(s: FakeSession): MyItems {
  let items = itemLists.get(s);
  if (!items) {
    items = myItemsIn(openStore({ file: path.join(s.dataDir, 'ktalk.db'), key: randomBytes(32) }));
    itemLists.set(s, items);
  }
  return items;
}

const ALICE = 'Org1MSP::alice';
const BOB = 'Org2MSP::bob';
const HOUR = 3600_000;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

async function rejectsCode(action: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

describe('item format', () => {
  it('round-trips name and bytes; contentHash is the SHA-256 of the file bytes', async () => {
    const bytes = randomBytes(200_000);
    const sealed = await sealFile({ name: 'Bericht 報告.pdf', bytes });
    assert.equal(sealed.contentHash, sha(bytes));
    assert.equal(sealed.size, bytes.length);
    assert.equal(sealed.key.length, 32);
    const opened = await openFile(sealed.payload, sealed.key, sealed.contentHash);
    assert.equal(opened.name, 'Bericht 報告.pdf');
    assert.ok(Buffer.from(opened.bytes).equals(bytes));
  });

  it('an empty file works too', async () => {
    const sealed = await sealFile({ name: 'empty', bytes: new Uint8Array(0) });
    assert.equal((await openFile(sealed.payload, sealed.key, sealed.contentHash)).bytes.length, 0);
  });

  it('a wrong key or changed ciphertext is DECRYPT_FAILED; a different registered hash is VERIFY_FAILED', async () => {
    const sealed = await sealFile({ name: 'a', bytes: randomBytes(1000) });
    await rejectsCode(openFile(sealed.payload, randomBytes(32), sealed.contentHash), 'DECRYPT_FAILED');
    const changed = Uint8Array.from(sealed.payload);
    changed[changed.length - 5] = (changed[changed.length - 5] as number) ^ 1;
    await rejectsCode(openFile(changed, sealed.key, sealed.contentHash), 'DECRYPT_FAILED');
    await rejectsCode(openFile(sealed.payload.subarray(0, 40), sealed.key, sealed.contentHash), 'DECRYPT_FAILED');
    await rejectsCode(openFile(sealed.payload, sealed.key, sha(Buffer.from('other'))), 'VERIFY_FAILED');
  });

  it('refuses a payload the ledger would refuse (TOO_LARGE) and bad frames', async () => {
    await rejectsCode(sealFile({ name: 'big', bytes: new Uint8Array(MAX_PAYLOAD_BYTES) }), 'TOO_LARGE');
    assert.throws(() => frameFile({ name: '', bytes: new Uint8Array(1) }), { code: 'BAD_INPUT' });
    assert.throws(() => unframeFile(Buffer.from('XXXX\0\x01a')), { code: 'VERIFY_FAILED' });
    assert.throws(() => unframeFile(Buffer.from('KTI1\0\x09ab')), { code: 'VERIFY_FAILED' });
    assert.deepEqual(unframeFile(frameFile({ name: 'n', bytes: Buffer.from('xy') })).name, 'n');
  });
});

describe('item key wrapping', () => {
  it('seals to a user key; opens with the right secret key among several, not with others', async () => {
    const itemKey = randomBytes(32);
    const bob = await messagingKeyPair();
    const other = await messagingKeyPair();
    const wrapped = await wrapForUser(itemKey, bob.encryptionPublicKey);
    assert.equal(Buffer.from(wrapped, 'base64').length, 80);
    const secret = (k: typeof bob) => new Uint8Array(Buffer.from(k.encryptionSecretKey, 'base64'));
    assert.ok(Buffer.from(await unwrapForUser(wrapped, [secret(other), secret(bob)])).equals(itemKey));
    await rejectsCode(unwrapForUser(wrapped, [secret(other)]), 'DECRYPT_FAILED');
    await rejectsCode(unwrapForUser('bm90IGEga2V5', [secret(bob)]), 'DECRYPT_FAILED');
  });

  it('seals to a group epoch key: holders of that epoch key open it, holders of another epoch key do not', async () => {
    const itemKey = randomBytes(32);
    const epoch1 = randomBytes(32);
    const wrapped = await wrapForGroup(itemKey, epoch1);
    assert.equal(Buffer.from(wrapped, 'base64').length, 80);
    assert.ok(Buffer.from(await unwrapForGroup(wrapped, epoch1)).equals(itemKey));
    await rejectsCode(unwrapForGroup(wrapped, randomBytes(32)), 'DECRYPT_FAILED');
  });
});

describe('chaincode records', () => {
  const grant = {
    grantId: 'g1',
    itemId: 'i1',
    grantor: ALICE,
    grantee: { kind: 'group', conversationId: 'team' },
    canReshare: true,
    expiresAt: 5000,
    createdAt: 1000,
    epoch: 2,
  };

  it('maps grants (group grantee → groupId) and accesses (granted → ok)', () => {
    assert.deepEqual(toGrantInfo(grantRecordSchema.parse(grant), 'expired'), {
      grantId: 'g1',
      grantee: { kind: 'group', groupId: 'team' },
      grantor: ALICE,
      expiresAt: 5000,
      canReshare: true,
      state: 'expired',
    });
    const page = accessPageSchema.parse({
      accesses: [
        { itemId: 'i1', accessor: BOB, time: 7, txId: 't1', outcome: 'granted', grantId: 'g1' },
        { itemId: 'i1', accessor: BOB, time: 8, txId: 't2', outcome: 'denied', code: 'FORBIDDEN' },
      ],
      bookmark: '',
    });
    assert.deepEqual(page.accesses.map(toAccessRecord), [
      { time: 7, accessor: BOB, outcome: 'ok', txId: 't1' },
      { time: 8, accessor: BOB, outcome: 'denied', code: 'FORBIDDEN', txId: 't2' },
    ]);
  });

  it('refuses answers that do not fit (wrong grantee kind, unknown denial code, hash not hex)', () => {
    assert.equal(grantRecordSchema.safeParse({ ...grant, grantee: { kind: 'org', id: 'x' } }).success, false);
    const denied = { itemId: 'i', accessor: BOB, time: 1, txId: 't', outcome: 'denied', code: 'MAYBE' };
    assert.equal(accessPageSchema.safeParse({ accesses: [denied] }).success, false);
    const served = {
      itemId: 'i',
      contentHash: 'XYZ',
      ciphertextHash: 'c',
      mimeType: 'a/b',
      size: 1,
      grantId: 'g',
      granteeKind: 'user',
      wrappedKey: 'k',
      payload: '',
    };
    assert.equal(servedItemSchema.safeParse(served).success, false);
  });

  it('a cursor only while pages come back full and the bookmark is not empty', () => {
    assert.equal(nextCursor('k', 100, 100), 'k');
    assert.equal(nextCursor('k', 99, 100), undefined);
    assert.equal(nextCursor('', 100, 100), undefined);
    assert.equal(nextCursor(undefined, 100, 100), undefined);
  });

  it('an expiry within the ledger’s clock skew is BAD_INPUT', () => {
    assert.throws(() => checkExpiry(1_060_000, 1_000_000), { code: 'BAD_INPUT' });
    assert.doesNotThrow(() => checkExpiry(1_060_001, 1_000_000));
  });
});

describe('owner item list', () => {
  const item = (itemId: string, createdAt: number) => ({
    itemId,
    name: `${itemId}-quarterly-figures.txt`,
    mimeType: 'text/plain',
    size: 1,
    owner: ALICE,
    createdAt,
  });

  it('keeps items newest first and replaces by id, in the encrypted store: no name in clear on disk', async () => {
    const s = await fakeSession(ALICE);
    const items = itemsOf(s);
    assert.deepEqual(items.list(), []);
    for (const n of [1, 2, 3, 4, 5]) items.remember(item(`i${n}`, n));
    assert.deepEqual(
      items.list().map((i) => i.itemId),
      ['i5', 'i4', 'i3', 'i2', 'i1'],
    );
    items.remember({ ...item('i1', 1), name: 'renamed' });
    assert.equal(items.list().find((i) => i.itemId === 'i1')?.name, 'renamed');
    assert.throws(() => items.remember({ ...item('i9', 9), name: '' }));
    assert.equal(items.list().length, 5, 'a refused item changes nothing');
    const onDisk = await readFile(path.join(s.dataDir, 'ktalk.db'));
    assert.equal(onDisk.includes(Buffer.from('quarterly-figures')), false);
  });

  it("an older version's plaintext list moves into the store and its file is deleted; a damaged one is deleted", async () => {
    const s = await fakeSession(ALICE);
    const legacy = path.join(s.dataDir, LEGACY_ITEMS_FILE);
    await writeFile(legacy, JSON.stringify({ version: 1, items: [item('old1', 1), item('old2', 2)] }));
    assert.equal(await importLegacyItemsFile(s.dataDir, itemsOf(s)), 2);
    assert.deepEqual(
      itemsOf(s)
        .list()
        .map((i) => i.itemId),
      ['old2', 'old1'],
    );
    await assert.rejects(readFile(legacy), { code: 'ENOENT' });
    assert.equal(await importLegacyItemsFile(s.dataDir, itemsOf(s)), 0, 'nothing left to move');
    await writeFile(legacy, '{"version":1,"items":[{"itemId":1}]}');
    assert.equal(await importLegacyItemsFile(s.dataDir, itemsOf(s)), 0);
    await assert.rejects(readFile(legacy), { code: 'ENOENT' });
    assert.equal(itemsOf(s).list().length, 2);
  });
});

/** A scripted sharing ledger for one item: registers, grants, serves tickets and the item. */
function scriptItemLedger(s: FakeSession, options: { grantEpoch?: number[] } = {}) {
  const stored: { payload?: Uint8Array; item?: Record<string, unknown>; ownerKey?: string } = {};
  const grants: Array<Record<string, unknown>> = [];
  const epochs = [...(options.grantEpoch ?? [])];
  s.handlers.set('sharing.RegisterItem', (request, transient) => {
    const req = request as {
      itemId: string;
      contentHash: string;
      size: number;
      mimeType: string;
    };
    stored.payload = transient?.payload;
    stored.ownerKey = transient?.ownerWrappedKey ? b64(transient.ownerWrappedKey) : undefined;
    stored.item = {
      itemId: req.itemId,
      owner: s.userId,
      contentHash: req.contentHash,
      ciphertextHash: sha(transient?.payload ?? new Uint8Array()),
      size: req.size,
      ciphertextSize: transient?.payload?.length ?? 0,
      mimeType: req.mimeType,
      createdAt: 1234,
      txId: 'tx-reg',
    };
    return stored.item;
  });
  s.handlers.set('sharing.GrantAccess', (request, transient) => {
    const req = request as Record<string, unknown> & { grantee: { kind: string } };
    assert.ok(!('wrappedKey' in req), 'the wrapped key never travels in the request');
    const epoch = req.grantee.kind === 'group' ? (epochs.shift() ?? 1) : undefined;
    const grant = {
      grantId: `g${grants.length + 1}`,
      itemId: req.itemId,
      grantor: s.userId,
      grantee: req.grantee,
      canReshare: req.canReshare,
      expiresAt: req.expiresAt,
      createdAt: 1300,
      ...(epoch !== undefined ? { epoch } : {}),
      wrappedKey: transient?.wrappedKey ? b64(transient.wrappedKey) : undefined,
    };
    grants.push(grant);
    const { wrappedKey: _key, ...record } = grant;
    return record;
  });
  s.handlers.set('sharing.RevokeGrant', (request) => {
    const req = request as { grantId: string };
    const grant = grants.find((g) => g.grantId === req.grantId);
    assert.ok(grant);
    grant.revokedAt = 1400;
    const { wrappedKey: _key, ...record } = grant;
    return record;
  });
  s.handlers.set('sharing.RequestAccess', () => ({ ticketId: 'tk1' }));
  s.handlers.set('sharing.GetTicket', () => ({ ok: true, ticketId: 'tk1', grantId: 'owner', expiresAt: 9 }));
  s.handlers.set('sharing.ReadItem', () => ({
    itemId: stored.item?.itemId,
    contentHash: stored.item?.contentHash,
    ciphertextHash: stored.item?.ciphertextHash,
    mimeType: stored.item?.mimeType,
    size: stored.item?.size,
    grantId: 'owner',
    granteeKind: 'owner',
    wrappedKey: stored.ownerKey,
    payload: b64(stored.payload ?? new Uint8Array()),
  }));
  return { stored, grants };
}

describe('sharing service on a scripted ledger', () => {
  it('shareItem to a user: payload and both wrapped keys only in the transient map, key sealed to owner and grantee, item remembered', async () => {
    const bob = await directoryUser(BOB);
    const s = await fakeSession(ALICE, { directory: { [BOB]: bob.record } });
    const { stored, grants } = scriptItemLedger(s);
    const plain = randomBytes(5000);
    const shared = await sharing.shareItem(s, itemsOf(s), {
      file: { name: 'doc.txt', mimeType: 'text/plain', dataBase64: b64(plain) },
      grantee: { kind: 'user', userId: BOB },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    assert.deepEqual(
      s.calls.map((c) => c.name),
      ['sharing.RegisterItem', 'sharing.GrantAccess'],
    );
    const register = s.calls[0]?.request as Record<string, unknown>;
    assert.deepEqual(Object.keys(register).sort(), ['contentHash', 'itemId', 'mimeType', 'size']);
    assert.ok(!('wrappedKey' in (s.calls[1]?.request as Record<string, unknown>)));
    assert.equal(register.contentHash, sha(plain));
    assert.ok(!JSON.stringify(s.calls).includes(b64(plain)), 'no plaintext in any request');
    assert.ok(stored.payload && stored.payload.length > plain.length);
    const ownerKey = await unwrapForUser(stored.ownerKey ?? '', [s.secretKey]);
    const bobKey = await unwrapForUser(String(grants[0]?.wrappedKey), [bob.secretKey]);
    assert.ok(Buffer.from(ownerKey).equals(bobKey));
    assert.deepEqual(shared, {
      itemId: register.itemId,
      name: 'doc.txt',
      mimeType: 'text/plain',
      size: 5000,
      owner: ALICE,
      createdAt: 1234,
    });
    assert.deepEqual(await sharing.listMyItems(itemsOf(s)), [shared]);

    // The owner opens it back through a ticket.
    const opened = await sharing.openItem(s, { itemId: shared.itemId });
    assert.ok(Buffer.from(opened.dataBase64, 'base64').equals(plain));
  });

  it('bad input sends nothing and remembers nothing', async () => {
    const bob = await directoryUser(BOB);
    const s = await fakeSession(ALICE, { directory: { [BOB]: bob.record } });
    scriptItemLedger(s);
    const file = { name: 'a', mimeType: 'text/plain', dataBase64: b64(Buffer.from('a')) };
    const soon = Date.now() + HOUR;
    const bad: Array<[Promise<unknown>, string]> = [
      [
        sharing.shareItem(s, itemsOf(s), {
          file,
          grantee: { kind: 'user', userId: BOB },
          expiresAt: Date.now(),
          canReshare: false,
        }),
        'BAD_INPUT',
      ],
      [
        sharing.shareItem(s, itemsOf(s), {
          file,
          grantee: { kind: 'user', userId: ALICE },
          expiresAt: soon,
          canReshare: false,
        }),
        'BAD_INPUT',
      ],
      [
        sharing.shareItem(s, itemsOf(s), {
          file: { ...file, mimeType: 'nope' },
          grantee: { kind: 'user', userId: BOB },
          expiresAt: soon,
          canReshare: false,
        }),
        'BAD_INPUT',
      ],
      [
        sharing.shareItem(s, itemsOf(s), {
          file: { ...file, dataBase64: '%%%' },
          grantee: { kind: 'user', userId: BOB },
          expiresAt: soon,
          canReshare: false,
        }),
        'BAD_INPUT',
      ],
      [
        sharing.shareItem(s, itemsOf(s), {
          file,
          grantee: { kind: 'user', userId: 'Org9MSP::ghost' },
          expiresAt: soon,
          canReshare: false,
        }),
        'UNKNOWN_USER',
      ],
      [
        sharing.grantAccess(s, {
          itemId: 'bad id!',
          grantee: { kind: 'user', userId: BOB },
          expiresAt: soon,
          canReshare: false,
        }),
        'BAD_INPUT',
      ],
      [sharing.openItem(s, { itemId: '' }), 'BAD_INPUT'],
      [sharing.revokeGrant(s, { itemId: 'i', grantId: 'x'.repeat(200) }), 'BAD_INPUT'],
      [sharing.accessHistory(s, { itemId: 'i', cursor: '' }), 'BAD_INPUT'],
      [sharing.listGrants(s, { itemId: 'i', extra: 1 } as unknown as { itemId: string }), 'BAD_INPUT'],
    ];
    for (const [call, code] of bad) await rejectsCode(call, code);
    assert.deepEqual(s.calls, []);
    assert.deepEqual(await sharing.listMyItems(itemsOf(s)), []);
  });

  it('a denied ticket throws its code; a refusal passes through as LedgerError; a malformed answer is BAD_RESPONSE', async () => {
    const s = await fakeSession(BOB);
    s.handlers.set('sharing.RequestAccess', () => ({ ticketId: 'tk' }));
    s.handlers.set('sharing.GetTicket', () => ({ ok: false, ticketId: 'tk', code: 'EXPIRED' }));
    await rejectsCode(sharing.openItem(s, { itemId: 'i1' }), 'EXPIRED');
    assert.deepEqual(
      s.calls.map((c) => `${c.kind} ${c.name}`),
      ['submit sharing.RequestAccess', 'evaluate sharing.GetTicket'],
    );
    s.handlers.set('sharing.ListGrants', () => {
      throw refusal('FORBIDDEN', 'only the owner may list this');
    });
    await rejectsCode(sharing.listGrants(s, { itemId: 'i1' }), 'FORBIDDEN');
    s.handlers.set('sharing.ListAccesses', () => ({ accesses: [{ accessor: 1 }] }));
    await assert.rejects(sharing.accessHistory(s, { itemId: 'i1' }), (e: unknown) => isLedgerError(e, 'BAD_RESPONSE'));
  });

  it('a ticket not yet visible (NOT_FOUND right after commit) is read again', async () => {
    const s = await fakeSession(BOB);
    let tries = 0;
    s.handlers.set('sharing.RequestAccess', () => ({ ticketId: 'tk' }));
    s.handlers.set('sharing.GetTicket', () => {
      tries++;
      if (tries < 2) throw refusal('NOT_FOUND');
      return { ok: false, ticketId: 'tk', code: 'FORBIDDEN' };
    });
    await rejectsCode(sharing.openItem(s, { itemId: 'i1' }), 'FORBIDDEN');
    assert.equal(tries, 2);
  });

  it('accessHistory passes the cursor as bookmark and returns the next one only for a full page', async () => {
    const s = await fakeSession(ALICE);
    const record = (n: number) => ({ itemId: 'i', accessor: BOB, time: n, txId: `t${n}`, outcome: 'granted' });
    s.handlers.set('sharing.ListAccesses', (request) => {
      const req = request as { bookmark?: string; pageSize: number };
      return req.bookmark
        ? { accesses: [record(999)], bookmark: 'end' }
        : { accesses: Array.from({ length: req.pageSize }, (_, i) => record(i)), bookmark: 'k100' };
    });
    const first = await sharing.accessHistory(s, { itemId: 'i' });
    assert.equal(first.items.length, 100);
    assert.equal(first.next, 'k100');
    const second = await sharing.accessHistory(s, { itemId: 'i', cursor: first.next });
    assert.deepEqual(second, { items: [{ time: 999, accessor: BOB, outcome: 'ok', txId: 't999' }] });
    assert.deepEqual(s.calls[1]?.request, { itemId: 'i', pageSize: 100, bookmark: 'k100' });
  });

  it('a group grant is sealed under the current epoch key; if the group re-keyed meanwhile, it is revoked and made again', async () => {
    const s = await fakeSession(ALICE);
    const epochKeys = new Map([
      [1, randomBytes(32)],
      [2, randomBytes(32)],
    ]);
    const mine = new Uint8Array(Buffer.from(s.messagingKey().encryptionPublicKey, 'base64'));
    // Each epoch key sealed to alice, as the groups contract holds it.
    const wrappedAt = new Map<number, string>();
    for (const [epoch, key] of epochKeys) wrappedAt.set(epoch, b64(await wrapKey(key, mine)));
    let current = 1;
    s.handlers.set('groups.GetGroup', () => groupView({ rekeyRequired: false }));
    s.handlers.set('groups.GetMyEpochKey', (request) => {
      const epoch = (request as { epoch?: number }).epoch ?? current;
      current = 2; // the group is re-keyed right after alice read epoch 1
      return { conversationId: 'team', epoch, userId: ALICE, wrappedKey: wrappedAt.get(epoch) };
    });
    // The grant commits under epoch 2 although alice sealed for 1 (a re-key in between).
    const { grants } = scriptItemLedger(s, { grantEpoch: [2, 2] });
    await sharing.shareItem(s, itemsOf(s), {
      file: { name: 'p', mimeType: 'text/plain', dataBase64: b64(Buffer.from('plan')) },
      grantee: { kind: 'group', groupId: 'team' },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    assert.deepEqual(
      s.calls.map((c) => c.name),
      [
        'groups.GetGroup',
        'groups.GetMyEpochKey',
        'sharing.RegisterItem',
        'sharing.GrantAccess',
        'sharing.RevokeGrant',
        'groups.GetGroup',
        'groups.GetMyEpochKey',
        'sharing.GrantAccess',
      ],
    );
    assert.equal(grants[0]?.revokedAt, 1400);
    // The second grant's key opens with epoch 2's key, the one its record names.
    const key2 = await unwrapForGroup(String(grants[1]?.wrappedKey), epochKeys.get(2) ?? new Uint8Array());
    assert.equal(key2.length, 32);
    await rejectsCode(
      unwrapForGroup(String(grants[1]?.wrappedKey), epochKeys.get(1) ?? new Uint8Array()),
      'DECRYPT_FAILED',
    );
  });
});

describe('attachments on a scripted ledger', () => {
  it('upload registers an item granted to the conversation forever; download verifies hash, name and size', async () => {
    const s = await fakeSession(ALICE);
    const epochKey = randomBytes(32);
    const mine = new Uint8Array(Buffer.from(s.messagingKey().encryptionPublicKey, 'base64'));
    const wrappedEpoch = b64(await wrapKey(epochKey, mine));
    s.handlers.set('groups.GetGroup', () => groupView({ rekeyRequired: false }));
    s.handlers.set('groups.GetMyEpochKey', () => ({
      conversationId: 'dm-1',
      epoch: 1,
      userId: ALICE,
      wrappedKey: wrappedEpoch,
    }));
    const { grants } = scriptItemLedger(s, { grantEpoch: [1] });
    const plain = randomBytes(10_000);
    const ref = await sharing.uploadAttachment(s, 'dm-1', {
      name: 'pic.png',
      mimeType: 'image/png',
      dataBase64: b64(plain),
    });
    assert.equal(ref.contentHash, sha(plain));
    assert.equal(Buffer.from(ref.key, 'base64').length, 32);
    assert.deepEqual(grants[0]?.grantee, { kind: 'group', conversationId: 'dm-1' });
    assert.equal(grants[0]?.expiresAt, sharing.ATTACHMENT_GRANT_EXPIRES_AT);
    assert.ok(
      Buffer.from(await unwrapForGroup(String(grants[0]?.wrappedKey), epochKey)).equals(Buffer.from(ref.key, 'base64')),
    );

    const got = await sharing.downloadAttachment(s, ref);
    assert.ok(Buffer.from(got.dataBase64, 'base64').equals(plain));
    await rejectsCode(sharing.downloadAttachment(s, { ...ref, contentHash: sha(Buffer.from('x')) }), 'VERIFY_FAILED');
    await rejectsCode(sharing.downloadAttachment(s, { ...ref, name: 'other.png' }), 'VERIFY_FAILED');
    await rejectsCode(sharing.downloadAttachment(s, { ...ref, key: b64(randomBytes(32)) }), 'DECRYPT_FAILED');
    await rejectsCode(sharing.downloadAttachment(s, { ...ref, key: 'short' }), 'BAD_INPUT');
  });

  it('an oversized or malformed attachment sends nothing', async () => {
    const s = await fakeSession(ALICE);
    // One byte over the shared file limit is refused by the schema, which counts decoded bytes and names the limit.
    const big = b64(new Uint8Array(MAX_FILE_BYTES + 1));
    await assert.rejects(
      sharing.uploadAttachment(s, 'dm-1', { name: 'x', mimeType: 'a/b', dataBase64: big }),
      (error: unknown) => {
        assert.equal((error as { code?: unknown }).code, 'BAD_INPUT');
        assert.match((error as Error).message, new RegExp(`at most ${MAX_FILE_BYTES} bytes`));
        return true;
      },
    );
    await rejectsCode(
      sharing.uploadAttachment(s, 'bad id', { name: 'x', mimeType: 'a/b', dataBase64: '' }),
      'BAD_INPUT',
    );
    await rejectsCode(sharing.uploadAttachment(s, 'dm-1', { name: '', mimeType: 'a/b', dataBase64: '' }), 'BAD_INPUT');
    assert.deepEqual(s.calls, []);
  });

  it('a conversation waiting for a re-key is refused (REKEY_REQUIRED) before any item is registered', async () => {
    const s = await fakeSession(ALICE);
    s.handlers.set('groups.GetGroup', () => groupView({ rekeyRequired: true }));
    const upload = { name: 'x', mimeType: 'a/b', dataBase64: b64(Buffer.from('x')) };
    await rejectsCode(sharing.uploadAttachment(s, 'team', upload), 'REKEY_REQUIRED');
    assert.deepEqual(
      s.calls.map((c) => c.name),
      ['groups.GetGroup'],
    );
  });
});
