import { z } from 'zod';

// The connection profile: what a client needs to reach one KTalk network the
// way a real deployment would (no repository paths, no dev topology). The
// network tooling writes it and the app checks it on every load. Neutral
// code: the renderer may show it; certificate parsing proper is in
// electron/src/node/profile.

export const PROFILE_FORMAT = 'ktalk-connection-profile';
export const PROFILE_VERSION = 1;
/** Where, relative to the repository, the dev network's tooling leaves its profile for the app. */
export const DEV_PROFILE_RELATIVE_PATH = '.ktalk/connection-profile.json';
/** Far above any real profile; stops a wrong file from being read whole. */
export const MAX_PROFILE_BYTES = 1024 * 1024;

export type ProfileErrorCode =
  | 'NOT_FOUND'
  | 'UNREADABLE'
  | 'TOO_LARGE'
  | 'BAD_JSON'
  | 'UNSUPPORTED_FORMAT'
  | 'MISSING_FIELD'
  | 'BAD_FIELD'
  | 'UNKNOWN_FIELD'
  | 'MISSING_ORG'
  | 'DUPLICATE_ORG'
  | 'BAD_PEM'
  | 'BAD_ENDPOINT'
  | 'BAD_URL';

export class ProfileError extends Error {
  override readonly name = 'ProfileError';

  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    /** Dotted path of the offending field, when there is one. */
    readonly field?: string,
  ) {
    super(`${code}: ${message}`);
  }
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END CERTIFICATE-----/g;
const PEM_BUNDLE =
  /^\s*(?:-----BEGIN CERTIFICATE-----\r?\n(?:[A-Za-z0-9+/]+={0,2}\r?\n)+-----END CERTIFICATE-----\s*)+$/;
const MAX_PEM_CHARS = 64 * 1024;

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Strict base64 (padded) to bytes; null when malformed. No Node or DOM here, hence by hand. */
function decodeBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = [0, 1, 2, 3].map((k) => (text[i + k] === '=' ? 0 : B64.indexOf(text[i + k] ?? '')));
    const v = ((n[0] ?? 0) << 18) | ((n[1] ?? 0) << 12) | ((n[2] ?? 0) << 6) | (n[3] ?? 0);
    for (const byte of [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]) if (o < out.length) out[o++] = byte;
  }
  return out;
}

/** A DER SEQUENCE whose length header covers the bytes exactly (an X.509 certificate's outer shape). */
function isDerSequence(der: Uint8Array): boolean {
  if (der.length < 64 || der[0] !== 0x30) return false;
  const first = der[1] ?? 0;
  if (first < 0x80) return 2 + first === der.length;
  const count = first & 0x7f;
  if (count < 1 || count > 3) return false;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (der[2 + i] ?? 0);
  return 2 + count + length === der.length;
}

/** The certificate blocks of a PEM bundle, each as its own PEM text. */
export function certificatePemBlocks(pem: string): string[] {
  return [...pem.matchAll(PEM_BLOCK)].map((m) => m[0]);
}

/** Syntax only: one or more CERTIFICATE blocks of well-formed base64 DER. */
export function isCertificatePem(pem: string): boolean {
  if (pem.length > MAX_PEM_CHARS || !PEM_BUNDLE.test(pem)) return false;
  const bodies = [...pem.matchAll(PEM_BLOCK)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
  return (
    bodies.length > 0 &&
    bodies.every((b) => {
      const der = decodeBase64(b);
      return der !== null && isDerSequence(der);
    })
  );
}

const coded = (code: ProfileErrorCode) => ({ params: { profileCode: code } });

const pem = z.string().refine(isCertificatePem, {
  message: 'must be PEM: one or more -----BEGIN CERTIFICATE----- blocks of base64 DER',
  ...coded('BAD_PEM'),
});

const HOST = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)`;
const validPort = (port: string | undefined) => port === undefined || (Number(port) >= 1 && Number(port) <= 65535);

const endpoint = z.string().refine(
  (s) => {
    const m = new RegExp(`^${HOST}:(\\d{1,5})$`).exec(s);
    return m !== null && m[1] !== undefined && validPort(m[1]);
  },
  { message: 'must be host:port (port 1-65535)', ...coded('BAD_ENDPOINT') },
);

const caUrl = z.string().refine(
  (s) => {
    const m = new RegExp(`^https://${HOST}(?::(\\d{1,5}))?/?$`).exec(s);
    return m !== null && validPort(m[1]);
  },
  { message: 'must be https://host[:port] (the CA is always reached over TLS)', ...coded('BAD_URL') },
);

const dnsName = z
  .string()
  .regex(
    /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/,
    'must be a DNS name (the name in the server certificate)',
  );

const identifier = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 chars of [A-Za-z0-9._-]');

