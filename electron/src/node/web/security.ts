import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

// Who may talk to the local web server: only the client that used this
// launch's one-time token (and so holds the session secret it was exchanged
// for), addressed by our exact host and port, from our own origin.

/** 32 random bytes (256 bits), base64url: fresh on every launch, never stored. */
export function newLaunchToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The session secret the launch token is exchanged for (the cookie's value), and the path secret. */
export const newSessionSecret = newLaunchToken;

/**
 * Where the app lives once launched: a path holding its own random segment.
 * Cookies ignore ports, so any server on 127.0.0.1 would receive a cookie
 * scoped to "/"; scoped to this path, the browser sends it only to requests
 * under a path no other server is ever asked for.
 */
export function appScope(pathSecret: string): string {
  return `/s/${pathSecret}/`;
}

/** Constant-time equality; a length mismatch is also answered without early exit on content. */
export function tokensEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  // Compare against ourselves on a length mismatch so timing does not depend on where they differ.
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}

/** The exact Host values we answer to; anything else may be a rebound DNS name. */
export function allowedHosts(port: number): ReadonlySet<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

/** The validated Host header, or null. Node joins duplicate Host headers, which then fail too. */
export function checkHost(headers: IncomingHttpHeaders, port: number): string | null {
  const host = headers.host;
  return host !== undefined && allowedHosts(port).has(host) ? host : null;
}

/**
 * An Origin, when sent, must be the origin the browser addressed us by
 * (scheme http, same host and port). "null" and every other origin are refused.
 */
export function originAllowed(headers: IncomingHttpHeaders, host: string): boolean {
  const origin = headers.origin;
  return origin === undefined || origin === `http://${host}`;
}

export const COOKIE_PREFIX = 'ktalk_session_';

/** One cookie per port: cookies ignore ports, so two launches must not overwrite each other. */
export function cookieName(port: number): string {
  return `${COOKIE_PREFIX}${port}`;
}

export function sessionCookie(port: number, secret: string, scope: string): string {
  return `${cookieName(port)}=${secret}; Path=${scope}; HttpOnly; SameSite=Strict`;
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (header === undefined) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The secret a request presents: `Authorization: Bearer <secret>` or our session cookie. */
export function presentedToken(headers: IncomingHttpHeaders, port: number): string | null {
  const auth = headers.authorization;
  if (auth !== undefined) {
    const match = /^Bearer ([A-Za-z0-9_-]{1,256})$/.exec(auth);
    return match?.[1] ?? null;
  }
  return cookieValue(headers.cookie, cookieName(port));
}

/** True when the request presents the session secret (none exists before the launch URL was used). */
export function hasValidSession(headers: IncomingHttpHeaders, port: number, secret: string | null): boolean {
  const given = presentedToken(headers, port);
  return secret !== null && given !== null && tokensEqual(secret, given);
}
