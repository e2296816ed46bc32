import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { encodeFields, type Field } from '../crypto/encoding';
import { loadSodium } from '../crypto/sodium';
import { WalletError } from './errors';
import { KEK_BYTES, type Protection, protectionSchema } from './key-protector';
import { accountIndexSchema } from './wallet-index';

// The wallet file (JSON, mode 0600):
//   { "format": "ktalk-wallet", "version": 1,
//     "protection": <how to get the KEK: passphrase+Argon2id params+salt, or an OS-keychain-sealed key>,
//     "key":  { "nonce", "ciphertext" }  the 32-byte data key under the KEK,
//     "data": { "nonce", "ciphertext" }  the wallet JSON under the data key,
//     "index": [ … ]  the accounts without keys, in clear (wallet-index.ts; absent in older files) }
// Both are XChaCha20-Poly1305 (24-byte random nonces). The key envelope's
// associated data is the protection record; the data's is the protection
// record and the key envelope. So a wrong passphrase fails on the key
// envelope, and any later change to the file fails on the data.

export const WALLET_FORMAT = 'ktalk-wallet';
export const WALLET_VERSION = 1;
export const DATA_KEY_BYTES = 32;
const MAX_WALLET_BYTES = 16 * 1024 * 1024;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const sealedSchema = z.strictObject({ nonce: b64, ciphertext: b64 });

const walletFileSchema = z.strictObject({
  format: z.literal(WALLET_FORMAT),
  version: z.literal(WALLET_VERSION),
  protection: protectionSchema,
  key: sealedSchema,
  data: sealedSchema,
  // Outside both envelopes' associated data on purpose: it is display-only, see wallet-index.ts.
  index: accountIndexSchema.optional(),
});

export type Sealed = z.infer<typeof sealedSchema>;
export type WalletFile = z.infer<typeof walletFileSchema>;

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const toB64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

function protectionFields(p: Protection): Field[] {
  return p.kind === 'passphrase'
    ? [p.kind, p.kdf, p.opslimit, p.memlimit, fromB64(p.salt)]
    : [p.kind, fromB64(p.sealedKey)];
}

const keyAd = (p: Protection) => encodeFields('ktalk-wallet/v1/key', protectionFields(p));
const dataAd = (p: Protection, key: Sealed) =>
  encodeFields('ktalk-wallet/v1/data', [...protectionFields(p), fromB64(key.nonce), fromB64(key.ciphertext)]);

async function seal(key: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Promise<Sealed> {
  const s = await loadSodium();
  const nonce = s.randombytes_buf(s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  const ciphertext = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
  return { nonce: toB64(nonce), ciphertext: toB64(ciphertext) };
}

async function open(key: Uint8Array, sealed: Sealed, ad: Uint8Array): Promise<Uint8Array | null> {
  const s = await loadSodium();
  const nonce = fromB64(sealed.nonce);
  if (nonce.length !== s.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return null;
  try {
    return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, fromB64(sealed.ciphertext), ad, nonce, key);
  } catch {
    return null;
  }
}

/** A new data key wrapped under the KEK. */
export async function wrapDataKey(
  kek: Uint8Array,
  protection: Protection,
): Promise<{ dataKey: Uint8Array; key: Sealed }> {
  if (kek.length !== KEK_BYTES) throw new WalletError('BAD_INPUT', `the key-encryption key must be ${KEK_BYTES} bytes`);
  const s = await loadSodium();
  const dataKey = s.randombytes_buf(DATA_KEY_BYTES);
  return { dataKey, key: await seal(kek, dataKey, keyAd(protection)) };
}

/** The data key, or null when the KEK is wrong or the envelope or protection record was changed. */
export async function unwrapDataKey(kek: Uint8Array, file: WalletFile): Promise<Uint8Array | null> {
  if (kek.length !== KEK_BYTES) return null;
  const key = await open(kek, file.key, keyAd(file.protection));
  return key && key.length === DATA_KEY_BYTES ? key : null;
}

export async function sealData(
  dataKey: Uint8Array,
  protection: Protection,
  key: Sealed,
  plaintext: Uint8Array,
): Promise<WalletFile> {
  return {
    format: WALLET_FORMAT,
    version: WALLET_VERSION,
    protection,
    key,
    data: await seal(dataKey, plaintext, dataAd(protection, key)),
  };
}

export async function openData(dataKey: Uint8Array, file: WalletFile): Promise<Uint8Array> {
  const plaintext = await open(dataKey, file.data, dataAd(file.protection, file.key));
  if (!plaintext) throw new WalletError('TAMPERED', 'the wallet contents fail authentication (the file was changed)');
  return plaintext;
}

export function serializeWalletFile(file: WalletFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The clear account index of the wallet at `path`; undefined for a file written before there was one. */
export async function readAccountIndex(path: string): Promise<WalletFile['index']> {
  return (await readWalletFile(path)).index;
}

/** Reads and structurally checks a wallet file; nothing is decrypted here. */
export async function readWalletFile(path: string): Promise<WalletFile> {
  let text: string;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_WALLET_BYTES) throw new WalletError('CORRUPT', `${path} is over ${MAX_WALLET_BYTES} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if (error instanceof WalletError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new WalletError('NOT_FOUND', `no wallet at ${path}`);
    throw new WalletError('CORRUPT', `${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WalletError('CORRUPT', `${path} is not JSON`);
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (head?.format !== WALLET_FORMAT) throw new WalletError('CORRUPT', `${path} is not a KTalk wallet`);
  if (head.version !== WALLET_VERSION) {
    throw new WalletError('UNSUPPORTED_VERSION', `${path} is wallet version ${String(head.version)}`);
  }
  const parsed = walletFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new WalletError('CORRUPT', `${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
