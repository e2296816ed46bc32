import { readFile } from 'node:fs/promises';
import { SECURITY_HEADERS } from '../node/web/responses';
import { type StaticMount, resolveStatic } from '../node/web/static-files';
import { isAppUrl } from './app-scheme';

// Answers app://ktalk/… requests from the built renderer. main.ts passes the
// web mode's rendererMounts(), so both modes serve one directory with one
// set of path checks (plain segments, allowed types, realpath inside the
// directory) and one set of security headers, CSP included, on every
// response. URL in, Response out: it runs under plain Node in tests.

export interface AppRequest {
  readonly url: string;
  readonly method: string;
}

type Body = ConstructorParameters<typeof Response>[0];

function answer(status: number, body: Body, headers: Record<string, string> = {}): Response {
  return new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
}

const notFound = (): Response => answer(404, 'not found', { 'Content-Type': 'text/plain; charset=utf-8' });

export async function serveAppRequest(request: AppRequest, mounts: readonly StaticMount[]): Promise<Response> {
  if (!isAppUrl(request.url)) return notFound();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return answer(405, 'method not allowed', { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' });
  }
  const file = await resolveStatic(mounts, new URL(request.url).pathname);
  if (!file) return notFound();
  const type = { 'Content-Type': file.contentType };
  if (request.method === 'HEAD') return answer(200, null, { ...type, 'Content-Length': String(file.size) });
  let data: Buffer;
  try {
    // Renderer files are small bundles; reading them whole keeps the Response simple.
    data = await readFile(file.file);
  } catch {
    return notFound();
  }
  return answer(200, data, { ...type, 'Content-Length': String(data.length) });
}
