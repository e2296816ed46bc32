import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { type KTalkApi, type KTalkEvents, WEB_EVENTS_PATH } from '../../common/api';
import { API_PREFIX, handleApi } from './api-route';
import { SECURITY_HEADERS, sendError, webError } from './responses';
import {
  appScope,
  checkHost,
  hasValidSession,
  newLaunchToken,
  newSessionSecret,
  originAllowed,
  sessionCookie,
  tokensEqual,
} from './security';
import { type StaticMount, openStatic, resolveStatic } from './static-files';

// The local web mode: the renderer's files and the typed API on 127.0.0.1.
// Order of checks on every request: Host, Origin, the app's path, then the
// session (API only), so a rebound name or a foreign page is refused before
// anything else runs. The launch token works once: it is exchanged for a
// session secret in a cookie scoped to the app's random path.

export const WEB_HOST = '127.0.0.1';

export interface WebServerOptions {
  readonly api: KTalkApi;
  /** Push events, served as Server-Sent Events at /api/events. */
  readonly events?: KTalkEvents;
  readonly mounts: readonly StaticMount[];
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Tests pass a fixed token; otherwise a fresh one per launch. */
  readonly token?: string;
  /** Errors the implementation throws (not Results it returns). */
  readonly onError?: (error: unknown) => void;
}

export interface WebServer {
  readonly port: number;
  readonly origin: string;
  /** Works once: sets the session cookie and redirects to the app's path, out of the address bar. */
  readonly launchUrl: string;
  readonly token: string;
  /** The path the app is served under after launch (`/s/<random>/`); API calls go to `<appPath>api/…`. */
  readonly appPath: string;
  close(): Promise<void>;
}

async function serveStatic(
  mounts: readonly StaticMount[],
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
) {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return sendError(res, webError(405, 'METHOD_NOT_ALLOWED', 'use GET'), { Allow: 'GET, HEAD' });
  }
  const file = await resolveStatic(mounts, pathname);
  if (!file) return sendError(res, webError(404, 'NOT_FOUND', 'not found'));
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': file.contentType, 'Content-Length': file.size });
  if (req.method === 'HEAD') return void res.end();
  await pipeline(openStatic(file), res);
}

/** One long response per page: each ApiEvent as an SSE `data:` line, a comment as heartbeat. */
function serveEvents(events: KTalkEvents | undefined, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET') return sendError(res, webError(405, 'METHOD_NOT_ALLOWED', 'use GET'), { Allow: 'GET' });
  if (!events) return sendError(res, webError(404, 'NOT_FOUND', 'no event stream here'));
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-store',
    Connection: 'keep-alive',
  });
  res.write(': ktalk events\n\n');
  const unsubscribe = events.subscribe((event) => res.write(`data: ${JSON.stringify(event)}\n\n`));
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 25_000);
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}

interface LaunchState {
  readonly token: string;
  readonly scope: string;
  /** Minted when the launch URL is used; null until then. */
  session: string | null;
}

function handler(options: WebServerOptions, launch: LaunchState, port: () => number) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const host = checkHost(req.headers, port());
    if (host === null) return sendError(res, webError(421, 'BAD_HOST', 'unexpected Host header'));
    if (!originAllowed(req.headers, host)) return sendError(res, webError(403, 'BAD_ORIGIN', 'foreign origin'));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${host}`);
    } catch {
      return sendError(res, webError(400, 'BAD_REQUEST', 'bad request target'));
    }
    // new URL() normalises "..": judge the path as sent, not as resolved.
    const rawPath = (req.url ?? '/').split('?')[0] ?? '/';
    if (!rawPath.startsWith('/')) return sendError(res, webError(400, 'BAD_REQUEST', 'bad request target'));
    const given = url.searchParams.get('token');
    if (rawPath === '/' && given !== null && req.method === 'GET')
      return exchangeLaunchToken(launch, given, port(), res);
    if (!rawPath.startsWith(launch.scope)) {
      return sendError(res, webError(404, 'NOT_FOUND', 'open the one-time launch URL that KTalk printed'));
    }
    const inner = `/${rawPath.slice(launch.scope.length)}`;
    if (inner.startsWith(API_PREFIX)) {
      if (!hasValidSession(req.headers, port(), launch.session)) {
        return sendError(res, webError(401, 'UNAUTHORIZED', 'missing or wrong session'));
      }
      if (inner === WEB_EVENTS_PATH) return serveEvents(options.events, req, res);
      return handleApi(options.api, req, res, inner.slice(API_PREFIX.length));
    }
    if (url.search !== '') return sendError(res, webError(400, 'BAD_REQUEST', 'unexpected query'));
    return serveStatic(options.mounts, req, res, inner);
  };
}

/** The launch token, once: a fresh session secret in a cookie, and a redirect that drops the token. */
function exchangeLaunchToken(launch: LaunchState, given: string, port: number, res: ServerResponse): void {
  if (launch.session !== null) {
    return sendError(
      res,
      webError(401, 'LAUNCH_USED', 'this launch URL was already used; restart KTalk web mode for a new one'),
    );
  }
  if (!tokensEqual(launch.token, given)) return sendError(res, webError(401, 'UNAUTHORIZED', 'wrong token'));
  launch.session = newSessionSecret();
  res.writeHead(303, {
    ...SECURITY_HEADERS,
    Location: launch.scope,
    'Set-Cookie': sessionCookie(port, launch.session, launch.scope),
  });
  res.end();
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, WEB_HOST, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newLaunchToken();
  const launch: LaunchState = { token, scope: appScope(newSessionSecret()), session: null };
  let boundPort = 0;
  const handle = handler(options, launch, () => boundPort);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error);
      if (!res.headersSent) sendError(res, webError(500, 'INTERNAL', 'internal error'));
      else res.destroy();
    });
  });
  // Bounds slow or idle clients; the API answers in seconds.
  server.requestTimeout = 60_000;
  server.headersTimeout = 10_000;
  boundPort = await listen(server, options.port ?? 0);
  const origin = `http://${WEB_HOST}:${boundPort}`;
  return {
    port: boundPort,
    origin,
    token,
    appPath: launch.scope,
    launchUrl: `${origin}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
