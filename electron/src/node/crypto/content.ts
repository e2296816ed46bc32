import { encodeFields } from './encoding';
import { CryptoError } from './errors';
import { loadSodium } from './sodium';
import { bytes, epochNumber, object, text } from './validate';

// Message content: XChaCha20-Poly1305 (IETF) under the conversation's epoch
// key. Its 24-byte nonce is random: with 192 bits, random nonces cannot
// collide in practice however many members send under one epoch key.

export const EPOCH_KEY_BYTES = 32;
export const CONTENT_NONCE_BYTES = 24;
export const CONTENT_TAG_BYTES = 16;

/** Who wrote what where: bound to the ciphertext as associated data and signed. */
export interface MessageContext {
  readonly conversationId: string;
  readonly epoch: number;
  readonly sender: string;
  readonly clientMessageId: string;
}

export function checkMessageContext(ctx: MessageContext): MessageContext {
  object('message', ctx);
  return {
    conversationId: text('conversationId', ctx.conversationId),
    epoch: epochNumber('epoch', ctx.epoch),
    sender: text('sender', ctx.sender),
    clientMessageId: text('clientMessageId', ctx.clientMessageId),
  };
}

export function messageAssociatedData(ctx: MessageContext): Uint8Array {
  const c = checkMessageContext(ctx);
  return encodeFields('ktalk/message-ad/v1', [c.conversationId, c.epoch, c.sender, c.clientMessageId]);
}

export interface EncryptedContent {
  readonly nonce: Uint8Array;
  readonly ciphertext: Uint8Array;
}

export async function encryptContent(
  epochKey: Uint8Array,
  ctx: MessageContext,
  plaintext: Uint8Array,
): Promise<EncryptedContent> {
  const s = await loadSodium();
  return encryptContentWithNonce(epochKey, ctx, plaintext, s.randombytes_buf(CONTENT_NONCE_BYTES));
}

/** Deterministic form for known-answer tests; real callers use encryptContent. */
export async function encryptContentWithNonce(
  epochKey: Uint8Array,
  ctx: MessageContext,
  plaintext: Uint8Array,
  nonce: Uint8Array,
): Promise<EncryptedContent> {
  const s = await loadSodium();
  bytes('epochKey', epochKey, EPOCH_KEY_BYTES);
  bytes('plaintext', plaintext);
  bytes('nonce', nonce, CONTENT_NONCE_BYTES);
  const ad = messageAssociatedData(ctx);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, epochKey);
  return { nonce, ciphertext };
}

export async function decryptContent(
  epochKey: Uint8Array,
  ctx: MessageContext,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
): Promise<Uint8Array> {
  const s = await loadSodium();
  bytes('epochKey', epochKey, EPOCH_KEY_BYTES);
  bytes('nonce', nonce, CONTENT_NONCE_BYTES);
  bytes('ciphertext', ciphertext);
  const ad = messageAssociatedData(ctx);
  if (ciphertext.length < CONTENT_TAG_BYTES) throw new CryptoError('DECRYPT_FAILED', 'ciphertext shorter than its tag');
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ciphertext, ad, nonce, epochKey);
  } catch {
    throw new CryptoError('DECRYPT_FAILED', 'content does not authenticate under this epoch key and context');
  }
}
