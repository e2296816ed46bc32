import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// Dev-only: tweetsodium (tweetnacl + blakejs), the sealed-box library the
// original design named, as an independent implementation to interoperate with.
import * as tweetsodium from 'tweetsodium';
import { sealedBoxGroupKeys, type GroupMember } from '../src/node/crypto/group-keys';
import { generateIdentity, publicIdentity, publishKeysRequest, type Identity } from '../src/node/crypto/identity';
import { unwrapKey, wrapKey } from '../src/node/crypto/key-wrap';
import { loadSodium } from '../src/node/crypto/sodium';
import { flipBit, fromHex, hex, rejectsWith, seq } from './support/crypto-fixtures';

const member = (userId: string, id: Identity): GroupMember => ({ userId, encryptionKey: id.encryption.publicKey });
const identities = (n: number) => Promise.all(Array.from({ length: n }, () => generateIdentity()));

describe('identity keys', () => {
  it('generateIdentity gives independent X25519 and Ed25519 key pairs of the right sizes', async () => {
    const s = await loadSodium();
    const a = await generateIdentity();
    const b = await generateIdentity();
    assert.equal(a.encryption.publicKey.length, 32);
    assert.equal(a.encryption.secretKey.length, 32);
    assert.equal(a.signing.publicKey.length, 32);
    assert.equal(a.signing.secretKey.length, 64);
    assert.deepEqual(s.crypto_scalarmult_base(a.encryption.secretKey), a.encryption.publicKey);
    // libsodium's Ed25519 secret key is seed || public key; and the pair signs and verifies.
    assert.deepEqual(a.signing.secretKey.subarray(32), a.signing.publicKey);
    const sig = s.crypto_sign_detached(seq(0, 10), a.signing.secretKey);
    assert.ok(s.crypto_sign_verify_detached(sig, seq(0, 10), a.signing.publicKey));
    assert.notDeepEqual(a.encryption.publicKey, b.encryption.publicKey);
    assert.notDeepEqual(a.signing.publicKey, b.signing.publicKey);
    assert.notDeepEqual(a.encryption.publicKey, a.signing.publicKey);
  });

  it('publishKeysRequest is the directory.PublishKeys body: canonical base64 of 32 bytes each', async () => {
    const id = await generateIdentity();
    const req = publishKeysRequest(publicIdentity(id));
    assert.deepEqual(Object.keys(req).sort(), ['encryptionKey', 'signingKey']);
    assert.deepEqual(new Uint8Array(Buffer.from(req.encryptionKey, 'base64')), id.encryption.publicKey);
    assert.deepEqual(new Uint8Array(Buffer.from(req.signingKey, 'base64')), id.signing.publicKey);
    assert.equal(req.signingKey.length, 44);
    await rejectsWith(
      async () => publishKeysRequest({ encryptionKey: seq(0, 31), signingKey: id.signing.publicKey }),
      'BAD_INPUT',
    );
  });
});

describe('epoch key wrapping (sealed boxes)', () => {
  it('wraps a 32-byte key into 80 bytes that only the recipient opens', async () => {
    const [alice, bob] = await identities(2);
    const key = seq(0x20, 32);
    const box = await wrapKey(key, alice!.encryption.publicKey);
    assert.equal(box.length, 80);
    assert.deepEqual(await unwrapKey(box, alice!.encryption.secretKey), key);
    await rejectsWith(() => unwrapKey(box, bob!.encryption.secretKey), 'UNWRAP_FAILED');
    for (let bit = 0; bit < 80 * 8; bit += 13) {
      await rejectsWith(() => unwrapKey(flipBit(box, bit), alice!.encryption.secretKey), 'UNWRAP_FAILED');
    }
  });

  it('validates lengths and types', async () => {
    const [alice] = await identities(1);
    const pk = alice!.encryption.publicKey;
    const sk = alice!.encryption.secretKey;
    await rejectsWith(() => wrapKey(seq(0, 31), pk), 'BAD_INPUT');
    await rejectsWith(() => wrapKey(seq(0, 32), pk.slice(1)), 'BAD_INPUT');
    await rejectsWith(() => wrapKey('key' as unknown as Uint8Array, pk), 'BAD_INPUT');
    await rejectsWith(() => unwrapKey(seq(0, 79), sk), 'BAD_INPUT');
    await rejectsWith(() => unwrapKey(seq(0, 80), alice!.signing.secretKey), 'BAD_INPUT');
    await rejectsWith(() => sealedBoxGroupKeys.unwrap('AAAA', sk), 'BAD_INPUT');
    await rejectsWith(() => sealedBoxGroupKeys.unwrap(42 as unknown as string, sk), 'BAD_INPUT');
  });
});

