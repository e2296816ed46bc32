import { bridgeTransport, type KTalkBridge } from './bridge-transport';
import { clientOver, type ApiClient } from './client-core';
import { webTransport } from './web-transport';

// One client for both hosts: inside Electron the preload's bridge carries
// each call over IPC; in the local web mode the same calls go to the
// same-origin server (POST api/<method>, session cookie) and push events
// arrive over Server-Sent Events. The UI sees only KTalkApi either way; the
// checks on arguments, answers and events live in client-core.ts.

export type { ApiClient, Reachability, Transport } from './client-core';
export { clientOver, toResult } from './client-core';
export type { KTalkBridge } from './bridge-transport';

declare global {
  interface Window {
    ktalkBridge?: KTalkBridge;
  }
}

export function createApiClient(): ApiClient {
  const bridge = typeof window !== 'undefined' ? window.ktalkBridge : undefined;
  return clientOver(bridge ? bridgeTransport(bridge) : webTransport());
}
