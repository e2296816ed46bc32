import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
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
  withFailureShots,
} from './support/ui-browser';
import { type WebApp, devSecret, startWebApp } from './support/web-app';

// Sharing and payments through the real UI on a live two-org network: each
// user has their own web-mode app and browser context, enrolled through the
// onboarding screens with the secret the dev CA registered them with.

describe('UI: sharing and payments on the live network', { timeout: 40 * 60_000 }, () => {
  let net: LiveNetwork;
  let browser: Browser;
  const apps: WebApp[] = [];
  let alice: UserPage;
  let bob: UserPage;
  let admin: UserPage;
  /** The alice ↔ bob direct chat, opened by the payment test. */
  let directId = '';

  before(async () => {
    net = await liveNetwork('ui-sharing-payments');
    await up(net.ctx);
    browser = await launchBrowser();
    const start = async (label: string) => {
      const app = await startWebApp(net.ctx, label);
      apps.push(app);
      return openApp(browser, app, label);
    };
    alice = await start('alice');
    bob = await start('bob');
    admin = await start('org1admin');
    await enrollThroughUi(alice, 'Org1MSP', 'alice', await devSecret(net.ctx, 'Org1', 'alice'));
    await enrollThroughUi(bob, 'Org2MSP', 'bob', await devSecret(net.ctx, 'Org2', 'bob'));
    await enrollThroughUi(admin, 'Org1MSP', 'org1admin', await devSecret(net.ctx, 'Org1', 'org1admin'));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    for (const app of apps) await app.close().catch(() => undefined);
    await net?.dispose();
  });

  it("enrolling at the wrong organisation's CA is refused with a hint to check the organisation picked", async () => {
    const app = await startWebApp(net.ctx, 'carol-wrong-org');
    apps.push(app);
    const carol = await openApp(browser, app, 'carol-wrong-org');
    const { page } = carol;
    await page.getByRole('button', { name: 'Continue' }).click();
    // Carol is an Org1 user; Org2's CA has never heard of her.
    await page.getByLabel('Organization').selectOption('Org2MSP');
    await page.getByLabel('User ID').fill('carol');
    await page.getByLabel('Enrollment secret').fill(await devSecret(net.ctx, 'Org1', 'carol'));
    const passphrase = page.getByLabel('Passphrase', { exact: true });
    if (await passphrase.count()) {
      await passphrase.fill('wrong organisation passphrase');
      await page.getByLabel('Repeat the passphrase').fill('wrong organisation passphrase');
    }
    await page.getByRole('button', { name: 'Set up account' }).click();
    const hint = page.getByTestId('check-organization');
    await hint.waitFor({ timeout: 120_000 });
    assert.match((await hint.textContent()) ?? '', /check that you picked the right organisation/);
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', /enrollment secret is not correct/);
    await screenshot(carol, 'enroll-wrong-organisation');
    assertNoErrors([carol]);
    await carol.context.close();
  });

  it('an item shared with bob is opened by him, seen by alice, revoked, and his next attempt is refused and seen', () =>
    withFailureShots('sharing', [alice, bob], async () => {
      const { page: a } = alice;
      const { page: b } = bob;
      await goTo(alice, 'sharing');
      await a.getByTestId('share-file-input').setInputFiles({
        name: 'q3-plan.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('Q3 plan: ship the messenger'),
      });
      // Bob is picked from the directory, as in chats: no raw id to type.
      await a.getByLabel('Organization').selectOption('Org2MSP');
      await a.locator('li[data-user="Org2MSP::bob"]').click({ timeout: 60_000 });
      assert.equal(await a.getByTestId('grantee-chosen').textContent(), 'Sharing with bob (Org2)');
      await a.getByTestId('expiry-preset').selectOption('1d');
      await a.getByTestId('share-submit').click();
      const itemId = (await a.getByTestId('item-id').textContent({ timeout: 120_000 }))?.trim() ?? '';
      assert.match(itemId, /^[A-Za-z0-9._:@-]+$/);
      await a.getByTestId('grants-table').getByText('bob (Org2)').waitFor();
      await screenshot(alice, 'sharing-shared');

      // Bob opens it: decrypted in his app, saved as a download. The grant's event put it in his "Shared with you".
      await goTo(bob, 'sharing');
      await b.getByTestId('shared-with-me').getByText(itemId).waitFor({ timeout: 60_000 });
      await b.getByTestId('open-item-id').fill(itemId);
      const [download] = await Promise.all([b.waitForEvent('download'), b.getByTestId('open-item-submit').click()]);
      assert.equal(download.suggestedFilename(), 'q3-plan.txt');
      assert.equal(await downloadText(download), 'Q3 plan: ship the messenger');
      await b.getByTestId('open-ok').waitFor();
      await screenshot(bob, 'sharing-opened-by-bob');

      // Alice sees the access (pushed live, or on refresh).
      const timeline = a.getByTestId('access-timeline');
      await waitForText(a, async () => {
        await a.getByRole('button', { name: 'Refresh' }).first().click();
        return (await timeline.locator('li[data-outcome="ok"]').filter({ hasText: 'bob (Org2)' }).count()) > 0;
      });
      await screenshot(alice, 'sharing-access-seen');

      // Alice revokes; the grant reads Revoked.
      await a.getByTestId('grants-table').getByRole('button', { name: 'Revoke' }).click();
      const confirm = a.getByRole('alertdialog');
      await confirm.getByText('will no longer be able to open').waitFor();
      await confirm.getByRole('button', { name: 'Revoke' }).click();
      await a.getByTestId('grants-table').getByText('Revoked').waitFor({ timeout: 120_000 });

      // Bob's next attempt is refused, in words.
      await b.getByTestId('open-item-submit').click();
      const refused = b.getByTestId('open-refused');
      await refused.waitFor({ timeout: 120_000 });
      assert.equal(await refused.getAttribute('data-code'), 'FORBIDDEN');
      assert.match((await refused.textContent()) ?? '', /not shared with you, or the owner revoked your access/);
      await refused.scrollIntoViewIfNeeded();
      await screenshot(bob, 'sharing-refused-for-bob');

      // Alice sees the refused attempt with its reason.
      await waitForText(a, async () => {
        await a.getByRole('button', { name: 'Refresh' }).first().click();
        return (await timeline.locator('li[data-outcome="denied"]').filter({ hasText: 'bob (Org2)' }).count()) > 0;
      });
      const denied = timeline.locator('li[data-outcome="denied"]').first();
      assert.match(
        (await denied.textContent()) ?? '',
        /Refused: it is not shared with them, or their access was revoked/,
      );
      await screenshot(alice, 'sharing-denied-seen');

      // Bob's "Shared with you" keeps the revoked item, marked, and says who shared it.
      const row = b.locator(`[data-testid="shared-with-me"] li[data-item="${itemId}"]`);
      await b.locator(`[data-testid="shared-with-me"] li[data-item="${itemId}"][data-state="revoked"]`).waitFor({
        timeout: 120_000,
      });
      assert.match((await row.textContent()) ?? '', /From alice \(Org1\)/);
      assert.match((await row.textContent()) ?? '', /Access revoked/);

      // An image shared with bob is previewed when he opens it: decrypted bytes through a blob: URL the CSP allows.
      await a.getByTestId('share-file-input').setInputFiles({
        name: 'team-photo.png',
        mimeType: 'image/png',
        buffer: Buffer.from(PNG_1X1, 'base64'),
      });
      await a.getByLabel('Organization').selectOption('Org2MSP');
      await a.locator('li[data-user="Org2MSP::bob"]').click();
      await a.getByTestId('share-submit').click();
      await a.locator('.toast-title', { hasText: 'team-photo.png' }).waitFor({ timeout: 120_000 });
      const photoRow = b.locator('[data-testid="shared-with-me"] li[data-state="active"]').first();
      await photoRow.waitFor({ timeout: 120_000 });
      assert.match((await photoRow.textContent()) ?? '', /From alice \(Org1\).*access until/);
      const [photo] = await Promise.all([
        b.waitForEvent('download'),
        photoRow.getByRole('button', { name: 'Open' }).click(),
      ]);
      assert.equal(photo.suggestedFilename(), 'team-photo.png');
      const preview = b.getByTestId('image-preview').getByRole('img', { name: 'team-photo.png' });
      await preview.waitFor({ timeout: 60_000 });
      assert.match((await preview.getAttribute('src')) ?? '', /^blob:/);
      const width = await preview.evaluate(
        (img) =>
          new Promise<number>((resolve) => {
            const image = img as unknown as { complete: boolean; naturalWidth: number; onload: (() => void) | null };
            if (image.complete) resolve(image.naturalWidth);
            else image.onload = () => resolve(image.naturalWidth);
          }),
      );
      assert.equal(width, 1, 'the image decoded (a CSP refusal leaves it at 0)');
      await screenshot(bob, 'sharing-image-preview');
      assertNoErrors([alice, bob]);
    }));

  it('a payment sent in the chat shows on both sides and both balances follow', () =>
    withFailureShots('payments', [alice, bob, admin], async () => {
      const { page: a } = alice;
      const { page: b } = bob;
      const { page: m } = admin;

      // The treasury (org1admin) issues 100 credits to alice.
      await goTo(admin, 'payments');
      await m.getByRole('tab', { name: 'Issue credits' }).click();
      const mint = m.getByRole('tabpanel');
      await mint.getByLabel('To').fill('Org1MSP::alice');
      await mint.getByLabel('Amount').fill('100');
      await mint.getByRole('button', { name: 'Issue credits' }).click();
      await m
        .locator('.toast-title', { hasText: 'Issued 100.00 credits to alice (Org1).' })
        .waitFor({ timeout: 120_000 });

      // Refusals name their cause, and a new one replaces the old instead of piling up.
      await goTo(alice, 'payments');
      const send = a.getByRole('tabpanel');
      await send.getByLabel('To').fill('Org2MSP::nobody-here');
      await send.getByLabel('Amount').fill('1');
      await send.getByRole('button', { name: 'Send credits' }).click();
      const refusal = send.locator('.error-text');
      await refusal.getByText('There is nobody with this user ID').waitFor({ timeout: 60_000 });
      await send.getByLabel('To').fill('Org1MSP::alice');
      await send.getByRole('button', { name: 'Send credits' }).click();
      await refusal.getByText('You cannot pay yourself').waitFor({ timeout: 60_000 });
      assert.equal(await refusal.count(), 1, 'one error on screen, the newest');
      await screenshot(alice, 'payment-refusal-replaced');

      await goTo(bob, 'payments');
      const bobBalance = b.getByTestId('balance');
      await waitForText(b, async () => /credits/.test((await bobBalance.textContent()) ?? ''), 60_000);
      const bobBefore = minorOf((await bobBalance.textContent()) ?? '');
      await goTo(alice, 'payments');
      const aliceBalance = a.getByTestId('balance');
      await waitForText(a, async () => {
        await a.getByTestId('balance-refresh').click();
        return minorOf((await aliceBalance.textContent()) ?? '') >= 10_000;
      });
      const aliceBefore = minorOf((await aliceBalance.textContent()) ?? '');

      // A direct chat alice ↔ bob, then 12.50 credits from the composer.
      const direct = await apps[0]?.service.openDirect({ userId: 'Org2MSP::bob' });
      assert.ok(direct?.ok, `openDirect: ${JSON.stringify(direct)}`);
      const conversationId = direct.value.id;
      directId = conversationId;
      await goTo(alice, 'chats');
      await a.locator(`button[data-conversation="${conversationId}"]`).click();
      await a.getByTestId('payment-composer-button').click();
      const dialog = a.getByRole('dialog');
      await dialog.getByLabel('Amount').fill('12.50');
      await dialog.getByLabel('Note').fill('team lunch');
      await dialog.getByTestId('payment-submit').click();
      await waitForText(a, async () => {
        if ((await dialog.count()) === 0) return true;
        const error = dialog.locator('.error-text, .pay-warning, [aria-invalid="true"]');
        if ((await error.count()) > 0) {
          await screenshot(alice, 'payment-refused');
          const detail = await dialog
            .locator('.error-detail')
            .getAttribute('title')
            .catch(() => null);
          throw new Error(`payment refused: ${await error.first().textContent()} ${detail ?? ''}`);
        }
        return false;
      });
      const sent = a.getByTestId('payment-message').filter({ hasText: '12.50 credits' });
      await sent.first().waitFor({ timeout: 120_000 });
      assert.match((await sent.first().textContent()) ?? '', /You sent this to bob \(Org2\)/);
      await screenshot(alice, 'payment-in-chat-alice');

      // An over-long message: the counter warns, and sending is refused naming the limit.
      const box = a.getByRole('textbox', { name: 'Message' });
      await box.fill('x'.repeat(16_001));
      assert.equal(
        await a.getByTestId('composer-counter').textContent(),
        '16,001 of 16,000 characters: 1 too many to send',
      );
      await box.press('Enter');
      await a
        .getByTestId('composer')
        .getByText('The message is too long: at most 16,000 characters.')
        .waitFor({ timeout: 60_000 });
      await screenshot(alice, 'message-too-long');
      await box.fill('');

      // Bob sees it in the same chat.
      await goTo(bob, 'chats');
      await b.locator(`button[data-conversation="${conversationId}"]`).click({ timeout: 180_000 });
      const received = b.getByTestId('payment-message').filter({ hasText: '12.50 credits' });
      await received.first().waitFor({ timeout: 180_000 });
      assert.match((await received.first().textContent()) ?? '', /alice \(Org1\) sent you this/);
      // Completed once bob's app found the payment on the ledger as the card states it.
      await received.first().and(b.locator('[data-confirmed="true"]')).waitFor({ timeout: 120_000 });
      await received.first().getByText('Completed', { exact: true }).waitFor();
      await screenshot(bob, 'payment-in-chat-bob');

      // Both balances moved by exactly 1250 minor units.
      await goTo(alice, 'payments');
      // Pushed live by the balance event; the refresh button only shortens the wait if an event is late.
      await waitForText(a, async () => {
        if (minorOf((await aliceBalance.textContent()) ?? '') === aliceBefore - 1250) return true;
        await a.getByTestId('balance-refresh').click();
        return false;
      });
      await goTo(bob, 'payments');
      await waitForText(b, async () => {
        if (minorOf((await bobBalance.textContent()) ?? '') === bobBefore + 1250) return true;
        await b.getByTestId('balance-refresh').click();
        return false;
      });
      await b.getByRole('tab', { name: 'History' }).click();
      await b.getByRole('tabpanel').getByText('alice (Org1)').first().waitFor({ timeout: 60_000 });
      await screenshot(bob, 'payments-bob-history');
      assertNoErrors([alice, bob, admin]);
    }));

  it('a request in the chat is paid with one click, and an escrow shown in the chat is claimed', () =>
    withFailureShots('request-escrow', [alice, bob], async () => {
      assert.ok(directId, 'the payment test opened the chat');
      const { page: a } = alice;
      const { page: b } = bob;
      const balanceOf = async (user: UserPage) => {
        await goTo(user, 'payments');
        await user.page.getByTestId('balance-refresh').click();
        await user.page.getByTestId('balance').getByText('credits').waitFor();
        return minorOf((await user.page.getByTestId('balance').textContent()) ?? '');
      };
      const bobBefore = await balanceOf(bob);

      // Bob asks for 5.00 credits in the chat.
      await goTo(bob, 'chats');
      await b.locator(`button[data-conversation="${directId}"]`).click();
      await b.getByTestId('payment-composer-button').click();
      const dialog = b.getByRole('dialog');
      await dialog.getByRole('tab', { name: 'Request' }).click();
      await dialog.getByLabel('Amount').fill('5');
      await dialog.getByLabel('Note').fill('taxi');
      await dialog.getByTestId('payment-submit').click();
      await dialog.waitFor({ state: 'detached', timeout: 120_000 });
      await b.getByTestId('payment-request-message').filter({ hasText: 'taxi' }).first().waitFor();

      // Alice pays it from the chat, after confirming.
      await goTo(alice, 'chats');
      await a.locator(`button[data-conversation="${directId}"]`).click();
      const request = a.getByTestId('payment-request-message').filter({ hasText: 'taxi' }).first();
      await request.waitFor({ timeout: 180_000 });
      assert.match((await request.textContent()) ?? '', /bob \(Org2\) asks for this amount/);
      await request.getByRole('button', { name: 'Pay' }).click();
      const confirm = a.getByRole('alertdialog');
      await confirm.getByText('5.00 credits will move from your balance to bob (Org2)').waitFor();
      await confirm.getByRole('button', { name: 'Pay' }).click();
      await request.getByText('Paid', { exact: true }).waitFor({ timeout: 120_000 });
      await a.getByTestId('payment-message').filter({ hasText: '5.00 credits' }).first().waitFor({ timeout: 60_000 });
      await screenshot(alice, 'payment-request-paid');

      // Bob, who asked, sees his request paid too.
      await goTo(bob, 'chats');
      await b.locator(`button[data-conversation="${directId}"]`).click();
      const asked = b.getByTestId('payment-request-message').filter({ hasText: 'taxi' }).first();
      await asked.getByText('Paid', { exact: true }).waitFor({ timeout: 180_000 });
      assert.equal(await asked.getByTestId('request-paid-by').textContent(), 'Paid by alice (Org1).');
      await screenshot(bob, 'payment-request-paid-requester');

      // Alice holds 3.00 credits in escrow for bob, posted in the chat.
      await goTo(alice, 'payments');
      await a.getByRole('tab', { name: 'Escrow' }).click();
      const panel = a.getByRole('tabpanel');
      await panel.getByLabel('To').fill('Org2MSP::bob');
      await panel.getByLabel('Amount').fill('3');
      await panel.getByLabel('Note').fill('venue deposit');
      await panel.getByLabel('Show it in a conversation').selectOption(directId);
      await panel.getByRole('button', { name: 'Create escrow' }).click();
      const details = panel.getByTestId('escrow-details');
      await details.waitFor({ timeout: 120_000 });
      assert.match((await details.textContent()) ?? '', /Held/);

      // Bob claims it from the chat.
      await goTo(bob, 'chats');
      await b.locator(`button[data-conversation="${directId}"]`).click();
      const escrow = b.getByTestId('escrow-message').first();
      await escrow.waitFor({ timeout: 180_000 });
      assert.match((await escrow.textContent()) ?? '', /Held for you until the deadline/);
      // The payer's note reaches the recipient's card.
      assert.equal(await escrow.getByTestId('escrow-memo').textContent({ timeout: 60_000 }), '“venue deposit”');
      assert.equal(await escrow.getByRole('button', { name: 'Release to recipient' }).count(), 0);
      await escrow.getByRole('button', { name: 'Claim' }).click();
      await escrow.getByText('Claimed', { exact: true }).waitFor({ timeout: 120_000 });
      await screenshot(bob, 'escrow-claimed');

      // 5.00 paid and 3.00 claimed.
      await waitForText(b, async () => (await balanceOf(bob)) === bobBefore + 800);

      // Alice's sidebar no longer shows the escrow pending.
      await goTo(alice, 'chats');
      const preview = a.locator(`button[data-conversation="${directId}"] .conversation-preview`);
      await waitForText(a, async () => ((await preview.textContent()) ?? '').endsWith('¤ 3.00 ✓'));

      // Alice's history shows the escrow's money leaving once and the claim as a notice; it adds up to her balance.
      const aliceBalance = await balanceOf(alice);
      await a.getByRole('tab', { name: 'History' }).click();
      const history = a.getByRole('tabpanel');
      await history.getByText('Escrow claimed by the recipient').waitFor({ timeout: 60_000 });
      const rows = await history.locator('li.pay-history-row').evaluateAll((items) =>
        items.map((li) => ({
          kind: li.getAttribute('data-kind') ?? '',
          amount: li.querySelector('[data-testid="history-amount"]')?.textContent ?? '',
        })),
      );
      assert.equal(rows.filter((r) => r.kind === 'escrow-out').length, 1);
      assert.deepEqual(
        rows.filter((r) => r.kind === 'escrow-claimed').map((r) => r.amount),
        ['3.00'],
      );
      const signed = (amount: string) =>
        (amount.startsWith('−') ? -1 : amount.startsWith('+') ? 1 : 0) * minorOf(amount);
      assert.equal(
        rows.reduce((total, r) => total + signed(r.amount), 0),
        aliceBalance,
      );
      await screenshot(alice, 'payments-history-escrow-claimed');
      assertNoErrors([alice, bob]);
    }));
});

/** A 1×1 PNG. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** "1,234.56 credits" → 123456 */
function minorOf(text: string): number {
  const match = /(-?[\d,]+)\.(\d{2})/.exec(text);
  if (!match) return Number.NaN;
  return Number((match[1] ?? '').replace(/,/g, '')) * 100 + Number(match[2]);
}

/** Polls a condition on the page (live updates arrive through events; refresh where a test clicks). */
async function waitForText(
  page: import('playwright-core').Page,
  condition: () => Promise<boolean>,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await page.waitForTimeout(1000);
  }
}
