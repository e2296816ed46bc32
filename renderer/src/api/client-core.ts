import {
  API_ERROR_CODES,
  API_METHODS,
  type ApiError,
  type ApiErrorCode,
  type ApiEvent,
  type ApiMethod,
  type KTalkApi,
  type KTalkEvents,
  type Result,
} from '../../../electron/src/common/api';
import { parseApiArgs, inputProblemSchema } from '../../../electron/src/common/api-args';
import { parseApiEvent } from '../../../electron/src/common/api-events';

// The client's core, the same over every transport (Electron's bridge, the
// web mode's HTTP and event stream, the in-memory fake): arguments are
// checked with the API's schemas before they leave, answers must be a
// well-formed Result, and every push event is parsed with the API's event
// schema before any listener sees it. Neutral code (no DOM, no React), so
// Node tests and the conformance suite build the same client.

/** Whether the app's own service answers at all (the web mode's local server can be stopped). */
export type Reachability = 'reachable' | 'unreachable';

export type ApiClient = KTalkApi &
  KTalkEvents & {
    /** Web mode: told when the local service stops answering and when it is back (Electron's never stops). */
    onReachability?: (listener: (state: Reachability) => void) => () => void;
  };

/** What carries calls and events between the client and an implementation; it parses nothing itself. */
export interface Transport {
  /** Sends one call; answers what came back (checked by the client), or a Result for the transport's own failures. */
  invoke(method: ApiMethod, args: unknown[]): Promise<unknown>;
  /** Every event as received, unparsed; returns the unsubscribe function. */
  subscribe(listener: (event: unknown) => void): () => void;
  onReachability?: (listener: (state: Reachability) => void) => () => void;
}

export interface ClientOptions {
  /**
   * Told about each received event that does not match the schema (it is
   * dropped). Default: console.warn with the event type and the field, never
   * the payload (it may hold message text).
   */
  readonly onDroppedEvent?: (reason: string) => void;
}

const KNOWN_CODES: ReadonlySet<string> = new Set(API_ERROR_CODES);

export function failure(code: ApiErrorCode, message: string, rawDetail?: unknown): { ok: false; error: ApiError } {
  // BAD_INPUT's field and limit, kept only when well formed.
  const detail = rawDetail === undefined ? undefined : inputProblemSchema.safeParse(rawDetail);
  return { ok: false, error: { code, message, ...(detail?.success ? { detail: detail.data } : {}) } };
}

/** Transport-level refusals (web server codes) mapped onto the API's codes. */
export function codeFromTransport(code: unknown): ApiErrorCode {
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

export function isRecord(value: unknown): value is Record<string, unknown> {
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

// A dropped event means the two sides disagree (a bug or an app half updated): nothing the person can act
// on, and the next read shows the truth, so the UI says nothing; the developer console must.
const warnDropped = (reason: string): void =>
  console.warn(`ktalk: dropped a push event the API does not declare (${reason})`);

/** Builds the typed client over a transport: every declared method, one argument at most; events parsed. */
export function clientOver(transport: Transport, options: ClientOptions = {}): ApiClient {
  const methods: Record<string, (input?: unknown) => Promise<Result<unknown>>> = {};
  for (const method of API_METHODS) {
    methods[method] = async (input?: unknown) => {
      const args = input === undefined ? [] : [input];
      // The same schemas the other side runs, checked here first: input that breaks a limit is refused at
      // once with its field and limit, without a round trip (the host checks again; it trusts nothing).
      const checked = parseApiArgs(method, args);
      if (!checked.ok) return checked;
      return toResult(await transport.invoke(method, args));
    };
  }
  // One subscription on the transport while anyone listens, so each event is parsed (and a bad one reported) once.
  const onDropped = options.onDroppedEvent ?? warnDropped;
  const listeners = new Set<(event: ApiEvent) => void>();
  let stop: (() => void) | undefined;
  const receive = (raw: unknown) => {
    const parsed = parseApiEvent(raw);
    if (!parsed.ok) return onDropped(parsed.reason);
    for (const listener of [...listeners]) listener(parsed.event);
  };
  const subscribe = (listener: (event: ApiEvent) => void) => {
    listeners.add(listener);
    stop ??= transport.subscribe(receive);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && stop) {
        stop();
        stop = undefined;
      }
    };
  };
  return {
    ...(methods as unknown as KTalkApi),
    subscribe,
    ...(transport.onReachability ? { onReachability: transport.onReachability } : {}),
  };
}
