import { createRoot } from 'react-dom/client';
import { createFakeApi } from '../src/api/fake-api';
import { Root } from '../src/app/root';
import { DEFAULT_SETTINGS, applyTheme } from '../src/lib/settings';
import { createI18n, isLanguage } from '../src/i18n';
import '../src/styles/index.css';

// The real UI over the in-memory fake API, for screenshots and the UI
// bench only (built separately into build/renderer-harness; never shipped,
// never used by end-to-end tests). Options come from the query string:
// user, keychain, seed, big, lang, theme, now, locked.

const params = new URLSearchParams(location.search);
const user = params.get('user') ?? 'Org1MSP::alice';
const lang = params.get('lang');
const theme = params.get('theme') === 'dark' ? 'dark' : 'light';
const settings = { ...DEFAULT_SETTINGS, language: isLanguage(lang) ? lang : 'en', theme } as const;
applyTheme(settings.theme);

const api = createFakeApi({
  signedInAs: user === 'none' ? undefined : user,
  keychain: params.get('keychain') !== '0',
  seed: params.get('seed') !== '0',
  bigConversation: Number(params.get('big') ?? 0) || undefined,
  now: params.has('now') ? Number(params.get('now')) : undefined,
});
(window as unknown as { ktalkFake: typeof api }).ktalkFake = api;
// locked=1: the user's wallet is on this machine but locked (after a restart or sign-out).
if (params.get('locked') === '1') await api.signOut();

const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <Root api={api} i18n={createI18n(settings.language)} settings={settings} persistSettings={false} clock={api.now} />,
  );
}
