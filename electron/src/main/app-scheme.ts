// The app's own origin. The renderer is served from app://ktalk/ (never
// file://), so it has a real origin that CSP 'self', the IPC sender check
// and the permission handler can all name.

export const APP_SCHEME = 'app';
export const APP_HOST = 'ktalk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Standard (relative URLs, an origin) and secure (like https: for the web platform). */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true } as const;

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** True only for app://ktalk/… (no user info, no port, no other host). */
export function isAppUrl(url: string): boolean {
  const parsed = parse(url);
  return (
    parsed !== null &&
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * What the renderer's session may load at all: our own scheme, inline data
 * and blobs the page made, and DevTools' own pages. Nothing remote, no files.
 */
export function isAllowedRendererRequest(url: string): boolean {
  if (isAppUrl(url)) return true;
  const parsed = parse(url);
  return parsed !== null && ['data:', 'blob:', 'devtools:'].includes(parsed.protocol);
}
