import { SIGNING_SECRET_KEY_BYTES } from './identity';
import { loadSodium } from './sodium';
import { bytes, toBase64 } from './validate';

// Key continuity (chaincode/src/lib/key-continuity.ts checks these): the
// current signing key signs the statement that replaces it, or that refuses
// a pending change filed without it. The text must match the chaincode's
// byte for byte; electron/test/key-continuity.test.ts checks it against the
// chaincode's verifier.

export interface PublishedKeyPair {
  /** base64 of 32 bytes each, as the directory holds them. */
  readonly encryptionKey: string;
  readonly signingKey: string;
}

export function rotationStatement(userId: string, keysSince: number, next: PublishedKeyPair): string {
  return ['ktalk.key-rotation.v1', userId, String(keysSince), next.encryptionKey, next.signingKey].join('\n');
}

export function vetoStatement(userId: string, requestedAt: number, pending: PublishedKeyPair): string {
  return ['ktalk.key-veto.v1', userId, String(requestedAt), pending.encryptionKey, pending.signingKey].join('\n');
}

/** Detached Ed25519 signature of `statement` (UTF-8), base64. */
export async function signStatement(statement: string, signingSecretKey: Uint8Array): Promise<string> {
  const s = await loadSodium();
  bytes('signingSecretKey', signingSecretKey, SIGNING_SECRET_KEY_BYTES);
  return toBase64(s.crypto_sign_detached(new TextEncoder().encode(statement), signingSecretKey));
}
