import { createPublicKey, verify } from 'node:crypto';

// Key continuity: a user's new messaging keys count only if the keys they
// replace signed them. The statements below are what a client signs with its
// current Ed25519 key; each names the user, the keys and the state it acts on
// (the current keys' keysSince, or the pending change's requestedAt), so a
// signature cannot be replayed against another user or a later state.

/**
 * How long an unsigned key change (lost device, or an org admin who
 * re-enrolled the user) stays pending before anyone may complete it: long
 * enough for the user's other clients and contacts to notice and veto.
 */
export const KEY_RECOVERY_PERIOD_MS = 72 * 60 * 60 * 1000;

export interface KeyPair {
  readonly encryptionKey: string;
  readonly signingKey: string;
}

/** Signed by the current key: "replace my keys current since `keysSince` with these". */
export function rotationStatement(userId: string, keysSince: number, next: KeyPair): string {
  return ['ktalk.key-rotation.v1', userId, String(keysSince), next.encryptionKey, next.signingKey].join('\n');
}

/** Signed by the current key: "refuse the key change requested at `requestedAt`". */
export function vetoStatement(userId: string, requestedAt: number, pending: KeyPair): string {
  return ['ktalk.key-veto.v1', userId, String(requestedAt), pending.encryptionKey, pending.signingKey].join('\n');
}

// DER SubjectPublicKeyInfo header of an Ed25519 key; the raw 32 bytes follow.
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** True only for a valid Ed25519 signature of `statement` by the raw 32-byte `signingKey` (base64). */
export function signedBy(signingKey: string, statement: string, signature: string): boolean {
  try {
    const publicKey = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(signingKey, 'base64')]),
      format: 'der',
      type: 'spki',
    });
    return verify(null, Buffer.from(statement, 'utf8'), publicKey, Buffer.from(signature, 'base64'));
  } catch {
    // Bytes that are not a point on the curve verify nothing.
    return false;
  }
}
