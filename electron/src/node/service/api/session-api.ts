import { profileHealth } from '../../fabric/reachability';
import { importProfileText, listProfileSummaries } from '../../profile/profile-catalog';
import { loadProfile } from '../../profile/profile-files';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// Network, profiles and the session itself: what works before sign-in.

export const sessionApi = (app: AppSession) =>
  ({
    networkStatus: async () =>
      profileHealth(app.current()?.session.profile ?? (await loadProfile(app.catalog.devProfilePath))),
    listProfiles: () => listProfileSummaries(app.catalog),
    importProfile: ({ name, json }) => importProfileText(app.catalog, name, json),
    sessionState: () => app.state(),
    enroll: (request) => app.enroll(request),
    signIn: ({ accountId, passphrase }) => app.signIn(accountId, passphrase),
    signOut: async () => {
      await app.signOut();
      return null;
    },
  }) satisfies Handlers<
    'networkStatus' | 'listProfiles' | 'importProfile' | 'sessionState' | 'enroll' | 'signIn' | 'signOut'
  >;