export const organizationSchema = z.strictObject({
  mspId: identifier,
  gateway: z.strictObject({
    /** Where the org's peer serves the Fabric Gateway. */
    endpoint,
    /** The name in the peer's TLS certificate (TLS server names must not be IP addresses). */
    tlsServerName: dnsName,
    tlsRootCertificate: pem,
  }),
  ca: z.strictObject({
    url: caUrl,
    name: identifier,
    tlsRootCertificate: pem,
  }),
});

/** An ordering service node; clients reach it only to broadcast channel config updates (an org admin's CRL). */
export const ordererSchema = z.strictObject({
  endpoint,
  tlsServerName: dnsName,
  tlsRootCertificate: pem,
});

export const connectionProfileSchema = z.strictObject({
  format: z.literal(PROFILE_FORMAT),
  version: z.literal(PROFILE_VERSION),
  /** Names the network; imported profiles are stored under it. */
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be 1-64 chars of [a-z0-9_-], starting alphanumeric'),
  channel: z.string().regex(/^[a-z][a-z0-9.-]{0,248}$/, 'must be a Fabric channel name'),
  chaincode: z.string().regex(/^[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/, 'must be a Fabric chaincode name'),
  organizations: z
    .array(organizationSchema)
    .max(64)
    .refine((orgs) => orgs.length > 0, { message: 'needs at least one organization', ...coded('MISSING_ORG') })
    .refine((orgs) => new Set(orgs.map((o) => o.mspId)).size === orgs.length, {
      message: 'each mspId may appear once',
      ...coded('DUPLICATE_ORG'),
    }),
  /**
   * Optional, so version 1 profiles without it stay valid: only an org
   * admin's revocation (a channel config update) needs the orderers.
   */
  orderers: z.array(ordererSchema).min(1).max(64).optional(),
});

export type ConnectionProfile = z.infer<typeof connectionProfileSchema>;
export type OrganizationProfile = z.infer<typeof organizationSchema>;
export type OrdererProfile = z.infer<typeof ordererSchema>;

/** Keys that name JavaScript object internals; a profile never has them. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let at = root;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

function issueCode(issue: z.core.$ZodIssue, raw: unknown): ProfileErrorCode {
  if (issue.code === 'unrecognized_keys') return 'UNKNOWN_FIELD';
  const params = (issue as { params?: { profileCode?: ProfileErrorCode } }).params;
  if (params?.profileCode) return params.profileCode;
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return 'MISSING_FIELD';
  return 'BAD_FIELD';
}

/** Validates an already parsed JSON value. */
export function validateConnectionProfile(raw: unknown): ConnectionProfile {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ProfileError('BAD_FIELD', 'a connection profile is a JSON object');
  }
  const { format, version } = raw as { format?: unknown; version?: unknown };
  if (format !== PROFILE_FORMAT || version !== PROFILE_VERSION) {
    throw new ProfileError(
      'UNSUPPORTED_FORMAT',
      `expected format "${PROFILE_FORMAT}" version ${PROFILE_VERSION}, got ${JSON.stringify(format)} version ${JSON.stringify(version)}`,
    );
  }
  const result = connectionProfileSchema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new ProfileError('BAD_FIELD', 'invalid connection profile');
  const field = issue.path.map(String).join('.');
  const what = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
  throw new ProfileError(issueCode(issue, raw), `${field || 'profile'}: ${what}`, field || undefined);
}

/** Parses and validates profile text: the edge where a file or an import becomes trusted data. */
export function parseConnectionProfile(text: string): ConnectionProfile {
  if (text.length > MAX_PROFILE_BYTES) throw new ProfileError('TOO_LARGE', `more than ${MAX_PROFILE_BYTES} bytes`);
  let raw: unknown;
  const reserved: string[] = [];
  try {
    raw = JSON.parse(text, (key: string, value: unknown) => {
      if (RESERVED_KEYS.has(key)) reserved.push(key);
      return value;
    });
  } catch (error) {
    throw new ProfileError('BAD_JSON', `not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  // zod would let "__proto__" slip past a strict object unseen.
  if (reserved.length > 0) throw new ProfileError('UNKNOWN_FIELD', `reserved key "${reserved[0]}"`);
  return validateConnectionProfile(raw);
}

/** The profile entry for one organization, or MISSING_ORG. */
export function organizationOf(profile: ConnectionProfile, mspId: string): OrganizationProfile {
  const org = profile.organizations.find((o) => o.mspId === mspId);
  if (!org) {
    const known = profile.organizations.map((o) => o.mspId).join(', ');
    throw new ProfileError('MISSING_ORG', `profile ${profile.name} has no organization ${mspId} (it has ${known})`);
  }
  return org;
}
