// Sandboxed preload: the page gets one object, `window.ktalkBridge`, with a
// single invoke and an event subscription. No Electron or Node object
// reaches the page. A sandboxed preload may require only 'electron', so the
// channel names are repeated here; a unit test checks they equal api.ts.
import type { Result } from '../common/api';

interface IpcEvent {
  readonly senderFrame?: unknown;
}
declare const require: (id: 'electron') => {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: {
    invoke(channel: string, ...args: unknown[]): Promise<unknown>;
    on(channel: string, listener: (event: IpcEvent, payload: unknown) => void): unknown;
    removeListener(channel: string, listener: (event: IpcEvent, payload: unknown) => void): unknown;
  };
};

/** `${IPC_CHANNEL_PREFIX}invoke` from api.ts. */
export const INVOKE_CHANNEL = 'ktalk:invoke';
/** IPC_EVENT_CHANNEL from api.ts. */
export const EVENT_CHANNEL = 'ktalk:event';
export const BRIDGE_KEY = 'ktalkBridge';

export interface KTalkBridge {
  invoke(method: string, args: unknown[]): Promise<Result<unknown>>;
  /** Each pushed event's payload, unchecked: the page's client parses it with the API's event schema. */
  onEvent(listener: (event: unknown) => void): () => void;
}

const { contextBridge, ipcRenderer } = require('electron');

const bridge: KTalkBridge = {
  // Main validates method and arguments; here they are only passed along.
  invoke: (method, args) => ipcRenderer.invoke(INVOKE_CHANNEL, method, args) as Promise<Result<unknown>>,
  onEvent(listener) {
    // Only the payload is handed over: the IPC event object stays here.
    const relay = (_event: IpcEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(EVENT_CHANNEL, relay);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, relay);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
