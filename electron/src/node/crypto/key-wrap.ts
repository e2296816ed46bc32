import { EPOCH_KEY_BYTES } from './content';
import { CryptoError } from './errors';
import { ENCRYPTION_KEY_BYTES, ENCRYPTION_SECRET_KEY_BYTES } from './identity';
import { loadSodium } from './sodium';
import { bytes } from './validate';

// An epoch key wrapped for one member: libsodium's sealed box
// (crypto_box_seal) to the member's X25519 key. Anonymous on purpose: the
// ledger already records who re-keyed, and the box is exactly what the
// groups contract checks: 32 (ephemeral key) + 32 + 16 (MAC) = 80 bytes.

export const WRAPPED_KEY_BYTES = 80;

export async function wrapKey(epochKey: Uint8Array, recipientEncryptionKey: Uint8Array): Promise<Uint8Array> {
  const s = await loadSodium();
  bytes('epochKey', epochKey, EPOCH_KEY_BYTES);
  bytes('recipientEncryptionKey', recipientEncryptionKey, ENCRYPTION_KEY_BYTES);
  return s.crypto_box_seal(epochKey, recipientEncryptionKey);
}

export async function unwrapKey(wrapped: Uint8Array, mySecretKey: Uint8Array): Promise<Uint8Array> {
  const s = await loadSodium();
  bytes('wrappedKey', wrapped, WRAPPED_KEY_BYTES);
  bytes('mySecretKey', mySecretKey, ENCRYPTION_SECRET_KEY_BYTES);
  // Opening needs the recipient's public key too (it feeds the nonce); it
  // is derived here so callers only hold their secret key.
  const myPublicKey = s.crypto_scalarmult_base(mySecretKey);
  try {
    return s.crypto_box_seal_open(wrapped, myPublicKey, mySecretKey);
  } catch {
    throw new CryptoError('UNWRAP_FAILED', 'wrapped key does not open with this secret key');
  }
}
