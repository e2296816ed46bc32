import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import { ApiProvider } from '../src/api/context';
import { createFakeApi, type FakeApi } from '../src/api/fake-api';
import type { MessageView } from '../../electron/src/common/api';
import { INDEX_BASE, PAGE_SIZE, chronological, useMessagePages } from '../src/features/chats/use-message-pages';

// The message list's data: newest page first, older pages prepended on
// demand with the index base counting down (what keeps the reader's place).

function setup(size: number) {
  const api = createFakeApi({ signedInAs: 'Org1MSP::alice', bigConversation: size });
  const big = [...api.conversations.values()][0];
  if (!big) throw new Error('no conversation');
  const wrapper = ({ children }: { children: ReactNode }) => <ApiProvider api={api}>{children}</ApiProvider>;
  const hook = renderHook(() => useMessagePages(big.summary.id), { wrapper });
  return { api, id: big.summary.id, hook };
}

async function loaded(hook: ReturnType<typeof setup>['hook'], count: number) {
  await waitFor(() => expect(hook.result.current.messages).toHaveLength(count));
}

describe('message list paging', () => {
  it('shows a newest-first page oldest first, ties kept in sending order', () => {
    const m = (id: string, sentAt: number) => ({ clientMessageId: id, sentAt }) as MessageView;
    expect(chronological([m('c', 3), m('b2', 2), m('b1', 2), m('a', 1)]).map((x) => x.clientMessageId)).toEqual([
      'a',
      'b1',
      'b2',
      'c',
    ]);
  });

  it('opens on the newest page of a 100,000-message conversation, oldest first within it', async () => {
    const { hook, api } = setup(100_000);
    await loaded(hook, PAGE_SIZE);
    const { messages, firstItemIndex, hasOlder } = hook.result.current;
    expect(messages[0]?.clientMessageId).toBe(`big-${100_000 - PAGE_SIZE}`);
    expect(messages.at(-1)?.clientMessageId).toBe('big-99999');
    expect(firstItemIndex).toBe(INDEX_BASE - PAGE_SIZE);
    expect(hasOlder).toBe(true);
    expect(api.calls.filter((c) => c === 'listMessages')).toHaveLength(1);
  });

  it('loads older pages before the cursor and prepends them', async () => {
    const { hook } = setup(120);
    await loaded(hook, 50);
    await act(() => hook.result.current.loadOlder());
    await loaded(hook, 100);
    expect(hook.result.current.messages[0]?.clientMessageId).toBe('big-20');
    expect(hook.result.current.firstItemIndex).toBe(INDEX_BASE - 100);
    await act(() => hook.result.current.loadOlder());
    await loaded(hook, 120);
    expect(hook.result.current.messages[0]?.clientMessageId).toBe('big-0');
    expect(hook.result.current.hasOlder).toBe(false);
    // Nothing more to load: no further call, nothing duplicated.
    await act(() => hook.result.current.loadOlder());
    expect(hook.result.current.messages).toHaveLength(120);
    const ids = hook.result.current.messages.map((m) => m.clientMessageId);
    expect(new Set(ids).size).toBe(120);
  });

  it('merges live messages and delivery updates', async () => {
    const { hook, api, id } = setup(10);
    await loaded(hook, 10);
    let incoming: ReturnType<FakeApi['receive']> | undefined;
    act(() => {
      incoming = api.receive(id, 'Org1MSP::carol', 'Fresh news');
    });
    await loaded(hook, 11);
    expect(hook.result.current.messages.at(-1)?.clientMessageId).toBe(incoming?.clientMessageId);
    const big3 = hook.result.current.messages.find((m) => m.clientMessageId === 'big-3');
    act(() =>
      api.emit({
        type: 'delivery',
        messageId: big3?.id ?? '',
        conversationId: id,
        clientMessageId: 'big-3',
        state: 'failed',
        failure: 'FORBIDDEN',
      }),
    );
    await waitFor(() =>
      expect(hook.result.current.messages.find((m) => m.clientMessageId === 'big-3')).toMatchObject({
        state: 'failed',
        failure: 'FORBIDDEN',
      }),
    );
  });

  it('the answer to a send that arrives after its delivery event does not take the message back to sending', async () => {
    const { hook, api, id } = setup(3);
    await loaded(hook, 3);
    const sent: MessageView = {
      ...(hook.result.current.messages.at(-1) as MessageView),
      id: 'mine-1',
      clientMessageId: 'mine-1',
      outgoing: true,
      state: 'pending',
    };
    // The push comes first (the service emits it before it answers), then the refusal, then the answer.
    act(() => api.emit({ type: 'message', message: sent }));
    act(() =>
      api.emit({
        type: 'delivery',
        messageId: 'mine-1',
        conversationId: id,
        clientMessageId: 'mine-1',
        state: 'failed',
        failure: 'CERT_REVOKED',
      }),
    );
    await waitFor(() => expect(hook.result.current.messages.at(-1)).toMatchObject({ state: 'failed' }));
    act(() => hook.result.current.put(sent));
    expect(hook.result.current.messages.at(-1)).toMatchObject({ state: 'failed', failure: 'CERT_REVOKED' });
    // A retry's way back is its delivery event, which still applies.
    act(() =>
      api.emit({
        type: 'delivery',
        messageId: 'mine-1',
        conversationId: id,
        clientMessageId: 'mine-1',
        state: 'pending',
      }),
    );
    await waitFor(() => expect(hook.result.current.messages.at(-1)).toMatchObject({ state: 'pending' }));
  });

  it("another sender's message reusing a clientMessageId is a message of its own and never changes the one shown", async () => {
    const { hook, api, id } = setup(10);
    await loaded(hook, 10);
    const victim = hook.result.current.messages.find((m) => m.clientMessageId === 'big-4');
    if (!victim) throw new Error('no big-4');
    const forger = victim.sender === 'Org1MSP::carol' ? 'Org2MSP::dave' : 'Org1MSP::carol';
    const collision = {
      ...victim,
      id: `${id}|${forger}|big-4`,
      sender: forger,
      outgoing: false,
      content: { type: 'text', text: 'not what they wrote' } as const,
      sentAt: victim.sentAt + 1,
    };
    act(() => api.emit({ type: 'message', message: collision }));
    await loaded(hook, 11);
    // The forger erases theirs: only theirs reads as erased.
    act(() =>
      api.emit({
        type: 'delivery',
        messageId: collision.id,
        conversationId: id,
        clientMessageId: 'big-4',
        state: 'erased',
      }),
    );
    await waitFor(() => expect(hook.result.current.messages.find((m) => m.id === collision.id)?.state).toBe('erased'));
    const shown = hook.result.current.messages.find((m) => m.id === victim.id);
    expect(shown).toEqual(victim);
  });

  it('a failed page load is reported, not swallowed', async () => {
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', bigConversation: 5 });
    api.failNext('listMessages', 'NETWORK_UNAVAILABLE');
    const id = [...api.conversations.keys()][0] ?? '';
    const wrapper = ({ children }: { children: ReactNode }) => <ApiProvider api={api}>{children}</ApiProvider>;
    const hook = renderHook(() => useMessagePages(id), { wrapper });
    await waitFor(() => expect(hook.result.current.error?.code).toBe('NETWORK_UNAVAILABLE'));
    expect(hook.result.current.messages).toHaveLength(0);
  });
});
