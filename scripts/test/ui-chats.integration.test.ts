import assert from 'node:assert/strict';
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

// Chats and groups through the real UI on a live two-org network: alice
// (Org1) and bob (Org2) each run their own web-mode app in their own
// browser context, enrolled through the onboarding screens.

const LEDGER = 120_000;

/** The sidebar entry whose title is exactly `title` (previews may mention other names). */
function conversationItem(page: Page, title: string) {
  const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  return page
    .locator('.conversation-item')
    .filter({ has: page.locator('.conversation-title', { hasText: exact }) })
    .first();
}

function message(page: Page, text: string) {
  return page.locator('[data-testid="message"]', { hasText: text });
}

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
  // Only "Delivered" means the ledger committed it.
  await message(page, text).getByTestId('delivery').filter({ hasText: 'Delivered' }).waitFor({ timeout: LEDGER });
}

async function openConversation(page: Page, title: string): Promise<void> {
  await conversationItem(page, title).waitFor({ timeout: LEDGER });
  await conversationItem(page, title).click();
}

/** Every line of visible text on the page. */
async function visibleLines(page: Page): Promise<string[]> {
  const text = (await page.evaluate('document.body.innerText')) as string;
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

describe('UI: chats and groups on the live network', { timeout: 40 * 60_000 }, () => {
  let net: LiveNetwork;
  let browser: Browser;
  const apps: WebApp[] = [];
  let alice: UserPage;
  let bob: UserPage;

  before(async () => {
    net = await liveNetwork('ui-chats');
    await up(net.ctx);
    browser = await launchBrowser();
    const start = async (label: string) => {
      const app = await startWebApp(net.ctx, label);
      apps.push(app);
      return openApp(browser, app, label);
    };
    alice = await start('alice');
    bob = await start('bob');
    await screenshot(alice, 'chats-onboarding');
    await enrollThroughUi(alice, 'Org1MSP', 'alice', await devSecret(net.ctx, 'Org1', 'alice'));
    await enrollThroughUi(bob, 'Org2MSP', 'bob', await devSecret(net.ctx, 'Org2', 'bob'));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await net?.dispose();
  });

  it('a 1:1 chat works both ways and shows delivery and the sender check', async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    await goTo(alice, 'chats');
    await a.getByTestId('new-chat').click();
    const picker = a.getByRole('dialog');
    await picker.getByLabel('Organization').selectOption('Org2MSP');
    await picker.locator('[data-user="Org2MSP::bob"]').click();
    await a.getByRole('heading', { name: /bob/ }).waitFor();
    // Who can read it is said up front, and the safety number is one click away.
    await a.locator('.conversation-readers', { hasText: 'only you and bob (Org2) can read' }).waitFor();
    await a.getByRole('button', { name: 'Safety number' }).waitFor();
    await send(a, 'Hello Bob, this is Alice from Org1.');
    await screenshot(alice, 'chats-direct-sent');

    await goTo(bob, 'chats');
    // One message is one unread (it was counted twice); opening the conversation clears it.
    await conversationItem(b, 'alice').getByLabel('1 unread message', { exact: true }).waitFor({ timeout: LEDGER });
    await openConversation(b, 'alice');
    await conversationItem(b, 'alice')
      .getByLabel(/unread message/)
      .waitFor({ state: 'detached' });
    const received = message(b, 'Hello Bob, this is Alice from Org1.');
    await received.waitFor({ timeout: LEDGER });
    // Signed by alice's registered key: the shield mark, not the warning.
    await received.getByRole('img', { name: 'Sender verified' }).waitFor();
    await send(b, 'Hi Alice, Bob here. Got it.');
    await screenshot(bob, 'chats-direct-reply');

    await message(a, 'Hi Alice, Bob here. Got it.').waitFor({ timeout: LEDGER });
    // Arrived in the conversation on screen: read, so no badge.
    assert.equal(
      await conversationItem(a, 'bob')
        .getByLabel(/unread message/)
        .count(),
      0,
    );
    assertNoErrors([alice, bob]);
  });

  it('a file attached in the composer reaches bob and downloads intact', async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    await a.getByTestId('file-input').setInputFiles({
      name: 'agenda.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('1. Budget\n2. Hiring\n'),
    });
    await a.getByText('agenda.txt').waitFor();
    await send(a, 'Agenda for Monday attached.');
    const attachment = message(b, 'Agenda for Monday attached.').getByRole('button', { name: 'Download agenda.txt' });
    await attachment.waitFor({ timeout: LEDGER });
    const [download] = await Promise.all([b.waitForEvent('download'), attachment.click()]);
    assert.equal(download.suggestedFilename(), 'agenda.txt');
    assert.equal(await downloadText(download), '1. Budget\n2. Hiring\n');

    // A file alone: the sidebar says which file, and its name finds it in search.
    await a.getByTestId('file-input').setInputFiles({
      name: 'minutes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('Decisions: none yet.\n'),
    });
    await a.getByText('minutes.txt').waitFor();
    await a.getByRole('button', { name: 'Send', exact: true }).click();
    await a
      .locator('[data-testid="message"]', { hasText: 'minutes.txt' })
      .getByTestId('delivery')
      .filter({ hasText: 'Delivered' })
      .waitFor({ timeout: LEDGER });
    const preview = conversationItem(a, 'bob').locator('.conversation-preview', { hasText: 'minutes.txt' });
    await preview.waitFor();
    await preview.getByRole('img', { name: 'File' }).waitFor();
    await b.locator('[data-testid="message"]', { hasText: 'minutes.txt' }).waitFor({ timeout: LEDGER });
    const search = b.getByRole('searchbox', { name: 'Search messages on this device' });
    await search.fill('minutes');
    await b.locator('.search-results .conversation-item', { hasText: 'minutes' }).waitFor();
    await search.fill('');
    assertNoErrors([alice, bob]);
  });

  it('a group: bob is invited, sees messages, is removed, and sees nothing sent after', async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    await a.getByTestId('new-group').click();
    const dialog = a.getByRole('dialog');
    await dialog.getByLabel('Group name').fill('Launch team');
    await dialog.getByLabel('Organization').selectOption('Org2MSP');
    await dialog.locator('[data-user="Org2MSP::bob"]').click();
    await dialog.getByRole('button', { name: 'Create group' }).click();
    await a.getByRole('heading', { name: 'Launch team' }).waitFor({ timeout: LEDGER });
    await send(a, 'Welcome to the launch team.');
    // A long message you send is followed to its end.
    const long = Array.from({ length: 40 }, (_, i) => `Launch checklist item ${i + 1}`).join('\n');
    const box = a.getByRole('textbox', { name: 'Message' });
    await box.fill(long);
    await box.press('Enter');
    await message(a, 'Launch checklist item 40')
      .getByTestId('delivery')
      .filter({ hasText: 'Delivered' })
      .waitFor({ timeout: LEDGER });
    const last = await message(a, 'Launch checklist item 40').boundingBox();
    const list = await a.locator('.message-list').boundingBox();
    assert.ok(
      last && list && last.y + last.height <= list.y + list.height + 1,
      'the end of the long message is in view',
    );
    await a.getByTestId('group-details-toggle').click();
    await a.locator('.group-details').getByText('bob (Org2)').waitFor();
    await screenshot(alice, 'groups-created-details');
    // At 1024 px with the details open, the header stays one line: a long name is cut, not wrapped.
    await a.setViewportSize({ width: 1024, height: 768 });
    const header = await a.locator('.conversation-header').boundingBox();
    assert.ok(header && header.height < 80, `header ${header?.height}px high`);
    await screenshot(alice, 'groups-header-1024');
    await a.setViewportSize({ width: 1360, height: 900 });

    await openConversation(b, 'Launch team');
    await message(b, 'Welcome to the launch team.').waitFor({ timeout: LEDGER });
    await send(b, 'Glad to be here.');
    await message(a, 'Glad to be here.').waitFor({ timeout: LEDGER });
    await a.locator('.conversation-readers', { hasText: '2 members can read' }).waitFor();

    // Alice removes bob (confirmed), then writes again.
    await a.getByRole('button', { name: 'Remove bob (Org2)' }).click();
    await a.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
    await a
      .locator('.group-details .member', { hasText: 'bob (Org2)' })
      .waitFor({ state: 'detached', timeout: LEDGER });
    await screenshot(alice, 'groups-member-removed');
    await a.locator('.conversation-readers', { hasText: '1 member can read' }).waitFor({ timeout: LEDGER });
    // The timeline says what happened, where it happened.
    await a
      .getByTestId('membership-notice')
      .filter({ hasText: 'bob (Org2) was removed from the group' })
      .waitFor({ timeout: LEDGER });
    await send(a, 'Plans after Bob left: confidential.');

    // Bob, with the group open, is told in words at once (no reload), and can no longer post.
    const banner = b.getByTestId('not-member-banner');
    await banner.waitFor({ timeout: LEDGER });
    assert.match(await banner.innerText(), /You are no longer a member of this group/);
    await b.locator('.composer-disabled', { hasText: 'no longer a member' }).waitFor();
    await b
      .getByTestId('membership-notice')
      .filter({ hasText: 'You were removed from this group' })
      .waitFor({ timeout: LEDGER });
    assert.equal(await b.getByRole('textbox', { name: 'Message' }).count(), 0);
    assert.equal(await b.locator('.conversation-readers').count(), 0, 'no stale member count');
    assert.equal(await b.getByText('The network cannot be reached', { exact: false }).count(), 0);
    await screenshot(bob, 'groups-removed-told');

    // Bob's app, even after a reload, shows nothing sent after his removal.
    await b.waitForTimeout(15_000);
    await b.reload();
    await goTo(bob, 'chats');
    await conversationItem(b, 'alice').waitFor({ timeout: LEDGER });
    if ((await conversationItem(b, 'Launch team').count()) > 0) {
      // Kept for what he received before, and clearly closed to him now.
      await conversationItem(b, 'Launch team').click();
      await message(b, 'Welcome to the launch team.').waitFor({ timeout: LEDGER });
      await b.getByTestId('not-member-banner').waitFor({ timeout: LEDGER });
      assert.equal(await b.getByRole('textbox', { name: 'Message' }).count(), 0);
    }
    assert.equal(await message(b, 'Plans after Bob left').count(), 0);
    const search = b.getByRole('searchbox', { name: 'Search messages on this device' });
    await search.fill('confidential');
    await b.getByText(/messages? found on this device/).waitFor();
    assert.equal(await b.locator('.search-results .conversation-item').count(), 0);
    await search.fill('');
    await screenshot(bob, 'groups-after-removal');
    assertNoErrors([alice, bob]);
  });

  it("bob's new keys raise a warning alice cannot miss, cleared once the safety numbers match", async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    await b.locator('nav.rail button[data-section="settings"]').click();
    await b.getByRole('button', { name: 'Replace my message keys' }).click();
    await b.getByText(/New keys are valid from/).waitFor({ timeout: LEDGER });
    await goTo(bob, 'chats');
    await openConversation(b, 'alice');
    await send(b, 'Sent with my new keys.');

    await goTo(alice, 'chats');
    await openConversation(a, 'bob');
    await message(a, 'Sent with my new keys.').waitFor({ timeout: LEDGER });
    const banner = a.getByTestId('key-change-banner');
    await banner.waitFor({ timeout: LEDGER });
    assert.match(await banner.innerText(), /bob \(Org2\)'s security key has changed/);
    await screenshot(alice, 'chats-key-changed');

    // Both sides see the same 60 digits.
    await banner.getByRole('button', { name: 'Compare safety numbers' }).click();
    const digitsA = (await a.locator('.safety-digits').innerText()).replace(/\s+/g, '');
    await b.getByRole('button', { name: 'Safety number' }).click();
    const digitsB = (await b.locator('.safety-digits').innerText()).replace(/\s+/g, '');
    assert.match(digitsA, /^\d{60}$/);
    assert.equal(digitsA, digitsB);
    await screenshot(alice, 'chats-safety-number');
    await b.keyboard.press('Escape');

    await a.getByRole('dialog').getByRole('button', { name: 'Mark as verified' }).click();
    await banner.waitFor({ state: 'detached' });
    await a.locator('.conversation-header').getByText('Verified', { exact: true }).waitFor();

    // Verified, then bob's keys change again: alice's next message waits until she has looked at it.
    await b.locator('nav.rail button[data-section="settings"]').click();
    const rotated = b.getByRole('status').filter({ hasText: /New keys are valid from/ });
    await rotated.waitFor({ state: 'detached' });
    await b.getByRole('button', { name: 'Replace my message keys' }).click();
    await rotated.waitFor({ timeout: LEDGER });
    await goTo(bob, 'chats');
    await openConversation(b, 'alice');
    const box = a.getByRole('textbox', { name: 'Message' });
    await box.fill('Is this still you?');
    await box.press('Enter');
    const held = message(a, 'Is this still you?');
    await held.getByText("This person's security key changed.", { exact: false }).waitFor({ timeout: LEDGER });
    await banner.getByTestId('key-change-held').waitFor({ timeout: LEDGER });
    await screenshot(alice, 'chats-key-change-held');
    assert.equal(await message(b, 'Is this still you?').count(), 0);
    await banner.getByRole('button', { name: 'I have seen it, send' }).click();
    await held.getByTestId('delivery').filter({ hasText: 'Delivered' }).waitFor({ timeout: LEDGER });
    await message(b, 'Is this still you?').waitFor({ timeout: LEDGER });
    // Still flagged: verifying takes comparing the new number.
    await banner.getByRole('button', { name: 'Compare safety numbers' }).click();
    await a.getByRole('dialog').getByRole('button', { name: 'Mark as verified' }).click();
    await banner.waitFor({ state: 'detached' });
    assertNoErrors([alice, bob]);
  });

  it('a search hit opens its conversation at the message', async () => {
    const { page: a } = alice;
    await goTo(alice, 'chats');
    const search = a.getByRole('searchbox', { name: 'Search messages on this device' });
    await search.fill('launch team');
    const hit = a.locator('.search-results .conversation-item', { hasText: 'Welcome to the launch team.' });
    await hit.waitFor();
    await hit.click();
    await a.locator('[data-testid="message"][data-focused]', { hasText: 'Welcome to the launch team.' }).waitFor();
    await search.fill('');
    assertNoErrors([alice, bob]);
  });

  it('switching to Chinese changes every visible string', async () => {
    const { page: a } = alice;
    await goTo(alice, 'chats');
    await openConversation(a, 'bob');
    await message(a, 'Hi Alice, Bob here. Got it.').waitFor({ timeout: LEDGER });
    // Reopened from the store (a listMessages page), the conversation reads in sending order.
    assert.deepEqual(await a.locator('[data-testid="message"] .message-text').allInnerTexts(), [
      'Hello Bob, this is Alice from Org1.',
      'Hi Alice, Bob here. Got it.',
      'Agenda for Monday attached.',
      'Sent with my new keys.',
      'Is this still you?',
    ]);
    const english = await visibleLines(a);
    // After a reload the conversation that was open opens again.
    await a.reload();
    await goTo(alice, 'chats');
    await a.getByRole('heading', { name: /bob/ }).waitFor({ timeout: LEDGER });
    await message(a, 'Hi Alice, Bob here. Got it.').waitFor({ timeout: LEDGER });

    await a.locator('nav.rail button[data-section="settings"]').click();
    await a.getByLabel('Language').selectOption('zh-CN');
    await a.getByRole('heading', { name: '设置' }).waitFor();
    await a.locator('nav.rail button[data-section="chats"]').click();
    await openConversation(a, 'bob');
    await message(a, 'Hi Alice, Bob here. Got it.').waitFor({ timeout: LEDGER });
    const chinese = await visibleLines(a);
    await screenshot(alice, 'chats-zh-CN');

    // What stays the same by nature: people's and groups' names, message
    // text, times and dates, counts.
    const content = [
      'Hello Bob, this is Alice from Org1.',
      'Hi Alice, Bob here. Got it.',
      'Welcome to the launch team.',
      'Glad to be here.',
      'Plans after Bob left: confidential.',
      'Sent with my new keys.',
      'Is this still you?',
      'Agenda for Monday attached.',
      'agenda.txt',
      'minutes.txt',
      'Launch team',
    ];
    const neutral = (line: string) =>
      content.includes(line) ||
      /^(alice|bob|carol|dave)( \(Org[12]\))?$/.test(line) ||
      /^[A-Z]{1,2}$/.test(line) ||
      /^[\d.]+ (B|KB|MB)$/.test(line) ||
      // Icons, times, counts: no letters at all.
      !/\p{L}/u.test(line);
    const untranslated = english.filter((line) => !neutral(line) && chinese.includes(line));
    assert.deepEqual(untranslated, [], `still in English after switching: ${untranslated.join(' | ')}`);
    assert.ok(chinese.includes('聊天'), 'the navigation reads 聊天');

    await a.locator('nav.rail button[data-section="settings"]').click();
    await a.getByLabel('语言').selectOption('en');
    await a.getByRole('heading', { name: 'Settings' }).waitFor();
    assertNoErrors([alice, bob]);
  });

  it('a formatted message from alice (Org1) appears formatted for bob (Org2): elements, never HTML; links only after a confirmation', async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    const text = [
      '**Launch** plan: _final_ ~~draft~~ with `npm run ship`',
      '```',
      'const secret = "<img src=x onerror=alert(1)>";',
      '```',
      '- first step',
      '- second step',
      '> quoted decision',
      '[the plan](https://example.com/plan?id=7) [trap](javascript:alert(1)) <script>alert(2)</script>',
    ].join('\n');
    await goTo(alice, 'chats');
    await openConversation(a, 'bob');
    const box = a.getByRole('textbox', { name: 'Message' });
    await box.fill(text);
    await box.press('Enter');
    const sent = a.locator('[data-testid="message"]', { hasText: 'quoted decision' });
    await sent.getByTestId('delivery').filter({ hasText: 'Delivered' }).waitFor({ timeout: LEDGER });

    await goTo(bob, 'chats');
    await openConversation(b, 'alice');
    const received = b.locator('[data-testid="message"]', { hasText: 'quoted decision' });
    await received.waitFor({ timeout: LEDGER });
    const body = received.getByTestId('message-text');
    assert.equal(await body.locator('strong').innerText(), 'Launch');
    assert.equal(await body.locator('em').innerText(), 'final');
    assert.equal(await body.locator('s').innerText(), 'draft');
    assert.equal(await body.locator('p code').innerText(), 'npm run ship');
    assert.equal(await body.locator('pre.message-code').innerText(), 'const secret = "<img src=x onerror=alert(1)>";');
    assert.deepEqual(await body.locator('ul li').allInnerTexts(), ['first step', 'second step']);
    assert.equal(await body.locator('blockquote').innerText(), 'quoted decision');
    // No markup from the message: no element it named exists, its text shows as written.
    assert.equal(await received.locator('img, script, a, iframe').count(), 0);
    assert.match(await body.innerText(), /\[trap\]\(javascript:alert\(1\)\) <script>alert\(2\)<\/script>/);
    assert.deepEqual(await body.locator('button.message-link').allInnerTexts(), ['the plan']);
    // The sidebar's preview is the text without markers.
    await conversationItem(b, 'alice')
      .locator('.conversation-preview', { hasText: /^Launch plan: final draft with npm run ship/ })
      .waitFor();
    await screenshot(bob, 'chats-formatted-message');

    // The link opens only after a confirmation that shows its full address, and then outside the app.
    await b.evaluate('window.__opened = []; window.open = (...args) => { window.__opened.push(args); return null; }');
    const link = body.getByRole('button', { name: 'the plan' });
    await link.click();
    const confirm = b.getByRole('alertdialog', { name: 'Open this link?' });
    assert.equal(await confirm.getByTestId('link-address').innerText(), 'https://example.com/plan?id=7');
    await screenshot(bob, 'chats-link-confirmation');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.deepEqual(await b.evaluate('window.__opened'), []);
    await link.click();
    await b.getByRole('alertdialog').getByRole('button', { name: 'Open link' }).click();
    assert.deepEqual(await b.evaluate('window.__opened'), [
      ['https://example.com/plan?id=7', '_blank', 'noopener,noreferrer'],
    ]);
    assertNoErrors([alice, bob]);
  });

  it('keyboard: Ctrl+K jumps to a conversation, ? lists the shortcuts, Esc closes the sheet', async () => {
    const { page: b } = bob;
    await goTo(bob, 'chats');
    await b.keyboard.press('Control+k');
    const switcher = b.getByRole('dialog', { name: 'Go to a conversation' });
    await switcher.getByRole('combobox', { name: 'Conversation name' }).fill('ali');
    await b.keyboard.press('Enter');
    await b.getByRole('heading', { name: /alice/ }).waitFor();
    await switcher.waitFor({ state: 'detached' });
    await b.getByRole('heading', { name: /alice/ }).click();
    await b.keyboard.press('?');
    const sheet = b.getByTestId('shortcuts-sheet');
    await sheet.waitFor();
    assert.deepEqual(await sheet.locator('dd').allInnerTexts(), [
      'Send the message',
      'New line in the message',
      'Cancel a reply or an edit, close a dialog',
      'Go to a conversation',
      'Show the keyboard shortcuts',
    ]);
    await screenshot(bob, 'chats-shortcuts-sheet');
    await b.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached' });
    assertNoErrors([bob]);
  });

  it('replies, a thread and reactions travel between the orgs inside the encrypted content', async () => {
    const { page: a } = alice;
    const { page: b } = bob;
    await goTo(alice, 'chats');
    await openConversation(a, 'bob');
    await send(a, 'Thread root: the plan for Friday.');

    // bob answers it: the composer shows what he answers; the reply quotes it on both sides.
    await goTo(bob, 'chats');
    await openConversation(b, 'alice');
    const root = message(b, 'Thread root: the plan for Friday.');
    await root.waitFor({ timeout: LEDGER });
    await root.hover();
    await root.getByTestId('reply-button').click();
    await b.getByTestId('composer-reply').filter({ hasText: 'Thread root: the plan' }).waitFor();
    await send(b, 'Agreed on Friday.');
    await b.getByTestId('composer-reply').waitFor({ state: 'detached' });
    const reply = message(a, 'Agreed on Friday.');
    await reply.waitFor({ timeout: LEDGER });
    const quote = reply.getByTestId('reply-quote');
    await quote.filter({ hasText: 'Thread root: the plan for Friday.' }).waitFor();
    await quote.filter({ hasText: 'alice' }).waitFor();

    // A click on the quote brings the original into view, marked.
    await quote.click();
    await a
      .locator('[data-testid="message"][data-focused]', { hasText: 'Thread root: the plan for Friday.' })
      .waitFor();

    // "1 reply" under the root; alice answers in the thread panel; both sides then read "2 replies".
    const aRoot = message(a, 'Thread root: the plan for Friday.');
    await aRoot.getByTestId('thread-link').filter({ hasText: '1 reply' }).waitFor({ timeout: LEDGER });
    await aRoot.getByTestId('thread-link').click();
    const panel = a.getByTestId('thread-panel');
    await panel.locator('[data-testid="message"]', { hasText: 'Agreed on Friday.' }).waitFor();
    const threadBox = panel.getByTestId('thread-reply');
    await threadBox.fill('Me too, in the thread.');
    await threadBox.press('Enter');
    await panel.getByTestId('thread-count').filter({ hasText: '2 replies' }).waitFor({ timeout: LEDGER });
    await panel
      .locator('[data-testid="message"]', { hasText: 'Me too, in the thread.' })
      .getByTestId('delivery')
      .filter({ hasText: 'Delivered' })
      .waitFor({ timeout: LEDGER });
    await screenshot(alice, 'chats-thread-panel');
    await root.getByTestId('thread-link').filter({ hasText: '2 replies' }).waitFor({ timeout: LEDGER });
    await message(b, 'Me too, in the thread.').getByTestId('reply-quote').waitFor({ timeout: LEDGER });
    await panel.getByRole('button', { name: 'Close thread' }).click();

    // alice reacts to bob's reply; bob sees it and who it is from; bob adds his; alice takes hers back.
    await reply.hover();
    await reply.getByTestId('react-button').click();
    await reply.getByRole('button', { name: 'React with 👍' }).click();
    const aChip = reply.locator('[data-testid="reaction-chip"][data-emoji="👍"]');
    await aChip.filter({ hasText: '1' }).waitFor();
    assert.equal(await aChip.getAttribute('aria-pressed'), 'true');
    const bChip = message(b, 'Agreed on Friday.').locator('[data-testid="reaction-chip"][data-emoji="👍"]');
    await bChip.filter({ hasText: '1' }).waitFor({ timeout: LEDGER });
    assert.equal(await bChip.getAttribute('aria-pressed'), 'false');
    assert.match((await bChip.getAttribute('aria-label')) ?? '', /alice/);
    await bChip.click();
    await bChip.filter({ hasText: '2' }).waitFor();
    await aChip.filter({ hasText: '2' }).waitFor({ timeout: LEDGER });
    await screenshot(bob, 'chats-reactions');
    // Toggled off once alice's own "on" is on the ledger (last toggle wins by ledger order).
    await aChip.click();
    await aChip.filter({ hasText: '1' }).waitFor();
    assert.equal(await aChip.getAttribute('aria-pressed'), 'false');
    await bChip.filter({ hasText: '1' }).waitFor({ timeout: LEDGER });
    assert.doesNotMatch((await bChip.getAttribute('aria-label')) ?? '', /alice/);
    assertNoErrors([alice, bob]);
  });
});
