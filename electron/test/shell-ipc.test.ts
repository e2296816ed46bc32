import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  API_METHODS,
  type ApiEvent,
  IPC_CHANNEL_PREFIX,
  IPC_EVENT_CHANNEL,
  type KTalkApi,
  type KTalkEvents,
  type Result,
} from '../src/common/api';
import { INVOKE_CHANNEL, type InvokeSender, forwardEvents, handleInvoke, isTrustedSender } from '../src/main/ipc';

// The IPC wrapper, run exactly as main.ts runs it, with plain objects for
// Electron's event and a recording stand-in for the implementation.

interface Call {
  readonly method: string;
  readonly input: unknown;
}

function recordingApi(answer: (method: string) => Result<unknown> = () => ({ ok: true, value: 'done' })): {
  api: KTalkApi;
  calls: Call[];
} {
  const calls: Call[] = [];
  const entries = API_METHODS.map((method) => [
    method,
    async (input?: unknown): Promise<Result<unknown>> => {
      calls.push({ method, input });
      return answer(method);
    },
  ]);
  return { api: Object.fromEntries(entries) as unknown as KTalkApi, calls };
}

const topFrame = (url: string): InvokeSender => ({ senderFrame: { url, parent: null } });
const appPage = topFrame('app://ktalk/index.html');

function refused(result: Result<unknown>, code: string): string {
  assert.equal(result.ok, false);
  assert.ok(!result.ok);
  assert.equal(result.error.code, code);
  return result.error.message;
}
const badInput = (result: Result<unknown>): string => refused(result, 'BAD_INPUT');

describe('IPC sender check', () => {
  it('trusts only the top-level frame of the app:// page', () => {
    assert.equal(isTrustedSender(appPage), true);
    assert.equal(isTrustedSender(topFrame('app://ktalk/')), true);
  });

  it('refuses a subframe, another origin, file:, a lookalike host, a missing frame', () => {
    assert.equal(isTrustedSender({ senderFrame: { url: 'app://ktalk/index.html', parent: {} } }), false);
    for (const url of [
      'https://ktalk/index.html',
      'file:///work/main/build/renderer-dist/index.html',
      'app://ktalk.evil/index.html',
      'app://evil/index.html',
      'app://user@ktalk/index.html',
      'app://ktalk:8080/index.html',
      'http://127.0.0.1:5173/',
      'about:blank',
      'not a url',
      '',
    ]) {
      assert.equal(isTrustedSender(topFrame(url)), false, url);
    }
    assert.equal(isTrustedSender({ senderFrame: null }), false);
  });
});

describe('IPC invoke', () => {
  it('uses the channel names declared in api.ts', () => {
    assert.equal(INVOKE_CHANNEL, `${IPC_CHANNEL_PREFIX}invoke`);
  });

  it('dispatches a valid call to the implementation with the validated input', async () => {
    const { api, calls } = recordingApi();
    const input = { conversationId: 'conv-1', text: 'hello' };
    assert.deepEqual(await handleInvoke(api, appPage, 'sendMessage', [input]), { ok: true, value: 'done' });
    assert.deepEqual(await handleInvoke(api, appPage, 'networkStatus', []), { ok: true, value: 'done' });
    assert.deepEqual(calls, [
      { method: 'sendMessage', input },
      { method: 'networkStatus', input: undefined },
    ]);
  });

  it("passes the implementation's typed failure through unchanged", async () => {
    const refusal: Result<unknown> = { ok: false, error: { code: 'FORBIDDEN', message: 'readers cannot post' } };
    const { api } = recordingApi(() => refusal);
    assert.deepEqual(await handleInvoke(api, appPage, 'sendMessage', [{ conversationId: 'c', text: 'x' }]), refusal);
  });

  it('an untrusted frame is FORBIDDEN before anything runs, whatever it asks', async () => {
    const { api, calls } = recordingApi();
    const message = refused(await handleInvoke(api, topFrame('https://evil.example/'), 'signOut', []), 'FORBIDDEN');
    assert.match(message, /untrusted frame/);
    const subframe: InvokeSender = { senderFrame: { url: 'app://ktalk/index.html', parent: {} } };
    refused(await handleInvoke(api, subframe, 'signOut', []), 'FORBIDDEN');
    // Not even whether a method exists or what its arguments should be.
    refused(await handleInvoke(api, topFrame('file:///x'), 'noSuchMethod', 'junk'), 'FORBIDDEN');
    assert.equal(calls.length, 0);
  });

  it('an undeclared method is BAD_INPUT, inherited names included, and runs nothing', async () => {
    const { api, calls } = recordingApi();
    for (const method of ['deleteEverything', 'constructor', 'toString', '__proto__', 'hasOwnProperty', '', 42, null]) {
      assert.match(badInput(await handleInvoke(api, appPage, method, [])), /unknown operation/, String(method));
    }
    assert.equal(calls.length, 0);
  });

  it('bad arguments are BAD_INPUT and change nothing', async () => {
    const { api, calls } = recordingApi();
    const cases: unknown[] = [
      undefined,
      null,
      'conv-1',
      {},
      [],
      [{ conversationId: 'conv-1' }],
      [{ conversationId: 'conv-1', text: 'hi', extra: true }],
      [{ conversationId: '../../etc', text: 'hi' }],
      [{ conversationId: 'conv-1', text: 'x'.repeat(16_001) }],
      [{ conversationId: 'conv-1', text: 'hi' }, 'second argument'],
    ];
    for (const args of cases) badInput(await handleInvoke(api, appPage, 'sendMessage', args));
    badInput(await handleInvoke(api, appPage, 'signOut', [{ force: true }]));
    badInput(await handleInvoke(api, appPage, 'mint', [{ to: 'Org1MSP::alice', amount: -5 }]));
    assert.equal(calls.length, 0);
  });

  it('an implementation that throws answers INTERNAL without its detail', async () => {
    const api = recordingApi().api;
    const throwing: KTalkApi = {
      ...api,
      signOut: async () => {
        throw new Error('secret detail /home/alice/.ktalk');
      },
    };
    const original = console.error;
    console.error = () => undefined;
    try {
      const result = await handleInvoke(throwing, appPage, 'signOut', []);
      assert.equal(result.ok, false);
      assert.ok(!result.ok);
      assert.equal(result.error.code, 'INTERNAL');
      assert.doesNotMatch(result.error.message, /secret|alice/);
    } finally {
      console.error = original;
    }
  });
});

describe('push events', () => {
  it('forwards every service event on the event channel until unsubscribed', () => {
    const listeners = new Set<(event: ApiEvent) => void>();
    const events: KTalkEvents = {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    const sent: [string, ApiEvent][] = [];
    const stop = forwardEvents(events, (channel, event) => sent.push([channel, event]));
    const emit = (event: ApiEvent) => listeners.forEach((l) => l(event));
    emit({ type: 'sync', state: 'connected' });
    emit({ type: 'balance', balance: 12 });
    stop();
    emit({ type: 'sync', state: 'offline' });
    assert.deepEqual(sent, [
      [IPC_EVENT_CHANNEL, { type: 'sync', state: 'connected' }],
      [IPC_EVENT_CHANNEL, { type: 'balance', balance: 12 }],
    ]);
  });
});
