import { BrowserWindow, app, session } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiService } from '../node/api-service';
import { registerApi } from './ipc';

// A thin shell: one locked-down window. Everything else lives in plain Node
// modules so the same code serves the local web mode where no Electron
// binary exists.

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'";

const RENDERER_HTML = path.join(__dirname, '..', '..', '..', '..', 'renderer', 'index.html');

function createWindow(): void {
  const window = new BrowserWindow({
    width: 1100,
    height: 760,
    webPreferences: {
      preload: path.join(__dirname, '..', 'preload', 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
    },
  });
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  void window.loadFile(RENDERER_HTML);
  if (process.env.KTALK_SELF_TEST === '1') {
    // Lets the shell test read the effective security settings, then exit.
    window.webContents.once('did-finish-load', () => {
      void window.webContents
        .executeJavaScript(
          'JSON.stringify({ require: typeof require, process: typeof process, ktalk: typeof window.ktalk })',
        )
        .then((probe: string) => console.log(`KTALK_SELF_TEST ${probe}`))
        .finally(() => app.quit());
    });
  }
}

void app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } });
  });
  registerApi(createApiService(), pathToFileURL(RENDERER_HTML).href);
  createWindow();
});

app.on('window-all-closed', () => app.quit());
