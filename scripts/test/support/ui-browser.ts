import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import type { WebApp } from './web-app';

// Browser side of the UI end-to-end suites (sharing, payments, admin,
// compliance): Debian's Chromium driving the real renderer served by a
// web-mode app per user. Every page records console errors and page errors;
// a suite asserts there were none.

export const CHROMIUM = process.env.KTALK_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(__dirname, '..', '..', '..', '..', 'build', 'test-artifacts', 'ui');
/** Passphrase for accounts in web mode (no OS keychain there). */
export const PASSPHRASE = 'correct horse battery staple';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
}

export interface UserPage {
  readonly label: string;
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors and uncaught page errors seen so far. */
  readonly errors: string[];
}

/** A fresh browser context (its own cookies) opened at the app's launch URL. */
export async function openApp(browser: Browser, app: WebApp, label: string): Promise<UserPage> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[${label}] console: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(`[${label}] page: ${error.message}`));
  page.setDefaultTimeout(60_000);
  await page.goto(app.launchUrl);
  return { label, context, page, errors };
}

/** First run through the onboarding screens: default network, user ID, secret, passphrase if asked. */
export async function enrollThroughUi(user: UserPage, mspId: string, enrollmentId: string, secret: string) {
  const { page } = user;
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Organization').selectOption(mspId);
  await page.getByLabel('User ID').fill(enrollmentId);
  await page.getByLabel('Enrollment secret').fill(secret);
  const passphrase = page.getByLabel('Passphrase', { exact: true });
  if (await passphrase.count()) {
    await passphrase.fill(PASSPHRASE);
    await page.getByLabel('Repeat the passphrase').fill(PASSPHRASE);
  }
  await page.getByRole('button', { name: 'Set up account' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).waitFor({ timeout: 180_000 });
}

export async function goTo(user: UserPage, section: 'chats' | 'sharing' | 'payments' | 'admin' | 'compliance') {
  await user.page.locator(`nav.rail button[data-section="${section}"]`).click();
}

export async function screenshot(user: UserPage, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await user.page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Runs a test body; on failure every user's screen is saved as `<name>-failed-<user>.png` first. */
export async function withFailureShots(name: string, users: readonly UserPage[], body: () => Promise<void>) {
  try {
    await body();
  } catch (error) {
    for (const user of users) await screenshot(user, `${name}-failed-${user.label}`).catch(() => undefined);
    throw error;
  }
}

export function assertNoErrors(users: readonly (UserPage | undefined)[]): void {
  const errors = users.flatMap((u) => u?.errors ?? []);
  assert.deepEqual(errors, [], `console or page errors:\n${errors.join('\n')}`);
}

/** Reads the text of a download completely. */
export async function downloadText(download: import('playwright-core').Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString('utf8');
}
