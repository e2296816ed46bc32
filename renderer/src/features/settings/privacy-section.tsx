import { useTranslation } from 'react-i18next';
import { DIRECT_FROM } from '../../../../electron/src/common/api';
import { displayName } from '../../lib/names';
import { usePrivacy } from '../../lib/privacy';
import { Button, ErrorText, Field, Select } from '../../components/ui';

// Who may reach me: the direct-conversation policy and the block list. Both
// are enforced by the network (the chaincode refuses the conversation or the
// invitation), and a blocked sender's messages are hidden here too.

export function PrivacySection() {
  const { t } = useTranslation('settings');
  const { privacy, error, saving, save, setBlocked } = usePrivacy();
  if (!privacy) return null;
  return (
    <section className="card stack" aria-labelledby="settings-privacy" data-testid="privacy-settings">
      <h2 id="settings-privacy">{t('privacy')}</h2>
      <Field label={t('directFrom')}>
        {(id) => (
          <Select
            id={id}
            value={privacy.directFrom}
            disabled={saving}
            onValueChange={(value) => {
              const choice = DIRECT_FROM.find((d) => d === value);
              if (choice) void save({ directFrom: choice });
            }}
            options={DIRECT_FROM.map((choice) => ({ value: choice, label: t(`directFromChoices.${choice}`) }))}
          />
        )}
      </Field>
      <p className="field-hint">{t('directFromHint')}</p>
      <h3>{t('blocked')}</h3>
      {privacy.blockedUsers.length === 0 ? (
        <p className="muted">{t('noneBlocked')}</p>
      ) : (
        <ul className="stack" aria-label={t('blocked')}>
          {privacy.blockedUsers.map((userId) => (
            <li key={userId} className="row">
              <span>{displayName(userId)}</span>
              <Button size="sm" disabled={saving} onClick={() => void setBlocked(userId, false)}>
                {t('unblock')}
              </Button>
            </li>
          ))}
        </ul>
      )}
      <p className="field-hint">{t('blockedHint')}</p>
      <ErrorText error={error} />
    </section>
  );
}
