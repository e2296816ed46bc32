import { BrowserWindow, type WebContents, app, shell } from 'electron';
import path from 'node:path';
import { APP_INDEX_URL } from './app-scheme';
import { externalLinkDecision } from './external-links';

// The one window and the rules every web contents gets: no navigation, no
// new windows, no webviews. A link the page cannot follow may open outside
// the app, only for the schemes external-links.ts allows.

const PRELOAD = path.join(__dirname, '..', 'preload', 'preload.js');

function openOutside(url: string): void {
  const decision = externalLinkDecision(url);
  if (!decision.open) return;
  shell.openExternal(decision.url).catch((error: unknown) => console.error('ktalk: could not open link', error));
}

/** Applied to every web contents the app creates (app 'web-contents-created'). */
export function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  // The page is a single document: any navigation away is refused.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    show: false,
    title: 'KTalk',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(APP_INDEX_URL).catch((error: unknown) => console.error('ktalk: could not load the UI', error));
  return window;
}

/** Brings the window to the front (second launch, notification click). */
export function focusWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
