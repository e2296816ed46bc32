import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { encodeFields, type Field } from '../crypto/encoding';
import { loadSodium } from '../crypto/sodium';
import { writeFileAtomic } from '../fs/atomic-file';
import { KEK_BYTES, type KeyProtector, type Protection, protectionSchema } from '../wallet/key-protector';
import { StoreError } from './errors';
import { STORE_KEY_BYTES, openStore } from './open';
import type { Store } from './store';

// The store's random 32-byte key, wrapped by a KeyProtector (passphrase or
// OS keychain) in a small JSON file beside the database (`<db>.key.json`):
//   { "format": "ktalk-store-key", "version": 1, "protection": {...},
//     "key": { "nonce", "ciphertext" } }   XChaCha20-Poly1305 under the KEK,
// with the protection record as associated data. A wrong passphrase fails
// that authentication: WRONG_KEY before the database is touched.

export const STORE_KEY_FORMAT = 'ktalk-store-key';
const MAX_KEY_FILE_BYTES = 64 * 1024;

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
  .max(4096);

const keyFileSchema = z.strictObject({
  format: z.literal(STORE_KEY_FORMAT),
  version: z.literal(1),
  protection: protectionSchema,
  key: z.strictObject({ nonce: b64, ciphertext: b64 }),
});
export type StoreKeyFile = z.infer<typeof keyFileSchema>;

export const storeKeyFilePath = (dbFile: string): string => `${dbFile}.key.json`;

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function associatedData(p: Protection): Uint8Array {
  const fields: Field[] =
    p.kind === 'passphrase' ? [p.kind, p.kdf, p.opslimit, p.memlimit, fromB64(p.salt)] : [p.kind, fromB64(p.sealedKey)];
  return encodeFields('ktalk-store/v1/key', fields);
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** The parsed key file, or null when there is none. */
export async function readStoreKeyFile(keyFile: string): Promise<StoreKeyFile | null> {
  let text: string;
  try {
    const info = await stat(keyFile);
    if (info.size > MAX_KEY_FILE_BYTES) throw new StoreError('CORRUPT', `${keyFile} is too large for a key file`);
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new StoreError('CORRUPT', `${keyFile} is not JSON`);
  }
  const parsed = keyFileSchema.safeParse(raw);
  if (!parsed.success) throw new StoreError('CORRUPT', `${keyFile} is not a KTalk store key file`);
  return parsed.data;
}

async function unwrapKey(kek: Uint8Array, file: StoreKeyFile, keyFile: string): Promise<Uint8Array> {
  const s = await loadSodium();
  const nonce = fromB64(file.key.nonce);
  if (kek.length !== KEK_BYTES || nonce.length !== s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) {
    throw new StoreError('CORRUPT', `${keyFile} has a malformed key envelope`);
  }
  let key: Uint8Array;
  try {
    key = s.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      fromB64(file.key.ciphertext),
      associatedData(file.protection),
      nonce,
      kek,
    );
  } catch {
    throw new StoreError('WRONG_KEY', `the key protector does not open ${keyFile}`);
  }
  if (key.length !== STORE_KEY_BYTES) throw new StoreError('CORRUPT', `${keyFile} holds a key of the wrong size`);
  return key;
}

async function createKeyFile(protector: KeyProtector, keyFile: string): Promise<Uint8Array> {
  const s = await loadSodium();
  const { kek, protection } = await protector.createKey();
  const key = new Uint8Array(randomBytes(STORE_KEY_BYTES));
  const nonce = s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(key, associatedData(protection), null, nonce, kek);
  const file: StoreKeyFile = {
    format: STORE_KEY_FORMAT,
    version: 1,
    protection,
    key: { nonce: toB64(nonce), ciphertext: toB64(ciphertext) },
  };
  await writeFileAtomic(keyFile, `${JSON.stringify(file, null, 2)}\n`);
  return key;
}

/**
 * The store's key: unwrapped from `<file>.key.json`, or for a new store
 * created and its key file written (atomically) before the database exists,
 * so a crash in between leaves a key and no data, never data and no key.
 */
export async function storeKey(file: string, protector: KeyProtector): Promise<Uint8Array> {
  const keyFile = storeKeyFilePath(file);
  const existing = await readStoreKeyFile(keyFile);
  if (existing) {
    let kek: Uint8Array;
    try {
      kek = await protector.recoverKey(existing.protection);
    } catch (error) {
      // A passphrase protector asked to open an OS-keychain file (or the reverse), or a keychain that refuses.
      throw new StoreError('WRONG_KEY', `the key protector cannot open ${keyFile}: ${(error as Error).message}`);
    }
    return unwrapKey(kek, existing, keyFile);
  }
  if (await exists(file)) throw new StoreError('KEY_MISSING', `${file} exists but its key file ${keyFile} does not`);
  return createKeyFile(protector, keyFile);
}

/** Opens (or creates) the store at `file` with its key kept by `protector`. */
export async function openStoreWithProtector(options: {
  readonly file: string;
  readonly protector: KeyProtector;
  readonly now?: () => number;
}): Promise<Store> {
  const key = await storeKey(options.file, options.protector);
  return openStore({ file: options.file, key, ...(options.now ? { now: options.now } : {}) });
}
