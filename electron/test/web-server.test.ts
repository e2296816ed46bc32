import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { type OutgoingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import type { ApiEvent, KTalkApi, KTalkEvents, NodeHealth, Result } from '../src/common/api';
import { createAppService } from '../src/node/service/app-service';
import { CONTENT_SECURITY_POLICY } from '../src/node/web/responses';
import { MAX_BODY_BYTES } from '../src/node/web/api-route';
import { type WebServer, startWebServer } from '../src/node/web/server';
import { tokensEqual } from '../src/node/web/security';
import { stubApi } from './support/stub-api';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Raw node:http, so tests can send any Host, Origin or unnormalised path. */
function send(
  port: number,
  method: string,
  rawPath: string,
  headers: OutgoingHttpHeaders = {},
  body?: string | Buffer,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path: rawPath, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Uses the launch URL as a browser would and returns the session secret from its cookie. */
async function launchSession(server: WebServer): Promise<string> {
  const launch = new URL(server.launchUrl);
  const reply = await send(server.port, 'GET', `${launch.pathname}${launch.search}`, { Host: launch.host });
  const cookie = (reply.headers['set-cookie'] ?? [])[0] ?? '';
  const value = /^ktalk_session_\d+=([^;]+);/.exec(cookie)?.[1];
  if (reply.status !== 303 || !value) throw new Error(`launch failed: ${reply.status}`);
  return value;
}

function errorCode(reply: Reply): string {
  const parsed = JSON.parse(reply.body) as { error?: { code?: unknown; message?: unknown } };
  assert.equal(typeof parsed.error?.message, 'string');
  return String(parsed.error?.code);
}

/** A stand-in implementation that counts its calls. */
function countingApi(): { api: KTalkApi; calls: () => number } {
  let calls = 0;
  const health: NodeHealth[] = [{ name: 'peer0.org1', kind: 'peer', healthy: true }];
  return {
    api: stubApi({
      networkStatus: async (): Promise<Result<NodeHealth[]>> => {
        calls += 1;
        return { ok: true, value: health };
      },
    }),
    calls: () => calls,
  };
}

describe('web mode server', () => {
  let dir = '';
  let server: WebServer;
  let counter: ReturnType<typeof countingApi>;
  let host = '';
  let auth: OutgoingHttpHeaders = {};
  let session = '';
  const json = { 'Content-Type': 'application/json' };
  /** A path inside the launched app (`/s/<random>/…`). */
  const inApp = (p: string) => `${server.appPath}${p.slice(1)}`;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ktalk-web-'));
    const root = path.join(dir, 'root');
    await mkdir(path.join(root, 'sub'), { recursive: true });
    await mkdir(path.join(dir, 'outside'));
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>KTalk</title>');
    await writeFile(path.join(root, 'sub', 'app.js'), 'console.log(1);');
    await writeFile(path.join(root, 'source.ts'), 'secret source');
    await writeFile(path.join(root, '.hidden.js'), 'hidden');
    await writeFile(path.join(dir, 'outside', 'secret.html'), 'SECRET');
    await writeFile(path.join(dir, 'outside', 'secret.js'), 'SECRET');
    await symlink(path.join(dir, 'outside', 'secret.html'), path.join(root, 'link.html'));
    await symlink(path.join(dir, 'outside'), path.join(root, 'linkdir'));
    await symlink(path.join(root, 'source.ts'), path.join(root, 'alias.js'));
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (api?: KTalkApi) => {
    counter = countingApi();
    server = await startWebServer({ api: api ?? counter.api, mounts: [{ prefix: '/', dir: path.join(dir, 'root') }] });
    host = `127.0.0.1:${server.port}`;
    session = await launchSession(server);
    auth = { Host: host, Authorization: `Bearer ${session}` };
  };
  afterEach(async () => {
    await server.close();
  });

  it('answers a valid call with the implementation result and security headers', async () => {
    await start();
    const reply = await send(server.port, 'POST', inApp('/api/networkStatus'), { ...auth, ...json }, '[]');
    assert.equal(reply.status, 200);
    assert.deepEqual(JSON.parse(reply.body), {
      ok: true,
      value: [{ name: 'peer0.org1', kind: 'peer', healthy: true }],
    });
    assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    assert.equal(reply.headers['access-control-allow-origin'], undefined);
    // An empty body means no arguments; same-origin Origin and localhost are fine.
    const local = `localhost:${server.port}`;
    const viaLocalhost = await send(server.port, 'POST', inApp('/api/networkStatus'), {
      ...auth,
      ...json,
      Host: local,
      Origin: `http://${local}`,
    });
    assert.equal(viaLocalhost.status, 200);
    assert.equal(counter.calls(), 2);
  });

  it('uses a 256-bit random token and compares it in constant time', async () => {
    await start();
    assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
    const other = await startWebServer({ api: countingApi().api, mounts: [] });
    assert.notEqual(other.token, server.token);
    await other.close();
    assert.ok(tokensEqual('abc', 'abc'));
    assert.ok(!tokensEqual('abc', 'abd'));
    assert.ok(!tokensEqual('abc', 'abcd'));
    assert.ok(!tokensEqual('abc', ''));
  });

  it('refuses requests without the token, with a wrong token, or a malformed Authorization header', async () => {
    await start();
    const cases: OutgoingHttpHeaders[] = [
      { Host: host },
      // The last character changed (to one that surely differs).
      { Host: host, Authorization: `Bearer ${session.slice(0, -1)}${session.endsWith('A') ? 'B' : 'A'}` },
      { Host: host, Authorization: `Bearer ${session}x` },
      { Host: host, Authorization: `Basic ${session}` },
      { Host: host, Authorization: `Bearer  ${session}` },
      { Host: host, Cookie: `ktalk_session_${server.port}=wrong` },
      // The cookie of another port's launch is not ours.
      { Host: host, Cookie: `ktalk_session_${server.port + 1}=${session}` },
      // The launch token is exchanged, never a credential itself.
      { Host: host, Authorization: `Bearer ${server.token}` },
    ];
    for (const headers of cases) {
      const reply = await send(server.port, 'POST', inApp('/api/networkStatus'), { ...headers, ...json }, '[]');
      assert.equal(reply.status, 401, JSON.stringify(headers));
      assert.equal(errorCode(reply), 'UNAUTHORIZED');
    }
    assert.equal(counter.calls(), 0);
  });

  it('refuses foreign Host headers (DNS rebinding) on every path', async () => {
    await start();
    const port = server.port;
    const hosts = [
      `evil.example:${port}`,
      `127.0.0.1.evil:${port}`,
      `localhost.evil.example:${port}`,
      '127.0.0.1',
      `127.0.0.1:${port + 1}`,
      `127.0.0.2:${port}`,
      `[::1]:${port}`,
      `0.0.0.0:${port}`,
      `LOCALHOST:${port} `,
    ];
    for (const bad of hosts) {
      for (const [method, target] of [
        ['POST', inApp('/api/networkStatus')],
        ['GET', '/index.html'],
      ] as const) {
        const reply = await send(port, method, target, { ...auth, ...json, Host: bad }, '[]');
        assert.equal(reply.status, 421, `${bad} ${target}`);
        assert.equal(errorCode(reply), 'BAD_HOST');
      }
    }
    assert.equal(counter.calls(), 0);
  });

  it('refuses foreign origins and sends no CORS headers', async () => {
    await start();
    const origins = [
      'http://evil.example',
      `http://evil.example:${server.port}`,
      `http://127.0.0.1:${server.port + 1}`,
      `https://127.0.0.1:${server.port}`,
      // Host is 127.0.0.1, so localhost is another origin.
      `http://localhost:${server.port}`,
      'null',
    ];
    for (const origin of origins) {
      const reply = await send(
        server.port,
        'POST',
        inApp('/api/networkStatus'),
        { ...auth, ...json, Origin: origin },
        '[]',
      );
      assert.equal(reply.status, 403, origin);
      assert.equal(errorCode(reply), 'BAD_ORIGIN');
      assert.equal(reply.headers['access-control-allow-origin'], undefined);
    }
    const preflight = await send(server.port, 'OPTIONS', inApp('/api/networkStatus'), {
      Host: host,
      Origin: 'http://evil.example',
      'Access-Control-Request-Method': 'POST',
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    assert.equal(counter.calls(), 0);
  });

  it('refuses other methods, unknown operations, non-JSON bodies and too-large bodies', async () => {
    await start();
    const bad: Array<[string, string, OutgoingHttpHeaders, string | Buffer | undefined, number, string]> = [
      ['GET', inApp('/api/networkStatus'), auth, undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['PUT', inApp('/api/networkStatus'), { ...auth, ...json }, '[]', 405, 'METHOD_NOT_ALLOWED'],
      ['DELETE', inApp('/api/networkStatus'), auth, undefined, 405, 'METHOD_NOT_ALLOWED'],
      ['POST', inApp('/api/constructor'), { ...auth, ...json }, '[]', 404, 'NOT_FOUND'],
      ['POST', inApp('/api/__proto__'), { ...auth, ...json }, '[]', 404, 'NOT_FOUND'],
      [
        'POST',
        inApp('/api/networkStatus'),
        { ...auth, 'Content-Type': 'text/plain' },
        '[]',
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['POST', inApp('/api/networkStatus'), auth, '[]', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['POST', inApp('/api/networkStatus'), { ...auth, ...json }, '[', 400, 'BAD_REQUEST'],
      ['POST', inApp('/index.html'), auth, undefined, 405, 'METHOD_NOT_ALLOWED'],
    ];
    for (const [method, target, headers, body, status, code] of bad) {
      const reply = await send(server.port, method, target, headers, body);
      assert.equal(reply.status, status, `${method} ${target}`);
      assert.equal(errorCode(reply), code, `${method} ${target}`);
    }
    const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
    const declared = await send(server.port, 'POST', inApp('/api/networkStatus'), { ...auth, ...json }, big);
    assert.equal(declared.status, 413);
    assert.equal(errorCode(declared), 'BODY_TOO_LARGE');
    // Chunked: no Content-Length to trust, so the server counts.
    const chunked = await send(
      server.port,
      'POST',
      inApp('/api/networkStatus'),
      { ...auth, ...json, 'Transfer-Encoding': 'chunked' },
      big,
    );
    assert.equal(chunked.status, 413);
    assert.equal(counter.calls(), 0);
  });

  it('answers invalid arguments with a typed 400 and never calls the implementation', async () => {
    await start();
    for (const body of ['[1]', '[null]', '{}', '"x"', '{"0": 1}', '[[]]']) {
      const reply = await send(server.port, 'POST', inApp('/api/networkStatus'), { ...auth, ...json }, body);
      assert.equal(reply.status, 400, body);
      assert.equal(errorCode(reply), 'BAD_INPUT', body);
    }
    assert.equal(counter.calls(), 0);
  });

  it("a refused argument's field and limit travel with the 400, for the UI to word", async () => {
    await start();
    const text = 'x'.repeat(16_001);
    const reply = await send(
      server.port,
      'POST',
      inApp('/api/sendMessage'),
      { ...auth, ...json },
      JSON.stringify([{ conversationId: 'c1', text }]),
    );
    assert.equal(reply.status, 400);
    const body = JSON.parse(reply.body) as { error: { code: string; detail?: unknown } };
    assert.deepEqual(body.error.detail, { field: 'text', rule: 'too_long', limit: 16_000, unit: 'characters' });
    assert.equal(counter.calls(), 0);
  });

  it('turns a throwing implementation into a 500 without details', async () => {
    const errors: unknown[] = [];
    counter = countingApi();
    server = await startWebServer({
      api: stubApi({
        networkStatus: () => Promise.reject(new Error('secret detail')),
      }),
      mounts: [],
      onError: (e) => errors.push(e),
    });
    const reply = await send(
      server.port,
      'POST',
      inApp('/api/networkStatus'),
      { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${await launchSession(server)}`, ...json },
      '[]',
    );
    assert.equal(reply.status, 500);
    assert.equal(errorCode(reply), 'INTERNAL');
    assert.doesNotMatch(reply.body, /secret detail/);
    assert.equal(errors.length, 1);
  });

  it('serves static files with the CSP header and nosniff', async () => {
    await start();
    for (const target of [inApp('/'), inApp('/index.html'), inApp('/sub/app.js')]) {
      const reply = await send(server.port, 'GET', target, { Host: host });
      assert.equal(reply.status, 200, target);
      assert.equal(reply.headers['content-security-policy'], CONTENT_SECURITY_POLICY);
      assert.equal(reply.headers['x-content-type-options'], 'nosniff');
    }
    const js = await send(server.port, 'GET', inApp('/sub/app.js'), { Host: host });
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.body, 'console.log(1);');
    const head = await send(server.port, 'HEAD', inApp('/index.html'), { Host: host });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
    assert.match(CONTENT_SECURITY_POLICY, /frame-ancestors 'none'/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('refuses path traversal, encoded dots and separators, absolute paths, symlinks out and unserved types', async () => {
    await start();
    const attempts = [
      '/../outside/secret.html',
      '/sub/../../outside/secret.html',
      '/%2e%2e/outside/secret.html',
      '/%2E%2E/outside/secret.js',
      '/..%2foutside%2fsecret.html',
      '/..%5coutside%5csecret.html',
      '/sub/..%2f..%2foutside/secret.html',
      '/%252e%252e/outside/secret.html',
      '//etc/passwd',
      '/%2fetc%2fpasswd',
      `/${path.join(dir, 'outside', 'secret.html')}`,
      '/link.html',
      '/linkdir/secret.html',
      '/alias.js',
      '/source.ts',
      '/.hidden.js',
      '/index.html%00.js',
      '/sub/',
      '/sub',
      '/%zz.html',
      'index.html',
      `http://evil.example/index.html`,
      '/index.html?x=1',
    ];
    // Each attempt inside the app's path, and as sent (outside it nothing is served).
    const targets = [...attempts.filter((a) => a.startsWith('/')).map(inApp), ...attempts];
    for (const target of targets) {
      const reply = await send(server.port, 'GET', target, { Host: host });
      assert.ok([400, 404].includes(reply.status), `${target}: ${reply.status}`);
      assert.doesNotMatch(reply.body, /SECRET|secret source|hidden/, target);
    }
  });

  it('exchanges the launch token once for a session cookie scoped to the app path, and redirects the token away', async () => {
    counter = countingApi();
    server = await startWebServer({ api: counter.api, mounts: [{ prefix: '/', dir: path.join(dir, 'root') }] });
    host = `127.0.0.1:${server.port}`;
    const wrong = await send(server.port, 'GET', '/?token=nope', { Host: host });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    // Before the launch, the app path answers no API call.
    const early = await send(server.port, 'POST', inApp('/api/networkStatus'), { Host: host, ...json }, '[]');
    assert.equal(early.status, 401);
    const launch = new URL(server.launchUrl);
    const reply = await send(server.port, 'GET', `${launch.pathname}${launch.search}`, { Host: host });
    assert.equal(reply.status, 303);
    assert.equal(reply.headers.location, server.appPath);
    assert.match(server.appPath, /^\/s\/[A-Za-z0-9_-]{43}\/$/);
    const cookie = (reply.headers['set-cookie'] ?? [])[0] ?? '';
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    // Cookies ignore ports: scoped to the app's random path, no other local server is sent it.
    assert.match(cookie, new RegExp(`Path=${server.appPath}(;|$)`));
    const pair = cookie.split(';')[0] ?? '';
    assert.ok(!pair.endsWith(server.token), 'the cookie holds a new secret, not the launch token');
    const call = await send(
      server.port,
      'POST',
      inApp('/api/networkStatus'),
      { Host: host, Cookie: pair, ...json },
      '[]',
    );
    assert.equal(call.status, 200);
    // The same URL a second time (replayed from history, a log or another process) is refused.
    const replay = await send(server.port, 'GET', `${launch.pathname}${launch.search}`, { Host: host });
    assert.equal(replay.status, 401);
    assert.equal(errorCode(replay), 'LAUNCH_USED');
    assert.equal(replay.headers['set-cookie'], undefined);
    // Outside the app path nothing is served, with or without the cookie.
    const outside = await send(server.port, 'POST', '/api/networkStatus', { Host: host, Cookie: pair, ...json }, '[]');
    assert.equal(outside.status, 404);
    assert.equal(counter.calls(), 1);
  });

  it('serves the real AppService: a missing profile is a typed result, not a transport error', async () => {
    await start(createAppService({ devProfilePath: path.join(dir, 'no-profile.json') }));
    const reply = await send(server.port, 'POST', inApp('/api/networkStatus'), { ...auth, ...json }, '[]');
    assert.equal(reply.status, 200);
    const result = JSON.parse(reply.body) as Result<unknown>;
    assert.equal(result.ok ? '' : result.error.code, 'PROFILE_INVALID');
  });

  it('streams push events at /api/events only with the token and a local Host/Origin', async () => {
    const listeners = new Set<(event: ApiEvent) => void>();
    const events: KTalkEvents = {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    counter = countingApi();
    server = await startWebServer({ api: counter.api, events, mounts: [] });
    host = `127.0.0.1:${server.port}`;
    session = await launchSession(server);
    const refused = [
      { Host: host },
      { Host: host, Authorization: `Bearer ${server.token}` },
      { Host: `evil.example:${server.port}`, Authorization: `Bearer ${session}` },
      { Host: host, Origin: 'https://evil.example', Authorization: `Bearer ${session}` },
    ];
    for (const headers of refused) {
      const reply = await send(server.port, 'GET', inApp('/api/events'), headers);
      assert.ok([401, 403, 421].includes(reply.status), JSON.stringify(headers));
    }
    assert.equal(listeners.size, 0);
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: inApp('/api/events'),
          headers: { Host: host, Authorization: `Bearer ${session}` },
          agent: false,
        },
        (res) => {
          assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString('utf8');
            if (text.includes('\n\n') && listeners.size === 1 && !text.includes('data:')) {
              for (const l of listeners) l({ type: 'sync', state: 'connected' });
            }
            if (text.includes('data:')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.match(received, /data: \{"type":"sync","state":"connected"\}\n\n/);
    // The closed stream unsubscribes.
    for (let i = 0; i < 50 && listeners.size > 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(listeners.size, 0);
  });

  it('stops accepting connections on close', async () => {
    await start();
    const port = server.port;
    await server.close();
    await assert.rejects(send(port, 'GET', '/', { Host: host }), /ECONNREFUSED/);
    // afterEach closes again: close must be safe to repeat.
    server = { ...server, close: async () => undefined };
  });
});
