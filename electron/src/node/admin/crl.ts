// Just enough DER to read a CRL's issuer and revoked serial numbers (RFC
// 5280 TBSCertList). Node parses certificates but not CRLs, and the admin
// needs to know whether the channel's CRL already covers what the CA has
// revoked: each fresh CRL from the CA has new dates, so bytes never match.

export interface CrlSummary {
  /** DER of the issuer Name, hex. */
  readonly issuer: string;
  /** Revoked certificate serial numbers, lowercase hex without leading zeros. */
  readonly serials: ReadonlySet<string>;
}

export class CrlParseError extends Error {
  override readonly name = 'CrlParseError';
}

interface Tlv {
  readonly tag: number;
  /** Where the element (its tag) begins. */
  readonly head: number;
  /** Start of the value. */
  readonly start: number;
  /** End of the value (exclusive). */
  readonly end: number;
}

function readTlv(der: Uint8Array, at: number, limit: number): Tlv {
  if (at + 2 > limit) throw new CrlParseError('truncated DER');
  const tag = der[at] ?? 0;
  let length = der[at + 1] ?? 0;
  let start = at + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 4 || start + count > limit) throw new CrlParseError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  if (start + length > limit) throw new CrlParseError('DER value runs past its container');
  return { tag, head: at, start, end: start + length };
}

function children(der: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const tlv = readTlv(der, at, parent.end);
    out.push(tlv);
    at = tlv.end;
  }
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const SEQUENCE = 0x30;
const INTEGER = 0x02;
const isTime = (tag: number) => tag === 0x17 || tag === 0x18;

/** The DER bytes of the first X509 CRL in `pem` (or `pem` itself when already DER). */
export function crlDer(pem: Uint8Array | string): Uint8Array {
  const text = typeof pem === 'string' ? pem : Buffer.from(pem).toString('latin1');
  const match = /-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+)-----END X509 CRL-----/.exec(text);
  if (match?.[1]) return Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  if (typeof pem !== 'string' && pem[0] === SEQUENCE) return pem;
  throw new CrlParseError('not an X509 CRL');
}

export function parseCrl(pem: Uint8Array | string): CrlSummary {
  const der = crlDer(pem);
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== SEQUENCE || outer.end !== der.length) throw new CrlParseError('a CRL is one DER SEQUENCE');
  const tbs = children(der, outer)[0];
  if (tbs?.tag !== SEQUENCE) throw new CrlParseError('no TBSCertList');
  const fields = children(der, tbs);
  let i = fields[0]?.tag === INTEGER ? 1 : 0; // optional version
  const signature = fields[i++];
  const issuer = fields[i++];
  const thisUpdate = fields[i++];
  if (signature?.tag !== SEQUENCE || issuer?.tag !== SEQUENCE || !thisUpdate || !isTime(thisUpdate.tag)) {
    throw new CrlParseError('malformed TBSCertList');
  }
  if (fields[i] && isTime(fields[i]?.tag ?? 0)) i++; // optional nextUpdate
  const serials = new Set<string>();
  const revoked = fields[i];
  if (revoked?.tag === SEQUENCE) {
    for (const entry of children(der, revoked)) {
      const serial = entry.tag === SEQUENCE ? children(der, entry)[0] : undefined;
      if (serial?.tag !== INTEGER) throw new CrlParseError('revoked entry without a serial number');
      serials.add(BigInt(`0x${hex(der.subarray(serial.start, serial.end)) || '0'}`).toString(16));
    }
  }
  return { issuer: hex(der.subarray(issuer.head, issuer.end)), serials };
}

/** True when every serial `fresh` revokes is also revoked by some CRL in `current` from the same issuer. */
export function crlsCover(current: readonly CrlSummary[], fresh: CrlSummary): boolean {
  const known = new Set(current.filter((c) => c.issuer === fresh.issuer).flatMap((c) => [...c.serials]));
  return [...fresh.serials].every((serial) => known.has(serial));
}
