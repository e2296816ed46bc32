import { z } from 'zod';
import { KTALK_ROLES } from '../ca/ca-admin';

// What the wallet holds once decrypted. Checked with this schema after every
// decryption and before every write, so a wallet never holds half an update.

const exactBase64 = (bytes: number) =>
  z
    .string()
    .regex(/^[A-Za-z0-9+/]*={0,2}$/)
    .refine((s) => Buffer.from(s, 'base64').length === bytes, `must encode ${bytes} bytes`);

const pemText = (label: string) =>
  z
    .string()
    .max(64 * 1024)
    .includes(`-----BEGIN ${label}`);

export const messagingKeySchema = z.strictObject({
  /** X25519 (crypto_box) key pair. */
  encryptionPublicKey: exactBase64(32),
  encryptionSecretKey: exactBase64(32),
  /** Ed25519 key pair (libsodium's 64-byte secret key). */
  signingPublicKey: exactBase64(32),
  signingSecretKey: exactBase64(64),
  createdAt: z.number().int().nonnegative(),
  /** The directory's keysSince for these keys; null until the directory has confirmed them. */
  validFrom: z.number().int().nonnegative().nullable(),
});

export const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const ENROLLMENT_ID = /^[a-z][a-z0-9._-]{1,63}$/;

export const accountSchema = z.strictObject({
  /** `<profile>/<mspId>::<enrollmentId>`: one identity on one network. */
  id: z.string().max(256),
  /** Name of the connection profile this account belongs to. */
  profile: z.string().regex(PROFILE_NAME),
  mspId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  enrollmentId: z.string().regex(ENROLLMENT_ID),
  role: z.enum(KTALK_ROLES),
  /** Fabric signing identity: enrollment certificate and its ECDSA key (PKCS#8 PEM). */
  certificatePem: pemText('CERTIFICATE'),
  privateKeyPem: pemText('PRIVATE KEY'),
  /** The CA chain at first enrollment; re-enrollment must come from the same CA. */
  caChainPem: pemText('CERTIFICATE'),
  enrolledAt: z.number().int().nonnegative(),
  /** Oldest first; old secret keys stay to read old messages. */
  messagingKeys: z.array(messagingKeySchema).max(1000),
});

export const walletDataSchema = z
  .strictObject({
    activeAccount: z.string().nullable(),
    accounts: z.array(accountSchema).max(100),
  })
  .refine((d) => new Set(d.accounts.map((a) => a.id)).size === d.accounts.length, 'account ids must be unique')
  .refine(
    (d) => d.activeAccount === null || d.accounts.some((a) => a.id === d.activeAccount),
    'the active account must be in the wallet',
  )
  .refine((d) => d.accounts.every((a) => a.id === accountId(a.profile, a.mspId, a.enrollmentId)), 'bad account id');

export type MessagingKey = z.infer<typeof messagingKeySchema>;
export type Account = z.infer<typeof accountSchema>;
export type WalletData = z.infer<typeof walletDataSchema>;

export function accountId(profile: string, mspId: string, enrollmentId: string): string {
  return `${profile}/${mspId}::${enrollmentId}`;
}

export const EMPTY_WALLET: WalletData = { activeAccount: null, accounts: [] };
