import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setImmediate as flush } from 'node:timers/promises';
import type { Result } from '../src/common/api';
import { CONTENT_SECURITY_POLICY } from '../src/node/web/responses';

// main.ts as it runs in Electron, with a stand-in for the 'electron' module
// only (the far side this machine lacks): the real IPC wrapper, protocol
// handler, window rules and API service run behind it. It checks the wiring
// the pure-function tests cannot see: what happens before 'ready', which
// window is made, which handlers are installed, and the second-instance path.

const MAIN_JS = path.join(__dirname, '..', 'src', 'main', 'main.js');
const ELECTRON_ENTRY = require.resolve('electron');

type Handler = (...args: never[]) => unknown;
interface Recorded {
  calls: [string, ...unknown[]][];
  appListeners: Map<string, Handler>;
  ipcHandlers: Map<string, Handler>;
  protocolHandlers: Map<string, Handler>;
  windows: FakeWindow[];
  opened: string[];
  permissionRequest?: Handler;
  permissionCheck?: Handler;
  beforeRequest?: Handler;
  ready: () => void;
}

interface FakeWindow {
  options: { webPreferences: Record<string, unknown> };
  loaded: string[];
  actions: string[];
  sent: [string, unknown][];
}

function fakeElectron(lock: boolean): { electron: Record<string, unknown>; rec: Recorded } {
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((resolve) => (ready = resolve));
  const rec: Recorded = {
    calls: [],
    appListeners: new Map(),
    ipcHandlers: new Map(),
    protocolHandlers: new Map(),
    windows: [],
    opened: [],
    ready: () => ready(),
  };
  const call = (name: string, ...args: unknown[]) => rec.calls.push([name, ...args]);
  class BrowserWindow {
    readonly record: FakeWindow;
    readonly webContents: { send: (channel: string, payload: unknown) => void };
    constructor(options: FakeWindow['options']) {
      this.record = { options, loaded: [], actions: [], sent: [] };
      this.webContents = { send: (channel, payload) => this.record.sent.push([channel, payload]) };
      rec.windows.push(this.record);
    }
    once(): void {}
    loadURL(url: string): Promise<void> {
      this.record.loaded.push(url);
      return Promise.resolve();
    }
    isDestroyed = () => false;
    isFocused = () => false;
    isMinimized = () => true;
    restore = () => this.record.actions.push('restore');
    show = () => this.record.actions.push('show');
    focus = () => this.record.actions.push('focus');
  }
  class Notification {
    static isSupported = () => false;
  }
  const electron = {
    app: {
      isPackaged: false,
      setPath: (name: string, value: string) => call('app.setPath', name, value),
      enableSandbox: () => call('app.enableSandbox'),
      requestSingleInstanceLock: () => (call('app.requestSingleInstanceLock'), lock),
      quit: () => call('app.quit'),
      exit: (code: number) => call('app.exit', code),
      on: (event: string, listener: Handler) => rec.appListeners.set(event, listener),
      whenReady: () => (call('app.whenReady'), whenReady),
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown) => call('protocol.registerSchemesAsPrivileged', schemes),
      handle: (scheme: string, handler: Handler) => rec.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: Handler) => (rec.permissionRequest = h),
        setPermissionCheckHandler: (h: Handler) => (rec.permissionCheck = h),
        webRequest: { onBeforeRequest: (h: Handler) => (rec.beforeRequest = h) },
      },
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'basic_text',
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    },
    ipcMain: { handle: (channel: string, handler: Handler) => rec.ipcHandlers.set(channel, handler) },
    shell: {
      openExternal: async (url: string) => {
        rec.opened.push(url);
      },
    },
    BrowserWindow,
    Notification,
  };
  return { electron, rec };
}

/** Every module of src/main is loaded afresh, so each one binds to this run's stand-in. */
function forgetMainModules(): void {
  const dir = path.dirname(MAIN_JS) + path.sep;
  for (const id of Object.keys(require.cache)) if (id.startsWith(dir)) delete require.cache[id];
  delete require.cache[ELECTRON_ENTRY];
}

