import { randomBytes } from 'node:crypto';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import {
  DEFAULT_CHUNK_BYTES,
  decryptAttachment,
  type DecryptedAttachment,
  encryptAttachment,
  type EncryptedAttachment,
} from './attachments';

// Attachments on disk. Output goes to a temporary file beside the target
// and is renamed into place only once the whole stream checked out, so a
// truncated or tampered download never leaves a file that looks complete.

/** Reads lazily, so nothing is read (or fails) until the crypto asks for it. */
async function* readChunks(file: FileHandle): AsyncGenerator<Uint8Array> {
  for (;;) {
    const buffer = new Uint8Array(DEFAULT_CHUNK_BYTES);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
    if (bytesRead === 0) return;
    yield buffer.subarray(0, bytesRead);
  }
}

async function transformFile<T>(
  inputPath: string,
  outputPath: string,
  run: (source: AsyncIterable<Uint8Array>, write: (chunk: Uint8Array) => Promise<void>) => Promise<T>,
): Promise<T> {
  const input = await open(inputPath, 'r');
  const temp = `${outputPath}.${randomBytes(6).toString('hex')}.partial`;
  try {
    const output = await open(temp, 'wx', 0o600);
    try {
      const result = await run(readChunks(input), async (chunk) => {
        await output.write(chunk);
      });
      await output.close();
      await rename(temp, outputPath);
      return result;
    } catch (error) {
      await output.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw error;
    }
  } finally {
    await input.close();
  }
}

export function encryptAttachmentFile(
  inputPath: string,
  outputPath: string,
  options: { chunkSize?: number } = {},
): Promise<EncryptedAttachment> {
  return transformFile(inputPath, outputPath, (source, write) => encryptAttachment(source, write, options));
}

export function decryptAttachmentFile(
  inputPath: string,
  outputPath: string,
  key: Uint8Array,
  expectedContentHash: string,
): Promise<DecryptedAttachment> {
  return transformFile(inputPath, outputPath, (source, write) =>
    decryptAttachment(source, key, write, { expectedContentHash }),
  );
}
