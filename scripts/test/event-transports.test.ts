import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import vm from 'node:vm';
import type { ApiEvent, ApiEventType, KTalkEvents } from '../../electron/src/common/api';
import { API_EVENT_TYPES } from '../../electron/src/common/api-events';
import { forwardEvents } from '../../electron/src/main/ipc';
import { type WebServer, startWebServer } from '../../electron/src/node/web/server';
import { stubApi } from '../../electron/test/support/stub-api';
import { bridgeTransport, type KTalkBridge } from '../../renderer/src/api/bridge-transport';
import { type ApiClient, clientOver } from '../../renderer/src/api/client-core';
import { webTransport } from '../../renderer/src/api/web-transport';

// Every push event the API declares, sent through both real transports end
// to end: the main process's forwarder and the compiled sandboxed preload
// (Electron's IPC stood in for by a structured clone), and the web mode's
// event stream route read by the renderer client's web transport. Each must
// arrive parsed and equal; a malformed event is dropped and reported. The
// event types come from the schema, so a new event fails here until it has
// a sample.

/** One sample per event type, every optional field set (a field the schema lost would be stripped and differ). */
const SAMPLES: { [K in ApiEventType]: Extract<ApiEvent, { type: K }> } = {
  message: {
    type: 'message',
    message: {
      id: 'c1|Org1MSP::alice|m1',
      conversationId: 'c1',
      clientMessageId: 'm1',
      sender: 'Org1MSP::alice',
      sentAt: 1_900_000_000_000,
      outgoing: false,
      state: 'failed',
      failure: 'KEY_CHANGED',
      verified: true,
      epoch: 2,
      content: { type: 'payment', paymentId: 'p1', amount: 250, memo: 'lunch', to: 'Org2MSP::bob', requestId: 'm0' },
      ledgerConfirmed: true,
      attachments: [{ index: 0, name: 'a.txt', mimeType: 'text/plain', size: 5 }],
      notice: { change: 'added', userId: 'Org2MSP::bob' },
    },
  },
  delivery: {
    type: 'delivery',
    messageId: 'c1|Org1MSP::alice|m1',
    conversationId: 'c1',
    clientMessageId: 'm1',
    state: 'failed',
    failure: 'NETWORK_UNAVAILABLE',
  },
  conversation: {
    type: 'conversation',
    conversation: {
      id: 'c1',
      kind: 'direct',
      title: 'bob',
      peer: 'Org2MSP::bob',
      unread: 2,
      lastMessageAt: 1_900_000_000_000,
      lastPreview: 'hello',
      epoch: 1,
      retentionSeconds: 86_400,
      rekeyRequired: false,
    },
  },
  keyChange: { type: 'keyChange', userId: 'Org2MSP::bob' },
  keyAlarm: { type: 'keyAlarm', status: { state: 'pending', requestedAt: 1, effectiveAt: 2 } },
  contactKeyPending: { type: 'contactKeyPending', userId: 'Org1MSP::carol', requestedAt: 3, effectiveAt: 4 },
  contactKeyPendingEnded: { type: 'contactKeyPendingEnded', userId: 'Org1MSP::carol' },
  sync: { type: 'sync', state: 'reconnecting' },
  session: { type: 'session', state: 'signed-out' },
  access: { type: 'access', itemId: 'i1', accessor: 'Org2MSP::bob' },
  sharedWithMe: {
    type: 'sharedWithMe',
    item: {
      itemId: 'i1',
      grantId: 'g1',
      sharedAt: 5,
      name: 'plan.pdf',
      grantor: 'Org1MSP::alice',
      expiresAt: 6,
      revoked: true,
    },
  },
  storeFailed: { type: 'storeFailed', message: 'an item shared with you could not be saved on this device' },
  balance: { type: 'balance', balance: 1250 },
};

/** Every sample, in the schema's order; throws naming a type the schema declares but SAMPLES lacks. */
function everySample(): ApiEvent[] {
  const samples: Partial<Record<string, ApiEvent>> = SAMPLES;
  return API_EVENT_TYPES.map((type) => {
    const sample = samples[type];
    if (!sample) throw new Error(`no sample for the event type ${type}: add one to SAMPLES`);
    return sample;
  });
}

