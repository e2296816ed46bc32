import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { decryptAttachmentFile, encryptAttachmentFile } from '../src/node/crypto/attachment-files';
import { decryptAttachment, encryptAttachment, type ByteSource } from '../src/node/crypto/attachments';
import { isCryptoError } from '../src/node/crypto/errors';
import { flipBit, rejectsWith, seq, utf8 } from './support/crypto-fixtures';

const PREFIX_AND_HEADER = 8 + 24;

async function encrypt(plaintext: Uint8Array, chunkSize?: number, pieces = 1) {
  const parts: Uint8Array[] = [];
  const step = Math.max(1, Math.ceil(plaintext.length / pieces));
  const source: Uint8Array[] = [];
  for (let at = 0; at < plaintext.length; at += step) source.push(plaintext.subarray(at, at + step));
  const result = await encryptAttachment(source, (c) => void parts.push(c), chunkSize ? { chunkSize } : {});
  return { ...result, blob: new Uint8Array(Buffer.concat(parts)) };
}

async function decrypt(source: ByteSource, key: Uint8Array, expectedContentHash?: string) {
  const parts: Uint8Array[] = [];
  const result = await decryptAttachment(source, key, (c) => void parts.push(c), { expectedContentHash });
  return { ...result, plaintext: new Uint8Array(Buffer.concat(parts)) };
}

/** Every byte separately: framing must not depend on how the source is cut. */
function* byteByByte(blob: Uint8Array): Iterable<Uint8Array> {
  for (let i = 0; i < blob.length; i++) yield blob.subarray(i, i + 1);
}

