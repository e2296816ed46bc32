import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { KeyAlarmBanner } from '../src/app/key-alarm-banner';
import { ConversationView } from '../src/features/chats/conversation-view';
import { renderWithApp, seeded } from './render';

// Key continuity on screen: the user hears of a key change they did not
// make and can veto it; a contact's pending change is shown in the chat.

const noop = () => undefined;
const DAY = 24 * 3600_000;

describe('key continuity warnings', () => {
  it('a key change this device did not make raises the alarm; Veto stops it and the alarm goes', async () => {
    const { api } = seeded();
    renderWithApp(<KeyAlarmBanner />, { api });
    expect(screen.queryByTestId('key-alarm-banner')).toBeNull();
    api.foreignKeyChange(api.now(), api.now() + 3 * DAY);
    const banner = await screen.findByTestId('key-alarm-banner');
    expect(banner.textContent).toContain('Someone is replacing your message keys.');
    await userEvent.click(within(banner).getByRole('button', { name: 'Veto this change' }));
    await waitFor(() => expect(screen.queryByTestId('key-alarm-banner')).toBeNull());
    expect(api.calls).toContain('vetoKeyChange');
  });

  it("a contact's pending key change is shown in the conversation", async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ConversationView summary={direct} group={undefined} detailsOpen={false} onToggleDetails={noop} />, {
      api,
    });
    await screen.findByRole('textbox', { name: 'Message' });
    expect(screen.queryByTestId('key-pending-banner')).toBeNull();
    api.contactKeyPending('Org2MSP::bob', api.now(), api.now() + 3 * DAY);
    const banner = await screen.findByTestId('key-pending-banner');
    expect(banner.textContent).toContain('Someone published new keys for bob (Org2) without their current ones.');
    // Vetoed (or approved, or completed): the banner goes without reopening the conversation.
    api.contactKeyPendingEnded('Org2MSP::bob');
    await waitFor(() => expect(screen.queryByTestId('key-pending-banner')).toBeNull());
  });
});
