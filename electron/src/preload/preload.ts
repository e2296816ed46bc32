// Sandboxed preload: exposes only the declared API methods, each as a
// single IPC call; no Electron or Node object reaches the page.
import type { KTalkApi } from '../common/api';

declare const require: (id: 'electron') => {
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void };
  ipcRenderer: { invoke(channel: string, ...args: unknown[]): Promise<unknown> };
};

const { contextBridge, ipcRenderer } = require('electron');

const api: KTalkApi = {
  networkStatus: () => ipcRenderer.invoke('ktalk:networkStatus') as ReturnType<KTalkApi['networkStatus']>,
};

contextBridge.exposeInMainWorld('ktalk', api);
