import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { IdentityRow, RevokeReport } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { ConfirmDialog, ErrorText, Field, Input } from '../../components/ui';
import { useCall } from '../../components/ui/use-call';

/**
 * Revoking is final, so the dialog says what will happen in plain words and
 * asks for the user ID to be typed before anything is sent.
 */
export function RevokeDialog({
  identity,
  onClose,
  onRevoked,
}: {
  readonly identity: IdentityRow;
  readonly onClose: () => void;
  readonly onRevoked: (report: RevokeReport) => void;
}) {
  const { t } = useTranslation('admin');
  const api = useApi();
  const call = useCall();
  const [typed, setTyped] = useState('');
  const [mismatch, setMismatch] = useState(false);

  const confirm = async () => {
    if (typed.trim() !== identity.enrollmentId) {
      setMismatch(true);
      return;
    }
    const result = await call.run(() => api.adminRevoke({ enrollmentId: identity.enrollmentId }));
    if (result.ok) onRevoked(result.value);
  };

  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => (open ? undefined : onClose())}
      title={t('revoke.title', { id: identity.enrollmentId })}
      description={t('revoke.intro', { id: identity.enrollmentId })}
      confirmLabel={t('revoke.confirm')}
      danger
      busy={call.pending}
      onConfirm={() => void confirm()}
    >
      <ol className="revoke-explain" data-testid="revoke-explain">
        <li>{t('revoke.whatCa')}</li>
        <li>{t('revoke.whatChannel')}</li>
        <li>{t('revoke.whatDirectory')}</li>
      </ol>
      <p className="revoke-final">
        <strong>{t('revoke.final')}</strong>
      </p>
      <Field
        label={t('revoke.typeToConfirm', { id: identity.enrollmentId })}
        hint={mismatch ? t('revoke.mismatch') : undefined}
      >
        {(id, describedBy) => (
          <Input
            id={id}
            autoComplete="off"
            value={typed}
            aria-invalid={mismatch || undefined}
            aria-describedby={describedBy}
            onChange={(event) => {
              setTyped(event.target.value);
              setMismatch(false);
            }}
            data-testid="revoke-type-id"
          />
        )}
      </Field>
      <ErrorText error={call.error} />
    </ConfirmDialog>
  );
}
