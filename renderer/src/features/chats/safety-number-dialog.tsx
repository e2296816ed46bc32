import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, SafetyNumber } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { displayName } from '../../lib/names';
import { Badge, Button, Dialog, ErrorText, Spinner } from '../../components/ui';

// Comparing safety numbers: both people see the same 60 digits when nobody
// sits in between. Marking as verified clears the key-change warning; it is
// bound to the digits shown, so keys that changed meanwhile are refused
// (KEY_CHANGED) and the new number is shown to compare instead.

export function SafetyNumberDialog({
  userId,
  open,
  onOpenChange,
  onVerified,
}: {
  readonly userId: string;
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly onVerified: () => void;
}) {
  const { t } = useTranslation('chats');
  const api = useApi();
  const [number, setNumber] = useState<SafetyNumber | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const result = await api.safetyNumber({ userId });
    if (result.ok) setNumber(result.value);
    else setError(result.error);
  }, [api, userId]);

  useEffect(() => {
    if (!open) return;
    setNumber(null);
    setError(null);
    void load();
  }, [load, open]);

  const verify = async () => {
    if (!number) return;
    setBusy(true);
    const result = await api.markVerified({ userId, digits: number.digits });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      // The keys changed while the number was on screen: show the new one to compare.
      if (result.error.code === 'KEY_CHANGED') await load();
      return;
    }
    onVerified();
    onOpenChange(false);
  };

  const name = displayName(userId);
  return (
    <Dialog
      open={open}
      onOpenChange={onOpenChange}
      title={t('safetyTitle', { name })}
      description={t('safetyHint', { name })}
      footer={
        <>
          <Button onClick={() => onOpenChange(false)}>{t('ui:close')}</Button>
          <Button variant="primary" busy={busy} disabled={!number} onClick={() => void verify()}>
            {t('markVerified')}
          </Button>
        </>
      }
    >
      {number ? (
        <>
          <p className="safety-digits mono" aria-label={t('safetyDigits')}>
            {number.digits}
          </p>
          {number.keyChanged ? (
            <Badge tone="danger">{t('keyChangedShort')}</Badge>
          ) : number.verified ? (
            <Badge tone="success">{t('verified')}</Badge>
          ) : (
            <Badge>{t('notVerified')}</Badge>
          )}
        </>
      ) : error ? null : (
        <Spinner />
      )}
      <ErrorText error={error} />
    </Dialog>
  );
}
