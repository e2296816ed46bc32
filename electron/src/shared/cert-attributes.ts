import { X509Certificate } from 'node:crypto';

// Fabric CA writes requested attributes into a certificate extension
// (OID 1.2.3.4.5.6.7.8.1) whose value is the JSON {"attrs": {...}}. Node's
// X509Certificate does not expose custom extensions, so read the DER bytes.
const MARKER = Buffer.from('{"attrs":');

export function certificateAttributes(pem: string): Record<string, string> {
  const der = new X509Certificate(pem).raw;
  const start = der.indexOf(MARKER);
  if (start < 0) return {};
  let depth = 0;
  for (let i = start; i < der.length; i++) {
    const ch = der[i];
    if (ch === 0x7b) depth++;
    else if (ch === 0x7d && --depth === 0) {
      const parsed: unknown = JSON.parse(der.subarray(start, i + 1).toString('utf8'));
      const attrs = (parsed as { attrs?: unknown }).attrs;
      if (attrs === null || typeof attrs !== 'object') return {};
      return Object.fromEntries(Object.entries(attrs).filter((e): e is [string, string] => typeof e[1] === 'string'));
    }
  }
  return {};
}

/** The OU values Fabric CA writes from the identity type (client, peer, admin, orderer). */
export function certificateOrganizationalUnits(pem: string): string[] {
  // A multi-valued RDN (Fabric CA's type plus affiliation) reads "OU=client + OU=compliance".
  return new X509Certificate(pem).subject
    .split('\n')
    .flatMap((line) => line.split(' + '))
    .filter((part) => part.startsWith('OU='))
    .map((part) => part.slice(3));
}

export function certificateCommonName(pem: string): string | null {
  const line = new X509Certificate(pem).subject.split('\n').find((l) => l.startsWith('CN='));
  return line ? line.slice(3) : null;
}

/**
 * Compliance officers are registered with this affiliation, so the org CA
 * writes OU=compliance into their certificates: the channel's block-reader
 * policy recognises them by it (ktalk.role=compliance is for the chaincode).
 */
export const COMPLIANCE_AFFILIATION = 'compliance';
