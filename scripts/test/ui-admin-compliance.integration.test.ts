import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { up } from '../../network/src/network';
import { type LiveNetwork, liveNetwork } from './support/live-network';
import {
  type UserPage,
  assertNoErrors,
  downloadText,
  enrollThroughUi,
  goTo,
  launchBrowser,
  openApp,
  screenshot,
} from './support/ui-browser';
import { type WebApp, devSecret, startWebApp } from './support/web-app';

// Administration and compliance through the real UI on a live network: the
// org admin registers a new user and hands over the one-time secret; the
// new user enrolls in a fresh browser context and sends a message; the admin
// revokes them and sees each step; a compliance officer finds all of it in
// the audit trail, exports it and verifies the export against the ledger.

const NEW_USER = 'erin';

describe('UI: administration and compliance on the live network', { timeout: 40 * 60_000 }, () => {
  let net: LiveNetwork;
  let browser: Browser;
  const apps: WebApp[] = [];
  const users: UserPage[] = [];
  let admin: UserPage;
  let auditor: UserPage;
  /** The new user's browser, kept open through the revocation. */
  let erin: UserPage;
  let secret = '';
  let conversationId = '';

  const start = async (label: string) => {
    const app = await startWebApp(net.ctx, label);
    apps.push(app);
    const user = await openApp(browser, app, label);
    users.push(user);
    return { app, user };
  };

  before(async () => {
    net = await liveNetwork('ui-admin-compliance');
    await up(net.ctx);
    browser = await launchBrowser();
    admin = (await start('org1admin')).user;
    auditor = (await start('auditor1')).user;
    await enrollThroughUi(admin, 'Org1MSP', 'org1admin', await devSecret(net.ctx, 'Org1', 'org1admin'));
    await enrollThroughUi(auditor, 'Org1MSP', 'auditor1', await devSecret(net.ctx, 'Org1', 'auditor1'));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await net?.dispose();
  });

  it('only the admin sees Admin and only the compliance officer sees Compliance', async () => {
    assert.equal(await admin.page.locator('nav.rail button[data-section="admin"]').count(), 1);
    assert.equal(await admin.page.locator('nav.rail button[data-section="compliance"]').count(), 0);
    assert.equal(await auditor.page.locator('nav.rail button[data-section="compliance"]').count(), 1);
    assert.equal(await auditor.page.locator('nav.rail button[data-section="admin"]').count(), 0);
  });

  it('the admin registers a user and sees the one-time secret once', async () => {
    const { page } = admin;
    await goTo(admin, 'admin');
    await page.getByTestId('identities-table').waitFor({ timeout: 120_000 });
    await page.getByTestId('register-id').fill(NEW_USER);
    await page.getByTestId('register-role').selectOption('staff');
    await page.getByTestId('register-submit').click();
    const shown = page.getByTestId('enrollment-secret');
    await shown.waitFor({ timeout: 120_000 });
    secret = ((await shown.textContent()) ?? '').trim();
    assert.ok(secret.length >= 6, 'a secret is shown');
    assert.equal((await page.getByTestId('secret-enrollment-id').textContent())?.trim(), NEW_USER);
    await screenshot(admin, 'admin-secret-shown-once');
    await page.getByTestId('secret-done').click();
    await shown.waitFor({ state: 'detached' });
    assert.equal(await page.getByText(secret, { exact: true }).count(), 0, 'the secret is gone once closed');
    const row = page.locator(`tr[data-enrollment-id="${NEW_USER}"]`);
    await row.waitFor({ timeout: 60_000 });
    await screenshot(admin, 'admin-identities');
  });

  it('registering an id that already exists says so, not that someone changed it at the same moment', async () => {
    const { page } = admin;
    await page.getByTestId('register-id').fill(NEW_USER);
    await page.getByTestId('register-role').selectOption('staff');
    await page.getByTestId('register-submit').click();
    await page.getByText('This user ID is already registered.').waitFor({ timeout: 120_000 });
    assert.equal(await page.getByText('Someone changed this at the same moment').count(), 0);
    await screenshot(admin, 'admin-register-existing');
  });

  it('the new user enrolls in a fresh browser context and sends a message', async () => {
    assert.ok(secret, 'registered first');
    const { app, user } = await start(NEW_USER);
    erin = user;
    await enrollThroughUi(erin, 'Org1MSP', NEW_USER, secret);
    const direct = await app.service.openDirect({ userId: 'Org1MSP::org1admin' });
    assert.ok(direct.ok, `openDirect: ${JSON.stringify(direct)}`);
    conversationId = direct.value.id;
    await goTo(erin, 'chats');
    await erin.page.locator(`button[data-conversation="${conversationId}"]`).click({ timeout: 120_000 });
    await erin.page.getByLabel('Message', { exact: true }).fill('hello from erin');
    await erin.page.getByRole('button', { name: 'Send', exact: true }).click();
    await erin.page.getByText('hello from erin').first().waitFor();
    await screenshot(erin, 'new-user-first-message');
    // The admin receives it, so it is on the ledger.
    await goTo(admin, 'chats');
    await admin.page.locator(`button[data-conversation="${conversationId}"]`).click({ timeout: 180_000 });
    await admin.page.getByText('hello from erin').first().waitFor({ timeout: 180_000 });
  });

  it('the admin revokes the user after an explained confirmation and sees every step done', async () => {
    const { page } = admin;
    await goTo(admin, 'admin');
    const row = page.locator(`tr[data-enrollment-id="${NEW_USER}"]`);
    await row.getByRole('button', { name: 'Revoke' }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByText('revokes their certificate').waitFor();
    await dialog.getByText('cannot be undone', { exact: false }).waitFor();
    await screenshot(admin, 'admin-revoke-confirm');
    await dialog.getByTestId('revoke-type-id').fill(NEW_USER);
    await dialog.getByRole('button', { name: 'Revoke permanently' }).click();
    const report = page.getByTestId('revoke-report');
    await report.waitFor({ timeout: 300_000 });
    for (const step of ['caRevoked', 'crlInChannel', 'directoryDisabled']) {
      assert.equal(await report.locator(`li[data-step="${step}"]`).getAttribute('data-done'), 'true', step);
    }
    await screenshot(admin, 'admin-revoke-report');
    await row.getByText('Revoked').waitFor({ timeout: 60_000 });
  });

  it('the revoked user, still signed in, is told their access was revoked, not that the network is down', async () => {
    const { page } = erin;
    await page.getByLabel('Message', { exact: true }).fill('after my revocation');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const sent = page.locator('[data-testid="message"]', { hasText: 'after my revocation' });
    await sent
      .locator('.message-failure')
      .getByText('Your access has been revoked by an administrator.')
      .waitFor({ timeout: 300_000 })
      .catch(async (error: unknown) => {
        // Say what the message showed instead: another failure's words, or still pending.
        throw new Error(`the message shows: ${JSON.stringify(await sent.innerText())}`, { cause: error });
      });
    // Refused once, final: no retry loop and no promise to send it later.
    await sent.getByTestId('delivery').filter({ hasText: 'Not sent' }).waitFor();
    assert.equal(await sent.getByRole('button', { name: 'Retry' }).count(), 0, 'no retry that cannot succeed');
    assert.equal(await page.getByText('The network cannot be reached', { exact: false }).count(), 0);
    // The status no longer says Online: this identity can no longer act on the network.
    await page.locator('.sync-badge', { hasText: 'Access revoked' }).waitFor();
    await screenshot(erin, 'revoked-user-told');
  });

  it('the compliance officer finds those actions, exports them and verifies the export', async () => {
    const { page } = auditor;
    await goTo(auditor, 'compliance');
    // The page opens on the last week; then narrow it to the new user.
    const table = page.getByTestId('audit-table');
    await table.waitFor({ timeout: 120_000 });
    await page.getByTestId('filter-actor').fill(`Org1MSP::${NEW_USER}`);
    await page.getByTestId('audit-search').click();
    await onlyRows(page, `[data-actor="Org1MSP::${NEW_USER}"]`);
    await expectRow(page, 'message.post');
    await expectRow(page, 'group.openDirect');
    await screenshot(auditor, 'compliance-trail');
    // Nothing of the message itself is on this page.
    assert.equal(await page.getByText('hello from erin').count(), 0);

    // The admin's disable of the user is there too.
    await page.getByTestId('filter-actor').fill('');
    await page.getByTestId('filter-action').fill('directory.disableUser');
    await page.getByTestId('audit-search').click();
    await onlyRows(page, '[data-action="directory.disableUser"]');
    await table
      .locator('tbody tr')
      .filter({ hasText: `Org1MSP::${NEW_USER}` })
      .first()
      .waitFor({ timeout: 60_000 });

    // Export both formats for the new user's actions, then verify the JSON one.
    await page.getByTestId('filter-action').fill('');
    await page.getByTestId('filter-actor').fill(`Org1MSP::${NEW_USER}`);
    await page.getByTestId('audit-search').click();
    await onlyRows(page, `[data-actor="Org1MSP::${NEW_USER}"]`);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    assert.match(csv.suggestedFilename(), /\.csv$/);
    const csvText = await downloadText(csv);
    assert.match(csvText, /message\.post/);
    // The CSV given to Verify: told it expects the JSON export.
    await page.getByTestId('verify-file-input').setInputFiles({
      name: csv.suggestedFilename(),
      mimeType: 'text/csv',
      buffer: Buffer.from(csvText),
    });
    const notExport = page.getByText('This file is not a KTalk JSON audit export.', { exact: false });
    await notExport.waitFor({ timeout: 120_000 });
    await screenshot(auditor, 'compliance-verify-csv-refused');
    const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-json').click()]);
    assert.match(json.suggestedFilename(), /\.json$/);
    const jsonPath = await json.path();
    const exported = await readFile(jsonPath, 'utf8');
    assert.match(exported, /message\.post/);
    assert.doesNotMatch(exported, /hello from erin/);
    // As the officer would pick it: the saved file under its own name.
    await page.getByTestId('verify-file-input').setInputFiles({
      name: json.suggestedFilename(),
      mimeType: 'application/json',
      buffer: Buffer.from(exported),
    });
    const report = page.getByTestId('verify-report');
    await report.waitFor({ timeout: 300_000 });
    assert.equal(await report.getAttribute('data-ok'), 'true', (await report.textContent()) ?? '');
    assert.equal(await page.getByTestId('verify-chain').getAttribute('data-ok'), 'true');
    assert.equal(await notExport.count(), 0, 'the earlier refusal was replaced, not kept');
    await report.scrollIntoViewIfNeeded();
    await screenshot(auditor, 'compliance-verified');
    assertNoErrors(users);
  });

  it('layout: the rail shows "Compliance" whole, the chart heading stays on one line in Chinese with its select inside the card, and red buttons keep their text readable in dark mode', async () => {
    const { page } = auditor;
    await page.setViewportSize({ width: 1024, height: 768 });
    await goTo(auditor, 'compliance');
    const label = page.locator('nav.rail button[data-section="compliance"] .rail-label');
    assert.ok(await label.evaluate((el) => el.scrollWidth <= el.clientWidth), 'the Compliance label is cut');

    await page.locator('nav.rail button[data-section="settings"]').click();
    await page.getByLabel('Language').selectOption('zh-CN');
    await goTo(auditor, 'compliance');
    await page.getByTestId('activity-chart').waitFor({ timeout: 120_000 });
    // Measured in the page (this file has no DOM types: the function travels as text).
    const chart = await page.evaluate<ChartGeometry | null>(`(() => {
      const heading = document.querySelector('#chart-title');
      const card = heading && heading.closest('.card');
      const select = card && card.querySelector('select');
      if (!heading || !card || !select) return null;
      const style = getComputedStyle(heading);
      return {
        height: heading.getBoundingClientRect().height,
        lineHeight: parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3,
        selectRight: select.getBoundingClientRect().right,
        cardRight: card.getBoundingClientRect().right,
      };
    })()`);
    assert.ok(chart, 'the chart card is shown');
    assert.ok(chart.height < chart.lineHeight * 1.5, `the heading wraps: ${JSON.stringify(chart)}`);
    assert.ok(chart.selectRight <= chart.cardRight + 0.5, `the select overflows its card: ${JSON.stringify(chart)}`);
    await screenshot(auditor, 'compliance-chart-zh');

    // The admin's red Revoke buttons, in the dark theme.
    await goTo(admin, 'admin');
    await admin.page.getByTestId('identities-table').waitFor({ timeout: 120_000 });
    await admin.page.evaluate(`document.documentElement.setAttribute('data-theme', 'dark')`);
    // Read once the theme's colour transition has finished.
    const colors = await admin.page.evaluate<{ text: string; background: string }>(`(async () => {
      const button = document.querySelector('.btn-danger');
      await Promise.all(button.getAnimations().map((a) => a.finished));
      const style = getComputedStyle(button);
      return { text: style.color, background: style.backgroundColor };
    })()`);
    const ratio = contrast(colors.text, colors.background);
    assert.ok(ratio >= 4.5, `red button contrast ${ratio.toFixed(2)} (${JSON.stringify(colors)})`);
    await screenshot(admin, 'admin-dark-danger');
    assertNoErrors(users);
  });
});

interface ChartGeometry {
  readonly height: number;
  readonly lineHeight: number;
  readonly selectRight: number;
  readonly cardRight: number;
}

/** WCAG contrast ratio of two computed `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const luminance = (color: string) => {
    const [r, g, bl] = (color.match(/[\d.]+/g) ?? []).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (bl ?? 0);
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return ((hi ?? 0) + 0.05) / ((lo ?? 0) + 0.05);
}

/** Waits until the search has applied: rows shown, and every row matches `selector`. */
async function onlyRows(page: Page, selector: string): Promise<void> {
  const rows = page.getByTestId('audit-table').locator('tbody tr');
  const deadline = Date.now() + 60_000;
  while (
    (await rows.count()) === 0 ||
    (await page.locator(`[data-testid="audit-table"] tbody tr:not(${selector})`).count()) > 0
  ) {
    if (Date.now() > deadline) throw new Error(`audit rows never all matched ${selector}`);
    await page.waitForTimeout(250);
  }
}

async function expectRow(page: Page, action: string): Promise<void> {
  await page
    .getByTestId('audit-table')
    .locator(`tbody tr[data-action="${action}"]`)
    .first()
    .waitFor({ timeout: 60_000 });
}
