import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { generateIdentity, rotationStatement, signStatement, vetoStatement } from '../src/node/crypto';
import type { DirectoryUser } from '../src/node/fabric/directory';
import { ownKeyStatusOf } from '../src/node/session/own-keys';
import type { MessagingKey } from '../src/node/wallet';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

async function walletKey(validFrom: number | null): Promise<MessagingKey> {
  const id = await generateIdentity();
  return {
    encryptionPublicKey: b64(id.encryption.publicKey),
    encryptionSecretKey: b64(id.encryption.secretKey),
    signingPublicKey: b64(id.signing.publicKey),
    signingSecretKey: b64(id.signing.secretKey),
    createdAt: 1,
    validFrom,
  };
}

const record = (key: MessagingKey, keyChange?: MessagingKey): DirectoryUser => ({
  registeredAt: 0,
  userId: 'Org1MSP::alice',
  mspId: 'Org1MSP',
  enrollmentId: 'alice',
  status: 'active',
  encryptionKey: key.encryptionPublicKey,
  signingKey: key.signingPublicKey,
  keysSince: 1000,
  ...(keyChange
    ? {
        keyChange: {
          encryptionKey: keyChange.encryptionPublicKey,
          signingKey: keyChange.signingPublicKey,
          requestedAt: 2000,
          effectiveAt: 3000,
        },
      }
    : {}),
});

describe('own key status (the user watching their own directory entry)', () => {
  it('ok while the directory shows this wallet’s keys; pending for a change it did not make; replaced when the current keys are not its own', async () => {
    const mine = await walletKey(1000);
    const foreign = await walletKey(null);
    assert.deepEqual(ownKeyStatusOf(record(mine), [mine]), { state: 'ok' });
    assert.deepEqual(ownKeyStatusOf(null, [mine]), { state: 'ok' });
    assert.deepEqual(ownKeyStatusOf(record(mine, foreign), [mine]), {
      state: 'pending',
      requestedAt: 2000,
      effectiveAt: 3000,
    });
    // The device's own recovery request (its keys are in the wallet) is no alarm.
    assert.deepEqual(ownKeyStatusOf(record(mine, foreign), [mine, foreign]), { state: 'ok' });
    assert.deepEqual(ownKeyStatusOf(record(foreign), [mine]), { state: 'replaced' });
  });
});

describe('key-continuity statements', () => {
  it('the client’s signatures verify the way the chaincode checks them (raw Ed25519 key, UTF-8 statement)', async () => {
    const current = await walletKey(1000);
    const next = { encryptionKey: 'A'.repeat(43) + '=', signingKey: 'B'.repeat(43) + '=' };
    const der = Buffer.concat([
      Buffer.from('302a300506032b6570032100', 'hex'),
      Buffer.from(current.signingPublicKey, 'base64'),
    ]);
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    const secret = new Uint8Array(Buffer.from(current.signingSecretKey, 'base64'));
    for (const statement of [
      rotationStatement('Org1MSP::alice', 1000, next),
      vetoStatement('Org1MSP::alice', 2000, next),
    ]) {
      const signature = await signStatement(statement, secret);
      assert.equal(verify(null, Buffer.from(statement, 'utf8'), key, Buffer.from(signature, 'base64')), true);
    }
    assert.equal(
      rotationStatement('Org1MSP::alice', 1000, next),
      `ktalk.key-rotation.v1\nOrg1MSP::alice\n1000\n${next.encryptionKey}\n${next.signingKey}`,
    );
  });
});
