import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { IdentityRow, Role } from '../../common/api';
import { COMPLIANCE_AFFILIATION } from '../../shared/cert-attributes';
import type { ClientSession } from '../session/client-session';
import { type CaIdentity, certificateOwner, sessionRegistrar } from './ca-registrar';
import { AdminError, adminFailure } from './errors';

// Register, re-issue a secret, list: the org admin's identity management at
// its own org's CA, joined with what the KTalk directory says.

export const ROLES: readonly Role[] = ['staff', 'admin', 'compliance'];
const enrollmentId = z.string().regex(/^[a-z][a-z0-9._-]{1,63}$/, 'must be 2-64 lowercase letters, digits or ._-');
export const registerInputSchema = z.strictObject({ enrollmentId, role: z.enum(['staff', 'admin', 'compliance']) });
export const enrollmentInputSchema = z.strictObject({ enrollmentId });

export function parseInput<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AdminError('BAD_INPUT', `${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** A one-time enrollment secret: 144 random bits. */
const newSecret = () => randomBytes(18).toString('base64url');

/** What the admin operations use of a ClientSession. */
export type AdminSession = Pick<ClientSession, 'profile' | 'identity' | 'ledger'> & {
  readonly account: Pick<ClientSession['account'], 'enrollmentId'>;
};

/**
 * Registers a client identity whose certificate will carry ktalk.role, with
 * a random secret good for one enrollment; the secret is returned once and
 * kept nowhere. Compliance officers get the compliance affiliation (their
 * certificates then carry OU=compliance, which the channel's block readers
 * policy recognises).
 */
export async function adminRegister(
  session: AdminSession,
  input: { enrollmentId: string; role: Role },
): Promise<{ enrollmentId: string; secret: string }> {
  const request = parseInput(registerInputSchema, input);
  const secret = newSecret();
  await sessionRegistrar(session).register({
    enrollmentId: request.enrollmentId,
    secret,
    affiliation: request.role === 'compliance' ? COMPLIANCE_AFFILIATION : '',
    attrs: [{ name: 'ktalk.role', value: request.role }],
    maxEnrollments: 1,
  });
  return { enrollmentId: request.enrollmentId, secret };
}

export interface CaRevocationState {
  readonly certificates: number;
  readonly revoked: boolean;
}

/**
 * fabric-ca reports no identity state, only certificates: an identity is
 * revoked when it has certificates and none of them is unrevoked (revoking
 * an identity revokes all its certificates). One revoked before it ever
 * enrolled has none, so it shows as active; it still cannot enroll.
 */
export function revocationStates(
  allPems: readonly string[],
  unrevokedPems: readonly string[],
): Map<string, CaRevocationState> {
  const count = (pems: readonly string[]) => {
    const counts = new Map<string, number>();
    for (const pem of pems) {
      const owner = certificateOwner(pem);
      if (owner) counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    return counts;
  };
  const all = count(allPems);
  const live = count(unrevokedPems);
  return new Map(
    [...all].map(([owner, certificates]) => [owner, { certificates, revoked: (live.get(owner) ?? 0) === 0 }]),
  );
}

/**
 * A new secret for an identity that is not revoked. fabric-ca counts
 * enrollments and cannot reset the count, and tells nobody its value; each
 * enrollment issues one certificate, so the certificates issued so far
 * plus one lets the new secret enroll (once, unless the user also renewed).
 */
export async function adminReissueSecret(
  session: AdminSession,
  input: { enrollmentId: string },
): Promise<{ enrollmentId: string; secret: string }> {
  const request = parseInput(enrollmentInputSchema, input);
  const registrar = sessionRegistrar(session);
  await registrar.getIdentity(request.enrollmentId);
  const [all, live] = await Promise.all([
    registrar.listCertificates({ enrollmentId: request.enrollmentId }),
    registrar.listCertificates({ enrollmentId: request.enrollmentId, notRevoked: true }),
  ]);
  const state = revocationStates(all, live).get(request.enrollmentId);
  if (state?.revoked) {
    throw new AdminError('CERT_REVOKED', `${request.enrollmentId} is revoked; a revoked identity never enrolls again`);
  }
  const secret = newSecret();
  await registrar.updateSecret(request.enrollmentId, secret, (state?.certificates ?? 0) + 1);
  return { enrollmentId: request.enrollmentId, secret };
}

const DIRECTORY_PAGE = 100;
const MAX_DIRECTORY_PAGES = 1_000;

/** Every directory entry of the org: userId -> status. */
async function orgDirectory(session: AdminSession): Promise<Map<string, 'active' | 'disabled'>> {
  const statuses = new Map<string, 'active' | 'disabled'>();
  let bookmark: string | undefined;
  for (let page = 0; page < MAX_DIRECTORY_PAGES; page++) {
    const answer = await session.ledger.evaluate('directory', 'ListOrgDirectory', {
      mspId: session.identity.mspId,
      pageSize: DIRECTORY_PAGE,
      ...(bookmark ? { bookmark } : {}),
    });
    for (const user of answer.users) statuses.set(user.userId, user.status);
    if (answer.users.length < DIRECTORY_PAGE || !answer.bookmark || answer.bookmark === bookmark) return statuses;
    bookmark = answer.bookmark;
  }
  throw new AdminError(
    'INTERNAL',
    `the directory of ${session.identity.mspId} did not end after ${MAX_DIRECTORY_PAGES} pages`,
  );
}

function roleOf(identity: CaIdentity): Role | undefined {
  const value = identity.attrs.find((a) => a.name === 'ktalk.role')?.value;
  return ROLES.find((r) => r === value);
}

/**
 * The identities the admin manages at its CA (fabric-ca shows a registrar
 * the types it may register, here clients), with their CA revocation state
 * and their status in the KTalk directory. Only the caller's org.
 */
export async function adminListIdentities(session: AdminSession): Promise<IdentityRow[]> {
  const registrar = sessionRegistrar(session);
  const [identities, all, live] = await Promise.all([
    registrar.listIdentities(),
    registrar.listCertificates({}),
    registrar.listCertificates({ notRevoked: true }),
  ]);
  let directory: Map<string, 'active' | 'disabled'>;
  try {
    directory = await orgDirectory(session);
  } catch (error) {
    throw adminFailure(error, 'read the directory');
  }
  const states = revocationStates(all, live);
  return identities
    .map((identity): IdentityRow => {
      const userId = `${session.identity.mspId}::${identity.id}`;
      const role = roleOf(identity);
      return {
        enrollmentId: identity.id,
        userId,
        ...(role ? { role } : {}),
        type: identity.type,
        caState: states.get(identity.id)?.revoked ? 'revoked' : 'active',
        directory: directory.get(userId) ?? 'not-published',
      };
    })
    .sort((a, b) => a.enrollmentId.localeCompare(b.enrollmentId));
}

/** The people among them: the CA also lists its bootstrap registrar and node identities, which carry no KTalk role. */
export async function adminListPeople(session: AdminSession): Promise<IdentityRow[]> {
  return (await adminListIdentities(session)).filter((row) => row.role !== undefined);
}
