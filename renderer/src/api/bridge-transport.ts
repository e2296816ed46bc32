import type { ApiMethod } from '../../../electron/src/common/api';
import { failure, type Transport } from './client-core';

// Electron: the preload's window.ktalkBridge carries each call over IPC and
// hands over each pushed event's payload; the client checks both.

/** What Electron's preload exposes as window.ktalkBridge. */
export interface KTalkBridge {
  invoke(method: ApiMethod, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

export function bridgeTransport(bridge: KTalkBridge): Transport {
  return {
    invoke: async (method, args) => {
      try {
        return await bridge.invoke(method, args);
      } catch (error) {
        return failure('INTERNAL', error instanceof Error ? error.message : String(error));
      }
    },
    subscribe: (listener) => bridge.onEvent(listener),
  };
}
