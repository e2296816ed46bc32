import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encryptContent } from '../src/node/crypto/content';
import { openEnvelope, sealEnvelope, type KeyAt, type OpenEnvelopeInput } from '../src/node/crypto/envelope';
import { generateIdentity, type Identity } from '../src/node/crypto/identity';
import { signMessage } from '../src/node/crypto/signature';
import { loadSodium } from '../src/node/crypto/sodium';
import { toBase64 } from '../src/node/crypto/validate';
import { flipBit, fromHex, rejectsWith, seq, utf8 } from './support/crypto-fixtures';

const CTX = { conversationId: 'grp-kat', epoch: 3, sender: 'Org1MSP::alice', clientMessageId: 'm-0001' };
const SENT_AT = 1_760_000_000_000;

// What the chaincode's exactBase64(n) accepts.
const isExactBase64 = (value: string, length: number) =>
  /^[A-Za-z0-9+/]*={0,2}$/.test(value) &&
  Buffer.from(value, 'base64').length === length &&
  Buffer.from(value, 'base64').toString('base64') === value;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The same bytes in a non-canonical spelling: set a padding bit the decoder ignores. */
function nonCanonical(value: string): string {
  const at = value.indexOf('=') - 1;
  const spelled = value.slice(0, at) + (B64[B64.indexOf(value[at] as string) ^ 1] as string) + value.slice(at + 1);
  assert.deepEqual(Buffer.from(spelled, 'base64'), Buffer.from(value, 'base64'));
  return spelled;
}

/** A directory with one key per user, valid from time 0. */
const directory =
  (...ids: [string, Identity][]): KeyAt =>
  (userId) => {
    const found = ids.find(([id]) => id === userId);
    return found ? { signingKey: found[1].signing.publicKey } : undefined;
  };

async function fixture(plaintext = seq(0, 1024)) {
  const s = await loadSodium();
  const alice = await generateIdentity();
  const bob = await generateIdentity();
  const epochKey = s.randombytes_buf(32);
  const sealed = await sealEnvelope({ ...CTX, plaintext, epochKey, signingSecretKey: alice.signing.secretKey });
  const open: OpenEnvelopeInput = {
    ...CTX,
    ...sealed,
    sentAt: SENT_AT,
    epochKey,
    keyAt: directory(['Org1MSP::alice', alice], ['Org2MSP::bob', bob]),
  };
  return { alice, bob, epochKey, sealed, open, plaintext };
}

