import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { MessageView } from '../../electron/src/common/api';
import { type MessageActions, MessageActionsContext } from '../src/features/chats/message-actions';
import { MessageBubble } from '../src/features/chats/message-bubble';
import { ThreadPanel } from '../src/features/chats/thread-panel';
import { renderWithApp, seeded } from './render';

// Replies, threads and reactions as a person meets them: the quote and its
// jump, "N replies", reaction chips with who reacted, the picker's free
// emoji field, a message of a newer format, and the thread panel.

const ROOT = `m-${'a'.repeat(40)}`;
const base: MessageView = {
  id: `m-${'b'.repeat(40)}`,
  conversationId: 'g-1',
  clientMessageId: 'c-1',
  sender: 'Org2MSP::bob',
  sentAt: Date.UTC(2026, 10, 23, 9, 0),
  outgoing: false,
  state: 'committed',
  verified: true,
  epoch: 1,
  content: { type: 'text', text: 'Agreed on Friday.' },
  attachments: [],
};

/** Rendered once the session is read (the providers show the bubble then). */
async function withActions(ui: React.ReactNode, language: 'en' | 'zh-CN' = 'en') {
  const actions: MessageActions = { reply: vi.fn(), openThread: vi.fn(), jumpTo: vi.fn(), react: vi.fn() };
  const rendered = renderWithApp(
    <MessageActionsContext.Provider value={actions}>{ui}</MessageActionsContext.Provider>,
    { language },
  );
  await waitFor(() => expect(rendered.container.querySelector('[data-testid="message"]')).not.toBeNull());
  return { actions, ...rendered };
}

describe('replies and threads in a bubble', () => {
  it('a reply quotes its original; a click jumps to it; an original not here is said to be unavailable', async () => {
    const { actions } = await withActions(
      <MessageBubble
        message={{ ...base, replyTo: { id: ROOT, sender: 'Org1MSP::alice', excerpt: 'The plan for Friday' } }}
        showSender
        onRetry={() => undefined}
      />,
    );
    const quote = screen.getByTestId('reply-quote');
    expect(quote.textContent).toContain('The plan for Friday');
    await userEvent.click(screen.getByRole('button', { name: /Go to the message from alice/ }));
    expect(actions.jumpTo).toHaveBeenCalledWith(ROOT);
  });

  it('a missing original says so, and nothing can be clicked', async () => {
    await withActions(
      <MessageBubble
        message={{ ...base, replyTo: { id: ROOT, missing: true } }}
        showSender
        onRetry={() => undefined}
      />,
    );
    expect(screen.getByTestId('reply-quote').textContent).toContain('The original message is not available');
    expect(screen.queryByRole('button', { name: /Go to the message/ })).toBeNull();
  });

  it('"N replies" under a thread root opens the thread; reply starts an answer', async () => {
    const { actions } = await withActions(
      <MessageBubble message={{ ...base, replyCount: 3 }} showSender onRetry={() => undefined} />,
    );
    await userEvent.click(screen.getByTestId('thread-link'));
    expect(screen.getByTestId('thread-link').textContent).toBe('3 replies');
    expect(actions.openThread).toHaveBeenCalledWith(base.id);
    await userEvent.click(screen.getByTestId('reply-button'));
    expect(actions.reply).toHaveBeenCalledWith(expect.objectContaining({ id: base.id }));
  });

  it('a message of a newer format asks for a newer KTalk, in both languages', async () => {
    const newer = { ...base, content: undefined, needsNewerClient: true };
    await withActions(<MessageBubble message={newer} showSender onRetry={() => undefined} />);
    expect(screen.getByTestId('needs-newer').textContent).toBe('A newer KTalk is needed to show this message.');
    expect(screen.queryByTestId('reply-button')).toBeNull();
    await withActions(<MessageBubble message={{ ...newer, id: ROOT }} showSender onRetry={() => undefined} />, 'zh-CN');
    expect(screen.getAllByTestId('needs-newer')[1]?.textContent).toBe('需要更新版本的 KTalk 才能显示此消息。');
  });
});

