import { describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../electron/src/common/api';
import { createApiClient, type KTalkBridge } from '../src/api/client';

// The Electron path: every call goes through the preload's one invoke with
// the method name and an argument list; answers and events are checked
// before the UI sees them.

function withBridge(bridge: KTalkBridge) {
  window.ktalkBridge = bridge;
  try {
    return createApiClient();
  } finally {
    delete window.ktalkBridge;
  }
}

describe('API client over the Electron bridge', () => {
  it('passes the method and [input] (or [] for none) and returns the Result', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: { balance: 5 } }));
    const api = withBridge({ invoke, onEvent: () => () => undefined });
    expect(await api.getBalance()).toEqual({ ok: true, value: { balance: 5 } });
    await api.markRead({ conversationId: 'c1' });
    expect(invoke.mock.calls).toEqual([
      ['getBalance', []],
      ['markRead', [{ conversationId: 'c1' }]],
    ]);
  });

  it('a thrown IPC error or a malformed answer becomes a typed failure', async () => {
    const api = withBridge({
      invoke: vi.fn().mockRejectedValueOnce(new Error('channel closed')).mockResolvedValueOnce({ nonsense: true }),
      onEvent: () => () => undefined,
    });
    expect(await api.listConversations()).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'channel closed' },
    });
    expect(await api.listConversations()).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('only known event types reach listeners', () => {
    let push: (event: unknown) => void = () => undefined;
    const api = withBridge({
      invoke: vi.fn(),
      onEvent: (listener) => {
        push = listener;
        return () => undefined;
      },
    });
    const seen: ApiEvent[] = [];
    api.subscribe((event) => seen.push(event));
    push({ type: 'balance', balance: 3 });
    push({ type: 'evil', payload: 1 });
    push('string');
    expect(seen).toEqual([{ type: 'balance', balance: 3 }]);
  });
});
