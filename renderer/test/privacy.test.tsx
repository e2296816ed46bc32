import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { ConversationView } from '../src/features/chats/conversation-view';
import { SettingsPage } from '../src/features/settings';
import { renderWithApp, seeded } from './render';

// Who can reach me (issue 14, item 3): the settings section and the Block
// action of a direct conversation, over the fake API (which keeps them like
// the service: in the account's settings; the service also publishes them).

const noop = () => undefined;

describe('privacy', () => {
  afterEach(() => cleanup());

  it('the direct-conversation policy and the block list are chosen in settings and kept with the account', async () => {
    const { api } = seeded();
    await api.saveSettings({ blockedUsers: ['Org1MSP::carol'] });
    renderWithApp(<SettingsPage />, { api });
    const section = await screen.findByTestId('privacy-settings');
    const policy = within(section).getByLabelText('Who can start a direct conversation with me');
    await userEvent.selectOptions(policy, 'contacts');
    await waitFor(async () => {
      const saved = await api.getSettings();
      expect(saved.ok && saved.value.directFrom).toBe('contacts');
    });
    const blocked = within(section).getByRole('list', { name: 'Blocked people' });
    await userEvent.click(within(blocked).getByRole('button', { name: 'Unblock' }));
    await within(section).findByText('You have not blocked anyone.');
    const saved = await api.getSettings();
    expect(saved.ok && saved.value.blockedUsers).toEqual([]);
  });

  it('Block on a direct conversation says so and hides the peer’s messages (the list is virtual: asked of the API); Unblock undoes it', async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    api.receive(direct.id, 'Org2MSP::bob', 'a message from bob');
    const fromBob = async () => {
      const page = await api.listMessages({ conversationId: direct.id });
      return page.ok ? page.value.items.filter((m) => m.sender === 'Org2MSP::bob').length : -1;
    };
    expect(await fromBob()).toBeGreaterThan(0);
    renderWithApp(<ConversationView summary={direct} group={undefined} detailsOpen={false} onToggleDetails={noop} />, {
      api,
      language: 'zh-CN',
    });
    await userEvent.click(await screen.findByRole('button', { name: '屏蔽' }));
    expect((await screen.findByTestId('blocked-banner')).textContent).toContain('您已屏蔽');
    expect(await fromBob()).toBe(0);
    const saved = await api.getSettings();
    expect(saved.ok && saved.value.blockedUsers).toEqual(['Org2MSP::bob']);
    await userEvent.click(screen.getByRole('button', { name: '取消屏蔽' }));
    await waitFor(() => expect(screen.queryByTestId('blocked-banner')).toBeNull());
    expect(await fromBob()).toBeGreaterThan(0);
  });
});
