import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../src/api/fake-api';
import type { MessageView } from '../../electron/src/common/api';
import { PaymentComposerButton, PaymentMessage } from '../src/features/payments';
import { PaymentsPage } from '../src/features/payments/page';
import { PaidRequestsProvider, paidRequestsOf } from '../src/lib/paid-requests';
import { renderWithApp } from './render';

describe('the composer Pay button', () => {
  it('sends the typed credits as integer minor units into this conversation', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const send = vi.spyOn(api, 'sendPayment');
    renderWithApp(<PaymentComposerButton conversationId="dm-1" peerUserIds={['Org2MSP::bob']} />, { api });
    await user.click(await screen.findByTestId('payment-composer-button'));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('To bob (Org2)');
    await user.type(within(dialog).getByLabelText('Amount'), '12.5');
    await user.type(within(dialog).getByLabelText('Note'), 'lunch');
    await user.click(within(dialog).getByTestId('payment-submit'));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(send).toHaveBeenCalledWith({ to: 'Org2MSP::bob', amount: 1250, memo: 'lunch', conversationId: 'dm-1' });
  });

  it('a malformed amount is explained and nothing is sent', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<PaymentComposerButton conversationId="dm-1" peerUserIds={['Org2MSP::bob']} />);
    await user.click(await screen.findByTestId('payment-composer-button'));
    const dialog = await screen.findByRole('dialog');
    await user.type(within(dialog).getByLabelText('Amount'), '1.005');
    await user.click(within(dialog).getByTestId('payment-submit'));
    expect(await within(dialog).findByText('Credits have at most two decimals.')).toBeTruthy();
    expect(api.calls).not.toContain('sendPayment');
  });

  it('a request is posted to the conversation', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const request = vi.spyOn(api, 'requestPayment');
    const conversationId = [...api.conversations.keys()][0] ?? '';
    renderWithApp(<PaymentComposerButton conversationId={conversationId} peerUserIds={['Org2MSP::bob']} />, { api });
    await user.click(await screen.findByTestId('payment-composer-button'));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('tab', { name: 'Request' }));
    await user.type(within(dialog).getByLabelText('Amount'), '3');
    await user.click(within(dialog).getByTestId('payment-submit'));
    await waitFor(() => expect(request).toHaveBeenCalledWith({ conversationId, amount: 300, memo: '' }));
  });
});

describe('payment messages in the chat', () => {
  it('a request from someone else can be paid after confirming', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const send = vi.spyOn(api, 'sendPayment');
    renderWithApp(
      <PaymentMessage
        content={{ type: 'payment-request', amount: 2500, memo: 'Team lunch' }}
        message={{ sender: 'Org2MSP::bob', outgoing: false, conversationId: 'dm-1', clientMessageId: 'req-1' }}
      />,
      { api },
    );
    expect(await screen.findByText('25.00 credits')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Pay' }));
    const confirm = await screen.findByRole('alertdialog');
    expect(confirm.textContent).toContain('25.00 credits will move from your balance to bob (Org2)');
    await user.click(within(confirm).getByRole('button', { name: 'Pay' }));
    await screen.findByText('Paid');
    // The payment names the request it pays, so the requester's card can say Paid too.
    expect(send).toHaveBeenCalledWith({
      to: 'Org2MSP::bob',
      amount: 2500,
      memo: 'Team lunch',
      conversationId: 'dm-1',
      requestId: 'req-1',
    });
  });

  it('my own request offers no Pay button; a received payment says who sent it', async () => {
    renderWithApp(
      <>
        <PaymentMessage
          content={{ type: 'payment-request', amount: 100, memo: '' }}
          message={{ sender: 'Org1MSP::alice', outgoing: true, conversationId: 'dm-1', clientMessageId: 'req-2' }}
        />
        <PaymentMessage
          content={{ type: 'payment', paymentId: 'p1', amount: 1999, memo: 'thanks', to: 'Org1MSP::alice' }}
          message={{ sender: 'Org2MSP::bob', outgoing: false, conversationId: 'dm-1', clientMessageId: 'pay-2' }}
        />
      </>,
    );
    expect(await screen.findByText('bob (Org2) sent you this.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Pay' })).toBeNull();
    expect(screen.getByText('19.99 credits')).toBeTruthy();
  });

  it('an escrow for me offers Claim before the deadline', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org2MSP::bob', seed: true });
    // Alice's escrow for Bob, created through the fake as Alice would.
    const alice = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const created = await alice.createEscrow({
      to: 'Org2MSP::bob',
      amount: 700,
      deadline: alice.now() + 3600_000,
      memo: '',
    });
    if (!created.ok) throw new Error('escrow not created');
    vi.spyOn(api, 'getEscrow').mockResolvedValue({ ok: true, value: created.value });
    const settle = vi
      .spyOn(api, 'settleEscrow')
      .mockResolvedValue({ ok: true, value: { ...created.value, state: 'claimed' } });
    renderWithApp(
      <PaymentMessage
        content={{
          type: 'escrow',
          escrowId: created.value.escrowId,
          amount: 700,
          deadline: created.value.deadline,
          to: 'Org2MSP::bob',
        }}
      />,
      { api },
    );
    await user.click(await screen.findByRole('button', { name: 'Claim' }));
    await screen.findByText('Claimed');
    expect(screen.getByText('Claimed: the credits went to the recipient.')).toBeTruthy();
    expect(settle).toHaveBeenCalledWith({ escrowId: created.value.escrowId, action: 'claim' });
    expect(screen.queryByRole('button', { name: 'Release to recipient' })).toBeNull();
  });
});

