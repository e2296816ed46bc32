import assert from 'node:assert/strict';
import {
  createCipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { describe, it } from 'node:test';
import { decryptAttachment } from '../src/node/crypto/attachments';
import { decryptContent, encryptContentWithNonce, messageAssociatedData } from '../src/node/crypto/content';
import { encodeFields } from '../src/node/crypto/encoding';
import { unwrapKey } from '../src/node/crypto/key-wrap';
import { signedStatement, signMessage, verifyMessage } from '../src/node/crypto/signature';
import { loadSodium } from '../src/node/crypto/sodium';
import { fromHex, hex, seq, utf8 } from './support/crypto-fixtures';

// Known answers for every primitive the crypto layer uses: published test
// vectors where they exist, otherwise values derived once from libsodium
// and, wherever Node has the same primitive, checked against node:crypto.

const ed25519Private = (seed: Uint8Array) =>
  createPrivateKey({
    key: Buffer.concat([fromHex('302e020100300506032b657004220420'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
const ed25519Public = (pk: Uint8Array) =>
  createPublicKey({ key: Buffer.concat([fromHex('302a300506032b6570032100'), pk]), format: 'der', type: 'spki' });
const x25519Private = (sk: Uint8Array) =>
  createPrivateKey({
    key: Buffer.concat([fromHex('302e020100300506032b656e04220420'), sk]),
    format: 'der',
    type: 'pkcs8',
  });
const x25519Public = (pk: Uint8Array) =>
  createPublicKey({ key: Buffer.concat([fromHex('302a300506032b656e032100'), pk]), format: 'der', type: 'spki' });

const CTX = { conversationId: 'grp-kat', epoch: 3, sender: 'Org1MSP::alice', clientMessageId: 'm-0001' };

describe('crypto primitives: known answers', () => {
  it('SHA-256 and SHA-512 (FIPS 180 "abc"): libsodium and node:crypto agree', async () => {
    const s = await loadSodium();
    const abc = utf8('abc');
    assert.equal(
      createHash('sha256').update(abc).digest('hex'),
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    const sha512 =
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
    assert.equal(hex(s.crypto_hash(abc)), sha512);
    assert.equal(createHash('sha512').update(abc).digest('hex'), sha512);
    const big = seq(7, 100_000);
    assert.equal(hex(s.crypto_hash(big)), createHash('sha512').update(big).digest('hex'));
  });

  it('BLAKE2b (sealed-box nonces; RFC 7693 "abc"): libsodium and node:crypto agree', async () => {
    const s = await loadSodium();
    const expected =
      'ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923';
    assert.equal(hex(s.crypto_generichash(64, utf8('abc'), null)), expected);
    assert.equal(createHash('blake2b512').update('abc').digest('hex'), expected);
    assert.equal(hex(s.crypto_generichash(24, utf8('abc'), null)), '56a17e38cc371a46b12c32f18e0c61de2a84e9c2555b114e');
  });

  it('X25519 (RFC 7748 section 6.1): public keys and shared secret match node:crypto diffieHellman', async () => {
    const s = await loadSodium();
    const aliceSk = fromHex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a');
    const bobSk = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const alicePk = s.crypto_scalarmult_base(aliceSk);
    const bobPk = s.crypto_scalarmult_base(bobSk);
    assert.equal(hex(alicePk), '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a');
    assert.equal(hex(bobPk), 'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f');
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742';
    assert.equal(hex(s.crypto_scalarmult(aliceSk, bobPk)), shared);
    assert.equal(hex(s.crypto_scalarmult(bobSk, alicePk)), shared);
    const nodeShared = diffieHellman({ privateKey: x25519Private(aliceSk), publicKey: x25519Public(bobPk) });
    assert.equal(nodeShared.toString('hex'), shared);
    const nodeAlicePk = createPublicKey(x25519Private(aliceSk)).export({ format: 'der', type: 'spki' });
    assert.equal(hex(nodeAlicePk.subarray(-32)), hex(alicePk));
  });

  it('Ed25519 (RFC 8032 test 1): key, signature, and node:crypto verify', async () => {
    const s = await loadSodium();
    const seed = fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
    const { publicKey, privateKey } = s.crypto_sign_seed_keypair(seed);
    assert.equal(hex(publicKey), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = s.crypto_sign_detached(new Uint8Array(0), privateKey);
    assert.equal(
      hex(signature),
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    assert.ok(nodeVerify(null, new Uint8Array(0), ed25519Public(publicKey), signature));
  });

  it('XChaCha20-Poly1305 IETF (draft-irtf-cfrg-xchacha A.3.1)', async () => {
    const s = await loadSodium();
    const plaintext = utf8(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const out = s.crypto_aead_xchacha20poly1305_ietf_encrypt(
      plaintext,
      fromHex('50515253c0c1c2c3c4c5c6c7'),
      null,
      seq(0x40, 24),
      seq(0x80, 32),
    );
    assert.equal(
      hex(out),
      'bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b4522f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff921f9664c97637da9768812f615c68b13b52e' +
        'c0875924c1c7987947deafd8780acf49',
    );
  });

  it('ChaCha20-Poly1305 IETF, the AEAD under XChaCha: libsodium equals node:crypto', async () => {
    const s = await loadSodium();
    const key = seq(0x80, 32);
    const nonce = seq(0x07, 12);
    const ad = utf8('associated');
    const plaintext = seq(0, 1000);
    const cipher = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    cipher.setAAD(ad, { plaintextLength: plaintext.length });
    const nodeOut = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    assert.equal(hex(s.crypto_aead_chacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key)), hex(nodeOut));
  });

  it('canonical encoding: fixed bytes, and fields cannot be shifted', () => {
    assert.equal(
      hex(messageAssociatedData(CTX)),
      '73000000136b74616c6b2f6d6573736167652d61642f763173000000076772702d6b617475000000080000000000000003' +
        '730000000e4f7267314d53503a3a616c69636573000000066d2d30303031',
    );
    assert.notEqual(hex(encodeFields('t', ['ab', 'c'])), hex(encodeFields('t', ['a', 'bc'])));
    assert.notEqual(hex(encodeFields('t', ['1'])), hex(encodeFields('t', [1])));
    assert.notEqual(hex(encodeFields('t', ['a'])), hex(encodeFields('u', ['a'])));
    assert.notEqual(
      hex(messageAssociatedData({ ...CTX, sender: 'a', clientMessageId: 'bc' })),
      hex(messageAssociatedData({ ...CTX, sender: 'ab', clientMessageId: 'c' })),
    );
  });

  it('message content: fixed key and nonce give fixed ciphertext, which decrypts back', async () => {
    const { ciphertext } = await encryptContentWithNonce(seq(0, 32), CTX, utf8('hello, ktalk'), seq(0x40, 24));
    assert.equal(hex(ciphertext), 'bc5c691cbfcc597dfb95ebd591a0f81668267765cbc7e510ad2b338c');
    const plaintext = await decryptContent(seq(0, 32), CTX, seq(0x40, 24), ciphertext);
    assert.equal(Buffer.from(plaintext).toString(), 'hello, ktalk');
  });

  it('message signature: fixed statement and signature; node:crypto signs the same bytes and verifies ours', async () => {
    const s = await loadSodium();
    const seed = seq(0xa0, 32);
    const { publicKey, privateKey } = s.crypto_sign_seed_keypair(seed);
    assert.equal(hex(publicKey), '4fd099ccd47d7893dfe9ec24414ecb0d9b5420232aad30d91c465be33cbe65c4');
    const ciphertext = fromHex('bc5c691cbfcc597dfb95ebd591a0f81668267765cbc7e510ad2b338c');
    const message = { ...CTX, nonce: seq(0x40, 24), ciphertext };
    const statement = signedStatement(message);
    assert.equal(
      hex(statement),
      '73000000146b74616c6b2f6d6573736167652d7369672f763173000000076772702d6b617475000000080000000000000003' +
        '730000000e4f7267314d53503a3a616c69636573000000066d2d30303031' +
        '6200000018404142434445464748494a4b4c4d4e4f5051525354555657' +
        '620000002060f63eee21cc5a3c435a52d6ef48d168d7be59a3e19c087005f0737a2c1c6fdc',
    );
    // The last field is the ciphertext's SHA-256, the digest the chaincode stores.
    assert.equal(hex(statement.subarray(-32)), createHash('sha256').update(ciphertext).digest('hex'));
    const signature = await signMessage(message, privateKey);
    assert.equal(
      hex(signature),
      'a75a0ff8b46cff9429a5531725da8085bbe3f5b630440f873a1f231b8a6c288514647e30c2d3c011249ae6eada25dc1ab5a9a6796d8fe75ae243b7c73cf62c04',
    );
    assert.equal(nodeSign(null, statement, ed25519Private(seed)).toString('hex'), hex(signature));
    assert.ok(nodeVerify(null, statement, ed25519Public(publicKey), signature));
    await verifyMessage(message, signature, publicKey);
  });

  it('sealed box: a fixed 80-byte box opens to its epoch key, also when rebuilt from crypto_box + BLAKE2b nonce', async () => {
    const s = await loadSodium();
    const bobSk = fromHex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb');
    const bobPk = s.crypto_scalarmult_base(bobSk);
    const box = fromHex(
      '2634d2b7803138232e0c819bbbaf98505f7a689ae4f95c497fa27d3543cbbd3a' +
        '9f27795045449e7860f899d4f1ae79c1f52137a5e804c65f7f235759a2abb1b4d6f80916a43c3b0e45107667911a6a86',
    );
    assert.equal(hex(await unwrapKey(box, bobSk)), hex(seq(0x20, 32)));
    // The construction spelled out: nonce = BLAKE2b-192(ephemeral pk || recipient pk).
    const epk = box.subarray(0, 32);
    const nonce = s.crypto_generichash(24, Buffer.concat([epk, bobPk]), null);
    assert.equal(hex(s.crypto_box_open_easy(box.subarray(32), nonce, epk, bobSk)), hex(seq(0x20, 32)));
  });

  it('secretstream attachment: a fixed ciphertext decrypts with its key, and its address is its SHA-256', async () => {
    const blob = fromHex(
      '4b544131000000109830ab2addfcd6fd1dba56c2c3bafc82906860ff13a30c328365349c91e6b18934afc088db2d491c949f7b3b3ad965e6a89634eb3464358353c35e69e46d8d7168591dc944e28de9187cb486cb0fc069bac1bf3bee67fa0b8e38e05d530bd11a79de20a638dc216b5a10134baec0b06d0e',
    );
    const key = fromHex('ed1b2fb8d172b90d60448ed57613713a457ab16f84887bd513391e9f67a5ccd2');
    const contentHash = '9b03d4db772dda33ba07395a89cd03728b20fa8d28386e152bfa387aaa7e0841';
    assert.equal(createHash('sha256').update(blob).digest('hex'), contentHash);
    const parts: Uint8Array[] = [];
    const result = await decryptAttachment([blob], key, (c) => void parts.push(c), {
      expectedContentHash: contentHash,
    });
    assert.equal(Buffer.concat(parts).toString(), 'attachment known answer: forty bytes!!');
    assert.equal(result.contentHash, contentHash);
  });
});