describe('group keys behind GroupKeyProvider (sealed-box implementation)', () => {
  it('a re-key for N members: one fresh 32-byte key, one 80-byte box per member, each opens to it', async () => {
    const ids = await identities(25);
    const members = ids.map((id, i) => member(`Org${(i % 2) + 1}MSP::user${i}`, id));
    const { epochKey, wrappedKeys } = await sealedBoxGroupKeys.newEpochKey(members);
    assert.equal(epochKey.length, 32);
    assert.deepEqual(Object.keys(wrappedKeys).sort(), members.map((m) => m.userId).sort());
    for (const [i, m] of members.entries()) {
      const wrapped = wrappedKeys[m.userId] as string;
      assert.equal(Buffer.from(wrapped, 'base64').length, 80);
      assert.equal(Buffer.from(wrapped, 'base64').toString('base64'), wrapped);
      assert.deepEqual(await sealedBoxGroupKeys.unwrap(wrapped, ids[i]!.encryption.secretKey), epochKey);
    }
    const again = await sealedBoxGroupKeys.newEpochKey(members);
    assert.notDeepEqual(again.epochKey, epochKey);
  });

  it('a removed member opens none of the next epoch boxes', async () => {
    const ids = await identities(4);
    const members = ids.map((id, i) => member(`Org1MSP::u${i}`, id));
    const next = await sealedBoxGroupKeys.newEpochKey(members.slice(1));
    assert.equal(Object.keys(next.wrappedKeys).length, 3);
    for (const wrapped of Object.values(next.wrappedKeys)) {
      await rejectsWith(() => sealedBoxGroupKeys.unwrap(wrapped, ids[0]!.encryption.secretKey), 'UNWRAP_FAILED');
    }
  });

  it('refuses empty, duplicate or malformed member lists', async () => {
    const [a, b] = await identities(2);
    const bad: unknown[] = [
      [],
      'members',
      [member('Org1MSP::a', a!), member('Org1MSP::a', b!)],
      [member('Org1MSP::a', a!), { userId: 'Org1MSP::b', encryptionKey: seq(0, 31) }],
      [{ userId: '', encryptionKey: a!.encryption.publicKey }],
      [null],
    ];
    for (const members of bad) {
      await rejectsWith(() => sealedBoxGroupKeys.newEpochKey(members as GroupMember[]), 'BAD_INPUT');
    }
  });
});

describe('sealed-box interoperability with tweetsodium 0.0.5', () => {
  it('has the same box format: 48 bytes of overhead, 80-byte boxes for an epoch key', async () => {
    const [alice] = await identities(1);
    assert.equal(tweetsodium.overheadLength, 48);
    assert.equal(tweetsodium.seal(seq(0, 32), alice!.encryption.publicKey).length, 80);
    assert.equal((await wrapKey(seq(0, 32), alice!.encryption.publicKey)).length, 80);
  });

  it('tweetsodium seals, KTalk opens (unwrapKey and GroupKeyProvider.unwrap)', async () => {
    const s = await loadSodium();
    const ids = await identities(8);
    for (const id of ids) {
      for (let i = 0; i < 8; i++) {
        const key = s.randombytes_buf(32);
        const box = tweetsodium.seal(key, id.encryption.publicKey);
        assert.deepEqual(await unwrapKey(box, id.encryption.secretKey), key);
        assert.deepEqual(
          await sealedBoxGroupKeys.unwrap(Buffer.from(box).toString('base64'), id.encryption.secretKey),
          key,
        );
        await rejectsWith(() => unwrapKey(flipBit(box, 8 * i + 300), id.encryption.secretKey), 'UNWRAP_FAILED');
      }
    }
  });

  it('KTalk seals, tweetsodium opens (wrapKey and every box of a re-key)', async () => {
    const s = await loadSodium();
    const ids = await identities(8);
    for (const id of ids) {
      const key = s.randombytes_buf(32);
      const box = await wrapKey(key, id.encryption.publicKey);
      const opened = tweetsodium.sealOpen(box, id.encryption.publicKey, id.encryption.secretKey);
      assert.ok(opened, 'tweetsodium could not open a KTalk box');
      assert.equal(hex(opened), hex(key));
      // The wrong recipient gets nothing (tweetnacl returns null).
      const other = ids[(ids.indexOf(id) + 1) % ids.length] as Identity;
      assert.equal(tweetsodium.sealOpen(box, other.encryption.publicKey, other.encryption.secretKey), null);
    }
    const members = ids.map((id, i) => member(`Org2MSP::m${i}`, id));
    const { epochKey, wrappedKeys } = await sealedBoxGroupKeys.newEpochKey(members);
    for (const [i, m] of members.entries()) {
      const box = new Uint8Array(Buffer.from(wrappedKeys[m.userId] as string, 'base64'));
      const id = ids[i] as Identity;
      assert.equal(hex(tweetsodium.sealOpen(box, id.encryption.publicKey, id.encryption.secretKey)), hex(epochKey));
    }
  });

  it('tweetsodium opens the fixed libsodium box of the known-answer test', () => {
    const bobSk = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const bobPk = fromHex('de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const box = fromHex(
      '2634d2b7803138232e0c819bbbaf98505f7a689ae4f95c497fa27d3543cbbd3a' +
        '9f27795045449e7860f899d4f1ae79c1f52137a5e804c65f7f235759a2abb1b4d6f80916a43c3b0e45107667911a6a86',
    );
    assert.equal(hex(tweetsodium.sealOpen(box, bobPk, bobSk)), hex(seq(0x20, 32)));
  });
});
