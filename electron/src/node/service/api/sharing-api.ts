import { listSharedWithMe, rememberName } from '../../messaging/shared-with-me';
import * as sharing from '../../sharing';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// Sharing: my encrypted items and their grants, opening what was shared
// with me (its name is kept once known) and the owner's access history.

export const sharingApi = (app: AppSession) => {
  const session = () => app.need().session;
  const myItems = () => sharing.myItemsIn(app.need().store);
  return {
    shareItem: async (input) => sharing.shareItem(session(), myItems(), input),
    listMyItems: async () => sharing.listMyItems(myItems()),
    grantAccess: async (input) => sharing.grantAccess(session(), input),
    listGrants: async (input) => sharing.listGrants(session(), input),
    revokeGrant: async (input) => sharing.revokeGrant(session(), input),
    openItem: async (input) => {
      const { session, store } = app.need();
      const file = await sharing.openItem(session, input);
      rememberName(store, input.itemId, file.name);
      return file;
    },
    listSharedWithMe: async () => listSharedWithMe(app.need().store),
    accessHistory: async (input) => sharing.accessHistory(session(), input),
  } satisfies Handlers<
    | 'shareItem'
    | 'listMyItems'
    | 'grantAccess'
    | 'listGrants'
    | 'revokeGrant'
    | 'openItem'
    | 'listSharedWithMe'
    | 'accessHistory'
  >;
};
