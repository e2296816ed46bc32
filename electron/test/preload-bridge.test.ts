import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { type ApiEvent, IPC_CHANNEL_PREFIX, IPC_EVENT_CHANNEL } from '../src/common/api';
import { INVOKE_CHANNEL } from '../src/main/ipc';

// Runs the compiled preload the way Electron runs a sandboxed preload: a
// function of (require, process, exports, module) in which require knows
// only 'electron'. Stand-ins for contextBridge and ipcRenderer record what
// the preload does with them.

const PRELOAD_JS = path.join(__dirname, '..', 'src', 'preload', 'preload.js');

type Listener = (event: unknown, payload: unknown) => void;

interface Loaded {
  exported: Record<string, unknown>;
  exposed: Map<string, unknown>;
  invoked: unknown[][];
  listeners: Map<string, Set<Listener>>;
  required: string[];
}

function loadPreload(): Loaded {
  const exposed = new Map<string, unknown>();
  const invoked: unknown[][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (...args: unknown[]) => {
        invoked.push(args);
        return { ok: true, value: 'answer' };
      },
      on: (channel: string, listener: Listener) => {
        const set = listeners.get(channel) ?? new Set<Listener>();
        set.add(listener);
        listeners.set(channel, set);
      },
      removeListener: (channel: string, listener: Listener) => listeners.get(channel)?.delete(listener),
    },
  };
  const sandboxedRequire = (id: string): unknown => {
    required.push(id);
    if (id !== 'electron') throw new Error(`module not found: ${id}`);
    return electron;
  };
  const exported: Record<string, unknown> = {};
  const run = vm.runInNewContext(
    `(function (require, process, exports, module) {\n${readFileSync(PRELOAD_JS, 'utf8')}\n})`,
    {},
    { filename: PRELOAD_JS },
  ) as (require: unknown, process: unknown, exports: unknown, module: unknown) => void;
  run(sandboxedRequire, {}, exported, { exports: exported });
  return { exported, exposed, invoked, listeners, required };
}

interface Bridge {
  invoke(method: string, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
}

describe('preload bridge', () => {
  it("requires nothing but 'electron' (a sandboxed preload can load nothing else)", () => {
    assert.deepEqual(loadPreload().required, ['electron']);
    const source = readFileSync(PRELOAD_JS, 'utf8');
    assert.deepEqual(source.match(/require\([^)]*\)/g), ["require('electron')"]);
  });

  it('repeats the channel names of api.ts exactly', () => {
    const { exported } = loadPreload();
    assert.equal(exported.INVOKE_CHANNEL, `${IPC_CHANNEL_PREFIX}invoke`);
    assert.equal(exported.INVOKE_CHANNEL, INVOKE_CHANNEL);
    assert.equal(exported.EVENT_CHANNEL, IPC_EVENT_CHANNEL);
  });

  it('exposes exactly one object, window.ktalkBridge, with invoke and onEvent', () => {
    const { exposed } = loadPreload();
    assert.deepEqual([...exposed.keys()], ['ktalkBridge']);
    const bridge = exposed.get('ktalkBridge') as Record<string, unknown>;
    assert.deepEqual(Object.keys(bridge).sort(), ['invoke', 'onEvent']);
    assert.equal(typeof bridge.invoke, 'function');
    assert.equal(typeof bridge.onEvent, 'function');
  });

  it('invoke sends (method, args) on the invoke channel and returns the answer', async () => {
    const { exposed, invoked } = loadPreload();
    const bridge = exposed.get('ktalkBridge') as Bridge;
    const args = [{ conversationId: 'c1', text: 'hi' }];
    assert.deepEqual(await bridge.invoke('sendMessage', args), { ok: true, value: 'answer' });
    assert.deepEqual(invoked, [['ktalk:invoke', 'sendMessage', args]]);
  });

  it('onEvent hands the page the payload only (never the IPC event) until unsubscribed', () => {
    const { exposed, listeners } = loadPreload();
    const bridge = exposed.get('ktalkBridge') as Bridge;
    const seen: unknown[][] = [];
    const stop = bridge.onEvent((...args: unknown[]) => seen.push(args));
    const channel = listeners.get('ktalk:event');
    assert.equal(channel?.size, 1);
    const ipcEvent = { sender: { send: () => undefined }, senderFrame: {} };
    channel?.forEach((listener) => listener(ipcEvent, { type: 'sync', state: 'connected' }));
    stop();
    assert.equal(channel?.size, 0);
    assert.deepEqual(seen, [[{ type: 'sync', state: 'connected' }]]);
  });
});
