import { createHash } from 'node:crypto';
import { ByteQueue } from './byte-queue';
import { CryptoError } from './errors';
import { loadSodium, type Sodium } from './sodium';
import { bytes } from './validate';

// Attachments: each file gets its own random key and is encrypted as a
// libsodium secretstream (XChaCha20-Poly1305), one authenticated frame per
// chunk, the last one tagged FINAL. A stream cut at a frame boundary still
// authenticates frame by frame; only the missing FINAL tag gives it away,
// so decryption insists on it. The file is addressed by the SHA-256 of its
// ciphertext (the `contentHash` the ledger stores for attachments).
//
// Layout: "KTA1" | u32 BE chunk size | 24-byte stream header | frames.
// Every frame but the last is chunkSize + 17 bytes. The 8-byte prefix is
// the first frame's associated data, so it cannot be edited either.

export const ATTACHMENT_KEY_BYTES = 32;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;

const MAGIC = [0x4b, 0x54, 0x41, 0x31]; // "KTA1"
const PREFIX_BYTES = 8;
const HEADER_BYTES = 24;
const FRAME_OVERHEAD = 17;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export type ByteSource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
export type ByteSink = (chunk: Uint8Array) => void | Promise<void>;

export interface EncryptedAttachment {
  /** This file's key; travels to readers wrapped, never in the clear. */
  readonly key: Uint8Array;
  /** Lowercase hex SHA-256 of every ciphertext byte written. */
  readonly contentHash: string;
  readonly ciphertextBytes: number;
  readonly plaintextBytes: number;
}

export interface DecryptedAttachment {
  readonly contentHash: string;
  readonly plaintextBytes: number;
}

function prefixFor(chunkSize: number): Uint8Array {
  const prefix = new Uint8Array(PREFIX_BYTES);
  prefix.set(MAGIC);
  new DataView(prefix.buffer).setUint32(4, chunkSize);
  return prefix;
}

function checkChunkSize(chunkSize: number): number {
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
    throw new CryptoError('BAD_INPUT', `chunkSize must be 1-${MAX_CHUNK_BYTES}`);
  }
  return chunkSize;
}

export async function encryptAttachment(
  source: ByteSource,
  write: ByteSink,
  options: { chunkSize?: number } = {},
): Promise<EncryptedAttachment> {
  const s = await loadSodium();
  const chunkSize = checkChunkSize(options.chunkSize ?? DEFAULT_CHUNK_BYTES);
  const key = s.crypto_secretstream_xchacha20poly1305_keygen();
  const hash = createHash('sha256');
  let ciphertextBytes = 0;
  const emit = async (piece: Uint8Array) => {
    hash.update(piece);
    ciphertextBytes += piece.length;
    await write(piece);
  };

  const prefix = prefixFor(chunkSize);
  const { state, header } = s.crypto_secretstream_xchacha20poly1305_init_push(key);
  await emit(prefix);
  await emit(header);

  let ad: Uint8Array | null = prefix;
  const push = (chunk: Uint8Array, tag: number) => {
    const frame = s.crypto_secretstream_xchacha20poly1305_push(state, chunk, ad, tag);
    ad = null;
    return frame;
  };

  const pending = new ByteQueue();
  let plaintextBytes = 0;
  for await (const piece of source) {
    bytes('attachment chunk', piece);
    plaintextBytes += piece.length;
    pending.push(piece);
    // Strictly more than one chunk buffered: this one is not the last.
    while (pending.length > chunkSize) {
      await emit(push(pending.take(chunkSize), s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE));
    }
  }
  await emit(push(pending.take(pending.length), s.crypto_secretstream_xchacha20poly1305_TAG_FINAL));
  return { key, contentHash: hash.digest('hex'), ciphertextBytes, plaintextBytes };
}

export async function decryptAttachment(
  source: ByteSource,
  key: Uint8Array,
  write: ByteSink,
  options: { expectedContentHash?: string } = {},
): Promise<DecryptedAttachment> {
  const s = await loadSodium();
  bytes('key', key, ATTACHMENT_KEY_BYTES);
  const expected = options.expectedContentHash;
  if (expected !== undefined && (typeof expected !== 'string' || !SHA256_HEX.test(expected))) {
    throw new CryptoError('BAD_INPUT', 'expectedContentHash must be 64 lowercase hex characters');
  }

  const hash = createHash('sha256');
  const queue = new ByteQueue();
  let reader: FrameReader | undefined;
  let finished = false;
  let plaintextBytes = 0;

  const deliver = async (message: Uint8Array) => {
    plaintextBytes += message.length;
    if (message.length > 0) await write(message);
  };

  for await (const piece of source) {
    bytes('attachment chunk', piece);
    if (piece.length === 0) continue;
    if (finished) throw new CryptoError('TAMPERED', 'data after the final chunk');
    hash.update(piece);
    queue.push(piece);
    reader ??= queue.length >= PREFIX_BYTES + HEADER_BYTES ? openReader(s, queue, key) : undefined;
    while (reader && !finished && queue.length >= reader.frameBytes) {
      const frame = reader.pull(queue.take(reader.frameBytes));
      finished = frame.final;
      await deliver(frame.message);
    }
    if (finished && queue.length > 0) throw new CryptoError('TAMPERED', 'data after the final chunk');
  }

  if (!reader) throw new CryptoError('TRUNCATED', 'attachment ends inside its header');
  if (!finished) {
    if (queue.length === 0) throw new CryptoError('TRUNCATED', 'attachment ends before its final chunk');
    // A shorter last frame; a cut inside a frame fails authentication here.
    const frame = reader.pull(queue.take(queue.length));
    if (!frame.final) throw new CryptoError('TRUNCATED', 'attachment ends before its final chunk');
    await deliver(frame.message);
  }

  const contentHash = hash.digest('hex');
  if (expected !== undefined && contentHash !== expected) {
    throw new CryptoError('TAMPERED', 'ciphertext does not match its content address');
  }
  return { contentHash, plaintextBytes };
}

interface FrameReader {
  readonly frameBytes: number;
  pull(frame: Uint8Array): { message: Uint8Array; final: boolean };
}

function openReader(s: Sodium, queue: ByteQueue, key: Uint8Array): FrameReader {
  const prefix = queue.take(PREFIX_BYTES);
  if (MAGIC.some((b, i) => prefix[i] !== b)) throw new CryptoError('TAMPERED', 'not a KTalk attachment');
  const chunkSize = new DataView(prefix.buffer, prefix.byteOffset).getUint32(4);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) throw new CryptoError('TAMPERED', 'invalid chunk size');
  const state = s.crypto_secretstream_xchacha20poly1305_init_pull(queue.take(HEADER_BYTES), key);
  let ad: Uint8Array | null = prefix;
  return {
    frameBytes: chunkSize + FRAME_OVERHEAD,
    pull(frame) {
      let result: { message: Uint8Array; tag: number } | false;
      try {
        result = frame.length < FRAME_OVERHEAD ? false : s.crypto_secretstream_xchacha20poly1305_pull(state, frame, ad);
      } catch {
        result = false;
      }
      ad = null;
      if (!result) throw new CryptoError('TAMPERED', 'a chunk does not authenticate');
      const final = result.tag === s.crypto_secretstream_xchacha20poly1305_TAG_FINAL;
      if (!final && result.tag !== s.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE) {
        throw new CryptoError('TAMPERED', 'unexpected chunk tag');
      }
      return { message: result.message, final };
    },
  };
}
