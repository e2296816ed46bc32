import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/client';
import { Root } from './app/root';
import { applyTheme, loadSettings } from './lib/settings';
import { createI18n } from './i18n';
import './styles/index.css';

const settings = loadSettings();
applyTheme(settings.theme);
const container = document.getElementById('root');
if (container) {
  createRoot(container).render(
    <Root api={createApiClient()} i18n={createI18n(settings.language)} settings={settings} />,
  );
}
