import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ROOT, buildHarness, launchChromium, serveHarness } from './lib/ui-harness';

// npm run screenshots: the main screens, rendered over the fake API in
// Chromium, in English and Chinese, light and dark → docs/screenshots/.
// Fails if any page logs a console error (a CSP refusal would show here).

const OUT = path.join(ROOT, 'docs', 'screenshots');
// A fixed clock so the pictures do not change from run to run.
const NOW = Date.UTC(2026, 10, 23, 9, 30);
const DAY = 24 * 3600_000;

interface Screen {
  readonly name: string;
  readonly user: string;
  readonly keychain?: boolean;
  /** The user's wallet is on this machine but locked: the sign-in screen. */
  readonly locked?: boolean;
  /** Gets the page from the signed-in start into the state to capture. */
  readonly open: (page: Page) => Promise<void>;
}

const conversation = (page: Page, title: string) =>
  page.locator('.conversation-item', { hasText: title }).first().click();
// A page split into its own chunk shows a spinner until the chunk has loaded.
const section = async (page: Page, id: string) => {
  await page.locator(`.rail-item[data-section="${id}"]`).click();
  await page.locator('.page-loading').waitFor({ state: 'detached' });
};
const settle = (page: Page) => page.waitForTimeout(400);
const FORMATTED = [
  '**Release checklist** for _Friday_ (~~Thursday~~):',
  '- run `npm run build`',
  '- tag the release',
  '```',
  'git tag v1.4.0 && git push --tags',
  '```',
  '> Ship only after the security review.',
  'Notes: [release wiki](https://wiki.example.com/release)',
].join('\n');

const SCREENS: readonly Screen[] = [
  {
    name: 'onboarding',
    user: 'none',
    keychain: false,
    open: async (page) => {
      await page.locator('.choice').first().waitFor();
    },
  },
  {
    name: 'enroll',
    user: 'none',
    keychain: false,
    open: async (page) => {
      await page.locator('.choice').first().waitFor();
      await page.locator('.onboarding .btn-primary').click();
      await page.locator('input[name="enrollmentId"]').fill('alice');
    },
  },
  {
    name: 'sign-in',
    user: 'Org1MSP::alice',
    keychain: false,
    locked: true,
    open: async (page) => {
      await page
        .getByLabel(/Passphrase|密码短语/)
        .first()
        .waitFor();
    },
  },
  {
    name: 'chat',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'carol');
      await page.locator('[data-testid="message"]').first().waitFor();
    },
  },
  {
    // A formatted message (the Markdown subset of common/markdown.ts), and a draft left in another conversation.
    name: 'chat-formatted',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'bob');
      await page.locator('textarea.composer-input').fill('Numbers for **Friday**, nearly done');
      await conversation(page, 'carol');
      await page.evaluate(`(() => {
        const fake = window.ktalkFake;
        const carol = [...fake.conversations.values()].find((c) => c.summary.peer === 'Org1MSP::carol');
        fake.receive(carol.summary.id, 'Org1MSP::carol', ${JSON.stringify(FORMATTED)});
      })()`);
      await page.locator('.message-formatted strong').first().waitFor();
      await page.locator('.draft-label').waitFor();
    },
  },
  {
    name: 'shortcuts',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await page.locator('.conversation-item').first().waitFor();
      await page.keyboard.press('?');
      await page.locator('[data-testid="shortcuts-sheet"]').waitFor();
    },
  },
  {
    name: 'chat-failed-retention',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'bob');
      await page.locator('[data-testid="retention-banner"]').waitFor();
    },
  },
  {
    name: 'group-key-change',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'Project Falcon');
      await page.locator('[data-testid="key-change-banner"]').waitFor();
      await page.locator('[data-testid="group-details-toggle"]').click();
      await page.locator('.group-details').waitFor();
    },
  },
  {
    name: 'safety-number',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'Project Falcon');
      await page.locator('[data-testid="key-change-banner"] .btn').click();
      await page.locator('.safety-digits').waitFor();
    },
  },
  {
    // Someone filed a key change for alice that this device did not make (key continuity).
    name: 'key-alarm',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'bob');
      await page.evaluate(`window.ktalkFake.foreignKeyChange(${NOW}, ${NOW + 3 * DAY})`);
      await page.locator('[data-testid="key-alarm-banner"]').waitFor();
    },
  },
  {
    // A contact's unsigned key change is pending: messages still go to the current keys.
    name: 'contact-key-pending',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await conversation(page, 'bob');
      await page.locator('[data-testid="message"]').first().waitFor();
      await page.evaluate(`window.ktalkFake.contactKeyPending('Org2MSP::bob', ${NOW}, ${NOW + 3 * DAY})`);
      await page.locator('[data-testid="key-pending-banner"]').waitFor();
    },
  },
  {
    name: 'new-group',
    user: 'Org1MSP::alice',
    open: async (page) => {
      await page.locator('[data-testid="new-group"]').click();
      await page.locator('.picker-item').first().waitFor();
      await page.locator('input[name="title"]').fill('Launch team');
      await page.locator('.picker-item').nth(1).click();
    },
  },
  { name: 'sharing', user: 'Org1MSP::alice', open: (page) => section(page, 'sharing') },
  { name: 'payments', user: 'Org1MSP::alice', open: (page) => section(page, 'payments') },
  { name: 'admin', user: 'Org1MSP::org1admin', open: (page) => section(page, 'admin') },
  {
    // With a key change waiting for the officer's approval (key continuity's second party).
    name: 'compliance',
    user: 'Org1MSP::auditor1',
    open: async (page) => {
      await page.evaluate(`window.ktalkFake.contactKeyPending('Org1MSP::alice', ${NOW}, ${NOW + 3 * DAY})`);
      await section(page, 'compliance');
      await page.locator('[data-testid="key-change-request"]').waitFor();
    },
  },
  { name: 'settings', user: 'Org1MSP::alice', open: (page) => section(page, 'settings') },
];

async function main(): Promise<number> {
  await buildHarness();
  await mkdir(OUT, { recursive: true });
  const server = await serveHarness();
  const browser = await launchChromium();
  const errors: string[] = [];
  let count = 0;
  try {
    for (const lang of ['en', 'zh-CN'] as const) {
      for (const theme of ['light', 'dark'] as const) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: lang });
        for (const screen of SCREENS) {
          const page = await context.newPage();
          page.on('console', (m) => m.type() === 'error' && errors.push(`${screen.name}: ${m.text()}`));
          page.on('pageerror', (e) => errors.push(`${screen.name}: ${e.message}`));
          const query = new URLSearchParams({
            user: screen.user,
            lang,
            theme,
            now: String(NOW),
            keychain: screen.keychain === false ? '0' : '1',
            ...(screen.locked ? { locked: '1' } : {}),
          });
          await page.goto(`${server.origin}/?${query.toString()}`);
          await page.locator('.shell, .onboarding').first().waitFor();
          await screen.open(page);
          await settle(page);
          await page.screenshot({ path: path.join(OUT, `${screen.name}-${lang}-${theme}.png`) });
          count++;
          await page.close();
        }
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`${count} screenshots in ${path.relative(ROOT, OUT)}/`);
  for (const error of errors) console.error(`console error: ${error}`);
  return errors.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
