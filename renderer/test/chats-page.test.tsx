import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { ChatsPage } from '../src/features/chats';
import { MessageBubble } from '../src/features/chats/message-bubble';
import { renderWithApp, seeded } from './render';

// The chats page as a whole: unread badges in the sidebar while a
// conversation is open, and what a member removed from the open group sees.

const sidebarItem = (id: string) => {
  const item = document.querySelector<HTMLElement>(`[data-conversation="${id}"]`);
  if (!item) throw new Error(`no sidebar item ${id}`);
  return item;
};
const badge = (id: string) => within(sidebarItem(id)).queryByLabelText(/unread message/);

describe('chats page', () => {
  beforeEach(() => localStorage.clear());

  it('one message counts one unread elsewhere, and the conversation on screen shows no badge', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    const quiet = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: /Project Falcon/ }));
    await screen.findByRole('heading', { name: 'Project Falcon' });

    api.receive(group.id, 'Org2MSP::bob', 'read while it is open');
    await screen.findByText('read while it is open');
    await waitFor(() => expect(api.conversations.get(group.id)?.summary.unread).toBe(0));
    expect(badge(group.id)).toBeNull();

    expect(badge(quiet.id)).toBeNull();
    api.receive(quiet.id, 'Org2MSP::bob', 'one new message');
    await waitFor(() => expect(badge(quiet.id)?.textContent).toBe('1'));
    expect(badge(quiet.id)?.getAttribute('aria-label')).toBe('1 unread message');
  });

  it('a member removed from the open group is told why, cannot post, and no longer sees the member count', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: /Project Falcon/ }));
    await screen.findByText(/4 members can read these messages/);
    await screen.findByRole('textbox', { name: 'Message' });

    api.removeMe(group.id);
    const banner = await screen.findByTestId('not-member-banner');
    expect(banner.textContent).toContain('You are no longer a member of this group.');
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
    expect(screen.queryByText(/members can read these messages/)).toBeNull();
    expect(screen.queryByTestId('group-details-toggle')).toBeNull();
    const page = await api.listMessages({ conversationId: group.id, limit: 1 });
    expect(page.ok && page.value.items[0]?.notice).toEqual({ change: 'removed', userId: 'Org1MSP::alice' });
  });

  it('membership changes leave a notice in the timeline, worded, not a message from anyone', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    await api.removeMember({ conversationId: group.id, userId: 'Org2MSP::dave' });
    await api.addMember({ conversationId: group.id, userId: 'Org1MSP::org1admin', role: 'member' });
    const page = await api.listMessages({ conversationId: group.id, limit: 2 });
    const notices = page.ok ? page.value.items.map((m) => m.notice) : [];
    expect(notices).toEqual([
      { change: 'added', userId: 'Org1MSP::org1admin' },
      { change: 'removed', userId: 'Org2MSP::dave' },
    ]);
    const [added, removed] = page.ok ? page.value.items : [];
    if (!added || !removed) throw new Error('no notices');
    for (const message of [removed, added]) {
      renderWithApp(<MessageBubble message={message} showSender onRetry={() => undefined} />, { api });
    }
    await waitFor(() =>
      expect(screen.getAllByTestId('membership-notice').map((n) => n.textContent)).toEqual([
        'dave (Org2) was removed from the group',
        'org1admin (Org1) was added to the group',
      ]),
    );
    expect(screen.queryByTestId('message')).toBeNull();
    cleanup();
    renderWithApp(
      <MessageBubble
        message={{ ...removed, notice: { change: 'removed', userId: 'Org1MSP::alice' } }}
        showSender
        onRetry={() => undefined}
      />,
      { api, language: 'zh-CN' },
    );
    expect((await screen.findByTestId('membership-notice')).textContent).toBe('您已被移出此群组');
  });

  it("the others' member count follows a removal they did not make", async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: /Project Falcon/ }));
    await screen.findByText(/4 members can read these messages/);
    // As another manager's removal reaches this app: a conversation event, then the group is read again.
    api.conversations.get(group.id)?.members.delete('Org2MSP::dave');
    api.emit({ type: 'conversation', conversation: { ...group, epoch: group.epoch + 1 } });
    await screen.findByText(/3 members can read these messages/);
  });

  it("a message with only a file shows the file's name in the sidebar", async () => {
    const { api, find } = seeded();
    const quiet = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ChatsPage />, { api });
    await screen.findByRole('button', { name: /Project Falcon/ });
    await api.sendMessage({
      conversationId: quiet.id,
      text: '',
      attachments: [{ name: 'plan.pdf', mimeType: 'application/pdf', dataBase64: 'JVBERg==' }],
    });
    await waitFor(() =>
      expect(sidebarItem(quiet.id).querySelector('.conversation-preview')?.textContent).toBe(' plan.pdf'),
    );
    expect(within(sidebarItem(quiet.id)).getByRole('img', { name: 'File' })).toBeTruthy();
  });

  it('a long group name is cut with an ellipsis and kept whole in its title', async () => {
    const { api } = seeded();
    const title = 'Quarterly planning for the northern region and every partner organisation involved';
    await api.createGroup({
      title,
      members: ['Org2MSP::bob'],
      policy: {
        whoCanPost: 'members',
        whoCanInvite: 'admins',
        retentionSeconds: 0,
        paymentsAllowed: false,
        crossOrg: true,
      },
    });
    renderWithApp(<ChatsPage />, { api });
    const text = await screen.findByText(title, { selector: '.conversation-title-text' });
    // Its own box, so the CSS ellipsis applies (text directly in the flex row was clipped without one).
    expect(text.parentElement?.getAttribute('title')).toBe(title);
  });

  it('after a reload the conversation open last opens again, for the same account only', async () => {
    const { api } = seeded();
    const first = renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: /Project Falcon/ }));
    await screen.findByRole('heading', { name: 'Project Falcon' });
    first.unmount();

    renderWithApp(<ChatsPage />, { api });
    await screen.findByRole('heading', { name: 'Project Falcon' });
    cleanup();

    // Another account on this machine starts with no conversation open.
    renderWithApp(<ChatsPage />, { fake: { signedInAs: 'Org2MSP::bob' } });
    await screen.findByText('Choose a conversation');
    expect(screen.queryByRole('heading', { name: 'Project Falcon' })).toBeNull();
  });
});
