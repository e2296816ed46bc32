// Which links may leave the app, decided once for the Electron main process
// (shell.openExternal), the web mode and the links inside messages: only
// these schemes, since anything else could run code (javascript:), read
// local files (file:), smuggle content (data:), re-enter the app (app:) or
// send the user somewhere unencrypted (http:). Neutral code: URL is global
// in Node and in browsers.

// Global in Node and in browsers; common code compiles without either's type library.
interface ParsedUrl {
  readonly protocol: string;
  readonly username: string;
  readonly password: string;
  readonly hostname: string;
  readonly href: string;
}
declare const URL: new (url: string) => ParsedUrl;

export const EXTERNAL_PROTOCOLS: ReadonlySet<string> = new Set(['https:', 'mailto:']);

export type ExternalLinkDecision = { readonly open: true; readonly url: string } | { readonly open: false };

/** Whether a link may open outside the app, and in which normalised form. */
export function externalLinkDecision(url: string): ExternalLinkDecision {
  let parsed: ParsedUrl;
  try {
    parsed = new URL(url);
  } catch {
    return { open: false };
  }
  if (!EXTERNAL_PROTOCOLS.has(parsed.protocol)) return { open: false };
  // Credentials in a link are a phishing device, never something we pass on.
  if (parsed.username !== '' || parsed.password !== '') return { open: false };
  if (parsed.protocol === 'https:' && parsed.hostname === '') return { open: false };
  // The serialised form is what the OS sees (and what a confirmation shows): no raw control
  // characters survive, and an internationalised host name reads as punycode.
  return { open: true, url: parsed.href };
}
