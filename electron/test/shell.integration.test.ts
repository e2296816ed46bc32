import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ElectronApplication, type Page, _electron } from 'playwright-core';
import { CONTENT_SECURITY_POLICY } from '../src/node/web/responses';

// Launches the real Electron shell with Playwright where an Electron binary
// exists, and checks from inside the page what the page can and cannot do.
// Electron's binary downloads from github.com in its install script, which
// package.json's allowScripts denies (and these build machines cannot reach),
// so here the suite is skipped and says exactly why.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN_JS = path.join(ROOT, 'build', 'electron', 'src', 'main', 'main.js');
const RENDERER_INDEX = path.join(ROOT, 'build', 'renderer-dist', 'index.html');

/** The installed binary, found the way the electron package finds it (path.txt under dist/), or null. */
function electronBinary(): string | null {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const relative = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), relative);
    return relative !== '' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function skipReason(binary: string | null): string | false {
  if (!binary) {
    return "Electron binary not installed: npm's allowScripts denies electron's download; run `node node_modules/electron/install.js` where github.com is reachable";
  }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return 'no display for Electron: set DISPLAY or run the tests under xvfb-run';
  }
  return false;
}

const binary = electronBinary();
const skip = skipReason(binary);
// Playwright adds --no-sandbox on Linux (a dev install's chrome-sandbox is
// not setuid); the second launch gets the same. That is Chromium's OS
// sandbox; Electron's renderer sandbox (no Node in the page) stays on.
const chromiumArgs = process.platform === 'linux' ? ['--no-sandbox'] : [];

describe('Electron shell (Playwright)', () => {
  let app: ElectronApplication;
  let page: Page;
  // Its own app data (wallet, Chromium profile, single-instance lock), never the user's.
  let appData = '';
  const env = (): Record<string, string> => {
    const vars: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) vars[key] = value;
    return { ...vars, KTALK_APP_DATA: appData };
  };

  before(async () => {
    if (skip) return;
    assert.ok(binary);
    assert.ok(existsSync(MAIN_JS), `${MAIN_JS} is missing: run npm run build`);
    assert.ok(existsSync(RENDERER_INDEX), `${RENDERER_INDEX} is missing: run npm run build (Vite builds the renderer)`);
    appData = mkdtempSync(path.join(tmpdir(), 'ktalk-shell-'));
    app = await _electron.launch({
      executablePath: binary,
      args: [MAIN_JS],
      cwd: ROOT,
      env: env(),
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  after(async () => {
    if (skip) return;
    await app?.close();
    if (appData) rmSync(appData, { recursive: true, force: true });
  });

  it('loads the UI from app://ktalk, not file://', { skip }, () => {
    assert.match(page.url(), /^app:\/\/ktalk\//);
  });

  it(
    'gives the page window.ktalkBridge and no Node: require, process, module, Buffer are undefined',
    { skip },
    async () => {
      const probe = await page.evaluate(`({
      bridge: typeof window.ktalkBridge,
      keys: Object.keys(window.ktalkBridge ?? {}).sort(),
      require: typeof require,
      process: typeof process,
      module: typeof module,
      buffer: typeof Buffer,
      electron: typeof window.electron,
    })`);
      assert.deepEqual(probe, {
        bridge: 'object',
        keys: ['invoke', 'onEvent'],
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
        buffer: 'undefined',
        electron: 'undefined',
      });
    },
  );

  it(
    'the bridge reaches the validating IPC handler: unknown methods and bad arguments are BAD_INPUT',
    { skip },
    async () => {
      const unknown = await page.evaluate(`window.ktalkBridge.invoke('deleteEverything', [])`);
      assert.deepEqual((unknown as { error?: { code?: string } }).error?.code, 'BAD_INPUT');
      const bad = await page.evaluate(`window.ktalkBridge.invoke('sendMessage', [{ conversationId: '../x' }])`);
      assert.deepEqual((bad as { error?: { code?: string } }).error?.code, 'BAD_INPUT');
    },
  );

  it('window.open is denied and opens no window', { skip }, async () => {
    // Only refused schemes here: an https: link would be handed to the OS browser.
    const opened = await page.evaluate(`[
      window.open('app://ktalk/index.html') === null,
      window.open('http://example.com/') === null,
      window.open('javascript:void(0)') === null,
    ]`);
    assert.deepEqual(opened, [true, true, true]);
    await sleep(500);
    assert.equal(app.windows().length, 1);
  });

  it('navigation away is denied: the page stays, with its state', { skip }, async () => {
    const start = page.url();
    await page.evaluate(`window.__ktalkMarker = 'still here'`);
    for (const target of ['app://ktalk/other.html', 'http://example.com/', 'file:///etc/passwd']) {
      await page.evaluate(`location.href = ${JSON.stringify(target)}`);
      await sleep(500);
      assert.equal(page.url(), start, target);
      assert.equal(await page.evaluate(`window.__ktalkMarker`), 'still here', target);
    }
  });

  it('app:// answers carry the shared CSP', { skip }, async () => {
    const csp = await app.evaluate(async ({ net }) => {
      const reply = await net.fetch('app://ktalk/index.html');
      return reply.headers.get('content-security-policy');
    });
    assert.equal(csp, CONTENT_SECURITY_POLICY);
  });

  it('a second launch hands over to the running instance and quits', { skip }, async () => {
    assert.ok(binary);
    const second = spawn(binary, [...chromiumArgs, MAIN_JS], { cwd: ROOT, env: env(), stdio: 'ignore' });
    const code = await Promise.race([
      new Promise<number | null>((resolve) => second.on('exit', resolve)),
      sleep(30_000).then(() => 'timeout' as const),
    ]);
    if (code === 'timeout') second.kill();
    assert.equal(code, 0);
    assert.equal(app.windows().length, 1);
  });
});
