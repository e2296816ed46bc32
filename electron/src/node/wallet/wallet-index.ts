import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { KTALK_ROLES } from '../ca/ca-admin';
import { certificateAttributes } from '../../shared/cert-attributes';
import { ENROLLMENT_ID, PROFILE_NAME, type WalletData } from './wallet-data';

// The wallet's unencrypted account index: who has an account here, so a
// locked wallet can still offer "sign in as …" after a restart or sign-out.
// It holds only what the certificate already tells anyone (ids, org,
// profile, role, expiry), never a key. It is written with every wallet write
// but is NOT authenticated: it is used for nothing but the sign-in list, and
// after an unlock the decrypted accounts win (a stale or edited index is
// rewritten).

export const accountIndexEntrySchema = z.strictObject({
  id: z.string().max(256),
  profile: z.string().regex(PROFILE_NAME),
  mspId: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  enrollmentId: z.string().regex(ENROLLMENT_ID),
  role: z.enum(KTALK_ROLES),
  treasury: z.boolean(),
  certificateExpiresAt: z.number().int().nonnegative(),
  active: z.boolean(),
});

export const accountIndexSchema = z.array(accountIndexEntrySchema).max(100);

export type AccountIndexEntry = z.infer<typeof accountIndexEntrySchema>;

/** The index that matches `data` exactly. */
export function accountIndexOf(data: WalletData): AccountIndexEntry[] {
  return data.accounts.map((a) => ({
    id: a.id,
    profile: a.profile,
    mspId: a.mspId,
    enrollmentId: a.enrollmentId,
    role: a.role,
    treasury: certificateAttributes(a.certificatePem)['ktalk.treasury'] === 'true',
    certificateExpiresAt: new Date(new X509Certificate(a.certificatePem).validTo).getTime(),
    active: a.id === data.activeAccount,
  }));
}

export function sameIndex(a: readonly AccountIndexEntry[] | undefined, b: readonly AccountIndexEntry[]): boolean {
  return a !== undefined && JSON.stringify(a) === JSON.stringify(b);
}
