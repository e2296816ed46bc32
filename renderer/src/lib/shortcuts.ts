import { useEffect, useRef } from 'react';

// The app's keyboard shortcuts, declared once: the handlers and the
// shortcuts sheet (`?`) read the same list, so the sheet cannot name a
// shortcut that does not exist. Enter, Shift+Enter and Esc belong to the
// composer (and Esc to every dialog); the others work anywhere on the page.

export type ShortcutAction = 'send' | 'newline' | 'cancel' | 'switcher' | 'help';

export interface Shortcut {
  readonly action: ShortcutAction;
  /** Key names as printed on keyboards (the same in every language); 'Mod' is Ctrl, or ⌘ on a Mac. */
  readonly keys: readonly string[];
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'send', keys: ['Enter'] },
  { action: 'newline', keys: ['Shift', 'Enter'] },
  { action: 'cancel', keys: ['Esc'] },
  { action: 'switcher', keys: ['Mod', 'K'] },
  { action: 'help', keys: ['?'] },
];

export const isMac = (): boolean => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** How a key is printed on this machine. */
export const keyLabel = (key: string): string => (key === 'Mod' ? (isMac() ? '⌘' : 'Ctrl') : key);

/** Typing into a field: `?` is a character there, not a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Which page-wide shortcut a key press is, if any. */
export function pageShortcut(event: KeyboardEvent): 'switcher' | 'help' | null {
  if (event.isComposing) return null;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k') {
    return 'switcher';
  }
  if (event.key === '?' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) return 'help';
  return null;
}

/** Listens for the page-wide shortcuts while mounted. */
export function usePageShortcuts(handlers: { readonly switcher: () => void; readonly help: () => void }): void {
  const current = useRef(handlers);
  current.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const action = pageShortcut(event);
      if (!action) return;
      event.preventDefault();
      current.current[action]();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, []);
}
