import { type BrowserWindow, Notification, app, ipcMain, protocol, safeStorage, session } from 'electron';
import path from 'node:path';
import type { KTalkEvents } from '../common/api';
import { createAppService } from '../node/service/app-service';
import { defaultAppDataDir } from '../node/profile/profile-files';
import { rendererMounts } from '../node/web/renderer-mounts';
import { serveAppRequest } from './app-protocol';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, isAllowedRendererRequest } from './app-scheme';
import { INVOKE_CHANNEL, forwardEvents, handleInvoke } from './ipc';
import { DEFAULT_NOTIFICATION_SETTINGS, type NotificationSettings, notificationFor } from './notifications';
import { permissionGranted } from './permissions';
import { keychainUsable, safeStorageProtector } from './safe-storage-protector';
import { createMainWindow, focusWindow, hardenWebContents } from './window';

// A thin shell: one locked-down window on app://ktalk, one validated IPC
// channel, push events and desktop notifications. Everything else lives in
// plain Node modules that the local web mode serves as well.

// Until the UI has a settings screen, previews are opted into by environment.
const notificationSettings: NotificationSettings = {
  ...DEFAULT_NOTIFICATION_SETTINGS,
  showPreviews: process.env.KTALK_NOTIFICATION_PREVIEWS === '1',
};

// Chromium's own files (cache, local storage, the single-instance lock) go
// beside the app's data, not among the wallet and accounts. All of this must
// happen before 'ready'.
app.setPath('userData', path.join(defaultAppDataDir(process.env), 'electron'));
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
app.enableSandbox();

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(permissionGranted(permission, details.requestingUrl)),
  );
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    permissionGranted(permission, requestingOrigin),
  );
  // No remote content, whatever the page asks for (CSP says the same).
  ses.webRequest.onBeforeRequest((details, callback) => callback({ cancel: !isAllowedRendererRequest(details.url) }));
  const mounts = rendererMounts();
  protocol.handle(APP_SCHEME, (request) => serveAppRequest({ url: request.url, method: request.method }, mounts));
}

function notifyNewMessages(service: KTalkEvents, window: BrowserWindow): void {
  // A Notification nobody references can be collected before it is clicked.
  const live = new Set<Notification>();
  service.subscribe((event) => {
    if (window.isDestroyed() || !Notification.isSupported()) return;
    const note = notificationFor(event, { windowFocused: window.isFocused(), settings: notificationSettings });
    if (!note) return;
    const shown = new Notification({ title: note.title, body: note.body });
    live.add(shown);
    shown.on('click', () => focusWindow(window));
    shown.on('close', () => live.delete(shown));
    shown.show();
  });
}

/** Lets the service close its connections and database before the process ends. */
function closeOnQuit(service: { close(): Promise<void> }): void {
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed) return;
    closed = true;
    event.preventDefault();
    service
      .close()
      .catch((error: unknown) => console.error('ktalk: closing the service failed', error))
      .finally(() => app.quit());
  });
}

function start(): void {
  let mainWindow: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (mainWindow) focusWindow(mainWindow);
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(async () => {
      lockDownSession();
      // safeStorage answers only after 'ready'; without a real keychain a passphrase protects keys.
      const keychain = (await keychainUsable(safeStorage)) ? safeStorageProtector(safeStorage) : undefined;
      const service = createAppService({ env: process.env, keychain });
      closeOnQuit(service);
      ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, args: unknown) =>
        handleInvoke(service, event, method, args),
      );
      const window = createMainWindow();
      mainWindow = window;
      forwardEvents(service, (channel, event) => {
        if (!window.isDestroyed()) window.webContents.send(channel, event);
      });
      notifyNewMessages(service, window);
    })
    .catch((error: unknown) => {
      console.error('ktalk: could not start', error);
      app.exit(1);
    });
}

// A second launch hands over to the running instance (which focuses its
// window) and quits.
if (app.requestSingleInstanceLock()) start();
else app.quit();
