import { type IpcMainInvokeEvent, ipcMain } from 'electron';
import { API_METHODS, IPC_CHANNEL_PREFIX, type KTalkApi, type Result } from '../common/api';
import { dispatchApi, parseApiArgs } from '../common/api-args';

// Every IPC call goes through this one wrapper: it checks that the sender is
// our own top-level page before any handler runs, and validates the
// arguments with the schemas the web mode uses too.

export function isTrustedSender(event: IpcMainInvokeEvent, appUrlPrefix: string): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && frame.url.startsWith(appUrlPrefix);
}

export function registerApi(api: KTalkApi, appUrlPrefix: string): void {
  for (const method of API_METHODS) {
    ipcMain.handle(`${IPC_CHANNEL_PREFIX}${method}`, async (event, ...args: unknown[]): Promise<Result<unknown>> => {
      if (!isTrustedSender(event, appUrlPrefix)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: 'request from an unknown frame' } };
      }
      const call = parseApiArgs(method, args);
      return call.ok ? dispatchApi(api, call.value) : call;
    });
  }
}
