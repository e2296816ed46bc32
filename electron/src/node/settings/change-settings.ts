import type { UserSettings } from '../../common/api';
import type { LedgerClient } from '../ledger';
import type { Store } from '../store';
import { publishInboxPolicy } from './inbox-policy';
import { readAccountSettings, saveSettings } from './user-settings';

// A change of settings as the person makes it: the inbox policy and block
// list are published on the ledger first, so if the ledger refuses, the
// local settings stay as they were.

/** The signed-in account's side of a change; null when nobody is signed in. */
export interface SettingsOwner {
  readonly ledger: LedgerClient;
  readonly store: Store;
  /** The other member of each of my direct conversations (they count as contacts). */
  directPeers(): Iterable<string>;
}

export async function changeSettings(
  owner: SettingsOwner | null,
  appDataDir: string,
  change: Partial<UserSettings>,
): Promise<UserSettings> {
  if (change.directFrom !== undefined || change.blockedUsers !== undefined) {
    if (!owner) throw new SettingsError('NOT_SIGNED_IN', 'who may reach you is an account setting: sign in first');
    const next = { ...(await readAccountSettings(owner.store, appDataDir)), ...change };
    await publishInboxPolicy(owner.ledger, owner.store, owner.directPeers(), next);
  }
  return saveSettings(owner, appDataDir, change);
}

export class SettingsError extends Error {
  override readonly name = 'SettingsError';

  constructor(
    readonly code: 'NOT_SIGNED_IN',
    message: string,
  ) {
    super(message);
  }
}
