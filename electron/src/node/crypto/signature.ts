import { createHash } from 'node:crypto';
import { checkMessageContext, CONTENT_NONCE_BYTES, type MessageContext } from './content';
import { encodeFields } from './encoding';
import { CryptoError } from './errors';
import { SIGNING_KEY_BYTES, SIGNING_SECRET_KEY_BYTES } from './identity';
import { loadSodium } from './sodium';
import { bytes } from './validate';

// The sender's Ed25519 signature over what a message claims to be: its
// conversation, epoch, sender, client message id, nonce and the SHA-256 of
// its ciphertext (the digest the chaincode stores, so the signature still
// means something after retention purges the ciphertext). The epoch key is
// shared by every member, so only this signature tells members apart.
// SHA-256 comes from node:crypto: the standard libsodium.js build has none.

export const SIGNATURE_BYTES = 64;

export interface SignedMessage extends MessageContext {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export function signedStatement(message: SignedMessage): Uint8Array {
  const c = checkMessageContext(message);
  const nonce = bytes('nonce', message.nonce, CONTENT_NONCE_BYTES);
  const digest = createHash('sha256').update(bytes('ciphertext', message.ciphertext)).digest();
  return encodeFields('ktalk/message-sig/v1', [c.conversationId, c.epoch, c.sender, c.clientMessageId, nonce, digest]);
}

export async function signMessage(message: SignedMessage, signingSecretKey: Uint8Array): Promise<Uint8Array> {
  const s = await loadSodium();
  bytes('signingSecretKey', signingSecretKey, SIGNING_SECRET_KEY_BYTES);
  return s.crypto_sign_detached(signedStatement(message), signingSecretKey);
}

/** Throws BAD_SIGNATURE unless `signature` is the signing key's over exactly these fields. */
export async function verifyMessage(
  message: SignedMessage,
  signature: Uint8Array,
  signingKey: Uint8Array,
): Promise<void> {
  const s = await loadSodium();
  bytes('signature', signature, SIGNATURE_BYTES);
  bytes('signingKey', signingKey, SIGNING_KEY_BYTES);
  const statement = signedStatement(message);
  let valid: boolean;
  try {
    valid = s.crypto_sign_verify_detached(signature, statement, signingKey);
  } catch {
    valid = false;
  }
  if (!valid) throw new CryptoError('BAD_SIGNATURE', "signature does not match the sender's key and these fields");
}
