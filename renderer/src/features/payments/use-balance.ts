import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';

/** The signed-in user's balance, kept live by the `balance` push event. */
export function useBalance(): { balance: number | null; error: ApiError | null; refresh: () => Promise<void> } {
  const api = useApi();
  const [balance, setBalance] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  // A push event newer than a read in flight wins over that read's answer.
  const version = useRef(0);
  const refresh = useCallback(async () => {
    const started = version.current;
    const result = await api.getBalance();
    if (started !== version.current) return;
    if (result.ok) {
      setBalance(result.value.balance);
      setError(null);
    } else setError(result.error);
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useApiEvent('balance', (event) => {
    version.current += 1;
    setBalance(event.balance);
    setError(null);
  });
  return { balance, error, refresh };
}
