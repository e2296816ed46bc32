import type { i18n as I18n } from 'i18next';
import { I18nextProvider, useTranslation } from 'react-i18next';
import type { ApiClient } from '../api/client';
import { ApiProvider } from '../api/context';
import { type Clock, ClockProvider } from '../lib/clock';
import { ChatAddonsProvider } from '../lib/chat-addons';
import { CHAT_ADDONS } from './feature-pages';
import { Button, ErrorText, Spinner, ToastProvider, TooltipProvider } from '../components/ui';
import { App } from './app';
import { SettingsProvider, type Settings } from '../lib/settings';

// Everything the app needs around it; tests and screenshots mount the same
// tree with the fake API.

function Splash() {
  return (
    <div className="splash">
      <Spinner />
    </div>
  );
}

function Unreachable({ retry, children }: { readonly retry: () => void; readonly children: React.ReactNode }) {
  const { t } = useTranslation('app');
  return (
    <div className="splash stack">
      <h1>{t('unreachableTitle')}</h1>
      {children}
      <Button variant="primary" onClick={retry}>
        {t('ui:retry')}
      </Button>
    </div>
  );
}

export function Root({
  api,
  i18n,
  settings,
  persistSettings = true,
  clock = () => Date.now(),
}: {
  readonly api: ApiClient;
  readonly i18n: I18n;
  readonly settings: Settings;
  readonly persistSettings?: boolean;
  /** The time the UI reads; the fake API's own clock in screenshots. */
  readonly clock?: Clock;
}) {
  return (
    <I18nextProvider i18n={i18n}>
      <SettingsProvider i18n={i18n} initial={settings} persist={persistSettings} api={api}>
        <TooltipProvider delayDuration={400}>
          <ToastProvider>
            <ApiProvider
              api={api}
              loading={<Splash />}
              unreachable={(error, retry) => (
                <Unreachable retry={retry}>
                  <ErrorText error={error} />
                </Unreachable>
              )}
            >
              <ClockProvider clock={clock}>
                <ChatAddonsProvider addons={CHAT_ADDONS}>
                  <App />
                </ChatAddonsProvider>
              </ClockProvider>
            </ApiProvider>
          </ToastProvider>
        </TooltipProvider>
      </SettingsProvider>
    </I18nextProvider>
  );
}
