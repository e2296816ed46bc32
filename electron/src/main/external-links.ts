// Links the page cannot follow inside the app (every navigation and new
// window is denied) may open in the user's browser or mail client, but only
// for these schemes: anything else could run code (javascript:), read local
// files (file:), smuggle content (data:), re-enter the app (app:) or send the
// user somewhere unencrypted (http:).

export const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['https:', 'mailto:']);

export type ExternalLinkDecision = { readonly open: true; readonly url: string } | { readonly open: false };

/** Whether shell.openExternal may receive this URL, and in which normalised form. */
export function externalLinkDecision(url: string): ExternalLinkDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { open: false };
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return { open: false };
  // Credentials in a link are a phishing device, never something we pass on.
  if (parsed.username !== '' || parsed.password !== '') return { open: false };
  if (parsed.protocol === 'https:' && parsed.hostname === '') return { open: false };
  // The serialised form is what the OS sees, so no raw control characters survive.
  return { open: true, url: parsed.href };
}
