import i18next, { type BackendModule, type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { strings as appStrings } from '../app/locales';
import { strings as uiStrings } from '../components/ui/locales';
import { strings as chatsStrings } from '../features/chats/locales';
import { strings as groupsStrings } from '../features/groups/locales';
import { strings as onboardingStrings } from '../features/onboarding/locales';
import { strings as paymentsStrings } from '../features/payments/locales';
import { errorStrings } from './errors';

// One i18next instance; one namespace per feature, kept next to its code
// (features/<f>/locales.ts) and listed here by static import, so a renamed
// or missing file is a compile error. The first screen's namespaces (sign-in,
// the chat list and what a chat shows) are bundled; the pages split into
// their own chunks bring theirs on first use, loaded by the backend below.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

export type StringTree = { [key: string]: string | StringTree };
export interface FeatureStrings {
  readonly en: StringTree;
  readonly 'zh-CN': StringTree;
}

const FIRST_SCREEN: Readonly<Record<string, FeatureStrings>> = {
  app: appStrings,
  ui: uiStrings,
  errors: errorStrings,
  chats: chatsStrings,
  // The chat list's "New group" and the group dialogs opened from it.
  groups: groupsStrings,
  onboarding: onboardingStrings,
  // Payment cards and the Pay button appear inside chats.
  payments: paymentsStrings,
};

/** Namespaces of the pages loaded on first use (app/feature-pages.ts), each its own small chunk. */
const LATER = {
  sharing: () => import('../features/sharing/locales'),
  admin: () => import('../features/admin/locales'),
  compliance: () => import('../features/compliance/locales'),
  settings: () => import('../features/settings/locales'),
} satisfies Record<string, () => Promise<{ strings: FeatureStrings }>>;
export type LaterNamespace = keyof typeof LATER;

function isLaterNamespace(ns: string): ns is LaterNamespace {
  return Object.hasOwn(LATER, ns);
}

/** Fetches a later namespace's strings (the page loaders start it beside the page's own chunk). */
export async function loadNamespaceStrings(ns: LaterNamespace): Promise<FeatureStrings> {
  return (await LATER[ns]()).strings;
}

/** Every namespace with its strings in both languages (the translation tests read them all). */
export async function allNamespaces(): Promise<Record<string, FeatureStrings>> {
  const later = await Promise.all(
    Object.keys(LATER).map(async (ns) => [ns, await loadNamespaceStrings(ns as LaterNamespace)] as const),
  );
  return { ...FIRST_SCREEN, ...Object.fromEntries(later) };
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// i18next asks for a namespace it does not hold when a component first uses it
// (react-i18next suspends that component meanwhile, under the page's fallback).
const laterNamespaces: BackendModule = {
  type: 'backend',
  init: () => undefined,
  read: (language, namespace, callback) => {
    if (!isLaterNamespace(namespace) || !isLanguage(language)) {
      callback(new Error(`no strings for ${language}/${namespace}`), false);
      return;
    }
    loadNamespaceStrings(namespace).then(
      (strings) => callback(null, strings[language]),
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

/**
 * A fresh, initialised instance (the app makes one; each test may make its own).
 * `bundled`: namespaces to hold from the start besides the first screen's (tests pass them all,
 * so a component renders at once without waiting for its strings).
 */
export function createI18n(language: Language = 'en', bundled: Record<string, FeatureStrings> = {}): I18n {
  const namespaces = { ...FIRST_SCREEN, ...bundled };
  const resources: Record<string, Record<string, StringTree>> = { en: {}, 'zh-CN': {} };
  for (const [ns, strings] of Object.entries(namespaces)) {
    for (const lang of LANGUAGES) (resources[lang] ??= {})[ns] = strings[lang];
  }
  const instance = i18next.createInstance();
  void instance
    .use(laterNamespaces)
    .use(initReactI18next)
    .init({
      resources,
      // Bundled namespaces come from `resources`; the rest from the backend above.
      partialBundledLanguages: true,
      lng: language,
      // Only the exact language ('zh-CN', never a bare 'zh' the backend does not have).
      load: 'currentOnly',
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
