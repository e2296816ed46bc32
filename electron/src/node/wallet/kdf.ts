import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WalletError } from './errors';

// Passphrase to key-encryption key: libsodium crypto_pwhash, Argon2id v1.3,
// 32-byte output, 16-byte random salt per wallet.
//
// Default cost is libsodium's MODERATE (opslimit 3, memlimit 256 MiB; about
// 2.5 s in WebAssembly on a 2-core Xeon), paid once per unlock. INTERACTIVE
// (2, 64 MiB) is the floor a stored wallet may claim; the ceiling (10, 1 GiB)
// stops a crafted file from exhausting memory or time.

export const KDF_ALGORITHM = 'argon2id13';
export const KDF_SALT_BYTES = 16;
export const KDF_KEY_BYTES = 32;

export interface KdfCost {
  readonly opslimit: number;
  readonly memlimit: number;
}

export const KDF_MODERATE: KdfCost = { opslimit: 3, memlimit: 256 * 1024 * 1024 };
export const KDF_INTERACTIVE: KdfCost = { opslimit: 2, memlimit: 64 * 1024 * 1024 };
export const KDF_LIMITS = {
  minOps: KDF_INTERACTIVE.opslimit,
  maxOps: 10,
  minMem: KDF_INTERACTIVE.memlimit,
  maxMem: 1024 * 1024 * 1024,
} as const;

export function checkKdfCost(cost: KdfCost): void {
  const { opslimit, memlimit } = cost;
  const okOps = Number.isInteger(opslimit) && opslimit >= KDF_LIMITS.minOps && opslimit <= KDF_LIMITS.maxOps;
  const okMem = Number.isInteger(memlimit) && memlimit >= KDF_LIMITS.minMem && memlimit <= KDF_LIMITS.maxMem;
  if (!okOps || !okMem) {
    throw new WalletError(
      'CORRUPT',
      `Argon2id cost must be opslimit ${KDF_LIMITS.minOps}-${KDF_LIMITS.maxOps} and memlimit ${KDF_LIMITS.minMem}-${KDF_LIMITS.maxMem} bytes`,
    );
  }
}

/** Argon2id13(passphrase, salt) in a worker thread. */
export async function deriveKey(passphrase: string, salt: Uint8Array, cost: KdfCost): Promise<Uint8Array> {
  checkKdfCost(cost);
  if (salt.length !== KDF_SALT_BYTES) throw new WalletError('CORRUPT', `salt must be ${KDF_SALT_BYTES} bytes`);
  // NFC so the same passphrase typed on another keyboard layout derives the same key.
  const passphraseBytes = new TextEncoder().encode(passphrase.normalize('NFC'));
  const worker = new Worker(path.join(__dirname, 'kdf-worker.js'), {
    workerData: {
      passphrase: passphraseBytes,
      salt,
      opslimit: cost.opslimit,
      memlimit: cost.memlimit,
      keyBytes: KDF_KEY_BYTES,
    },
    transferList: [passphraseBytes.buffer as ArrayBuffer],
  });
  try {
    const reply = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`key derivation worker exited with code ${code}`)));
    });
    const { key, error } = reply as { key?: unknown; error?: unknown };
    if (key instanceof Uint8Array && key.length === KDF_KEY_BYTES) return key;
    throw new Error(typeof error === 'string' ? error : 'key derivation returned no key');
  } finally {
    await worker.terminate();
  }
}
