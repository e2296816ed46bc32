import type { ServerResponse } from 'node:http';
import type { InputProblem } from '../../common/api';

// Headers every response carries, and the one error shape the API answers with.

/** No inline scripts or styles, nothing remote, never framed. The Electron shell's app:// answers use it too. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

export type WebErrorCode =
  | 'BAD_HOST'
  | 'BAD_ORIGIN'
  | 'UNAUTHORIZED'
  | 'LAUNCH_USED'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BAD_REQUEST'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'BODY_TOO_LARGE'
  | 'BAD_INPUT'
  | 'INTERNAL';

export interface WebError {
  readonly status: number;
  readonly code: WebErrorCode;
  readonly message: string;
  /** For BAD_INPUT: the field and limit, as the argument schema found them. */
  readonly detail?: InputProblem;
}

export function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: WebError, extra: Record<string, string> = {}): void {
  const detail = error.detail ? { detail: error.detail } : {};
  sendJson(res, error.status, { error: { code: error.code, message: error.message, ...detail } }, extra);
}

export function webError(status: number, code: WebErrorCode, message: string, detail?: InputProblem): WebError {
  return { status, code, message, ...(detail ? { detail } : {}) };
}
