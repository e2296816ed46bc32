import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { ConversationView } from '../src/features/chats/conversation-view';
import { renderWithApp, seeded } from './render';

// The conversation screen's warnings: what a person must not miss.

const noop = () => undefined;

describe('conversation warnings', () => {
  it("a contact's key change shows a warning that stays until safety numbers are compared and marked", async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ConversationView summary={direct} group={undefined} detailsOpen={false} onToggleDetails={noop} />, {
      api,
    });
    await screen.findByRole('textbox', { name: 'Message' });
    expect(screen.queryByTestId('key-change-banner')).toBeNull();
    api.changeKey('Org2MSP::bob');
    const banner = await screen.findByTestId('key-change-banner');
    expect(banner.textContent).toContain("bob (Org2)'s security key has changed.");
    await userEvent.click(within(banner).getByRole('button', { name: 'Compare safety numbers' }));
    const dialog = await screen.findByRole('dialog');
    await waitFor(() =>
      expect(within(dialog).getByLabelText('Safety number digits').textContent).toMatch(/^(\d{5} ){11}\d{5}$/),
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Mark as verified' }));
    await waitFor(() => expect(screen.queryByTestId('key-change-banner')).toBeNull());
    expect(screen.getByText('Verified')).toBeTruthy();
  });

  it("a verified contact's key change holds messages until the person looks; a number shown before the change is not accepted", async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    const compared = await api.safetyNumber({ userId: 'Org2MSP::bob' });
    if (!compared.ok) throw new Error('safetyNumber');
    await api.markVerified({ userId: 'Org2MSP::bob', digits: compared.value.digits });
    renderWithApp(<ConversationView summary={direct} group={undefined} detailsOpen={false} onToggleDetails={noop} />, {
      api,
    });
    await screen.findByRole('textbox', { name: 'Message' });
    api.changeKey('Org2MSP::bob');
    const banner = await screen.findByTestId('key-change-banner');
    expect(within(banner).getByTestId('key-change-held').textContent).toContain('your messages to them wait');
    // The digits compared before the change verify nothing now.
    const stale = await api.markVerified({ userId: 'Org2MSP::bob', digits: compared.value.digits });
    expect(stale.ok ? 'accepted' : stale.error.code).toBe('KEY_CHANGED');

    const held = await api.sendMessage({ conversationId: direct.id, text: 'are you there?' });
    if (!held.ok) throw new Error('sendMessage');
    expect(held.value.state).toBe('failed');
    expect(held.value.failure).toBe('KEY_CHANGED');
    await userEvent.click(within(banner).getByRole('button', { name: 'I have seen it, send' }));
    await waitFor(() => expect(screen.queryByTestId('key-change-held')).toBeNull());
    const page = await api.listMessages({ conversationId: direct.id });
    if (!page.ok) throw new Error('listMessages');
    expect(page.value.items.find((m) => m.id === held.value.id)?.state).toBe('committed');
    // Still not verified: that takes comparing the new number.
    expect(screen.getByTestId('key-change-banner')).toBeTruthy();
  });

  it('says how long messages are kept, and who can read them', async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ConversationView summary={direct} group={undefined} detailsOpen={false} onToggleDetails={noop} />, {
      api,
    });
    expect((await screen.findByTestId('retention-banner')).textContent).toContain(
      'Messages here are erased after 30 days.',
    );
    expect(screen.getByText(/only you and bob \(Org2\) can read these messages/)).toBeTruthy();
  });

  it('while a re-key is pending, nobody can post and the reason is given', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    const details = await api.getGroup({ conversationId: group.id });
    if (!details.ok) throw new Error('getGroup');
    renderWithApp(
      <ConversationView
        summary={{ ...group, rekeyRequired: true }}
        group={details.value}
        detailsOpen={false}
        onToggleDetails={noop}
      />,
      { api },
    );
    expect(await screen.findByText("A member left; waiting for a manager's device to rotate the key.")).toBeTruthy();
    expect(screen.getByText(/You can write again once a manager's device has changed the group key/)).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });

  it('a removed member keeps what they had but is told they are out, with no composer', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    renderWithApp(
      <ConversationView
        summary={group}
        group={null}
        groupError={{ code: 'FORBIDDEN', message: 'not a member' }}
        detailsOpen={false}
        onToggleDetails={noop}
      />,
      { api },
    );
    expect((await screen.findByTestId('not-member-banner')).textContent).toContain(
      'You are no longer a member of this group.',
    );
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(screen.queryByRole('button', { name: /Details/ })).toBeNull();
  });

  it('a reader is told they cannot post', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    const details = await api.getGroup({ conversationId: group.id });
    if (!details.ok) throw new Error('getGroup');
    const asReader = { ...details.value, myRole: 'reader' as const, allowedActions: ['leave' as const] };
    renderWithApp(<ConversationView summary={group} group={asReader} detailsOpen={false} onToggleDetails={noop} />, {
      api,
    });
    expect(await screen.findByText('Your role in this group lets you read messages but not post.')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });
});
