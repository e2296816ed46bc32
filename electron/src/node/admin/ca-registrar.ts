import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { z } from 'zod';
import { type OrganizationProfile, organizationOf } from '../../common/connection-profile';
import { certificateCommonName } from '../../shared/cert-attributes';
import type { GatewayIdentity } from '../fabric/gateway';
import { AdminError } from './errors';

// The org admin at its org's CA, acting with its own enrollment (the CA
// checks its hf.Registrar.* / hf.Revoker / hf.GenCRL attributes), as a
// desktop app must: it never holds the CA bootstrap registrar's password.
// Every CA answer is validated before use.

export interface CaAttribute {
  readonly name: string;
  readonly value: string;
}

export interface CaIdentity {
  readonly id: string;
  readonly type: string;
  readonly affiliation: string;
  readonly attrs: readonly CaAttribute[];
  readonly maxEnrollments: number;
}

export interface CaRegistration {
  readonly enrollmentId: string;
  readonly secret: string;
  readonly affiliation: string;
  readonly attrs: readonly CaAttribute[];
  readonly maxEnrollments: number;
}

/** What the CA answered, as far as the admin uses it (fabric-ca's JSON names). */
export const caIdentitySchema = z
  .object({
    id: z.string().min(1),
    type: z.string(),
    affiliation: z.string(),
    attrs: z
      .array(z.object({ name: z.string(), value: z.string() }).loose())
      .nullish()
      .transform((a) => a ?? []),
    max_enrollments: z.number().int(),
  })
  .loose();

export const identitiesResponseSchema = z
  .object({ result: z.object({ identities: z.array(caIdentitySchema).nullish() }).loose() })
  .loose();

export const identityResponseSchema = z.object({ result: caIdentitySchema }).loose();

export const certificatesResponseSchema = z
  .object({
    result: z
      .object({ certs: z.array(z.object({ PEM: z.string().includes('BEGIN CERTIFICATE') }).loose()).nullish() })
      .loose(),
  })
  .loose();

/** generateCRL answers the CRL as base64 of its PEM. */
export const crlResponseSchema = z
  .string()
  .min(1)
  .transform((b64) => Buffer.from(b64, 'base64').toString('utf8'))
  .refine((pem) => pem.includes('-----BEGIN X509 CRL-----'), 'not a PEM X509 CRL');

export const registerResponseSchema = z.string().min(1);

