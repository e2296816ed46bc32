import { hkdfSync } from 'node:crypto';
import { WRAPPED_KEY_BYTES, isCryptoError, sealedBoxGroupKeys } from '../crypto';
import { unwrapKey, wrapKey } from '../crypto/key-wrap';
import { loadSodium } from '../crypto/sodium';
import { ServiceError } from './errors';

// How an item's data key reaches its readers: always a sealed box
// (crypto_box_seal, 80 bytes), as the sharing contract stores it.
//  - the owner and user grantees: sealed to their X25519 directory key;
//  - a group grantee: sealed to an X25519 key pair derived from the group's
//    epoch key (the chaincode records that epoch on the grant and ReadItem
//    returns it), so exactly the holders of that epoch key can open it:
//
//      seed    = HKDF-SHA256(ikm = epoch key, salt = none, info = GROUP_WRAP_INFO, 32 bytes)
//      keypair = crypto_box_seed_keypair(seed)

export const GROUP_WRAP_INFO = 'ktalk/item-key-group-wrap/v1';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

function wrappedBytes(wrappedKey: string): Uint8Array {
  const bytes = Buffer.from(wrappedKey, 'base64');
  if (bytes.length !== WRAPPED_KEY_BYTES || bytes.toString('base64') !== wrappedKey) {
    throw new ServiceError('DECRYPT_FAILED', `a wrapped item key is ${WRAPPED_KEY_BYTES} bytes of base64`);
  }
  return new Uint8Array(bytes);
}

/** The X25519 key pair of one epoch key, for group grants only. */
export async function groupWrapKeyPair(
  epochKey: Uint8Array,
): Promise<{ publicKey: Uint8Array; secretKey: Uint8Array }> {
  const s = await loadSodium();
  const seed = new Uint8Array(hkdfSync('sha256', epochKey, Buffer.alloc(0), GROUP_WRAP_INFO, s.crypto_box_SEEDBYTES));
  const pair = s.crypto_box_seed_keypair(seed);
  return { publicKey: pair.publicKey, secretKey: pair.privateKey };
}

/** Seals an item key to a user's X25519 public key (base64, as the directory holds it). */
export async function wrapForUser(itemKey: Uint8Array, encryptionKeyBase64: string): Promise<string> {
  const publicKey = new Uint8Array(Buffer.from(encryptionKeyBase64, 'base64'));
  return b64(await wrapKey(itemKey, publicKey));
}

export async function wrapForGroup(itemKey: Uint8Array, epochKey: Uint8Array): Promise<string> {
  const { publicKey } = await groupWrapKeyPair(epochKey);
  return b64(await wrapKey(itemKey, publicKey));
}

/** Opens a wrapped item key with the first of `secretKeys` that fits (newest first), else DECRYPT_FAILED. */
export async function unwrapForUser(wrappedKey: string, secretKeys: readonly Uint8Array[]): Promise<Uint8Array> {
  const boxed = wrappedBytes(wrappedKey);
  for (const secretKey of secretKeys) {
    try {
      return await unwrapKey(boxed, secretKey);
    } catch (error) {
      if (!isCryptoError(error, 'UNWRAP_FAILED')) throw error;
    }
  }
  throw new ServiceError('DECRYPT_FAILED', 'the item key does not open with any of your messaging keys');
}

export async function unwrapForGroup(wrappedKey: string, epochKey: Uint8Array): Promise<Uint8Array> {
  const { secretKey } = await groupWrapKeyPair(epochKey);
  return unwrapForUser(wrappedKey, [secretKey]);
}

/** Opens a group epoch key (groups.GetMyEpochKey's wrappedKey) with my messaging keys, newest first. */
export async function unwrapEpochKey(wrappedKey: string, secretKeys: readonly Uint8Array[]): Promise<Uint8Array> {
  for (const secretKey of secretKeys) {
    try {
      return await sealedBoxGroupKeys.unwrap(wrappedKey, secretKey);
    } catch (error) {
      if (!isCryptoError(error, 'UNWRAP_FAILED')) {
        throw new ServiceError('DECRYPT_FAILED', `epoch key: ${(error as Error).message}`);
      }
    }
  }
  throw new ServiceError('DECRYPT_FAILED', 'the epoch key does not open with any of your messaging keys');
}
