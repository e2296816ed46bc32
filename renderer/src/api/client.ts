import {
  API_ERROR_CODES,
  API_EVENT_TYPES,
  API_METHODS,
  WEB_EVENTS_PATH,
  type ApiError,
  type ApiErrorCode,
  type ApiEvent,
  type ApiMethod,
  type KTalkApi,
  type KTalkEvents,
  type Result,
} from '../../../electron/src/common/api';
import { inputProblemSchema, parseApiArgs } from '../../../electron/src/common/api-args';

// One client for both hosts: inside Electron the preload's bridge carries
// each call over IPC; in the local web mode the same calls go to the
// same-origin server (POST /api/<method>, session cookie) and push events
// arrive over Server-Sent Events. The UI sees only KTalkApi either way.

/** Whether the app's own service answers at all (the web mode's local server can be stopped). */
export type Reachability = 'reachable' | 'unreachable';

export type ApiClient = KTalkApi &
  KTalkEvents & {
    /** Web mode: told when the local service stops answering and when it is back (Electron's never stops). */
    onReachability?: (listener: (state: Reachability) => void) => () => void;
  };

/** What Electron's preload exposes as window.ktalkBridge. */
export interface KTalkBridge {
  invoke(method: ApiMethod, args: unknown[]): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

declare global {
  interface Window {
    ktalkBridge?: KTalkBridge;
  }
}

interface Transport {
  invoke(method: ApiMethod, args: unknown[]): Promise<Result<unknown>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  onReachability?: (listener: (state: Reachability) => void) => () => void;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

function failure(code: ApiErrorCode, message: string, rawDetail?: unknown): { ok: false; error: ApiError } {
  // BAD_INPUT's field and limit, kept only when well formed.
  const detail = rawDetail === undefined ? undefined : inputProblemSchema.safeParse(rawDetail);
  return { ok: false, error: { code, message, ...(detail?.success ? { detail: detail.data } : {}) } };
}

/** Transport-level refusals (web server codes) mapped onto the API's codes. */
function codeFromTransport(code: unknown): ApiErrorCode {
  if (typeof code === 'string' && KNOWN_CODES.has(code)) return code as ApiErrorCode;
  switch (code) {
    case 'BAD_REQUEST':
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'BAD_INPUT';
    case 'BODY_TOO_LARGE':
      return 'TOO_LARGE';
    case 'UNAUTHORIZED':
      return 'NOT_SIGNED_IN';
    default:
      return 'INTERNAL';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Accepts only a well-formed Result; anything else becomes an INTERNAL failure. */
export function toResult(value: unknown): Result<unknown> {
  if (isRecord(value) && value.ok === true && 'value' in value) return { ok: true, value: value.value };
  if (isRecord(value) && value.ok === false && isRecord(value.error)) {
    const message = typeof value.error.message === 'string' ? value.error.message : '';
    return failure(codeFromTransport(value.error.code), message, value.error.detail);
  }
  return failure('INTERNAL', 'malformed answer from the app');
}

/** Push events are checked for a known type (the one list in api.ts) before the UI sees them. */
const EVENT_TYPES: ReadonlySet<string> = new Set(API_EVENT_TYPES);

export function toEvent(value: unknown): ApiEvent | null {
  return isRecord(value) && typeof value.type === 'string' && EVENT_TYPES.has(value.type)
    ? (value as unknown as ApiEvent)
    : null;
}

function bridgeTransport(bridge: KTalkBridge): Transport {
  return {
    invoke: async (method, args) => {
      try {
        return toResult(await bridge.invoke(method, args));
      } catch (error) {
        return failure('INTERNAL', error instanceof Error ? error.message : String(error));
      }
    },
    subscribe: (listener) =>
      bridge.onEvent((raw) => {
        const event = toEvent(raw);
        if (event) listener(event);
      }),
  };
}

async function postApi(
  method: ApiMethod,
  args: unknown[],
  report: (state: Reachability) => void,
): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await fetch(`api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(args),
      credentials: 'same-origin',
    });
  } catch (error) {
    // No answer at all: the local service is gone, which is not the ledger network being down
    // (nothing was queued, so nothing will be sent later).
    report('unreachable');
    return failure('APP_UNREACHABLE', error instanceof Error ? error.message : String(error));
  }
  // A server that no longer knows this page's path or session is another launch (a restart gets a new
  // random path and session): for this page the service is gone just the same.
  if (response.status === 401 || response.status === 404) {
    report('unreachable');
    return failure('APP_UNREACHABLE', `HTTP ${response.status}: this page's session is not the running app's`);
  }
  report('reachable');
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return failure('INTERNAL', `HTTP ${response.status}`);
  }
  if (response.ok) return toResult(body);
  // The server's own refusals: {error: {code, message}} with a 4xx status.
  const error = isRecord(body) && isRecord(body.error) ? body.error : {};
  return failure(
    codeFromTransport(error.code),
    typeof error.message === 'string' ? error.message : response.statusText,
    error.detail,
  );
}

/** After the server refused or closed the event stream for good, how long until it is tried again. */
const EVENTS_REOPEN_MS = 3_000;

function webTransport(): Transport {
  const listeners = new Set<(event: ApiEvent) => void>();
  const watchers = new Set<(state: Reachability) => void>();
  let reachability: Reachability = 'reachable';
  const report = (next: Reachability) => {
    if (next === reachability) return;
    reachability = next;
    for (const watcher of [...watchers]) watcher(next);
  };
  let source: EventSource | null = null;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    // Relative to the page, like the API calls (the app may not sit at the origin's root).
    const current = new EventSource(WEB_EVENTS_PATH.replace(/^\//, ''), { withCredentials: true });
    source = current;
    // Every (re)opened stream is announced, not only a change: events pushed while it was not attached
    // (before the first open, or during a drop) are lost, so the UI re-reads the session then.
    current.onopen = () => {
      reachability = 'reachable';
      for (const watcher of [...watchers]) watcher('reachable');
    };
    // The stream broke: the browser retries by itself unless the answer was an error (CLOSED), then we do.
    current.onerror = () => {
      if (current.readyState === current.OPEN) return;
      report('unreachable');
      if (current.readyState === current.CLOSED && source === current) {
        clearTimeout(reopen);
        reopen = setTimeout(() => {
          if (source === current && listeners.size > 0) open();
        }, EVENTS_REOPEN_MS);
      }
    };
    current.onmessage = (message: MessageEvent<string>) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      const event = toEvent(parsed);
      if (event) for (const listener of [...listeners]) listener(event);
    };
  };
  return {
    invoke: (method, args) => postApi(method, args, report),
    subscribe: (listener) => {
      listeners.add(listener);
      if (!source && typeof EventSource !== 'undefined') open();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          clearTimeout(reopen);
          source.close();
          source = null;
        }
      };
    },
    onReachability: (watcher) => {
      watchers.add(watcher);
      return () => watchers.delete(watcher);
    },
  };
}

/** Builds the typed client over a transport: every declared method, one argument at most. */
export function clientOver(transport: Transport): ApiClient {
  const methods: Record<string, (input?: unknown) => Promise<Result<unknown>>> = {};
  for (const method of API_METHODS) {
    methods[method] = async (input?: unknown) => {
      const args = input === undefined ? [] : [input];
      // The same schemas the other side runs, checked here first: input that breaks a limit is refused at
      // once with its field and limit, without a round trip (the host checks again; it trusts nothing).
      const checked = parseApiArgs(method, args);
      if (!checked.ok) return checked;
      return transport.invoke(method, args);
    };
  }
  return {
    ...(methods as unknown as KTalkApi),
    subscribe: transport.subscribe,
    ...(transport.onReachability ? { onReachability: transport.onReachability } : {}),
  };
}

export function createApiClient(): ApiClient {
  const bridge = typeof window !== 'undefined' ? window.ktalkBridge : undefined;
  return clientOver(bridge ? bridgeTransport(bridge) : webTransport());
}
