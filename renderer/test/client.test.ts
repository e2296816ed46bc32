import { describe, expect, it, vi } from 'vitest';
import type { ApiEvent } from '../../electron/src/common/api';
import { createApiClient, type KTalkBridge, toEvent } from '../src/api/client';

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

  it('every event type the API declares passes the filter, sharedWithMe included', () => {
    // One sample per member of the ApiEvent union: a new event type fails to compile here until added.
    const samples: { [K in ApiEvent['type']]: Extract<ApiEvent, { type: K }> } = {
      message: {
        type: 'message',
        message: {
          id: 'c1|Org1MSP::alice|m1',
          conversationId: 'c1',
          clientMessageId: 'm1',
          sender: 'Org1MSP::alice',
          sentAt: 1,
          outgoing: false,
          state: 'committed',
          verified: true,
          epoch: 1,
          attachments: [],
        },
      },
      delivery: {
        type: 'delivery',
        messageId: 'c1|Org1MSP::alice|m1',
        conversationId: 'c1',
        clientMessageId: 'm1',
        state: 'committed',
      },
      conversation: {
        type: 'conversation',
        conversation: {
          id: 'c1',
          kind: 'group',
          title: 'Launch',
          unread: 0,
          epoch: 1,
          retentionSeconds: 0,
          rekeyRequired: false,
        },
      },
      keyChange: { type: 'keyChange', userId: 'Org2MSP::bob' },
      keyAlarm: { type: 'keyAlarm', status: { state: 'pending', requestedAt: 1, effectiveAt: 2 } },
      contactKeyPending: { type: 'contactKeyPending', userId: 'Org1MSP::bob', requestedAt: 1, effectiveAt: 2 },
      contactKeyPendingEnded: { type: 'contactKeyPendingEnded', userId: 'Org1MSP::bob' },
      sync: { type: 'sync', state: 'connected' },
      session: { type: 'session', state: 'signed-in' },
      access: { type: 'access', itemId: 'i1', accessor: 'Org2MSP::bob' },
      sharedWithMe: { type: 'sharedWithMe', item: { itemId: 'i1', grantId: 'g1', sharedAt: 1 } },
      storeFailed: { type: 'storeFailed', message: 'an item shared with you could not be saved on this device' },
      balance: { type: 'balance', balance: 3 },
    };
    for (const event of Object.values(samples)) expect(toEvent(event), event.type).toEqual(event);
  });
});
