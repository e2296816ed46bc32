import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ChatsPage } from '../src/features/chats';
import { Composer } from '../src/features/chats/composer';
import { SHORTCUTS } from '../src/lib/shortcuts';
import { renderWithApp, seeded } from './render';

// Drafts (kept per conversation, shown in the sidebar, cleared by sending)
// and the keyboard (Esc cancels, Ctrl/Cmd+K switches, ? lists every shortcut).

const sidebarPreview = (id: string) => {
  const item = document.querySelector<HTMLElement>(`[data-conversation="${id}"]`);
  if (!item) throw new Error(`no sidebar item ${id}`);
  return within(item).getByTestId('conversation-preview');
};

describe('drafts', () => {
  beforeEach(() => localStorage.clear());

  it('typing saves one draft after a pause (not one per key); the sidebar shows "Draft:"; sending clears it', async () => {
    const { api, find } = seeded();
    const bob = find((c) => c.peer === 'Org2MSP::bob');
    const save = vi.spyOn(api, 'saveDraft');
    renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: new RegExp(bob.title) }));
    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'see **you** soon');
    await waitFor(() => expect(save).toHaveBeenCalled());
    expect(save).toHaveBeenCalledTimes(1);
    expect(save).toHaveBeenCalledWith({ conversationId: bob.id, text: 'see **you** soon' });
    await waitFor(() => expect(sidebarPreview(bob.id).textContent).toBe('Draft: see you soon'));
    expect(api.conversations.get(bob.id)?.summary.draft).toBe('see **you** soon');

    await userEvent.type(box, '{Enter}');
    await waitFor(() => expect(sidebarPreview(bob.id).textContent).toBe('see you soon'));
    expect(api.conversations.get(bob.id)?.summary.draft).toBeUndefined();
  });

  it('a saved draft fills the composer when the conversation opens, in Chinese the sidebar says 草稿', async () => {
    const { api, find } = seeded();
    const bob = find((c) => c.peer === 'Org2MSP::bob');
    await api.saveDraft({ conversationId: bob.id, text: 'unfinished thought' });
    renderWithApp(<ChatsPage />, { api, language: 'zh-CN' });
    await waitFor(() => expect(sidebarPreview(bob.id).textContent).toBe('草稿： unfinished thought'));
    await userEvent.click(screen.getByRole('button', { name: new RegExp(bob.title) }));
    const box = await screen.findByRole('textbox', { name: '消息' });
    expect((box as HTMLTextAreaElement).value).toBe('unfinished thought');
  });

  it('leaving the conversation saves a draft still waiting for the pause', async () => {
    const api = seeded().api;
    const direct = [...api.conversations.values()].find((c) => c.summary.kind === 'direct');
    if (!direct) throw new Error('seed');
    const save = vi.spyOn(api, 'saveDraft');
    const { unmount } = renderWithApp(
      <Composer conversationId={direct.summary.id} peerUserIds={[]} paymentsAllowed={false} onSent={() => {}} />,
      { api },
    );
    const box = await screen.findByRole('textbox', { name: 'Message' });
    fireEvent.change(box, { target: { value: 'typed just now' } });
    unmount();
    expect(save).toHaveBeenCalledWith({ conversationId: direct.summary.id, text: 'typed just now' });
  });
});

describe('keyboard', () => {
  beforeEach(() => localStorage.clear());

  it('Esc in the composer calls its cancel handler (a reply or edit mode leaves through it)', async () => {
    const api = seeded().api;
    const direct = [...api.conversations.values()].find((c) => c.summary.kind === 'direct');
    if (!direct) throw new Error('seed');
    const onCancel = vi.fn();
    renderWithApp(
      <Composer
        conversationId={direct.summary.id}
        peerUserIds={[]}
        paymentsAllowed={false}
        onSent={() => {}}
        onCancel={onCancel}
      />,
      { api },
    );
    await userEvent.type(await screen.findByRole('textbox', { name: 'Message' }), '{Escape}');
    expect(onCancel).toHaveBeenCalledTimes(1);
  });

  it('Ctrl+K opens the switcher: typing filters, Enter opens the conversation', async () => {
    const { api, find } = seeded();
    const group = find((c) => c.kind === 'group');
    renderWithApp(<ChatsPage />, { api });
    await screen.findByRole('button', { name: new RegExp(group.title) });
    await userEvent.keyboard('{Control>}k{/Control}');
    const dialog = await screen.findByRole('dialog', { name: 'Go to a conversation' });
    await userEvent.type(within(dialog).getByRole('combobox', { name: 'Conversation name' }), group.title.slice(0, 5));
    expect(within(dialog).getAllByRole('option')[0]?.textContent).toBe(group.title);
    await userEvent.keyboard('{Enter}');
    await screen.findByRole('heading', { name: group.title });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('? outside a text field opens the sheet listing every shortcut; inside the composer it is a character', async () => {
    const { api, find } = seeded();
    const bob = find((c) => c.peer === 'Org2MSP::bob');
    renderWithApp(<ChatsPage />, { api });
    await userEvent.click(await screen.findByRole('button', { name: new RegExp(bob.title) }));
    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'why?');
    expect((box as HTMLTextAreaElement).value).toBe('why?');
    expect(screen.queryByTestId('shortcuts-sheet')).toBeNull();
    (box as HTMLTextAreaElement).blur();
    await userEvent.keyboard('?');
    const sheet = await screen.findByTestId('shortcuts-sheet');
    const lines = within(sheet)
      .getAllByRole('definition')
      .map((d) => d.textContent);
    expect(lines).toEqual([
      'Send the message',
      'New line in the message',
      'Cancel a reply or an edit, close a dialog',
      'Go to a conversation',
      'Show the keyboard shortcuts',
    ]);
    expect(lines).toHaveLength(SHORTCUTS.length);
    expect(within(sheet).getByText('Ctrl')).toBeTruthy();
  });
});