describe('message envelopes', () => {
  it('seal gives exactly what PostMessage takes, and open returns the plaintext', async () => {
    const { sealed, open, plaintext } = await fixture();
    assert.ok(isExactBase64(sealed.nonce, 24));
    assert.ok(isExactBase64(sealed.signature, 64));
    assert.ok(sealed.ciphertext instanceof Uint8Array);
    assert.equal(sealed.ciphertext.length, plaintext.length + 16);
    assert.deepEqual(await openEnvelope(open), plaintext);
  });

  it('uses a fresh random nonce per message', async () => {
    const { alice, epochKey } = await fixture();
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const input = { ...CTX, plaintext: utf8('same'), epochKey, signingSecretKey: alice.signing.secretKey };
      nonces.add((await sealEnvelope(input)).nonce);
    }
    assert.equal(nonces.size, 50);
  });

  it('opens a fixed envelope (known answer: fixed keys, nonce, ciphertext, signature)', async () => {
    const s = await loadSodium();
    const signer = s.crypto_sign_seed_keypair(seq(0xa0, 32));
    const plaintext = await openEnvelope({
      ...CTX,
      nonce: toBase64(seq(0x40, 24)),
      ciphertext: fromHex('bc5c691cbfcc597dfb95ebd591a0f81668267765cbc7e510ad2b338c'),
      signature: toBase64(
        fromHex(
          'a75a0ff8b46cff9429a5531725da8085bbe3f5b630440f873a1f231b8a6c288514647e30c2d3c011249ae6eada25dc1ab5a9a6796d8fe75ae243b7c73cf62c04',
        ),
      ),
      sentAt: SENT_AT,
      epochKey: seq(0, 32),
      keyAt: () => ({ signingKey: signer.publicKey }),
    });
    assert.equal(Buffer.from(plaintext).toString(), 'hello, ktalk');
  });

  it('asks the directory for the sender key valid at the message time, so rotated keys still verify old messages', async () => {
    const { alice, open } = await fixture();
    const rotated = await generateIdentity();
    const calls: [string, number][] = [];
    const keyAt: KeyAt = async (userId, at) => {
      calls.push([userId, at]);
      return { signingKey: at < SENT_AT + 1 ? alice.signing.publicKey : rotated.signing.publicKey };
    };
    await openEnvelope({ ...open, keyAt });
    assert.deepEqual(calls, [['Org1MSP::alice', SENT_AT]]);
    await rejectsWith(() => openEnvelope({ ...open, sentAt: SENT_AT + 1, keyAt }), 'BAD_SIGNATURE');
  });

  describe('rejects', () => {
    it('a flipped bit anywhere in nonce, ciphertext or signature', async () => {
      const { sealed, open } = await fixture(utf8('a short message so every bit is tried'));
      const nonce = Buffer.from(sealed.nonce, 'base64');
      const signature = Buffer.from(sealed.signature, 'base64');
      for (let bit = 0; bit < sealed.ciphertext.length * 8; bit++) {
        await rejectsWith(
          () => openEnvelope({ ...open, ciphertext: flipBit(sealed.ciphertext, bit) }),
          'BAD_SIGNATURE',
        );
      }
      for (let bit = 0; bit < nonce.length * 8; bit++) {
        await rejectsWith(() => openEnvelope({ ...open, nonce: toBase64(flipBit(nonce, bit)) }), 'BAD_SIGNATURE');
      }
      for (let bit = 0; bit < signature.length * 8; bit++) {
        const flipped = toBase64(flipBit(signature, bit));
        await rejectsWith(() => openEnvelope({ ...open, signature: flipped }), 'BAD_SIGNATURE');
      }
    });

    it('a flipped bit in a 1 KiB message, a truncated or an extended ciphertext', async () => {
      const { sealed, open } = await fixture();
      for (const bit of [0, 7, 4000, sealed.ciphertext.length * 8 - 1]) {
        const ciphertext = flipBit(sealed.ciphertext, bit);
        await rejectsWith(() => openEnvelope({ ...open, ciphertext }), 'BAD_SIGNATURE');
      }
      await rejectsWith(() => openEnvelope({ ...open, ciphertext: sealed.ciphertext.slice(0, -1) }), 'BAD_SIGNATURE');
      const longer = Buffer.concat([sealed.ciphertext, new Uint8Array(1)]);
      await rejectsWith(() => openEnvelope({ ...open, ciphertext: longer }), 'BAD_SIGNATURE');
    });

    it('a wrong epoch: claimed epoch (signature) or the key of another epoch (AEAD)', async () => {
      const { open } = await fixture();
      await rejectsWith(() => openEnvelope({ ...open, epoch: 4 }), 'BAD_SIGNATURE');
      await rejectsWith(() => openEnvelope({ ...open, epoch: 2 }), 'BAD_SIGNATURE');
      const otherEpochKey = (await loadSodium()).randombytes_buf(32);
      await rejectsWith(() => openEnvelope({ ...open, epochKey: otherEpochKey }), 'DECRYPT_FAILED');
    });

    it('a wrong sender, a wrong sender key, or no key for the sender', async () => {
      const { open, bob } = await fixture();
      // Claimed to be from bob: checked against bob's key.
      await rejectsWith(() => openEnvelope({ ...open, sender: 'Org2MSP::bob' }), 'BAD_SIGNATURE');
      // The directory holds another key for alice (e.g. a substituted key).
      await rejectsWith(
        () => openEnvelope({ ...open, keyAt: () => ({ signingKey: bob.signing.publicKey }) }),
        'BAD_SIGNATURE',
      );
      await rejectsWith(() => openEnvelope({ ...open, keyAt: () => undefined }), 'NO_SENDER_KEY');
      await rejectsWith(() => openEnvelope({ ...open, keyAt: async () => null }), 'NO_SENDER_KEY');
    });

    it('a member who knows the epoch key but signs as someone else', async () => {
      const { open, bob, epochKey } = await fixture();
      const forged = await sealEnvelope({
        ...CTX,
        plaintext: utf8('I am alice, honest'),
        epochKey,
        signingSecretKey: bob.signing.secretKey,
      });
      await rejectsWith(() => openEnvelope({ ...open, ...forged }), 'BAD_SIGNATURE');
    });

    it('a signed message whose content was encrypted for another context', async () => {
      const { open, alice, epochKey } = await fixture();
      const { nonce, ciphertext } = await encryptContent(epochKey, { ...CTX, conversationId: 'other' }, utf8('x'));
      const signature = await signMessage({ ...CTX, nonce, ciphertext }, alice.signing.secretKey);
      await rejectsWith(
        () => openEnvelope({ ...open, nonce: toBase64(nonce), ciphertext, signature: toBase64(signature) }),
        'DECRYPT_FAILED',
      );
    });

    it('a wrong conversation', async () => {
      const { open } = await fixture();
      await rejectsWith(() => openEnvelope({ ...open, conversationId: 'grp-other' }), 'BAD_SIGNATURE');
    });

    it('the same envelope replayed under another client message id', async () => {
      const { open } = await fixture();
      await rejectsWith(() => openEnvelope({ ...open, clientMessageId: 'm-0002' }), 'BAD_SIGNATURE');
    });
  });

  describe('input validation (typed BAD_INPUT, never a crash)', () => {
    it('on seal', async () => {
      const { alice, epochKey } = await fixture();
      const good = { ...CTX, plaintext: utf8('x'), epochKey, signingSecretKey: alice.signing.secretKey };
      const bad: Record<string, unknown>[] = [
        { epochKey: epochKey.slice(0, 31) },
        { epochKey: Array.from(epochKey) },
        { epochKey: undefined },
        { plaintext: 'a string' },
        { plaintext: null },
        { signingSecretKey: alice.signing.secretKey.slice(0, 32) },
        { signingSecretKey: alice.encryption.secretKey },
        { epoch: 0 },
        { epoch: 1.5 },
        { epoch: '3' },
        { epoch: Number.MAX_SAFE_INTEGER + 1 },
        { conversationId: '' },
        { conversationId: 42 },
        { sender: '\uD800' },
        { clientMessageId: 'x'.repeat(1025) },
      ];
      for (const change of bad) {
        const input = { ...good, ...change } as unknown as Parameters<typeof sealEnvelope>[0];
        await rejectsWith(() => sealEnvelope(input), 'BAD_INPUT');
      }
      await rejectsWith(() => sealEnvelope(null as unknown as Parameters<typeof sealEnvelope>[0]), 'BAD_INPUT');
    });

    it('on open', async () => {
      const { open, sealed } = await fixture();
      const bad: Record<string, unknown>[] = [
        { nonce: 'not base64!' },
        { nonce: toBase64(seq(0, 23)) },
        { nonce: `${sealed.nonce}====` },
        { signature: sealed.signature.replace(/=+$/, '') },
        { signature: nonCanonical(sealed.signature) },
        { nonce: Buffer.from(sealed.nonce, 'base64') },
        { signature: toBase64(seq(0, 63)) },
        { signature: undefined },
        { ciphertext: Buffer.from(sealed.ciphertext).toString('base64') },
        { epochKey: seq(0, 16) },
        { sentAt: -1 },
        { sentAt: '2025-01-01' },
        { keyAt: 'directory' },
        { keyAt: () => ({ signingKey: seq(0, 31) }) },
        { keyAt: () => ({ signingKey: 'AAAA' }) },
      ];
      for (const change of bad) {
        const input = { ...open, ...change } as unknown as OpenEnvelopeInput;
        await rejectsWith(() => openEnvelope(input), 'BAD_INPUT');
      }
      await rejectsWith(() => openEnvelope(undefined as unknown as OpenEnvelopeInput), 'BAD_INPUT');
    });
  });
});
