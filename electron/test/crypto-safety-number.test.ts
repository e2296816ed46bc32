import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateIdentity } from '../src/node/crypto/identity';
import { safetyNumber, type SafetyNumberParty } from '../src/node/crypto/safety-number';
import { rejectsWith, seq } from './support/crypto-fixtures';

const ALICE: SafetyNumberParty = { userId: 'Org1MSP::alice', signingKey: seq(1, 32), encryptionKey: seq(2, 32) };
const BOB: SafetyNumberParty = { userId: 'Org2MSP::bob', signingKey: seq(3, 32), encryptionKey: seq(4, 32) };
const FORMAT = /^(\d{5} ){11}\d{5}$/;

describe('safety numbers', () => {
  it('is 12 groups of 5 digits, stable for fixed keys (known answer)', async () => {
    const number = await safetyNumber(ALICE, BOB);
    assert.match(number, FORMAT);
    assert.equal(number, '76424 12663 72966 98974 31290 87063 57895 02995 71460 34632 98946 39824');
  });

  it('is the same on both sides', async () => {
    assert.equal(await safetyNumber(ALICE, BOB), await safetyNumber(BOB, ALICE));
    const a = await generateIdentity();
    const b = await generateIdentity();
    const pa = { userId: 'Org1MSP::carol', signingKey: a.signing.publicKey, encryptionKey: a.encryption.publicKey };
    const pb = { userId: 'Org2MSP::dave', signingKey: b.signing.publicKey, encryptionKey: b.encryption.publicKey };
    const n = await safetyNumber(pa, pb);
    assert.match(n, FORMAT);
    assert.equal(await safetyNumber(pb, pa), n);
  });

  it("changes when either user's signing key, encryption key or id changes", async () => {
    const base = await safetyNumber(ALICE, BOB);
    const variants: [SafetyNumberParty, SafetyNumberParty][] = [
      [{ ...ALICE, signingKey: seq(9, 32) }, BOB],
      [{ ...ALICE, encryptionKey: seq(9, 32) }, BOB],
      [ALICE, { ...BOB, signingKey: seq(9, 32) }],
      [ALICE, { ...BOB, encryptionKey: seq(9, 32) }],
      [{ ...ALICE, userId: 'Org1MSP::mallory' }, BOB],
      // Keys swapped between the two users.
      [
        { ...ALICE, signingKey: BOB.signingKey },
        { ...BOB, signingKey: ALICE.signingKey },
      ],
    ];
    const seen = new Set([base]);
    for (const [a, b] of variants) {
      const n = await safetyNumber(a, b);
      assert.equal(await safetyNumber(b, a), n);
      assert.ok(!seen.has(n), 'a changed key must change the number');
      seen.add(n);
    }
  });

  it('refuses malformed parties with BAD_INPUT', async () => {
    await rejectsWith(() => safetyNumber({ ...ALICE, signingKey: seq(0, 31) }, BOB), 'BAD_INPUT');
    await rejectsWith(
      () => safetyNumber(ALICE, { ...BOB, encryptionKey: 'key' as unknown as Uint8Array }),
      'BAD_INPUT',
    );
    await rejectsWith(() => safetyNumber(ALICE, { ...BOB, userId: '' }), 'BAD_INPUT');
    await rejectsWith(() => safetyNumber(ALICE, undefined as unknown as SafetyNumberParty), 'BAD_INPUT');
  });
});