describe('payment cards agree with the ledger', () => {
  it("the requester's card says Paid once a payment in the conversation names the request", async () => {
    const request = { type: 'payment-request', amount: 2500, memo: 'Team lunch' } as const;
    const mine = { sender: 'Org1MSP::alice', outgoing: true, conversationId: 'dm-1', clientMessageId: 'req-1' };
    const payment: MessageView = {
      id: 'dm-1|Org2MSP::bob|m-9',
      conversationId: 'dm-1',
      clientMessageId: 'm-9',
      sender: 'Org2MSP::bob',
      sentAt: 1,
      outgoing: false,
      state: 'committed',
      verified: true,
      epoch: 1,
      attachments: [],
      content: {
        type: 'payment',
        paymentId: 'p-9',
        amount: 2500,
        memo: 'Team lunch',
        to: 'Org1MSP::alice',
        requestId: 'req-1',
      },
      ledgerConfirmed: true,
    };
    renderWithApp(
      <PaidRequestsProvider value={paidRequestsOf([payment])}>
        <PaymentMessage content={request} message={mine} />
      </PaidRequestsProvider>,
    );
    expect(await screen.findByText('Paid')).toBeTruthy();
    expect(screen.getByTestId('request-paid-by').textContent).toBe('Paid by bob (Org2).');
  });

  it('a payment card the ledger has not confirmed says so instead of Completed', async () => {
    const claim = {
      type: 'payment',
      paymentId: 'p-x',
      amount: 5000,
      memo: 'paid in full',
      to: 'Org1MSP::alice',
    } as const;
    const from = { sender: 'Org2MSP::dave', outgoing: false, conversationId: 'g-1', clientMessageId: 'm-1' };
    const { unmount } = renderWithApp(<PaymentMessage content={claim} message={{ ...from, ledgerConfirmed: false }} />);
    const card = await screen.findByTestId('payment-message');
    expect(card.dataset.confirmed).toBe('false');
    expect(within(card).getByText('Not confirmed')).toBeTruthy();
    expect(within(card).queryByText('Completed')).toBeNull();
    unmount();
    renderWithApp(<PaymentMessage content={claim} message={{ ...from, ledgerConfirmed: true }} />);
    const confirmed = await screen.findByTestId('payment-message');
    expect(within(confirmed).getByText('Completed')).toBeTruthy();
    expect(within(confirmed).queryByTestId('payment-unconfirmed')).toBeNull();
  });

  it('a request is Paid only by a confirmed payment to its requester, of its amount', async () => {
    const request = { type: 'payment-request', amount: 2500, memo: 'Team lunch' } as const;
    const mine = { sender: 'Org1MSP::alice', outgoing: true, conversationId: 'g-1', clientMessageId: 'req-1' };
    let answers = 0;
    const answer = (overrides: Partial<MessageView>, content: Partial<{ to: string; amount: number }> = {}) =>
      ({
        id: `g-1|Org2MSP::dave|m-${++answers}`,
        conversationId: 'g-1',
        clientMessageId: 'm-2',
        sender: 'Org2MSP::dave',
        sentAt: 1,
        outgoing: false,
        state: 'committed',
        verified: true,
        epoch: 1,
        attachments: [],
        content: {
          type: 'payment',
          paymentId: 'p-1',
          amount: 2500,
          memo: '',
          to: 'Org1MSP::alice',
          requestId: 'req-1',
          ...content,
        },
        ledgerConfirmed: true,
        ...overrides,
      }) satisfies MessageView;
    // Unconfirmed; to someone else whose request shares the id; a smaller amount: none of them pays it.
    const notPaying = [
      answer({ ledgerConfirmed: false }),
      answer({}, { to: 'Org2MSP::bob' }),
      answer({}, { amount: 1 }),
    ];
    for (const payment of notPaying) {
      const { unmount } = renderWithApp(
        <PaidRequestsProvider value={paidRequestsOf([payment])}>
          <PaymentMessage content={request} message={mine} />
        </PaidRequestsProvider>,
      );
      await screen.findByTestId('payment-request-message');
      expect(screen.queryByText('Paid')).toBeNull();
      unmount();
    }
    renderWithApp(
      <PaidRequestsProvider value={paidRequestsOf([answer({})])}>
        <PaymentMessage content={request} message={mine} />
      </PaidRequestsProvider>,
    );
    expect(await screen.findByText('Paid')).toBeTruthy();
  });

  it("an escrow's note shows in the recipient's card", async () => {
    const alice = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const created = await alice.createEscrow({
      to: 'Org2MSP::bob',
      amount: 700,
      deadline: alice.now() + 3600_000,
      memo: 'Deposit for the venue',
    });
    if (!created.ok) throw new Error('escrow not created');
    const bob = createFakeApi({ signedInAs: 'Org2MSP::bob', seed: true });
    vi.spyOn(bob, 'getEscrow').mockResolvedValue({ ok: true, value: created.value });
    const { escrowId, deadline } = created.value;
    renderWithApp(
      <PaymentMessage content={{ type: 'escrow', escrowId, amount: 700, deadline, to: 'Org2MSP::bob' }} />,
      {
        api: bob,
      },
    );
    expect((await screen.findByTestId('escrow-memo')).textContent).toBe('“Deposit for the venue”');
  });
});

