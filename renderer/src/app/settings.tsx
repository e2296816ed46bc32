import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { i18n as I18n } from 'i18next';
import { isLanguage, type Language } from '../i18n';

// The person's display preferences, kept in this browser profile only
// (nothing here is secret). Theme "system" follows the OS setting.

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
  children,
}: {
  readonly i18n: I18n;
  readonly initial: Settings;
  readonly persist?: boolean;
  readonly children: ReactNode;
}) {
  const [settings, setSettings] = useState(initial);
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
    (patch: Partial<Settings>) =>
      setSettings((current) => {
        const next = { ...current, ...patch };
        if (persist) globalThis.localStorage?.setItem(KEY, JSON.stringify(next));
        return next;
      }),
    [persist],
  );
  const value = useMemo(() => ({ settings, update }), [settings, update]);
  return <SettingsContext.Provider value={value}>{children}</SettingsContext.Provider>;
}

export function useSettings(): SettingsContextValue {
  const value = useContext(SettingsContext);
  if (!value) throw new Error('useSettings outside SettingsProvider');
  return value;
}