/** What a broken or newer service might push: a known type with a bad payload, an unknown type, no type. */
const MALFORMED: unknown[] = [
  { type: 'balance', balance: 'lots' },
  { type: 'delivery', messageId: 'm', conversationId: 'c', clientMessageId: 'm', state: 'lost' },
  { type: 'teleport', to: 'mars' },
  { balance: 1 },
];

/** The service's side: a KTalkEvents whose pushes the test makes. */
function eventSource(): KTalkEvents & { push(value: unknown): void; listeners(): number } {
  const listeners = new Set<(event: ApiEvent) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    // Malformed values go out exactly as a faulty service would send them.
    push: (value) => listeners.forEach((listener) => listener(value as ApiEvent)),
    listeners: () => listeners.size,
  };
}

/** Collects what the client hands its listeners and what it dropped. */
function receiver(build: (onDroppedEvent: (reason: string) => void) => ApiClient) {
  const received: ApiEvent[] = [];
  const dropped: string[] = [];
  const client = build((reason) => dropped.push(reason));
  const stop = client.subscribe((event) => received.push(event));
  return { received, dropped, stop };
}

/** Waits (bounded) until `done` holds: the stream delivers asynchronously. */
async function until(what: string, done: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !done(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(done(), `never: ${what}`);
}

/** Each sample with the malformed values in between: nothing malformed may shift or hide a good event. */
function interleaved(samples: ApiEvent[]): unknown[] {
  return samples.flatMap((sample, i) => (i < MALFORMED.length ? [MALFORMED[i], sample] : [sample]));
}

// ---- Electron: main's forwarder -> IPC -> the compiled sandboxed preload -> the client ----

type IpcListener = (event: unknown, payload: unknown) => void;

/** Runs build/electron/src/preload/preload.js as Electron runs a sandboxed preload, with a stand-in ipcRenderer. */
function loadPreload(): { bridge: KTalkBridge; deliver: (channel: string, payload: unknown) => void } {
  const file = path.join(__dirname, '..', '..', 'electron', 'src', 'preload', 'preload.js');
  const channels = new Map<string, Set<IpcListener>>();
  const exposed = new Map<string, unknown>();
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
    ipcRenderer: {
      invoke: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'no calls in this test' } }),
      on: (channel: string, listener: IpcListener) => {
        const set = channels.get(channel) ?? new Set<IpcListener>();
        set.add(listener);
        channels.set(channel, set);
      },
      removeListener: (channel: string, listener: IpcListener) => channels.get(channel)?.delete(listener),
    },
  };
  const run = vm.runInNewContext(
    `(function (require, process, exports, module) {\n${readFileSync(file, 'utf8')}\n})`,
    {},
    { filename: file },
  ) as (require: (id: string) => unknown, process: unknown, exports: unknown, module: unknown) => void;
  const exported = {};
  run(
    (id) => {
      if (id !== 'electron') throw new Error(`module not found: ${id}`);
      return electron;
    },
    {},
    exported,
    { exports: exported },
  );
  const bridge = exposed.get('ktalkBridge') as KTalkBridge | undefined;
  if (!bridge) throw new Error('the preload exposed no ktalkBridge');
  return {
    bridge,
    // webContents.send: the payload is structured-cloned across the process boundary.
    deliver: (channel, payload) => {
      const ipcEvent = { senderFrame: null };
      for (const listener of channels.get(channel) ?? []) listener(ipcEvent, structuredClone(payload));
    },
  };
}

// ---- web mode: the event stream route -> HTTP -> an EventSource -> the client's web transport ----

/**
 * The browser's EventSource, reduced to what the web transport uses (Node 20
 * has none without a flag): GET with the test's credentials, `data:` lines
 * handed to onmessage, OPEN on a 200, CLOSED when the stream ends.
 */
