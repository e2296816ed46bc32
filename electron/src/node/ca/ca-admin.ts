import { randomBytes } from 'node:crypto';
import FabricCAServices from 'fabric-ca-client';
import { User } from 'fabric-common';
import { z } from 'zod';
import { certificateAttributes, certificateCommonName } from '../../shared/cert-attributes';

// Identity provisioning against an organisation's Fabric CA: what an org
// admin does to onboard, and to revoke, a member of staff.

export const KTALK_ROLES = ['admin', 'staff', 'compliance'] as const;
export type KTalkRole = (typeof KTALK_ROLES)[number];

export interface CaEndpoint {
  readonly url: string;
  readonly caName: string;
  readonly tlsRootPem: string;
  readonly mspId: string;
}

export interface Enrollment {
  readonly enrollmentId: string;
  readonly mspId: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export type CaErrorCode = 'CA_UNREACHABLE' | 'CA_REFUSED' | 'CA_BAD_RESPONSE' | 'BAD_INPUT';

export class CaError extends Error {
  constructor(
    readonly code: CaErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaError';
  }
}

const enrollmentIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9._-]{1,63}$/, 'enrollment id: 2-64 chars, lowercase letters, digits, . _ -');
const roleSchema = z.enum(KTALK_ROLES);

const enrollResponseSchema = z.object({
  certificate: z.string().includes('BEGIN CERTIFICATE'),
  key: z.object({ toBytes: z.function() }),
});

function services(endpoint: CaEndpoint): FabricCAServices {
  return new FabricCAServices(endpoint.url, { trustedRoots: [endpoint.tlsRootPem], verify: true }, endpoint.caName);
}

function wrapCaFailure(error: unknown, action: string): CaError {
  const message = error instanceof Error ? error.message : String(error);
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|socket hang up/.test(message)) {
    return new CaError('CA_UNREACHABLE', `${action}: CA unreachable (${message})`);
  }
  return new CaError('CA_REFUSED', `${action}: ${message}`);
}

/** Enrolls an identity and checks the CA answered with a certificate for it. */
export async function enroll(endpoint: CaEndpoint, enrollmentId: string, secret: string): Promise<Enrollment> {
  const id = enrollmentIdSchema.safeParse(enrollmentId);
  if (!id.success && enrollmentId !== 'admin') throw new CaError('BAD_INPUT', id.error.issues[0]?.message ?? 'bad id');
  let raw: unknown;
  try {
    raw = await services(endpoint).enroll({ enrollmentID: enrollmentId, enrollmentSecret: secret });
  } catch (error) {
    throw wrapCaFailure(error, `enroll ${enrollmentId}`);
  }
  const response = enrollResponseSchema.safeParse(raw);
  if (!response.success) throw new CaError('CA_BAD_RESPONSE', `enroll ${enrollmentId}: CA response has no certificate`);
  const certificatePem = response.data.certificate;
  const cn = certificateCommonName(certificatePem);
  if (cn !== enrollmentId) {
    throw new CaError('CA_BAD_RESPONSE', `enroll ${enrollmentId}: CA issued a certificate for ${cn ?? 'nobody'}`);
  }
  const keyBytes = (raw as { key: { toBytes(): string } }).key.toBytes();
  return { enrollmentId, mspId: endpoint.mspId, certificatePem, privateKeyPem: keyBytes };
}

export class CaAdmin {
  private constructor(
    private readonly endpoint: CaEndpoint,
    private readonly registrar: User,
  ) {}

  static async connect(endpoint: CaEndpoint, registrarId: string, registrarSecret: string): Promise<CaAdmin> {
    const registrar = await enroll(endpoint, registrarId, registrarSecret);
    const user = User.createUser(
      registrarId,
      registrarSecret,
      endpoint.mspId,
      registrar.certificatePem,
      registrar.privateKeyPem,
    );
    return new CaAdmin(endpoint, user);
  }

  /** Registers a staff identity whose certificate will carry ktalk.role. Returns the one-time secret. */
  async register(enrollmentId: string, role: KTalkRole, extraAttrs: Record<string, string> = {}): Promise<string> {
    const id = enrollmentIdSchema.safeParse(enrollmentId);
    if (!id.success) throw new CaError('BAD_INPUT', id.error.issues[0]?.message ?? 'bad id');
    if (!roleSchema.safeParse(role).success) throw new CaError('BAD_INPUT', `unknown role ${String(role)}`);
    const secret = randomBytes(18).toString('base64url');
    const attrs = Object.entries({ 'ktalk.role': role, ...extraAttrs }).map(([name, value]) => ({
      name,
      value,
      ecert: true,
    }));
    try {
      await services(this.endpoint).register(
        { enrollmentID: enrollmentId, enrollmentSecret: secret, role: 'client', affiliation: '', attrs },
        this.registrar,
      );
    } catch (error) {
      throw wrapCaFailure(error, `register ${enrollmentId}`);
    }
    return secret;
  }

  /** Enrolls and verifies the certificate carries the role the identity was registered with. */
  async enrollWithRole(enrollmentId: string, secret: string, role: KTalkRole): Promise<Enrollment> {
    const enrollment = await enroll(this.endpoint, enrollmentId, secret);
    const granted = certificateAttributes(enrollment.certificatePem)['ktalk.role'];
    if (granted !== role) {
      throw new CaError(
        'CA_BAD_RESPONSE',
        `certificate for ${enrollmentId} carries ktalk.role=${granted ?? 'none'}, expected ${role}`,
      );
    }
    return enrollment;
  }

  async revoke(enrollmentId: string, reason = 'keycompromise'): Promise<void> {
    try {
      // gencrl makes the CA publish a fresh CRL that peers can be given.
      const request: FabricCAServices.IRevokeRequest & { gencrl: boolean } = {
        enrollmentID: enrollmentId,
        reason,
        gencrl: true,
      };
      await services(this.endpoint).revoke(request, this.registrar);
    } catch (error) {
      throw wrapCaFailure(error, `revoke ${enrollmentId}`);
    }
  }
}
