import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { i18n as I18n } from 'i18next';
import type { ApiClient } from '../api/client';
import { isLanguage, type Language } from '../i18n';

// The person's display preferences. The app's service keeps them (in the
// signed-in account's encrypted store; before sign-in, the last-used
// language and theme): the web mode's origin changes port on every launch,
// so this browser profile's storage cannot. localStorage is only a copy for
// the first paint. Theme "system" follows the OS setting.

export type ThemeChoice = 'light' | 'dark' | 'system';

export interface Settings {
  readonly language: Language;
  readonly theme: ThemeChoice;
  readonly notifications: boolean;
}

const KEY = 'ktalk.settings';
export const DEFAULT_SETTINGS: Settings = { language: 'en', theme: 'system', notifications: true };

export function loadSettings(storage: Storage | undefined = globalThis.localStorage): Settings {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(KEY) ?? 'null');
    if (typeof raw !== 'object' || raw === null) return DEFAULT_SETTINGS;
    const r = raw as Record<string, unknown>;
    return {
      language: isLanguage(r.language) ? r.language : DEFAULT_SETTINGS.language,
      theme: r.theme === 'light' || r.theme === 'dark' || r.theme === 'system' ? r.theme : DEFAULT_SETTINGS.theme,
      notifications: typeof r.notifications === 'boolean' ? r.notifications : DEFAULT_SETTINGS.notifications,
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

export function resolvedTheme(choice: ThemeChoice): 'light' | 'dark' {
  if (choice !== 'system') return choice;
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(choice: ThemeChoice): void {
  document.documentElement.dataset.theme = resolvedTheme(choice);
}

interface SettingsContextValue {
  readonly settings: Settings;
  readonly update: (patch: Partial<Settings>) => void;
}

const SettingsContext = createContext<SettingsContextValue | null>(null);

export function SettingsProvider({
  i18n,
  initial,
  persist = true,
  api,
  children,
}: {
  readonly i18n: I18n;
  readonly initial: Settings;
  /** false (tests, screenshots): keep the settings given, store nothing. */
  readonly persist?: boolean;
  /** Where settings are kept; read on start and after every sign-in or sign-out. */
  readonly api?: ApiClient;
  readonly children: ReactNode;
}) {
  const [settings, setSettings] = useState(initial);
  const keeper = persist ? api : undefined;
  useEffect(() => {
    if (!keeper) return;
    let current = true;
    const load = async () => {
      const result = await keeper.getSettings();
      if (!current || !result.ok) return;
      globalThis.localStorage?.setItem(KEY, JSON.stringify(result.value));
      setSettings(result.value);
    };
    void load();
    const unsubscribe = keeper.subscribe((event) => {
      if (event.type === 'session') void load();
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [keeper]);
  useEffect(() => {
    applyTheme(settings.theme);
    if (settings.theme !== 'system' || typeof matchMedia !== 'function') return;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const follow = () => applyTheme('system');
    query.addEventListener('change', follow);
    return () => query.removeEventListener('change', follow);
  }, [settings.theme]);
  useEffect(() => {
    if (i18n.language !== settings.language) void i18n.changeLanguage(settings.language);
  }, [i18n, settings.language]);
  const update = useCallback(
    (patch: Partial<Settings>) => {
      setSettings((current) => {
        const next = { ...current, ...patch };
        if (persist) globalThis.localStorage?.setItem(KEY, JSON.stringify(next));
        return next;
      });
      if (keeper) void keeper.saveSettings(patch);
    },
    [persist, keeper],
  );
  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error('useSettings outside SettingsProvider');
  return value;
}
