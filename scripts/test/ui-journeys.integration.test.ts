import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { up } from '../../network/src/network';
import { type AppUser, appUser } from '../../electron/test/support/app-user';
import { type LiveNetwork, liveNetwork } from './support/live-network';
import {
  PASSPHRASE,
  type UserPage,
  assertNoErrors,
  enrollThroughUi,
  launchBrowser,
  openApp,
  screenshot,
  withFailureShots,
} from './support/ui-browser';
import { type WebApp, devSecret, startWebApp } from './support/web-app';

// What a user does across time, in Chromium against web-mode apps on one
// live network: sign out and back in, restart the app, mistype the
// passphrase, lose the app's own service and get it back, and find the
// language and theme they chose still there after a relaunch.

const LEDGER = 120_000;
const WRONG_PASSPHRASE_TEXT = 'That passphrase is not correct.';

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Account menu' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
}

/** The sign-in screen: the account listed, a passphrase asked (web mode has no keychain). */
async function signInScreen(page: Page, user: string): Promise<void> {
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.getByRole('radio', { name: new RegExp(user) }).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).waitFor();
}

async function signIn(page: Page, passphrase: string): Promise<void> {
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

async function bodyText(page: Page): Promise<string> {
  return (await page.evaluate('document.body.innerText')) as string;
}

/** The status pill reads `text` (it follows the service's sync events). */
async function status(page: Page, text: string): Promise<void> {
  await page.locator('.sync-badge', { hasText: new RegExp(`^${text}$`) }).waitFor({ timeout: LEDGER });
}

/** Every file under `dir` that contains `needle` (for "nothing in clear on the disk"). */
async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if ((await readFile(file)).includes(Buffer.from(needle))) found.push(file);
  }
  return found;
}