describe('attachments (secretstream, content-addressed)', () => {
  it('round-trips around every chunk boundary, however the source is split', async () => {
    const chunk = 64 * 1024;
    for (const size of [0, 1, chunk - 1, chunk, chunk + 1, 3 * chunk, 200 * 1024 + 7]) {
      const plaintext = new Uint8Array(randomBytes(size));
      for (const pieces of [1, 7]) {
        const enc = await encrypt(plaintext, undefined, pieces);
        const frames = Math.max(1, Math.ceil(size / chunk));
        assert.equal(enc.blob.length, PREFIX_AND_HEADER + size + 17 * frames, `size ${size}`);
        assert.equal(enc.ciphertextBytes, enc.blob.length);
        assert.equal(enc.plaintextBytes, size);
        assert.equal(enc.contentHash, createHash('sha256').update(enc.blob).digest('hex'));
        const dec = await decrypt([enc.blob], enc.key, enc.contentHash);
        assert.deepEqual(dec.plaintext, plaintext);
        assert.equal(dec.plaintextBytes, size);
      }
    }
  });

  it('decrypts a source delivered one byte at a time', async () => {
    const plaintext = seq(0, 1000);
    const enc = await encrypt(plaintext, 64);
    assert.deepEqual((await decrypt(byteByByte(enc.blob), enc.key, enc.contentHash)).plaintext, plaintext);
  });

  it('gives every file its own key, so equal files get different addresses', async () => {
    const a = await encrypt(utf8('same file'));
    const b = await encrypt(utf8('same file'));
    assert.notDeepEqual(a.key, b.key);
    assert.notEqual(a.contentHash, b.contentHash);
    await rejectsWith(() => decrypt([a.blob], b.key), 'TAMPERED');
  });

  it('detects truncation: TRUNCATED at frame boundaries (only the final tag shows it), refused everywhere', async () => {
    const enc = await encrypt(seq(0, 100), 16); // 7 frames: 6 x 33 bytes, then 21
    const boundaries = new Set<number>();
    for (let at = PREFIX_AND_HEADER; at < enc.blob.length; at += 33) boundaries.add(at);
    assert.equal(boundaries.size, 7);
    for (let cut = 0; cut < enc.blob.length; cut++) {
      const truncated = enc.blob.subarray(0, cut);
      if (cut < PREFIX_AND_HEADER || boundaries.has(cut)) {
        await rejectsWith(() => decrypt([truncated], enc.key), 'TRUNCATED');
      } else {
        // Cut inside a frame: that frame no longer authenticates.
        await rejectsWith(() => decrypt([truncated], enc.key), 'TAMPERED');
      }
    }
  });

  it('detects tampering: any flipped bit, appended data, dropped or swapped frames, wrong address', async () => {
    const enc = await encrypt(seq(0, 100), 16);
    for (let bit = 0; bit < enc.blob.length * 8; bit++) {
      await rejectsWith(() => decrypt([flipBit(enc.blob, bit)], enc.key), 'TAMPERED');
    }
    const blob = Buffer.from(enc.blob);
    const frame = (i: number) => blob.subarray(PREFIX_AND_HEADER + 33 * i, PREFIX_AND_HEADER + 33 * (i + 1));
    const head = blob.subarray(0, PREFIX_AND_HEADER);
    const rest = blob.subarray(PREFIX_AND_HEADER + 33 * 3);
    await rejectsWith(() => decrypt([Buffer.concat([blob, Buffer.from([0])])], enc.key), 'TAMPERED');
    await rejectsWith(() => decrypt([blob, Buffer.from('more')], enc.key), 'TAMPERED');
    await rejectsWith(() => decrypt([Buffer.concat([head, frame(0), frame(2), rest])], enc.key), 'TAMPERED');
    await rejectsWith(() => decrypt([Buffer.concat([head, frame(1), frame(0), frame(2), rest])], enc.key), 'TAMPERED');
    await rejectsWith(() => decrypt([blob], enc.key, '0'.repeat(64)), 'TAMPERED');
  });

  it('validates its inputs', async () => {
    const enc = await encrypt(utf8('x'));
    await rejectsWith(() => decrypt([enc.blob], enc.key.subarray(1)), 'BAD_INPUT');
    await rejectsWith(() => decrypt([enc.blob], enc.key, 'not-a-hash'), 'BAD_INPUT');
    await rejectsWith(() => decrypt(['a string' as unknown as Uint8Array], enc.key), 'BAD_INPUT');
    await rejectsWith(() => encryptAttachment(['text' as unknown as Uint8Array], () => undefined), 'BAD_INPUT');
    await rejectsWith(() => encryptAttachment([], () => undefined, { chunkSize: 0 }), 'BAD_INPUT');
    await rejectsWith(() => encryptAttachment([], () => undefined, { chunkSize: 1.5 }), 'BAD_INPUT');
  });

  describe('on disk', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ktalk-attach-'));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('encrypts and decrypts files; a tampered or truncated file leaves no output behind', async () => {
      const plain = randomBytes(300 * 1024 + 5);
      writeFileSync(path.join(dir, 'in.bin'), plain);
      const enc = await encryptAttachmentFile(path.join(dir, 'in.bin'), path.join(dir, 'in.kta'));
      const blob = readFileSync(path.join(dir, 'in.kta'));
      assert.equal(enc.contentHash, createHash('sha256').update(blob).digest('hex'));
      await decryptAttachmentFile(path.join(dir, 'in.kta'), path.join(dir, 'out.bin'), enc.key, enc.contentHash);
      assert.deepEqual(readFileSync(path.join(dir, 'out.bin')), plain);

      // Drop the last frame whole: every remaining frame still authenticates.
      writeFileSync(path.join(dir, 'bad.kta'), blob.subarray(0, PREFIX_AND_HEADER + 4 * (64 * 1024 + 17)));
      await rejectsWith(
        () => decryptAttachmentFile(path.join(dir, 'bad.kta'), path.join(dir, 'bad.bin'), enc.key, enc.contentHash),
        'TRUNCATED',
      );
      writeFileSync(path.join(dir, 'flip.kta'), flipBit(blob, 8 * 100_000));
      await rejectsWith(
        () => decryptAttachmentFile(path.join(dir, 'flip.kta'), path.join(dir, 'flip.bin'), enc.key, enc.contentHash),
        'TAMPERED',
      );
      assert.ok(!existsSync(path.join(dir, 'bad.bin')) && !existsSync(path.join(dir, 'flip.bin')));
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.partial')),
        [],
      );
      await assert.rejects(
        () => encryptAttachmentFile(path.join(dir, 'missing'), path.join(dir, 'missing.kta')),
        (e: unknown) => !isCryptoError(e) && (e as NodeJS.ErrnoException).code === 'ENOENT',
      );
      assert.deepEqual(
        readdirSync(dir).filter((f) => f.endsWith('.partial')),
        [],
      );
    });
  });
});
