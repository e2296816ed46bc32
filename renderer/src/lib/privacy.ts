import { useCallback, useEffect, useState } from 'react';
import type { ApiError, UserSettings } from '../../../electron/src/common/api';
import { useApi } from '../api/context';

// The account's inbox policy and block list (issue 14, item 3), shared by the
// settings page and the chat's Block action. Saving publishes them on the
// ledger, which may refuse: the shown values change only once it accepted.

export type Privacy = Pick<UserSettings, 'directFrom' | 'blockedUsers'>;

export function usePrivacy(): {
  readonly privacy: Privacy | null;
  readonly error: ApiError | null;
  readonly saving: boolean;
  readonly save: (change: Partial<Privacy>) => Promise<boolean>;
  readonly setBlocked: (userId: string, blocked: boolean) => Promise<boolean>;
} {
  const api = useApi();
  const [privacy, setPrivacy] = useState<Privacy | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let current = true;
    void api.getSettings().then((result) => {
      if (current && result.ok) setPrivacy(pick(result.value));
    });
    return () => {
      current = false;
    };
  }, [api]);

  const save = useCallback(
    async (change: Partial<Privacy>) => {
      setError(null);
      setSaving(true);
      const result = await api.saveSettings(change);
      setSaving(false);
      if (!result.ok) {
        setError(result.error);
        return false;
      }
      setPrivacy(pick(result.value));
      return true;
    },
    [api],
  );

  const setBlocked = useCallback(
    async (userId: string, blocked: boolean) => {
      const now = privacy?.blockedUsers ?? [];
      const next = blocked ? [...new Set([...now, userId])] : now.filter((u) => u !== userId);
      return save({ blockedUsers: next });
    },
    [privacy, save],
  );

  return { privacy, error, saving, save, setBlocked };
}

const pick = (s: UserSettings): Privacy => ({ directFrom: s.directFrom, blockedUsers: s.blockedUsers });
