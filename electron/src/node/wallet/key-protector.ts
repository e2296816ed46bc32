import { z } from 'zod';

// Where the wallet's key-encryption key (KEK) comes from. The wallet stores
// a `Protection` record in its header and asks the protector for the KEK;
// the KEK only ever unwraps the wallet's own data key. Two implementations:
// a passphrase (Argon2id, here in plain Node) and the OS keychain through
// Electron safeStorage (electron/src/main/safe-storage-protector.ts).

export const KEK_BYTES = 32;

const b64 = z
  .string()
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64')
  .max(4096);

export const passphraseProtectionSchema = z.strictObject({
  kind: z.literal('passphrase'),
  kdf: z.literal('argon2id13'),
  opslimit: z.number().int(),
  memlimit: z.number().int(),
  /** 16 random bytes, base64. */
  salt: b64,
});

export const keychainProtectionSchema = z.strictObject({
  kind: z.literal('os-keychain'),
  /** The KEK as encrypted by the OS keychain (safeStorage), base64. */
  sealedKey: b64,
});

export const protectionSchema = z.discriminatedUnion('kind', [passphraseProtectionSchema, keychainProtectionSchema]);

export type PassphraseProtection = z.infer<typeof passphraseProtectionSchema>;
export type KeychainProtection = z.infer<typeof keychainProtectionSchema>;
export type Protection = z.infer<typeof protectionSchema>;

export interface KeyProtector {
  readonly kind: Protection['kind'];
  /** For a new wallet: a fresh KEK and the public record that recovers it. */
  createKey(): Promise<{ kek: Uint8Array; protection: Protection }>;
  /**
   * The KEK for a stored wallet. A wrong passphrase yields a wrong key, not an
   * error: the wallet's authenticated key envelope tells.
   */
  recoverKey(protection: Protection): Promise<Uint8Array>;
}
