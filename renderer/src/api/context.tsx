import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiError, ApiEvent, KTalkApi, SessionState } from '../../../electron/src/common/api';
import type { ApiClient } from './client';

// React access to the one API client: useApi() for calls, useApiEvent() for
// push events, useSession() for who is signed in (refreshed on every
// session or sync event, and after sign-in/enroll via useRefreshSession()).

interface SessionContextValue {
  readonly session: SessionState;
  readonly refresh: () => Promise<void>;
}

const ApiContext = createContext<ApiClient | null>(null);
const SessionContext = createContext<SessionContextValue | null>(null);

export interface ApiProviderProps {
  readonly api: ApiClient;
  readonly children: ReactNode;
  /** Shown until the first session state arrives. */
  readonly loading?: ReactNode;
  /** Shown when the app cannot be reached at all (with a retry). */
  readonly unreachable?: (error: ApiError, retry: () => void) => ReactNode;
}

export function ApiProvider({ api, children, loading = null, unreachable }: ApiProviderProps) {
  const [session, setSession] = useState<SessionState | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  const refresh = useCallback(async () => {
    const result = await api.sessionState();
    if (result.ok) {
      setSession(result.value);
      setError(null);
    } else {
      // The session answer itself failed (web mode without its launch cookie, service down):
      // say so instead of waiting forever.
      setError(result.error);
    }
  }, [api]);

  useEffect(() => {
    void refresh();
    return api.subscribe((event) => {
      if (event.type === 'session') void refresh();
      if (event.type === 'sync') setSession((current) => (current ? { ...current, sync: event.state } : current));
    });
  }, [api, refresh]);

  const sessionValue = useMemo(() => (session ? { session, refresh } : null), [session, refresh]);

  let body: ReactNode;
  if (sessionValue) body = <SessionContext.Provider value={sessionValue}>{children}</SessionContext.Provider>;
  else if (error && unreachable) body = unreachable(error, () => void refresh());
  else body = loading;
  return <ApiContext.Provider value={api}>{body}</ApiContext.Provider>;
}

export function useApiClient(): ApiClient {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}

export function useApi(): KTalkApi {
  return useApiClient();
}

type EventOf<T extends ApiEvent['type']> = Extract<ApiEvent, { type: T }>;

/** Calls `listener` for every push event of `type` while the component is mounted. */
export function useApiEvent<T extends ApiEvent['type']>(type: T, listener: (event: EventOf<T>) => void): void {
  const api = useApiClient();
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(
    () =>
      api.subscribe((event) => {
        if (event.type === type) latest.current(event as EventOf<T>);
      }),
    [api, type],
  );
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside ApiProvider');
  return value.session;
}

/** Re-reads the session (after enroll, sign-in, sign-out). */
export function useRefreshSession(): () => Promise<void> {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useRefreshSession outside ApiProvider');
  return value.refresh;
}
