import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KTalkApi } from '../../common/api';
import { dispatchApi, isApiMethod, parseApiArgs } from '../../common/api-args';
import { type WebError, sendError, sendJson, webError } from './responses';

// POST /api/<operation> with a JSON array of arguments (empty body = no
// arguments). Arguments go through the same schemas as Electron IPC; the
// implementation's Result comes back as-is with 200, and everything the
// transport refuses is {error: {code, message}} with a 4xx status.

export const API_PREFIX = '/api/';
/** Far above any argument list the API takes; bounds memory per request. */
// Shared files travel base64 in the body (8 MiB of file is ~11 MiB of JSON).
export const MAX_BODY_BYTES = 12 * 1024 * 1024;

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | WebError> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve(webError(413, 'BODY_TOO_LARGE', `body over ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        // Stop buffering; the response below closes the connection.
        req.removeAllListeners('data');
        req.pause();
        resolve(webError(413, 'BODY_TOO_LARGE', `body over ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function parseArgsJson(body: Buffer): unknown[] | WebError {
  if (body.length === 0) return [];
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return webError(400, 'BAD_REQUEST', 'body is not valid JSON');
  }
  return Array.isArray(value)
    ? (value as unknown[])
    : webError(400, 'BAD_INPUT', 'body must be a JSON array of arguments');
}

function isJson(req: IncomingMessage): boolean {
  const type = req.headers['content-type'];
  return type !== undefined && /^application\/json\s*(;\s*charset=utf-8\s*)?$/i.test(type);
}

/** Handles an authenticated request under /api/. */
export async function handleApi(api: KTalkApi, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  if (!isApiMethod(name)) return sendError(res, webError(404, 'NOT_FOUND', 'no such operation'));
  if (req.method !== 'POST') {
    return sendError(res, webError(405, 'METHOD_NOT_ALLOWED', 'use POST'), { Allow: 'POST' });
  }
  // A form cannot send application/json cross-origin without a preflight we never answer.
  if (!isJson(req)) {
    return sendError(res, webError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json'));
  }
  const body = await readBody(req, MAX_BODY_BYTES);
  if (!Buffer.isBuffer(body)) return sendError(res, body, { Connection: 'close' });
  const raw = parseArgsJson(body);
  if (!Array.isArray(raw)) return sendError(res, raw);
  const call = parseApiArgs(name, raw);
  if (!call.ok) return sendError(res, webError(400, 'BAD_INPUT', call.error.message, call.error.detail));
  sendJson(res, 200, await dispatchApi(api, call.value));
}