function nodeEventSource(authorization: string) {
  return class NodeEventSource {
    static readonly CONNECTING = 0;
    static readonly OPEN = 1;
    static readonly CLOSED = 2;
    readonly CONNECTING = 0;
    readonly OPEN = 1;
    readonly CLOSED = 2;
    readyState = 0;
    onopen: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onmessage: ((message: { data: string }) => void) | null = null;
    private readonly req: ClientRequest;

    constructor(url: string) {
      this.req = request(url, { headers: { Authorization: authorization, Accept: 'text/event-stream' } }, (res) => {
        if (res.statusCode !== 200) {
          this.readyState = this.CLOSED;
          this.onerror?.();
          res.resume();
          return;
        }
        this.readyState = this.OPEN;
        this.onopen?.();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
              .split('\n')
              .filter((line) => line.startsWith('data:'))
              .map((line) => line.slice(5).replace(/^ /, ''));
            if (data.length > 0) this.onmessage?.({ data: data.join('\n') });
          }
        });
        res.on('end', () => {
          this.readyState = this.CLOSED;
          this.onerror?.();
        });
      });
      this.req.on('error', () => {
        this.readyState = this.CLOSED;
      });
      this.req.end();
    }

    close(): void {
      this.readyState = this.CLOSED;
      this.req.destroy();
    }
  };
}

/** Opens the launch URL as a browser would and returns the session secret its cookie carries. */
function launchSession(server: WebServer): Promise<string> {
  return new Promise((resolve, reject) => {
    request(server.launchUrl, (res) => {
      res.resume();
      const cookie = (res.headers['set-cookie'] ?? [])[0] ?? '';
      const value = /^ktalk_session_\d+=([^;]+);/.exec(cookie)?.[1];
      if (res.statusCode === 303 && value) resolve(value);
      else reject(new Error(`launch failed: ${res.statusCode}`));
    })
      .on('error', reject)
      .end();
  });
}

describe('every push event through the real transports', () => {
  it('every event type the schema declares has a sample here (a new one fails until it is added)', () => {
    assert.deepEqual(
      everySample().map((e) => e.type),
      API_EVENT_TYPES,
    );
    assert.ok(API_EVENT_TYPES.length >= 13);
  });

  it('Electron IPC: main forwards, the preload relays, the client parses: each arrives equal; malformed ones are dropped', () => {
    const service = eventSource();
    const { bridge, deliver } = loadPreload();
    const { received, dropped, stop } = receiver((onDroppedEvent) =>
      clientOver(bridgeTransport(bridge), { onDroppedEvent }),
    );
    const unforward = forwardEvents(service, (channel, event) => deliver(channel, event));
    const samples = everySample();
    for (const value of interleaved(samples)) service.push(value);
    assert.deepEqual(received, samples);
    assert.equal(dropped.length, MALFORMED.length, dropped.join('\n'));
    assert.match(dropped[0] ?? '', /event balance: balance/);
    unforward();
    stop();
  });

  describe('web mode: the event stream route and the renderer client', () => {
    const service = eventSource();
    let server: WebServer;
    let session = '';

    before(async () => {
      server = await startWebServer({ api: stubApi({}), events: service, mounts: [] });
      session = await launchSession(server);
    });
    after(async () => {
      await server.close();
    });

    it('each event arrives parsed and equal; malformed ones are dropped and reported', async () => {
      const authorization = `Bearer ${session}`;
      const { received, dropped, stop } = receiver((onDroppedEvent) =>
        clientOver(
          webTransport({
            base: `http://127.0.0.1:${server.port}${server.appPath}`,
            fetch: (url, init) => fetch(url, { ...init, headers: { ...init?.headers, Authorization: authorization } }),
            EventSource: nodeEventSource(authorization) as unknown as typeof EventSource,
          }),
          { onDroppedEvent },
        ),
      );
      await until('the page subscribed to the stream', () => service.listeners() === 1);
      const samples = everySample();
      for (const value of interleaved(samples)) service.push(value);
      await until('every sample arrived', () => received.length >= samples.length);
      assert.deepEqual(received, samples);
      assert.equal(dropped.length, MALFORMED.length, dropped.join('\n'));
      stop();
      // The last listener gone, the page closes its stream and the server unsubscribes.
      await until('the server unsubscribed', () => service.listeners() === 0);
    });
  });
});
