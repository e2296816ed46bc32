import {
  type ApiEvent,
  IPC_CHANNEL_PREFIX,
  IPC_EVENT_CHANNEL,
  type KTalkApi,
  type KTalkEvents,
  type Result,
} from '../common/api';
import { dispatchApi, isApiMethod, parseApiArgs } from '../common/api-args';
import { isAppUrl } from './app-scheme';

// The one IPC wrapper every call goes through: the sender must be our own
// top-level app:// page, the method a declared operation, the arguments what
// the shared schemas accept; only then does the implementation run. Kept free
// of Electron imports (plain objects in, Result out) so it is unit-tested in
// plain Node; main.ts binds it to ipcMain.

export const INVOKE_CHANNEL = `${IPC_CHANNEL_PREFIX}invoke`;

/** The part of an IpcMainInvokeEvent's senderFrame the check reads. */
export interface SenderFrame {
  readonly url: string;
  readonly parent: unknown;
}

export interface InvokeSender {
  readonly senderFrame: SenderFrame | null;
}

/** The page's top-level frame, loaded from app://ktalk (not a subframe, not a navigated-away page). */
export function isTrustedSender(event: InvokeSender): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

const refuse = (code: 'BAD_INPUT' | 'FORBIDDEN', message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});

/** Handles one `ktalk:invoke` call; never throws, always answers with a Result. */
export async function handleInvoke(
  api: KTalkApi,
  event: InvokeSender,
  method: unknown,
  args: unknown,
): Promise<Result<unknown>> {
  // An unknown frame learns nothing, not even whether the method exists.
  if (!isTrustedSender(event)) return refuse('FORBIDDEN', 'request from an untrusted frame');
  if (typeof method !== 'string' || !isApiMethod(method)) return refuse('BAD_INPUT', 'unknown operation');
  const call = parseApiArgs(method, args);
  if (!call.ok) return call;
  try {
    return await dispatchApi(api, call.value);
  } catch (error) {
    // The implementation answers with Results; a throw is a bug, reported without its detail.
    console.error(`ktalk: ${method} threw`, error);
    return { ok: false, error: { code: 'INTERNAL', message: `${method} failed unexpectedly` } };
  }
}

/** Pushes every service event to the page; returns the unsubscribe function. */
export function forwardEvents(
  events: KTalkEvents,
  send: (channel: typeof IPC_EVENT_CHANNEL, event: ApiEvent) => void,
): () => void {
  return events.subscribe((event) => send(IPC_EVENT_CHANNEL, event));
}