describe('reactions in a bubble', () => {
  it('chips show counts, mine pressed, who reacted in the label; a click toggles mine', async () => {
    const { actions } = await withActions(
      <MessageBubble
        message={{
          ...base,
          reactions: [
            { emoji: '👍', count: 2, mine: true, by: ['Org1MSP::alice', 'Org2MSP::bob'] },
            { emoji: '🎉', count: 1, mine: false, by: ['Org2MSP::bob'] },
          ],
        }}
        showSender
        onRetry={() => undefined}
      />,
    );
    const chips = screen.getAllByTestId('reaction-chip');
    expect(chips.map((c) => [c.textContent, c.getAttribute('aria-pressed')])).toEqual([
      ['👍2', 'true'],
      ['🎉1', 'false'],
    ]);
    expect(chips[0]?.getAttribute('aria-label')).toBe('👍 2: you, bob (Org2)');
    await userEvent.click(chips[0] as HTMLElement);
    await userEvent.click(chips[1] as HTMLElement);
    expect(actions.react).toHaveBeenNthCalledWith(1, expect.objectContaining({ id: base.id }), '👍', false);
    expect(actions.react).toHaveBeenNthCalledWith(2, expect.objectContaining({ id: base.id }), '🎉', true);
  });

  it('1,000 reactions render as one chip with the exact count and the first names', async () => {
    const by = Array.from({ length: 20 }, (_, i) => `Org2MSP::user${i}`);
    await withActions(
      <MessageBubble
        message={{ ...base, reactions: [{ emoji: '❤️', count: 1000, mine: false, by }] }}
        showSender
        onRetry={() => undefined}
      />,
    );
    const chip = screen.getByTestId('reaction-chip');
    expect(chip.textContent).toBe('❤️1000');
    expect(chip.getAttribute('aria-label')).toMatch(/user19 \(Org2\), and 980 more$/);
  });

  it('the picker offers quick reactions and takes exactly one typed emoji', async () => {
    const { actions } = await withActions(<MessageBubble message={base} showSender onRetry={() => undefined} />);
    await userEvent.click(screen.getByTestId('react-button'));
    const picker = screen.getByTestId('reaction-picker');
    await userEvent.type(within(picker).getByTestId('reaction-other'), 'hi{Enter}');
    expect(within(picker).getByRole('alert').textContent).toBe('Type or paste exactly one emoji.');
    expect(actions.react).not.toHaveBeenCalled();
    await userEvent.clear(within(picker).getByTestId('reaction-other'));
    await userEvent.type(within(picker).getByTestId('reaction-other'), '🦄{Enter}');
    expect(actions.react).toHaveBeenCalledWith(expect.objectContaining({ id: base.id }), '🦄', true);
    expect(screen.queryByTestId('reaction-picker')).toBeNull();
    await userEvent.click(screen.getByTestId('react-button'));
    await userEvent.click(screen.getByRole('button', { name: 'React with 👍' }));
    expect(actions.react).toHaveBeenLastCalledWith(expect.objectContaining({ id: base.id }), '👍', true);
  });
});

describe('the thread panel', () => {
  it('shows the root and its replies, and a reply sent in it joins the thread', async () => {
    const { api, find } = seeded();
    const direct = find((c) => c.peer === 'Org2MSP::bob');
    const root = await api.sendMessage({ conversationId: direct.id, text: 'Thread root here' });
    if (!root.ok) throw new Error('sendMessage');
    const first = await api.sendMessage({ conversationId: direct.id, text: 'First answer', replyTo: root.value.id });
    if (!first.ok) throw new Error('sendMessage');
    expect(first.value.replyTo).toEqual({ id: root.value.id, sender: 'Org1MSP::alice', excerpt: 'Thread root here' });
    renderWithApp(
      <ThreadPanel conversationId={direct.id} rootId={root.value.id} onClose={() => undefined} canReply />,
      {
        api,
      },
    );
    const panel = await screen.findByTestId('thread-panel');
    await waitFor(() => expect(within(panel).getByTestId('thread-count').textContent).toBe('1 reply'));
    expect(within(panel).getAllByText('Thread root here')).toHaveLength(2); // the root, and the reply's quote
    await userEvent.type(within(panel).getByTestId('thread-reply'), 'Second answer{Enter}');
    await waitFor(() => expect(within(panel).getByTestId('thread-count').textContent).toBe('2 replies'));
    const page = await api.listMessages({ conversationId: direct.id });
    if (!page.ok) throw new Error('listMessages');
    expect(page.value.items.find((m) => m.id === root.value.id)?.replyCount).toBe(2);
  });
});
