import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { MessageView } from '../../electron/src/common/api';
import { deliveryInfo, retentionParts } from '../src/features/chats/delivery';
import { MessageBubble } from '../src/features/chats/message-bubble';
import { renderWithApp } from './render';

const base: MessageView = {
  id: 'dm-1|Org1MSP::alice|m-1',
  conversationId: 'dm-1',
  clientMessageId: 'm-1',
  sender: 'Org1MSP::alice',
  sentAt: Date.UTC(2026, 10, 23, 9, 0),
  outgoing: true,
  state: 'pending',
  verified: true,
  epoch: 1,
  content: { type: 'text', text: 'Quarterly numbers attached' },
  attachments: [],
};

describe('delivery states', () => {
  it('only "committed" reads as delivered; failed carries its reason and can be retried', () => {
    expect(deliveryInfo({ ...base, state: 'pending' })).toMatchObject({ label: 'delivery.pending', canRetry: false });
    expect(deliveryInfo({ ...base, state: 'endorsed' })).toMatchObject({ label: 'delivery.endorsed' });
    expect(deliveryInfo({ ...base, state: 'committed' })).toMatchObject({
      label: 'delivery.committed',
      tone: 'success',
    });
    expect(deliveryInfo({ ...base, state: 'failed', failure: 'FORBIDDEN' })).toEqual({
      label: 'delivery.failed',
      tone: 'danger',
      canRetry: true,
      reason: 'FORBIDDEN',
    });
    // A failure without a code still explains itself.
    expect(deliveryInfo({ ...base, state: 'failed' }).reason).toBe('INTERNAL');
    // Nobody retries someone else's message.
    expect(deliveryInfo({ ...base, outgoing: false, state: 'failed' }).canRetry).toBe(false);
  });

  it('a removed member or a revoked user is not offered a retry that cannot succeed', () => {
    for (const failure of ['NOT_MEMBER', 'CERT_REVOKED', 'CERT_EXPIRED'] as const) {
      expect(deliveryInfo({ ...base, state: 'failed', failure })).toMatchObject({ canRetry: false, reason: failure });
    }
    expect(deliveryInfo({ ...base, state: 'failed', failure: 'NETWORK_UNAVAILABLE' }).canRetry).toBe(true);
  });

  it('a pending message says it is being sent', async () => {
    renderWithApp(<MessageBubble message={base} showSender={false} onRetry={() => undefined} />);
    expect((await screen.findByTestId('delivery')).textContent).toBe('Sending…');
  });

  it('a committed message says delivered', async () => {
    renderWithApp(
      <MessageBubble message={{ ...base, state: 'committed' }} showSender={false} onRetry={() => undefined} />,
    );
    expect((await screen.findByTestId('delivery')).textContent).toBe('Delivered');
  });

  it('a failed message shows why in plain words and Retry calls back with that message', async () => {
    const onRetry = vi.fn();
    const failed = { ...base, state: 'failed', failure: 'NETWORK_UNAVAILABLE' } as const;
    renderWithApp(<MessageBubble message={failed} showSender={false} onRetry={onRetry} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('The network cannot be reached right now.');
    await userEvent.click(screen.getByRole('button', { name: 'Retry' }));
    expect(onRetry).toHaveBeenCalledWith(failed);
  });

  it('an erased message is shown as erased, without its text', async () => {
    renderWithApp(
      <MessageBubble
        message={{ ...base, state: 'erased', content: undefined }}
        showSender={false}
        onRetry={() => undefined}
      />,
    );
    expect(await screen.findByText('This message was erased.')).toBeTruthy();
    expect(screen.queryByText('Quarterly numbers attached')).toBeNull();
  });

  it('an incoming message from an unverified sender is marked, a verified one has the shield', async () => {
    const incoming = { ...base, outgoing: false, sender: 'Org2MSP::bob', state: 'committed' } as const;
    const { unmount } = renderWithApp(
      <MessageBubble message={{ ...incoming, verified: false }} showSender onRetry={() => undefined} />,
    );
    expect(await screen.findByText('Sender not verified')).toBeTruthy();
    expect(screen.getByText('bob (Org2)')).toBeTruthy();
    unmount();
    renderWithApp(<MessageBubble message={incoming} showSender onRetry={() => undefined} />);
    expect(await screen.findByRole('img', { name: 'Sender verified' })).toBeTruthy();
  });

  it('retention reads in the largest whole unit', () => {
    expect(retentionParts(30 * 86_400)).toEqual({ count: 30, unit: 'days' });
    expect(retentionParts(7_200)).toEqual({ count: 2, unit: 'hours' });
    expect(retentionParts(90)).toEqual({ count: 2, unit: 'minutes' });
  });
});