function parse<T>(schema: z.ZodType<T>, raw: unknown, what: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new AdminError(
      'CA_REFUSED',
      `${what}: unexpected CA answer (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    );
  }
  return parsed.data;
}

const caErrorSchema = z
  .object({ errors: z.array(z.object({ code: z.number(), message: z.string() }).loose()) })
  .loose();

// fabric-ca error codes (lib/caerrors): 71 authorization failure, 20
// authentication failure (the caller's own certificate is refused), 74
// duplicate registration; lookups of unknown identities fail with 10, 49, 63.
const FORBIDDEN_CODES = new Set([20, 71]);
const NOT_FOUND_CODES = new Set([10, 49, 63]);

/** A typed error for a failed CA call. */
export function caFailure(error: unknown, what: string): AdminError {
  if (error instanceof AdminError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|CONNECTION Timeout/i.test(message)) {
    return new AdminError('CA_UNREACHABLE', `${what}: the CA is unreachable (${message})`, error);
  }
  const codes = caErrorSchema.safeParse(error).data?.errors.map((e) => e.code) ?? [];
  if (codes.some((c) => FORBIDDEN_CODES.has(c))) {
    return new AdminError('FORBIDDEN', `${what}: the CA refused this identity the right (${message})`, error);
  }
  if (codes.includes(74) || /already registered/i.test(message)) {
    return new AdminError('ALREADY_REGISTERED', `${what}: already registered (${message})`, error);
  }
  if (codes.some((c) => NOT_FOUND_CODES.has(c)) || /not found|does not exist/i.test(message)) {
    return new AdminError('NOT_FOUND', `${what}: no such identity at the CA (${message})`, error);
  }
  return new AdminError('CA_REFUSED', `${what}: ${message}`, error);
}

export interface CaRegistrar {
  readonly org: OrganizationProfile;
  register(registration: CaRegistration): Promise<void>;
  getIdentity(enrollmentId: string): Promise<CaIdentity>;
  listIdentities(): Promise<CaIdentity[]>;
  /** PEMs of the certificates the CA issued (to one identity when `enrollmentId` is given). */
  listCertificates(filter: { enrollmentId?: string; notRevoked?: boolean }): Promise<string[]>;
  updateSecret(enrollmentId: string, secret: string, maxEnrollments: number): Promise<void>;
  /** Revokes every certificate of the identity (the CA also bars it from enrolling again). */
  revoke(enrollmentId: string): Promise<void>;
  /** The CA's current CRL (PEM): every certificate it has revoked that has not expired. */
  generateCrl(): Promise<string>;
}

const toIdentity = (raw: z.infer<typeof caIdentitySchema>): CaIdentity => ({
  id: raw.id,
  type: raw.type,
  affiliation: raw.affiliation,
  attrs: raw.attrs.map((a) => ({ name: a.name, value: a.value })),
  maxEnrollments: raw.max_enrollments,
});

/** The org's CA as `identity` (an enrollment of that org), reached through the profile's CA URL and TLS root. */
export function caRegistrar(org: OrganizationProfile, identity: GatewayIdentity, enrollmentId: string): CaRegistrar {
  const services = new FabricCAServices(
    org.ca.url,
    { trustedRoots: [org.ca.tlsRootCertificate], verify: true },
    org.ca.name,
  );
  const user = User.createUser(enrollmentId, '', identity.mspId, identity.certificatePem, identity.privateKeyPem);
  const call = async <T>(what: string, run: () => Promise<unknown>, schema: z.ZodType<T>): Promise<T> => {
    let raw: unknown;
    try {
      raw = await run();
    } catch (error) {
      throw caFailure(error, what);
    }
    return parse(schema, raw, what);
  };
  return {
    org,
    async register(r) {
      await call(
        `register ${r.enrollmentId}`,
        () =>
          services.register(
            {
              enrollmentID: r.enrollmentId,
              enrollmentSecret: r.secret,
              role: 'client',
              affiliation: r.affiliation,
              maxEnrollments: r.maxEnrollments,
              attrs: r.attrs.map((a) => ({ ...a, ecert: true })),
            },
            user,
          ),
        registerResponseSchema,
      );
    },
    async getIdentity(id) {
      const answer = await call(
        `look up ${id}`,
        () => services.newIdentityService().getOne(id, user),
        identityResponseSchema,
      );
      return toIdentity(answer.result);
    },
    async listIdentities() {
      const answer = await call(
        'list identities',
        () => services.newIdentityService().getAll(user),
        identitiesResponseSchema,
      );
      return (answer.result.identities ?? []).map(toIdentity);
    },
    async listCertificates(filter) {
      const request = {
        ...(filter.enrollmentId ? { id: filter.enrollmentId } : {}),
        ...(filter.notRevoked ? { notrevoked: true } : {}),
      };
      // The typings lack the certificate service; fabric-ca-client ships it.
      const certificates = (
        services as unknown as { newCertificateService(): { getCertificates(r: object, u: User): Promise<unknown> } }
      ).newCertificateService();
      const answer = await call(
        'list certificates',
        () => certificates.getCertificates(request, user),
        certificatesResponseSchema,
      );
      return (answer.result.certs ?? []).map((c) => c.PEM);
    },
    async updateSecret(id, secret, maxEnrollments) {
      await call(
        `re-issue the secret of ${id}`,
        // An empty affiliation means "unchanged" to the identity service.
        () =>
          services
            .newIdentityService()
            .update(id, { enrollmentID: id, affiliation: '', enrollmentSecret: secret, maxEnrollments }, user),
        z.object({ success: z.literal(true) }).loose(),
      );
    },
    async revoke(id) {
      await call(
        `revoke ${id}`,
        () => services.revoke({ enrollmentID: id, reason: 'keycompromise' }, user),
        z.object({ success: z.literal(true) }).loose(),
      );
    },
    async generateCrl() {
      return call('generate the CRL', () => services.generateCRL({}, user), crlResponseSchema);
    },
  };
}

/** The registrar for the signed-in admin's own org. */
export function sessionRegistrar(session: {
  readonly profile: Parameters<typeof organizationOf>[0];
  readonly identity: GatewayIdentity;
  readonly account: { readonly enrollmentId: string };
}): CaRegistrar {
  return caRegistrar(
    organizationOf(session.profile, session.identity.mspId),
    session.identity,
    session.account.enrollmentId,
  );
}

/** The enrollment id a Fabric CA certificate was issued to (its CN). */
export function certificateOwner(pem: string): string | null {
  try {
    return certificateCommonName(pem);
  } catch {
    return null;
  }
}
