import { loadSodium } from './sodium';
import { bytes, object, toBase64 } from './validate';

// A user's long-term keys: X25519 to receive wrapped epoch keys, Ed25519 to
// sign messages. Two independent key pairs, so neither key is used in two
// protocols. Secret keys are plain Uint8Arrays that stay in the caller's
// process; nothing here logs or serialises them.

export const ENCRYPTION_KEY_BYTES = 32;
export const ENCRYPTION_SECRET_KEY_BYTES = 32;
export const SIGNING_KEY_BYTES = 32;
/** libsodium's Ed25519 secret key: seed followed by the public key. */
export const SIGNING_SECRET_KEY_BYTES = 64;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface Identity {
  /** X25519, for crypto_box_seal. */
  readonly encryption: KeyPair;
  /** Ed25519, for detached signatures. */
  readonly signing: KeyPair;
}

/** What the directory publishes for a user (directory.PublishKeys / GetKeysAt). */
export interface PublicIdentity {
  readonly encryptionKey: Uint8Array;
  readonly signingKey: Uint8Array;
}

export async function generateIdentity(): Promise<Identity> {
  const s = await loadSodium();
  const box = s.crypto_box_keypair();
  const sign = s.crypto_sign_keypair();
  return {
    encryption: { publicKey: box.publicKey, secretKey: box.privateKey },
    signing: { publicKey: sign.publicKey, secretKey: sign.privateKey },
  };
}

export function publicIdentity(identity: Identity): PublicIdentity {
  return { encryptionKey: identity.encryption.publicKey, signingKey: identity.signing.publicKey };
}

/** The request body of directory.PublishKeys. */
export function publishKeysRequest(keys: PublicIdentity): { encryptionKey: string; signingKey: string } {
  object('keys', keys);
  return {
    encryptionKey: toBase64(bytes('encryptionKey', keys.encryptionKey, ENCRYPTION_KEY_BYTES)),
    signingKey: toBase64(bytes('signingKey', keys.signingKey, SIGNING_KEY_BYTES)),
  };
}
