import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, OwnKeyStatus } from '../../../electron/src/common/api';
import { useApi, useApiEvent } from '../api/context';
import { Button, ErrorText } from '../components/ui';
import { Icon } from '../components/ui/icons';

/**
 * Key continuity, the user's side: a key change this device did not make
 * (pending, or already applied) is said out loud, and a pending one can be
 * vetoed here with this device's keys.
 */
export function KeyAlarmBanner() {
  const { t, i18n } = useTranslation('app');
  const api = useApi();
  const [status, setStatus] = useState<OwnKeyStatus>({ state: 'ok' });
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    let live = true;
    void api.ownKeyStatus().then((result) => {
      if (live && result.ok) setStatus(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  useApiEvent('keyAlarm', (event) => setStatus(event.status));
  if (status.state === 'ok') return null;
  const veto = async () => {
    setError(null);
    const result = await api.vetoKeyChange();
    if (result.ok) setStatus(result.value);
    else setError(result.error);
  };
  const until = status.effectiveAt ? new Date(status.effectiveAt).toLocaleString(i18n.language) : '';
  return (
    <div className="banner banner-danger" role="alert" data-testid="key-alarm-banner">
      <Icon name="warning" />
      <span>
        <strong>{t(`keyAlarm.${status.state}Title`)}</strong> {t(`keyAlarm.${status.state}Body`, { until })}
      </span>
      <div className="spacer" />
      {status.state === 'pending' ? (
        <Button size="sm" variant="danger" onClick={() => void veto()}>
          {t('keyAlarm.veto')}
        </Button>
      ) : null}
      <ErrorText error={error} />
    </div>
  );
}
