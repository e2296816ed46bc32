import { changeSettings } from '../../settings/change-settings';
import { readAccountSettings, readLastUsedSettings } from '../../settings/user-settings';
import type { AppSession, Signed } from '../session';
import type { Handlers } from './handlers';

// Display and privacy settings: the account's when signed in, the machine's last-used ones before.

const ownerOf = ({ session, store, messenger }: Signed) => ({
  ledger: session.ledger,
  store,
  directPeers: () => messenger.listConversations().flatMap((c) => (c.peer ? [c.peer] : [])),
});

export const settingsApi = (app: AppSession) =>
  ({
    getSettings: async () => {
      const signed = app.current();
      return signed ? readAccountSettings(signed.store, app.appDataDir) : readLastUsedSettings(app.appDataDir);
    },
    saveSettings: async (change) => {
      const signed = app.current();
      return changeSettings(signed ? ownerOf(signed) : null, app.appDataDir, change);
    },
  }) satisfies Handlers<'getSettings' | 'saveSettings'>;
