import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveAppRequest } from '../src/main/app-protocol';
import { APP_ROOT, rendererMounts } from '../src/node/web/renderer-mounts';
import { CONTENT_SECURITY_POLICY } from '../src/node/web/responses';
import type { StaticMount } from '../src/node/web/static-files';

// app://ktalk/ answers, through the same function protocol.handle calls,
// from a temporary renderer directory with traps around it.

const REQUIRED_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
];

describe('app:// protocol', () => {
  let root: string;
  let mounts: StaticMount[];
  const get = (url: string, method = 'GET') => serveAppRequest({ url, method }, mounts);

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'ktalk-app-protocol-'));
    const dist = path.join(root, 'renderer-dist');
    await mkdir(path.join(dist, 'assets'), { recursive: true });
    await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>KTalk</title>');
    await writeFile(path.join(dist, 'assets', 'index-1a2b.js'), 'console.log(1);');
    await writeFile(path.join(dist, 'assets', 'index-1a2b.css'), 'body{}');
    await writeFile(path.join(dist, 'assets', 'inter.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
    await writeFile(path.join(dist, 'assets', 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(path.join(dist, 'main.ts'), 'source');
    await writeFile(path.join(dist, '.env'), 'SECRET=1');
    await writeFile(path.join(root, 'secret.js'), 'outside');
    await symlink(path.join(root, 'secret.js'), path.join(dist, 'assets', 'link.js'));
    mounts = [{ prefix: '/', dir: dist }];
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('serves the renderer with the right MIME types', async () => {
    const cases: [string, string, string][] = [
      ['app://ktalk/index.html', 'text/html; charset=utf-8', '<!doctype html><title>KTalk</title>'],
      ['app://ktalk/', 'text/html; charset=utf-8', '<!doctype html><title>KTalk</title>'],
      ['app://ktalk/assets/index-1a2b.js', 'text/javascript; charset=utf-8', 'console.log(1);'],
      ['app://ktalk/assets/index-1a2b.css?v=2', 'text/css; charset=utf-8', 'body{}'],
      ['app://ktalk/assets/logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"/>'],
    ];
    for (const [url, type, body] of cases) {
      const reply = await get(url);
      assert.equal(reply.status, 200, url);
      assert.equal(reply.headers.get('content-type'), type, url);
      assert.equal(await reply.text(), body, url);
    }
    const font = await get('app://ktalk/assets/inter.woff2');
    assert.equal(font.headers.get('content-type'), 'font/woff2');
    assert.equal(font.headers.get('content-length'), '4');
  });

  it('every answer carries the CSP, found or not', async () => {
    for (const url of ['app://ktalk/index.html', 'app://ktalk/missing.js', 'app://evil/index.html']) {
      const reply = await get(url);
      assert.equal(reply.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY, url);
      assert.equal(reply.headers.get('x-content-type-options'), 'nosniff', url);
    }
    const directives = CONTENT_SECURITY_POLICY.split(';').map((d) => d.trim());
    for (const required of REQUIRED_CSP) assert.ok(directives.includes(required), required);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('404s anything outside the renderer directory or not a served type', async () => {
    for (const url of [
      'app://ktalk/../secret.js',
      'app://ktalk/%2e%2e/secret.js',
      'app://ktalk/assets/%2e%2e%2f%2e%2e%2fsecret.js',
      'app://ktalk/assets/..%2f..%2fsecret.js',
      'app://ktalk/assets/..%5c..%5csecret.js',
      'app://ktalk//etc/passwd',
      'app://ktalk/assets/link.js',
      'app://ktalk/main.ts',
      'app://ktalk/.env',
      'app://ktalk/assets/',
      'app://ktalk/missing.html',
      'app://ktalk/index.html%00.js',
      'app://other/index.html',
      'app://ktalk:1/index.html',
      'file:///etc/passwd',
      'https://ktalk/index.html',
    ]) {
      const reply = await get(url);
      assert.equal(reply.status, 404, url);
      assert.doesNotMatch(await reply.text(), /outside|SECRET|source/, url);
    }
  });

  it('answers only GET and HEAD', async () => {
    const head = await get('app://ktalk/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    assert.equal(head.headers.get('content-length'), '35');
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const reply = await get('app://ktalk/index.html', method);
      assert.equal(reply.status, 405, method);
      assert.equal(reply.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
    }
  });

  it('the shell serves the directory Vite builds the renderer into, and only that', () => {
    assert.deepEqual(rendererMounts(), [{ prefix: '/', dir: path.join(APP_ROOT, 'build', 'renderer-dist') }]);
  });
});
