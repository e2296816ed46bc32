import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import { displayName } from '../../lib/names';
import { useSettings, type ThemeChoice } from '../../lib/settings';
import { Button, ErrorText, Field, Select, Switch } from '../../components/ui';
import { LANGUAGES, isLanguage } from '../../i18n';
import { formatTime } from '../../lib/format';
import { PrivacySection } from './privacy-section';

const LANGUAGE_NAMES: Record<(typeof LANGUAGES)[number], string> = { en: 'English', 'zh-CN': '简体中文' };

export function SettingsPage() {
  const { t, i18n } = useTranslation('settings');
  const { settings, update } = useSettings();
  const session = useSession();
  const api = useApi();
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'denied' : Notification.permission,
  );
  const [rotated, setRotated] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const account = session.account;

  const setNotifications = async (on: boolean) => {
    update({ notifications: on });
    if (on && typeof Notification !== 'undefined' && Notification.permission === 'default') {
      setPermission(await Notification.requestPermission());
    }
  };

  const rotate = async () => {
    setError(null);
    const result = await api.rotateKeys();
    if (!result.ok) return setError(result.error);
    setRotated(t('rotated', { time: formatTime(result.value.validFrom, i18n.language) }));
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>{t('title')}</h1>
      </header>
      <div className="page-body settings">
        <section className="card stack" aria-labelledby="settings-appearance">
          <h2 id="settings-appearance">{t('appearance')}</h2>
          <Field label={t('language')}>
            {(id) => (
              <Select
                id={id}
                value={settings.language}
                onValueChange={(value) => isLanguage(value) && update({ language: value })}
                options={LANGUAGES.map((lang) => ({ value: lang, label: LANGUAGE_NAMES[lang] }))}
              />
            )}
          </Field>
          <Field label={t('theme')}>
            {(id) => (
              <Select
                id={id}
                value={settings.theme}
                onValueChange={(value) => update({ theme: value as ThemeChoice })}
                options={(['light', 'dark', 'system'] as const).map((theme) => ({
                  value: theme,
                  label: t(`themes.${theme}`),
                }))}
              />
            )}
          </Field>
        </section>
        <section className="card stack" aria-labelledby="settings-notifications">
          <h2 id="settings-notifications">{t('notifications')}</h2>
          <div className="row">
            <Switch
              id="notify-switch"
              checked={settings.notifications}
              onCheckedChange={(on) => void setNotifications(on)}
            />
            <label htmlFor="notify-switch">{t('notifyNewMessages')}</label>
          </div>
          <p className="field-hint">{t('notifyHint')}</p>
          {settings.notifications && permission === 'denied' && !window.ktalkBridge ? (
            <p className="field-hint">{t('notifyBlocked')}</p>
          ) : null}
        </section>
        {account ? <PrivacySection /> : null}
        {account ? (
          <section className="card stack" aria-labelledby="settings-account">
            <h2 id="settings-account">{t('account')}</h2>
            <dl className="facts">
              <dt>{t('userId')}</dt>
              <dd>{displayName(account.userId)}</dd>
              <dt>{t('role')}</dt>
              <dd>{t(`app:roles.${account.role}`)}</dd>
              <dt>{t('network')}</dt>
              <dd>{account.profile}</dd>
              <dt>{t('certificate')}</dt>
              <dd>{formatTime(account.certificateExpiresAt, i18n.language)}</dd>
              <dt>{t('keyProtection')}</dt>
              <dd>{session.keychain ? t('keychain') : t('passphrase')}</dd>
            </dl>
            <div>
              <Button onClick={() => void rotate()}>{t('rotateKeys')}</Button>
              <p className="field-hint">{t('rotateHint')}</p>
              {rotated ? <p role="status">{rotated}</p> : null}
              <ErrorText error={error} />
            </div>
          </section>
        ) : null}
      </div>
    </div>
  );
}
