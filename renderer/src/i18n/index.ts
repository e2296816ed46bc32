import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { strings as appStrings } from '../app/locales';
import { strings as uiStrings } from '../components/ui/locales';
import { errorStrings } from './errors';

// One i18next instance; one namespace per feature. Features keep their
// strings next to their code (features/<f>/locales.ts) and are picked up
// here by file name, so a new feature needs no edit to this file.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export type StringTree = { [key: string]: string | StringTree };
export interface FeatureStrings {
  readonly en: StringTree;
  readonly 'zh-CN': StringTree;
}

const featureModules = import.meta.glob<{ strings: FeatureStrings }>('../features/*/locales.ts', { eager: true });

/** Every namespace with its strings in both languages. */
export function allNamespaces(): Record<string, FeatureStrings> {
  const namespaces: Record<string, FeatureStrings> = { app: appStrings, ui: uiStrings, errors: errorStrings };
  for (const [file, module] of Object.entries(featureModules)) {
    const name = /features\/([^/]+)\/locales\.ts$/.exec(file)?.[1];
    if (name) namespaces[name] = module.strings;
  }
  return namespaces;
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A fresh, initialised instance (the app makes one; each test may make its own). */
export function createI18n(language: Language = 'en'): I18n {
  const namespaces = allNamespaces();
  const resources: Record<string, Record<string, StringTree>> = { en: {}, 'zh-CN': {} };
  for (const [ns, strings] of Object.entries(namespaces)) {
    for (const lang of LANGUAGES) (resources[lang] ??= {})[ns] = strings[lang];
  }
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: false,
    ns: Object.keys(namespaces),
    defaultNS: 'app',
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
  });
  instance.on('languageChanged', (lng) => {
    if (typeof document !== 'undefined') document.documentElement.lang = lng;
  });
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  return instance;
}
