import type { ApiEvent, ApiMethod, KTalkApi, KTalkEvents, Result } from '../../common/api';
import { adminApi } from './api/admin-api';
import { complianceApi } from './api/compliance-api';
import { contactsApi } from './api/contacts-api';
import type { Handlers } from './api/handlers';
import { groupsApi } from './api/groups-api';
import { messagesApi } from './api/messages-api';
import { ownKeysApi } from './api/own-keys-api';
import { paymentsApi } from './api/payments-api';
import { sessionApi } from './api/session-api';
import { settingsApi } from './api/settings-api';
import { sharingApi } from './api/sharing-api';
import { toApiError } from './api-errors';
import { AppSession, type AppServiceOptions } from './session';

// The one implementation of KTalkApi, in plain Node: the Electron main
// process, the local web mode and the `ktalk` CLI all serve this object.
// It is the session (./session.ts) plus one object per API area (./api),
// composed here. Each method validates nothing itself (the transports ran
// the schemas) and never throws: failures come back as typed Results.

export type { AppServiceOptions } from './session';

export type AppService = KTalkApi & KTalkEvents & { close(): Promise<void> };

/** Every area's methods; `satisfies` makes a method missing from all of them a compile error. */
export function apiHandlers(app: AppSession) {
  return {
    ...sessionApi(app),
    ...ownKeysApi(app),
    ...settingsApi(app),
    ...contactsApi(app),
    ...messagesApi(app),
    ...groupsApi(app),
    ...sharingApi(app),
    ...paymentsApi(app),
    ...adminApi(app),
    ...complianceApi(app),
  } satisfies Handlers<ApiMethod>;
}

export function createAppService(options: AppServiceOptions = {}): AppService {
  const app = new AppSession(options);
  const handlers: Handlers<ApiMethod> = apiHandlers(app);
  const api = {} as Record<ApiMethod, (input: unknown) => Promise<Result<unknown>>>;
  for (const method of Object.keys(handlers) as ApiMethod[]) {
    const run = handlers[method] as (input: unknown) => Promise<unknown>;
    api[method] = async (input: unknown) => {
      try {
        return { ok: true, value: await run(input) };
      } catch (error) {
        const failure = toApiError(error);
        // Whatever call met it, a refused identity is the session's state from then on.
        if (failure.code === 'CERT_REVOKED') app.revoked();
        return { ok: false, error: failure };
      }
    };
  }
  return Object.assign(api as unknown as KTalkApi, {
    subscribe: (listener: (event: ApiEvent) => void) => app.subscribe(listener),
    close: () => app.close(),
  });
}
