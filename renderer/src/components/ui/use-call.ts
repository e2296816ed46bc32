import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError, Result } from '../../../../electron/src/common/api';

// One API action's lifecycle for a form or button: pending while it runs,
// the typed error if it failed, and the value handed to the caller. A
// result that arrives after unmount is dropped.

export interface CallState {
  readonly pending: boolean;
  readonly error: ApiError | null;
}

export function useCall(): CallState & {
  run: <T>(call: () => Promise<Result<T>>) => Promise<Result<T>>;
  clearError: () => void;
} {
  const [state, setState] = useState<CallState>({ pending: false, error: null });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(async <T>(call: () => Promise<Result<T>>): Promise<Result<T>> => {
    setState({ pending: true, error: null });
    let result: Result<T>;
    try {
      result = await call();
    } catch (error) {
      result = {
        ok: false,
        error: { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
      };
    }
    if (mounted.current) setState({ pending: false, error: result.ok ? null : result.error });
    return result;
  }, []);
  const clearError = useCallback(() => setState((s) => ({ ...s, error: null })), []);
  return { ...state, run, clearError };
}

/** Loads data on mount and on demand; `reload` keeps showing the old data while it runs. */
export function useLoad<T>(load: () => Promise<Result<T>>, deps: readonly unknown[]) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const latest = useRef(load);
  latest.current = load;
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    const result = await latest.current();
    if (mine !== generation.current) return;
    setLoading(false);
    if (result.ok) {
      setValue(result.value);
      setError(null);
    } else setError(result.error);
  }, []);
  useEffect(() => {
    void reload();
    return () => {
      generation.current += 1;
    };
    // The caller names what the load depends on.
  }, deps);
  return { value, error, loading, reload, setValue };
}
