import { createHash } from 'node:crypto';
import { ATTACHMENT_KEY_BYTES, decryptAttachment, encryptAttachment } from '../crypto';
import { ServiceError, cryptoFailure } from './errors';

// A shared item's payload: the file's name and bytes in one small frame,
// encrypted as an attachment stream (its own random key, one authenticated
// frame per chunk). The ledger keeps no file name, so the name travels
// inside the ciphertext where only key holders read it.
//
// Frame: "KTI1" | u16 BE name length | name (UTF-8) | file bytes.
// contentHash is the SHA-256 of the file bytes alone, so anyone holding the
// file can check it with sha256sum.

const MAGIC = Buffer.from('KTI1', 'latin1');
const MAX_NAME_BYTES = 1024;
/** The chaincode's cap on a stored payload (LIMITS.itemPayloadBytes). */
export const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

export interface PlainFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface SealedFile {
  readonly key: Uint8Array;
  readonly payload: Uint8Array;
  /** Lowercase hex SHA-256 of the file bytes. */
  readonly contentHash: string;
  readonly size: number;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

export function frameFile(file: PlainFile): Buffer {
  const name = Buffer.from(file.name, 'utf8');
  if (name.length === 0 || name.length > MAX_NAME_BYTES) {
    throw new ServiceError('BAD_INPUT', `a file name is 1-${MAX_NAME_BYTES} bytes`);
  }
  const length = Buffer.alloc(2);
  length.writeUInt16BE(name.length);
  return Buffer.concat([MAGIC, length, name, file.bytes]);
}

export function unframeFile(frame: Uint8Array): PlainFile {
  const buf = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  if (buf.length < MAGIC.length + 2 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ServiceError('VERIFY_FAILED', 'not a KTalk item');
  }
  const nameBytes = buf.readUInt16BE(MAGIC.length);
  const start = MAGIC.length + 2;
  if (nameBytes === 0 || nameBytes > MAX_NAME_BYTES || buf.length < start + nameBytes) {
    throw new ServiceError('VERIFY_FAILED', 'item frame has an invalid name');
  }
  return {
    name: buf.subarray(start, start + nameBytes).toString('utf8'),
    bytes: new Uint8Array(buf.subarray(start + nameBytes)),
  };
}

async function collect(run: (sink: (chunk: Uint8Array) => void) => Promise<unknown>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  await run((chunk) => {
    chunks.push(chunk);
  });
  return Buffer.concat(chunks);
}

/** Encrypts a file under a fresh key; TOO_LARGE if the ledger would refuse the payload. */
export async function sealFile(file: PlainFile): Promise<SealedFile> {
  const frame = frameFile(file);
  let key: Uint8Array = new Uint8Array(0);
  const payload = await collect(async (sink) => {
    key = (await encryptAttachment([frame], sink)).key;
  });
  if (payload.length > MAX_PAYLOAD_BYTES) {
    throw new ServiceError(
      'TOO_LARGE',
      `encrypted item is ${payload.length} bytes; the ledger keeps at most ${MAX_PAYLOAD_BYTES}`,
    );
  }
  return { key, payload, contentHash: sha256Hex(file.bytes), size: file.bytes.length };
}

/**
 * Decrypts a payload and checks the file against the hash the owner
 * registered: DECRYPT_FAILED for a wrong key, VERIFY_FAILED for changed bytes
 * or a different file.
 */
export async function openFile(payload: Uint8Array, key: Uint8Array, contentHash: string): Promise<PlainFile> {
  if (key.length !== ATTACHMENT_KEY_BYTES) throw new ServiceError('DECRYPT_FAILED', 'item key has the wrong length');
  let frame: Buffer;
  try {
    frame = await collect((sink) => decryptAttachment([payload], key, sink));
  } catch (error) {
    throw cryptoFailure(error, 'decrypting the item');
  }
  const file = unframeFile(frame);
  if (sha256Hex(file.bytes) !== contentHash) {
    throw new ServiceError('VERIFY_FAILED', 'decrypted file does not match its registered content hash');
  }
  return file;
}
