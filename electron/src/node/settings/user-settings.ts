import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod/mini';
import type { UserSettings } from '../../common/api';
import { userSettingsSchema } from '../../common/api-args';
import { writeFileAtomic } from '../fs/atomic-file';
import type { Store } from '../store';

// Where a person's settings live. Signed in: the account's encrypted store
// (one row of sync_state), so they follow the account wherever it signs in
// and survive the web mode's new origin on every launch. Before sign-in the
// UI still needs a language and a theme: the ones used last are copied to a
// small plain file in the app data dir. Language and theme are not secret;
// notification preferences, the inbox policy and the block list stay in the
// store only (the inbox policy is also published on the ledger, where the
// chaincode enforces it: see inbox-policy.ts).

export const DEFAULT_USER_SETTINGS: UserSettings = {
  language: 'en',
  theme: 'system',
  notifications: true,
  directFrom: 'anyone',
  blockedUsers: [],
};

const STORE_KEY = 'user-settings';
const LAST_USED_FILE = 'settings.json';
// The shared schema is declared with zod/mini (see api-args.ts), so it is narrowed with mini's functions.
const lastUsedSchema = z.partial(z.pick(userSettingsSchema, { language: true, theme: true }));
const storedSchema = z.partial(userSettingsSchema);

function parsed(raw: string | null): Partial<UserSettings> {
  if (raw === null) return {};
  try {
    const result = storedSchema.safeParse(JSON.parse(raw));
    return result.success ? result.data : {};
  } catch {
    return {};
  }
}

/** Senders whose messages this account does not read (kept in the encrypted store). */
export function blockedSenders(store: Store): ReadonlySet<string> {
  return new Set(parsed(store.getSyncState(STORE_KEY)).blockedUsers ?? []);
}

/** The last-used language and theme (defaults when the file is missing or damaged). */
export async function readLastUsedSettings(appDataDir: string): Promise<UserSettings> {
  const raw = await readFile(path.join(appDataDir, LAST_USED_FILE), 'utf8').catch(() => null);
  const known = lastUsedSchema.safeParse(parsed(raw));
  return { ...DEFAULT_USER_SETTINGS, ...(known.success ? known.data : {}) };
}

async function writeLastUsed(appDataDir: string, settings: UserSettings): Promise<void> {
  const { language, theme } = settings;
  await writeFileAtomic(path.join(appDataDir, LAST_USED_FILE), `${JSON.stringify({ language, theme })}\n`, 0o600);
}

/** The account's settings; what it never chose comes from the last-used file, then the defaults. */
export async function readAccountSettings(store: Store, appDataDir: string): Promise<UserSettings> {
  return { ...(await readLastUsedSettings(appDataDir)), ...parsed(store.getSyncState(STORE_KEY)) };
}

export async function saveSettings(
  target: { store: Store } | null,
  appDataDir: string,
  change: Partial<UserSettings>,
): Promise<UserSettings> {
  const current = target ? await readAccountSettings(target.store, appDataDir) : await readLastUsedSettings(appDataDir);
  const next = { ...current, ...change };
  if (target) target.store.setSyncState(STORE_KEY, JSON.stringify(next));
  await writeLastUsed(appDataDir, next);
  return next;
}