describe('UI journeys across time on the live network', { timeout: 40 * 60_000 }, () => {
  let net: LiveNetwork;
  let browser: Browser;
  let aliceApp: WebApp;
  let alice: UserPage;
  let bob: AppUser;
  const apps: WebApp[] = [];
  const pages: UserPage[] = [];

  before(async () => {
    net = await liveNetwork('ui-journeys');
    await up(net.ctx);
    browser = await launchBrowser();
    aliceApp = await startWebApp(net.ctx, 'alice');
    apps.push(aliceApp);
    alice = await openApp(browser, aliceApp, 'alice');
    pages.push(alice);
    bob = await appUser(net.ctx, 'Org2', 'bob');
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await bob?.dispose().catch(() => undefined);
    await net?.dispose();
  });

  it('enroll, sign out, sign in: the sign-in screen lists the account and refuses a wrong passphrase', async () => {
    const { page } = alice;
    await withFailureShots('journey-sign-in', [alice], async () => {
      await enrollThroughUi(alice, 'Org1MSP', 'alice', await devSecret(net.ctx, 'Org1', 'alice'));
      // Messages flow once the event stream is up: the pill must say so, not stay on "Connecting".
      await status(page, 'Online');
      await signOut(page);
      await signInScreen(page, 'alice');
      assert.equal(await page.getByRole('button', { name: 'Set up account' }).count(), 0);
      await screenshot(alice, 'journey-sign-in-screen');

      await signIn(page, 'not the passphrase');
      await page.getByRole('alert').filter({ hasText: WRONG_PASSPHRASE_TEXT }).waitFor();
      await screenshot(alice, 'journey-sign-in-wrong-passphrase');
      assert.equal(await page.getByRole('navigation', { name: 'Main navigation' }).count(), 0);

      await signIn(page, PASSPHRASE);
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      await status(page, 'Online');
    });
    assertNoErrors([alice]);
  });

  it('restart the app (a new port, so a new origin) and sign in again', async () => {
    await aliceApp.stop();
    await aliceApp.start();
    await alice.context.close();
    alice = await openApp(browser, aliceApp, 'alice');
    pages.push(alice);
    const { page } = alice;
    await withFailureShots('journey-restart', [alice], async () => {
      await signInScreen(page, 'alice');
      await signIn(page, 'wrong passphrase again');
      await page.getByRole('alert').filter({ hasText: WRONG_PASSPHRASE_TEXT }).waitFor();
      await signIn(page, PASSPHRASE);
      await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
      await status(page, 'Online');
    });
    assertNoErrors([alice]);
  });

  it('backend stopped: the page says so and promises nothing, also once KTalk runs again elsewhere; its new address works', async () => {
    const stale = alice;
    const { page } = stale;
    const text = 'Written while the app was down.';
    const refusedHonestly = async () => {
      const box = page.getByRole('textbox', { name: 'Message' });
      await box.fill(text);
      await box.press('Enter');
      await page.getByRole('alert').filter({ hasText: 'nothing was sent' }).waitFor();
      assert.equal(await box.inputValue(), text, 'the message stays in the composer');
      assert.equal(await page.locator('[data-testid="message"]', { hasText: text }).count(), 0);
      const shown = await bodyText(page);
      assert.doesNotMatch(shown, /will be sent when/, 'nothing may promise a later send');
      assert.doesNotMatch(shown, /\bOnline\b/);
      await page.locator('.unreachable-banner').waitFor();
      await status(page, 'No service');
    };
    await withFailureShots('journey-backend', [stale], async () => {
      await page.getByTestId('new-chat').click();
      const picker = page.getByRole('dialog');
      await picker.getByLabel('Organization').selectOption('Org2MSP');
      await picker.locator('[data-user="Org2MSP::bob"]').click();
      await page.getByRole('heading', { name: /bob/ }).waitFor();

      await aliceApp.stop();
      await page.locator('.unreachable-banner').waitFor();
      await refusedHonestly();
      await screenshot(stale, 'journey-backend-unreachable');

      // KTalk runs again on the same port, but as a new launch (new path and session): this page still
      // cannot use it and keeps saying so.
      await aliceApp.start({ samePort: true });
      await refusedHonestly();
    });

    // The address the new launch printed works: sign in, and the message goes out.
    alice = await openApp(browser, aliceApp, 'alice');
    pages.push(alice);
    await withFailureShots('journey-backend-back', [alice], async () => {
      const fresh = alice.page;
      await signInScreen(fresh, 'alice');
      await signIn(fresh, PASSPHRASE);
      await status(fresh, 'Online');
      await fresh.locator('.conversation-item', { hasText: 'bob' }).first().click();
      const box = fresh.getByRole('textbox', { name: 'Message' });
      await box.fill(text);
      await box.press('Enter');
      await fresh
        .locator('[data-testid="message"]', { hasText: text })
        .getByTestId('delivery')
        .filter({ hasText: 'Delivered' })
        .waitFor({ timeout: LEDGER });
    });
    const conversation = (await bob.call('listConversations')).find((c) => c.peer === 'Org1MSP::alice');
    assert.ok(conversation, 'bob has the conversation');
    await bob.waitFor(conversation.id, (m) => m.content?.type === 'text' && m.content.text === text);
    // The stopped or replaced backend's refusals are logged by the browser as failed requests; nothing else may be.
    const unexpected = stale.errors.filter(
      (e) => !/Failed to load resource|ERR_CONNECTION_REFUSED|EventSource/.test(e),
    );
    assert.deepEqual(unexpected, []);
    assertNoErrors([alice]);
    await stale.context.close();
  });

  it('language and theme chosen once are kept when the web-mode app is launched again on a new port', async () => {
    const carolApp = await startWebApp(net.ctx, 'carol');
    apps.push(carolApp);
    let carol = await openApp(browser, carolApp, 'carol');
    pages.push(carol);
    await withFailureShots('journey-settings', [carol], async () => {
      await enrollThroughUi(carol, 'Org1MSP', 'carol', await devSecret(net.ctx, 'Org1', 'carol'));
      await carol.page.locator('nav.rail button[data-section="settings"]').click();
      await carol.page.getByLabel('Theme').selectOption('dark');
      await carol.page.getByLabel('Language').selectOption('zh-CN');
      await carol.page.getByRole('heading', { name: '设置' }).waitFor();
      // Saved by the service (the page saves in the background): wait until it has them.
      for (;;) {
        const settings = await carolApp.service.getSettings();
        if (settings.ok && settings.value.language === 'zh-CN' && settings.value.theme === 'dark') break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }

      await carolApp.stop();
      await carolApp.start();
      await carol.context.close();
      carol = await openApp(browser, carolApp, 'carol');
      pages.push(carol);
      // Before sign-in: the last-used language and theme, though this origin's storage is empty.
      await carol.page.getByRole('heading', { name: '登录' }).waitFor();
      assert.equal(await carol.page.evaluate('document.documentElement.dataset.theme'), 'dark');
      await screenshot(carol, 'journey-settings-sign-in-zh-dark');
      await carol.page.getByLabel('密码短语', { exact: true }).fill(PASSPHRASE);
      await carol.page.getByRole('button', { name: '登录' }).click();
      await carol.page.getByRole('navigation', { name: '主导航' }).waitFor();
      await carol.page.locator('nav.rail button[data-section="settings"]').click();
      assert.equal(await carol.page.getByLabel('语言').inputValue(), 'zh-CN');
      assert.equal(await carol.page.getByLabel('主题').inputValue(), 'dark');
      assert.equal(await carol.page.evaluate('document.documentElement.dataset.theme'), 'dark');
    });
    assertNoErrors([carol]);
  });

  it('a draft survives a restart of the app: encrypted on the disk, shown as "Draft:" in the sidebar, in the composer again, cleared by sending', async () => {
    const draft = 'Draft about the **persimmon** order';
    let { page } = alice;
    await withFailureShots('journey-draft', [alice], async () => {
      await page.locator('.conversation-item', { hasText: 'bob' }).first().click();
      await page.getByRole('textbox', { name: 'Message' }).fill(draft);
      const bobItem = page.locator('.conversation-item', { hasText: 'bob' }).first();
      await bobItem
        .getByTestId('conversation-preview')
        .filter({ hasText: 'Draft: Draft about the persimmon order' })
        .waitFor();
      // Saved by the service after the pause in typing: wait until it has it.
      for (;;) {
        const list = await aliceApp.service.listConversations();
        if (list.ok && list.value.some((c) => c.draft === draft)) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
    assertNoErrors([alice]);

    await aliceApp.stop();
    // Quit: the store is one encrypted file, and no file of the app holds the draft in clear.
    assert.deepEqual(await filesContaining(aliceApp.dataDir, 'persimmon'), []);
    await aliceApp.start();
    await alice.context.close();
    alice = await openApp(browser, aliceApp, 'alice');
    pages.push(alice);
    page = alice.page;
    await withFailureShots('journey-draft-restart', [alice], async () => {
      await signInScreen(page, 'alice');
      await signIn(page, PASSPHRASE);
      await status(page, 'Online');
      const bobItem = page.locator('.conversation-item', { hasText: 'bob' }).first();
      await bobItem
        .getByTestId('conversation-preview')
        .filter({ hasText: 'Draft: Draft about the persimmon order' })
        .waitFor();
      await screenshot(alice, 'journey-draft-after-restart');
      await bobItem.click();
      const box = page.getByRole('textbox', { name: 'Message' });
      // The composer starts from the draft the store kept.
      await page.waitForFunction(
        `document.querySelector('textarea.composer-input')?.value === ${JSON.stringify(draft)}`,
      );
      await box.press('Enter');
      const sent = page.locator('[data-testid="message"]', { hasText: 'Draft about the persimmon order' });
      await sent.getByTestId('delivery').filter({ hasText: 'Delivered' }).waitFor({ timeout: LEDGER });
      // Sent as formatted text, and the draft is gone from the sidebar and the store.
      assert.equal(await sent.locator('strong').innerText(), 'persimmon');
      await bobItem
        .getByTestId('conversation-preview')
        .filter({ hasText: /^Draft about the persimmon order$/ })
        .waitFor();
      const list = await aliceApp.service.listConversations();
      assert.ok(list.ok && list.value.every((c) => c.draft === undefined), 'no draft is left');
    });
    assertNoErrors([alice]);
  });
});
