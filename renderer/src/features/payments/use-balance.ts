import { useCallback, useEffect, useState } from 'react';
import type { ApiError } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';

/** The signed-in user's balance, kept live by the `balance` push event. */
export function useBalance(): { balance: number | null; error: ApiError | null; refresh: () => Promise<void> } {
  const api = useApi();
  const [balance, setBalance] = useState<number | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const refresh = useCallback(async () => {
    const result = await api.getBalance();
    if (result.ok) {
      setBalance(result.value.balance);
      setError(null);
    } else setError(result.error);
  }, [api]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  useApiEvent('balance', (event) => setBalance(event.balance));
  return { balance, error, refresh };
}
