import { describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../electron/src/common/api';
import { createApiClient, type KTalkBridge } from '../src/api/client';
import { createFakeApi } from '../src/api/fake-api';

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

  it('input that breaks a schema limit is refused at once with its field and limit, and never sent', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: null }));
    const api = withBridge({ invoke, onEvent: () => () => undefined });
    const answer = await api.sendMessage({ conversationId: 'c1', text: 'x'.repeat(16_001) });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', detail: { field: 'text', rule: 'too_long', limit: 16_000, unit: 'characters' } },
    });
    expect(invoke).not.toHaveBeenCalled();
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

  it("only events that parse with the API's event schema reach listeners; each dropped one is warned about once", () => {
    let push: (event: unknown) => void = () => undefined;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const api = withBridge({
      invoke: vi.fn(),
      onEvent: (listener) => {
        push = listener;
        return () => undefined;
      },
    });
    const seen: ApiEvent[] = [];
    const other: ApiEvent[] = [];
    api.subscribe((event) => seen.push(event));
    api.subscribe((event) => other.push(event));
    push({ type: 'balance', balance: 3 });
    push({ type: 'evil', payload: 1 });
    push({ type: 'balance', balance: 'lots' });
    push({ type: 'delivery', messageId: 'm', conversationId: 'c', clientMessageId: 'm', state: 'lost' });
    push('string');
    expect(seen).toEqual([{ type: 'balance', balance: 3 }]);
    expect(other).toEqual(seen);
    expect(warn).toHaveBeenCalledTimes(4);
    // The warning names the type and the field, never the payload (it may hold message text).
    expect(String(warn.mock.calls[1]?.[0])).toMatch(/event balance: balance/);
    expect(String(warn.mock.calls[2]?.[0])).toMatch(/event delivery: state/);
    warn.mockRestore();
  });

  it('one subscription on the bridge while anyone listens, none after the last listener leaves', () => {
    let attached = 0;
    const api = withBridge({
      invoke: vi.fn(),
      onEvent: () => {
        attached += 1;
        return () => {
          attached -= 1;
        };
      },
    });
    const stopA = api.subscribe(() => undefined);
    const stopB = api.subscribe(() => undefined);
    expect(attached).toBe(1);
    stopA();
    expect(attached).toBe(1);
    stopB();
    expect(attached).toBe(0);
  });
});

describe('the fake API runs under the same client', () => {
  it('its events are parsed like the real ones: a malformed one is dropped and reported', () => {
    const dropped: string[] = [];
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', onDroppedEvent: (reason) => dropped.push(reason) });
    const seen: ApiEvent[] = [];
    api.subscribe((event) => seen.push(event));
    api.emitRaw({ type: 'balance', balance: 'lots' });
    api.emit({ type: 'balance', balance: 2 });
    expect(seen).toEqual([{ type: 'balance', balance: 2 }]);
    expect(dropped).toEqual([expect.stringMatching(/event balance: balance/)]);
  });

  it('input that breaks a schema is refused by the client before the fake sees it', async () => {
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice' });
    const answer = await api.sendMessage({ conversationId: 'c1', text: 'x'.repeat(16_001) });
    expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', detail: { field: 'text' } } });
    expect(api.calls).not.toContain('sendMessage');
  });
});
