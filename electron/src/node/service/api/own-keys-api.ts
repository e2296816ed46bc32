import { checkOwnKeys, vetoOwnKeyChange } from '../../session/own-keys';
import { rotateKeys } from '../../wallet/messaging-keys';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// The signed-in user's own messaging keys: rotate them, see and veto a change this device did not make.

export const ownKeysApi = (app: AppSession) =>
  ({
    rotateKeys: async () => {
      const { wallet, session } = app.need();
      const key = await rotateKeys(wallet, session.account.id, session.directory);
      return { validFrom: key.validFrom ?? Date.now() };
    },
    ownKeyStatus: () => checkOwnKeys(app.need().session),
    vetoKeyChange: () => vetoOwnKeyChange(app.need().session),
  }) satisfies Handlers<'rotateKeys' | 'ownKeyStatus' | 'vetoKeyChange'>;
