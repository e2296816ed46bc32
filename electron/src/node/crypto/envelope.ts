import {
  checkMessageContext,
  CONTENT_NONCE_BYTES,
  decryptContent,
  encryptContent,
  EPOCH_KEY_BYTES,
  type MessageContext,
} from './content';
import { CryptoError } from './errors';
import type { PublicIdentity } from './identity';
import { SIGNATURE_BYTES, signMessage, verifyMessage } from './signature';
import { base64Bytes, bytes, timestampMs, toBase64 } from './validate';

// A message as messages.PostMessage carries it: encrypted under the epoch
// key with its context as associated data, then signed by the sender.
// Opening checks the signature first (against the key the sender had at
// the message's time), then decrypts.

type SenderKey = Pick<PublicIdentity, 'signingKey'> | null | undefined;

/** The sender's keys valid at `atMs` (directory.GetKeysAt), or nothing. */
export type KeyAt = (userId: string, atMs: number) => SenderKey | Promise<SenderKey>;

export interface SealEnvelopeInput extends MessageContext {
  readonly plaintext: Uint8Array;
  readonly epochKey: Uint8Array;
  readonly signingSecretKey: Uint8Array;
}

/** PostMessage's fields: `nonce` and `signature` in the request, `ciphertext` in transient data. */
export interface SealedEnvelope {
  /** base64 of 24 bytes */
  readonly nonce: string;
  readonly ciphertext: Uint8Array;
  /** base64 of 64 bytes */
  readonly signature: string;
}

export interface OpenEnvelopeInput extends MessageContext, SealedEnvelope {
  /** The message's ledger time (ms), to pick the sender's key valid then. */
  readonly sentAt: number;
  readonly epochKey: Uint8Array;
  readonly keyAt: KeyAt;
}

export async function sealEnvelope(input: SealEnvelopeInput): Promise<SealedEnvelope> {
  const ctx = checkMessageContext(input);
  bytes('epochKey', input.epochKey, EPOCH_KEY_BYTES);
  const { nonce, ciphertext } = await encryptContent(input.epochKey, ctx, input.plaintext);
  const signature = await signMessage({ ...ctx, nonce, ciphertext }, input.signingSecretKey);
  return { nonce: toBase64(nonce), ciphertext, signature: toBase64(signature) };
}

export async function openEnvelope(input: OpenEnvelopeInput): Promise<Uint8Array> {
  const ctx = checkMessageContext(input);
  const nonce = base64Bytes('nonce', input.nonce, CONTENT_NONCE_BYTES);
  const signature = base64Bytes('signature', input.signature, SIGNATURE_BYTES);
  const ciphertext = bytes('ciphertext', input.ciphertext);
  const sentAt = timestampMs('sentAt', input.sentAt);
  bytes('epochKey', input.epochKey, EPOCH_KEY_BYTES);
  if (typeof input.keyAt !== 'function') throw new CryptoError('BAD_INPUT', 'keyAt must be a function');

  const keys = await input.keyAt(ctx.sender, sentAt);
  if (keys === null || keys === undefined) {
    throw new CryptoError('NO_SENDER_KEY', `no signing key for ${ctx.sender} at ${sentAt}`);
  }
  await verifyMessage({ ...ctx, nonce, ciphertext }, signature, keys.signingKey);
  return decryptContent(input.epochKey, ctx, nonce, ciphertext);
}
