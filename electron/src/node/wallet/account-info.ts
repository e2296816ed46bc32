import type { AccountInfo } from '../../common/api';
import { certificateAttributes } from '../../shared/cert-attributes';
import { certificateValidity } from './enrollment';
import { userIdOf } from './messaging-keys';
import type { Account } from './wallet-data';
import { readAccountIndex } from './wallet-file';
import type { AccountIndexEntry } from './wallet-index';

// An account as the UI sees it (no keys): read from the unlocked wallet, or
// from the wallet file's clear index while the wallet is locked.

export function accountInfoOf(account: Account): AccountInfo {
  return {
    accountId: account.id,
    profile: account.profile,
    mspId: account.mspId,
    enrollmentId: account.enrollmentId,
    userId: userIdOf(account),
    role: account.role,
    treasury: certificateAttributes(account.certificatePem)['ktalk.treasury'] === 'true',
    certificateExpiresAt: certificateValidity(account.certificatePem).notAfter.getTime(),
  };
}

function indexedAccountInfo(entry: AccountIndexEntry): AccountInfo {
  return {
    accountId: entry.id,
    profile: entry.profile,
    mspId: entry.mspId,
    enrollmentId: entry.enrollmentId,
    userId: `${entry.mspId}::${entry.enrollmentId}`,
    role: entry.role,
    treasury: entry.treasury,
    certificateExpiresAt: entry.certificateExpiresAt,
  };
}

/** The accounts a locked wallet lists from its clear index (indexed: false for a file older than the index, or none). */
export async function lockedAccounts(walletFile: string): Promise<{ known: AccountInfo[]; indexed: boolean }> {
  const index = await readAccountIndex(walletFile).catch(() => undefined);
  if (!index) return { known: [], indexed: false };
  return { known: index.map(indexedAccountInfo), indexed: true };
}
