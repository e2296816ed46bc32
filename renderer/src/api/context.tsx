import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ApiError, ApiEvent, KTalkApi, SessionState } from '../../../electron/src/common/api';
import type { ApiClient, Reachability } from './client';

// React access to the one API client: useApi() for calls, useApiEvent() for
// push events, useSession() for who is signed in (refreshed on every
// session or sync event, and after sign-in/enroll via useRefreshSession()).

interface SessionContextValue {
  readonly session: SessionState;
  readonly refresh: () => Promise<void>;
  /** 'unreachable' while the app's own service does not answer (web mode, server stopped). */
  readonly reachability: Reachability;
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
  const [reachability, setReachability] = useState<Reachability>('reachable');
  // The newest sync state pushed, and how many were pushed: a session answer that was on its way
  // while a sync event arrived is older than the event (else "Connecting" could stick for good).
  const lastSync = useRef<{ state: SessionState['sync']; count: number }>({ state: 'offline', count: 0 });

  const refresh = useCallback(async () => {
    const syncEventsBefore = lastSync.current.count;
    const result = await api.sessionState();
    if (result.ok) {
      const newer = lastSync.current.count !== syncEventsBefore && result.value.state === 'signed-in';
      setSession(newer ? { ...result.value, sync: lastSync.current.state } : result.value);
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
      if (event.type === 'sync') {
        lastSync.current = { state: event.state, count: lastSync.current.count + 1 };
        setSession((current) => (current ? { ...current, sync: event.state } : current));
      }
    });
  }, [api, refresh]);

  useEffect(
    () =>
      api.onReachability?.((next) => {
        setReachability(next);
        // Back again: what changed meanwhile (a restart signs everyone out) comes from the service.
        if (next === 'reachable') void refresh();
      }),
    [api, refresh],
  );

  const sessionValue = useMemo(
    () => (session ? { session, refresh, reachability } : null),
    [session, refresh, reachability],
  );

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

/** Whether the app's own service answers (see ApiClient.onReachability). */
export function useReachability(): Reachability {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useReachability outside ApiProvider');
  return value.reachability;
}

/** Re-reads the session (after enroll, sign-in, sign-out). */
export function useRefreshSession(): () => Promise<void> {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useRefreshSession outside ApiProvider');
  return value.refresh;
}
