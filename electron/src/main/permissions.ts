import { isAppUrl } from './app-scheme';

// The page may ask for one permission, desktop notifications, and only from
// our own origin. Camera, microphone, geolocation, clipboard, screen capture,
// openExternal (links go through external-links.ts instead) and anything
// newer are refused.

export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['notifications']);

export function permissionGranted(permission: string, requestingUrl: string): boolean {
  return GRANTED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}