describe('the payments page', () => {
  it('history shows each movement once: a settled escrow is a notice without a sign, and the rows add up to the balance', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const history = vi.spyOn(api, 'paymentHistory').mockResolvedValue({
      ok: true,
      value: {
        items: [
          { paymentId: 'm', kind: 'mint', delta: 1000, amount: 1000, counterparty: 'Org1MSP::org1admin', time: 1 },
          { paymentId: 'e', kind: 'escrow-out', delta: -100, amount: 100, counterparty: 'Org2MSP::bob', time: 2 },
          { paymentId: 'e2', kind: 'escrow-claimed', delta: 0, amount: 100, counterparty: 'Org2MSP::bob', time: 3 },
        ],
      },
    });
    renderWithApp(<PaymentsPage />, { api });
    await user.click(await screen.findByRole('tab', { name: 'History' }));
    await waitFor(() => expect(history).toHaveBeenCalled());
    const amounts = (await screen.findAllByTestId('history-amount')).map((e) => e.textContent);
    // Newest first; the claim moved nothing (the credits left when they were held).
    expect(amounts).toEqual(['1.00', '−1.00', '+10.00']);
    const rows = screen.getAllByRole('listitem').map((li) => li.textContent ?? '');
    expect(rows[0]).toContain('Escrow claimed by the recipient');
    expect(rows.filter((r) => r.includes('−'))).toHaveLength(1);
  });

  it('shows the balance and follows the live balance event', async () => {
    const { api } = renderWithApp(<PaymentsPage />);
    const balance = await screen.findByTestId('balance');
    await waitFor(() => expect(balance.textContent).toMatch(/credits/));
    api.emit({ type: 'balance', balance: 123456 });
    await waitFor(() => expect(balance.textContent).toBe('1,234.56 credits'));
  });

  it('in Chinese the amounts and labels are translated', async () => {
    const { api } = renderWithApp(<PaymentsPage />, { language: 'zh-CN' });
    expect(await screen.findByText('您的余额')).toBeTruthy();
    await waitFor(() => expect(api.calls).toContain('getBalance'));
    api.emit({ type: 'balance', balance: 500 });
    await waitFor(() => expect(screen.getByTestId('balance').textContent).toBe('5.00 积分'));
  });
});
