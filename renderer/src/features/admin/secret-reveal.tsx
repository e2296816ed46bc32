import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Dialog } from '../../components/ui';

/**
 * The one-time enrollment secret. It lives only in this dialog's props: once
 * the admin closes it, the secret is gone from the UI for good.
 */
export function SecretReveal({
  enrollmentId,
  secret,
  reissued,
  onDone,
}: {
  readonly enrollmentId: string;
  readonly secret: string;
  readonly reissued: boolean;
  readonly onDone: () => void;
}) {
  const { t } = useTranslation('admin');
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Dialog
      open
      onOpenChange={(open) => (open ? undefined : onDone())}
      title={reissued ? t('secret.reissuedTitle', { id: enrollmentId }) : t('secret.title', { id: enrollmentId })}
      description={t('secret.onlyOnce')}
      footer={
        <Button variant="primary" onClick={onDone} data-testid="secret-done">
          {t('secret.done')}
        </Button>
      }
    >
      <div className="form-stack">
        <dl className="details-list">
          <dt>{t('secret.userId')}</dt>
          <dd className="mono" data-testid="secret-enrollment-id">
            {enrollmentId}
          </dd>
        </dl>
        <div className="secret-box">
          <code data-testid="enrollment-secret" aria-label={t('secret.label')}>
            {secret}
          </code>
          <Button size="sm" onClick={() => void copy()}>
            {copied ? t('secret.copied') : t('secret.copy')}
          </Button>
        </div>
        <p className="form-help">{t('secret.handover')}</p>
      </div>
    </Dialog>
  );
}
