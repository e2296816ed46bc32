import { type IpcMainInvokeEvent, ipcMain } from 'electron';
import { API_METHODS, type ApiMethod, IPC_CHANNEL_PREFIX, type KTalkApi, type Result } from '../common/api';

// Every IPC call goes through this one wrapper: it checks that the sender is
// our own top-level page before any handler runs, and that no arguments are
// smuggled into methods that take none.

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
      if (args.length !== 0)
        return { ok: false, error: { code: 'BAD_INPUT', message: `${method} takes no arguments` } };
      return dispatch(api, method);
    });
  }
}

function dispatch(api: KTalkApi, method: ApiMethod): Promise<Result<unknown>> {
  switch (method) {
    case 'networkStatus':
      return api.networkStatus();
    default: {
      const unreachable: never = method;
      throw new Error(`unknown method ${String(unreachable)}`);
    }
  }
}
