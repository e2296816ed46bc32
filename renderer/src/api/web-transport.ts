import { WEB_EVENTS_PATH, type ApiMethod, type Result } from '../../../electron/src/common/api';
import { codeFromTransport, failure, isRecord, type Reachability, type Transport } from './client-core';

// The local web mode: calls are same-origin `POST api/<method>` (session
// cookie), push events arrive over Server-Sent Events on `api/events`.
// Whether the local service answers is tracked and reported.

export interface WebTransportOptions {
  /** Prefix of the API's URLs; '' (the default) keeps them relative to the page, which may not sit at the root. */
  readonly base?: string;
  /** Defaults to the page's fetch (tests pass one that adds their credentials). */
  readonly fetch?: typeof fetch;
  /** Defaults to the page's EventSource; absent (no event stream) where there is none. */
  readonly EventSource?: typeof EventSource;
}

async function postApi(
  call: typeof fetch,
  url: string,
  args: unknown[],
  report: (state: Reachability) => void,
): Promise<Result<unknown>> {
  let response: Response;
  try {
    response = await call(url, {
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
  if (response.ok) return body as Result<unknown>;
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

export function webTransport(options: WebTransportOptions = {}): Transport {
  const base = options.base ?? '';
  const call = options.fetch ?? ((input, init) => fetch(input, init));
  const Stream = options.EventSource ?? (typeof EventSource !== 'undefined' ? EventSource : undefined);
  const listeners = new Set<(event: unknown) => void>();
  const watchers = new Set<(state: Reachability) => void>();
  let reachability: Reachability = 'reachable';
  const report = (next: Reachability) => {
    if (next === reachability) return;
    reachability = next;
    for (const watcher of [...watchers]) watcher(next);
  };
  let source: EventSource | null = null;
  let reopen: ReturnType<typeof setTimeout> | undefined;
  const open = (Opened: typeof EventSource) => {
    const current = new Opened(`${base}${WEB_EVENTS_PATH.replace(/^\//, '')}`, { withCredentials: true });
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
          if (source === current && listeners.size > 0) open(Opened);
        }, EVENTS_REOPEN_MS);
      }
    };
    current.onmessage = (message) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(message.data));
      } catch {
        // Not JSON at all: handed on as it came, so the client reports it like any other malformed event.
        parsed = message.data;
      }
      for (const listener of [...listeners]) listener(parsed);
    };
  };
  return {
    invoke: (method: ApiMethod, args) => postApi(call, `${base}api/${method}`, args, report),
    subscribe: (listener) => {
      listeners.add(listener);
      if (!source && Stream) open(Stream);
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