/** Loads build/.../main.js with the stand-in in place of 'electron'. */
function loadMain(lock: boolean): Recorded {
  const { electron, rec } = fakeElectron(lock);
  forgetMainModules();
  const stub = new Module(ELECTRON_ENTRY);
  stub.exports = electron;
  stub.loaded = true;
  require.cache[ELECTRON_ENTRY] = stub;
  try {
    require(MAIN_JS);
  } finally {
    forgetMainModules();
  }
  return rec;
}

const names = (rec: Recorded) => rec.calls.map(([name]) => name);
const handler = <T extends Handler>(h: Handler | undefined): T => {
  assert.ok(h);
  return h as T;
};

describe('Electron main process wiring', () => {
  let appData: string;
  let savedAppData: string | undefined;
  before(async () => {
    appData = await mkdtemp(path.join(tmpdir(), 'ktalk-shell-main-'));
    savedAppData = process.env.KTALK_APP_DATA;
    process.env.KTALK_APP_DATA = appData;
  });
  after(async () => {
    if (savedAppData === undefined) delete process.env.KTALK_APP_DATA;
    else process.env.KTALK_APP_DATA = savedAppData;
    await rm(appData, { recursive: true, force: true });
  });

  it('a second launch quits at once: no window, no handlers', async () => {
    const rec = loadMain(false);
    await flush();
    assert.ok(names(rec).includes('app.quit'));
    assert.ok(!names(rec).includes('app.whenReady'));
    assert.equal(rec.windows.length, 0);
    assert.equal(rec.ipcHandlers.size, 0);
    assert.equal(rec.protocolHandlers.size, 0);
  });

  it('before ready: privileged app:// scheme, sandbox for all, Chromium data beside the app data', () => {
    const rec = loadMain(true);
    assert.deepEqual(
      rec.calls.find(([name]) => name === 'protocol.registerSchemesAsPrivileged'),
      ['protocol.registerSchemesAsPrivileged', [{ scheme: 'app', privileges: { standard: true, secure: true } }]],
    );
    assert.ok(names(rec).includes('app.enableSandbox'));
    assert.deepEqual(
      rec.calls.find(([name]) => name === 'app.setPath'),
      ['app.setPath', 'userData', path.join(appData, 'electron')],
    );
    assert.ok(!names(rec).includes('app.quit'));
    assert.equal(rec.windows.length, 0, 'no window before ready');
  });

  describe('after ready', () => {
    let rec: Recorded;
    before(async () => {
      rec = loadMain(true);
      rec.ready();
      for (let i = 0; i < 20 && rec.windows.length === 0; i += 1) await flush();
    });
    after(async () => {
      // will-quit closes the service, then quits again.
      const willQuit = handler<(e: { preventDefault(): void }) => void>(rec.appListeners.get('will-quit'));
      let prevented = false;
      willQuit({ preventDefault: () => (prevented = true) });
      assert.equal(prevented, true);
      for (let i = 0; i < 50 && !names(rec).includes('app.quit'); i += 1) await flush();
      assert.ok(names(rec).includes('app.quit'), 'quits once the service is closed');
    });

    it('opens one hardened window on app://ktalk/index.html with the built preload', () => {
      assert.equal(rec.windows.length, 1);
      const [window] = rec.windows;
      assert.ok(window);
      const prefs = window.options.webPreferences;
      assert.equal(prefs.contextIsolation, true);
      assert.equal(prefs.sandbox, true);
      assert.equal(prefs.nodeIntegration, false);
      assert.equal(prefs.webSecurity, true);
      assert.equal(prefs.webviewTag, false);
      assert.equal(prefs.allowRunningInsecureContent, false);
      assert.equal(typeof prefs.preload, 'string');
      assert.ok(existsSync(String(prefs.preload)), `preload ${String(prefs.preload)} exists`);
      assert.deepEqual(window.loaded, ['app://ktalk/index.html']);
    });

    it('installs exactly one IPC handler, the validating one, in front of the real service', async () => {
      assert.deepEqual([...rec.ipcHandlers.keys()], ['ktalk:invoke']);
      type Invoke = (event: unknown, method: unknown, args: unknown) => Promise<Result<unknown>>;
      const invoke = handler<Invoke>(rec.ipcHandlers.get('ktalk:invoke'));
      const page = { senderFrame: { url: 'app://ktalk/index.html', parent: null } };
      const stranger = { senderFrame: { url: 'https://evil.example/', parent: null } };
      const code = (r: Result<unknown>) => (r.ok ? 'ok' : r.error.code);
      assert.equal(code(await invoke(stranger, 'sessionState', [])), 'FORBIDDEN');
      assert.equal(code(await invoke(page, 'deleteEverything', [])), 'BAD_INPUT');
      assert.equal(code(await invoke(page, 'signIn', [{ accountId: '' }])), 'BAD_INPUT');
      const state = await invoke(page, 'sessionState', []);
      assert.ok(state.ok, JSON.stringify(state));
      assert.equal((state.value as { state: string }).state, 'no-account');
    });

    it('serves app:// through the protocol handler with the CSP', async () => {
      type Serve = (request: { url: string; method: string }) => Promise<Response>;
      const serve = handler<Serve>(rec.protocolHandlers.get('app'));
      const reply = await serve({ url: 'app://ktalk/no-such-file.js', method: 'GET' });
      assert.equal(reply.status, 404);
      assert.equal(reply.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    });

    it('grants only notifications, cancels remote requests', () => {
      const granted: boolean[] = [];
      type Request = (wc: unknown, p: string, cb: (ok: boolean) => void, d: { requestingUrl: string }) => void;
      const request = handler<Request>(rec.permissionRequest);
      request({}, 'notifications', (ok) => granted.push(ok), { requestingUrl: 'app://ktalk/index.html' });
      request({}, 'media', (ok) => granted.push(ok), { requestingUrl: 'app://ktalk/index.html' });
      request({}, 'notifications', (ok) => granted.push(ok), { requestingUrl: 'https://evil.example/' });
      assert.deepEqual(granted, [true, false, false]);
      const check = handler<(wc: unknown, p: string, origin: string) => boolean>(rec.permissionCheck);
      assert.equal(check(null, 'clipboard-read', 'app://ktalk'), false);
      const cancelled: boolean[] = [];
      type Before = (d: { url: string }, cb: (r: { cancel: boolean }) => void) => void;
      const before = handler<Before>(rec.beforeRequest);
      for (const url of ['app://ktalk/index.html', 'https://tracker.example/x.js', 'file:///etc/passwd']) {
        before({ url }, (r) => cancelled.push(r.cancel));
      }
      assert.deepEqual(cancelled, [false, true, true]);
    });

    it('every web contents denies new windows and navigation; only allowed links leave the app', async () => {
      const listeners = new Map<string, Handler>();
      let openHandler: ((d: { url: string }) => { action: string }) | undefined;
      const contents = {
        setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
        on: (event: string, h: Handler) => listeners.set(event, h),
      };
      const created = handler<(e: unknown, c: unknown) => void>(rec.appListeners.get('web-contents-created'));
      created({}, contents);
      assert.ok(openHandler);
      assert.deepEqual(openHandler({ url: 'https://example.com/a' }), { action: 'deny' });
      assert.deepEqual(openHandler({ url: 'javascript:alert(1)' }), { action: 'deny' });
      type Nav = (e: { url: string; isMainFrame?: boolean; preventDefault(): void }) => void;
      let prevented = 0;
      const event = (url: string, isMainFrame = true) => ({ url, isMainFrame, preventDefault: () => (prevented += 1) });
      handler<Nav>(listeners.get('will-navigate'))(event('file:///etc/passwd'));
      handler<Nav>(listeners.get('will-navigate'))(event('mailto:a@example.com'));
      handler<Nav>(listeners.get('will-redirect'))(event('https://example.com/'));
      handler<Nav>(listeners.get('will-frame-navigate'))(event('app://ktalk/x.html', false));
      handler<Nav>(listeners.get('will-attach-webview'))(event('app://ktalk/'));
      assert.equal(prevented, 5);
      await flush();
      assert.deepEqual(rec.opened, ['https://example.com/a', 'mailto:a@example.com']);
    });

    it('a second launch brings the window back', () => {
      const [window] = rec.windows;
      assert.ok(window);
      handler<() => void>(rec.appListeners.get('second-instance'))();
      assert.deepEqual(window.actions.slice(-3), ['restore', 'show', 'focus']);
    });
  });
});
