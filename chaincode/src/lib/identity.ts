import type { Context } from 'fabric-contract-api';
import { ChaincodeError, forbidden } from './errors';
import { ID_PATTERN } from '@ktalk/protocol';

export const ROLES = ['admin', 'staff', 'compliance'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** `<mspId>::<enrollmentId>`: the only user id KTalk ever trusts. */
  readonly userId: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: Role | null;
  /** Org admins with `ktalk.treasury=true` may mint credits. */
  readonly treasury: boolean;
}

export function userIdOf(mspId: string, enrollmentId: string): string {
  return `${mspId}::${enrollmentId}`;
}

export function orgOfUserId(userId: string): string {
  const sep = userId.indexOf('::');
  return sep < 0 ? '' : userId.slice(0, sep);
}

// Fabric CA embeds hf.EnrollmentID in every certificate it issues; the CN is
// the fallback for certificates from other CAs.
export function readCaller(ctx: Context): Caller {
  const identity = ctx.clientIdentity;
  const mspId = identity.getMSPID();
  const enrollmentId = identity.getAttributeValue('hf.EnrollmentID') ?? commonName(identity.getID());
  if (!enrollmentId) throw forbidden('certificate carries no enrollment id');
  const roleAttr = identity.getAttributeValue('ktalk.role');
  const role = ROLES.find((r) => r === roleAttr) ?? null;
  return {
    userId: userIdOf(mspId, enrollmentId),
    mspId,
    enrollmentId,
    role,
    treasury: role === 'admin' && identity.getAttributeValue('ktalk.treasury') === 'true',
  };
}

function commonName(x509Id: string): string | null {
  // getID() looks like "x509::/C=US/.../CN=alice::/C=US/.../CN=ca.org1"
  const subject = x509Id.split('::')[1] ?? '';
  const match = /\/CN=([^/]+)/.exec(subject) ?? /CN=([^,/]+)/.exec(subject);
  return match?.[1] ?? null;
}

export function requireRole(caller: Caller, role: Role): void {
  if (caller.role !== role) {
    throw new ChaincodeError('FORBIDDEN', `requires ktalk.role=${role}`);
  }
}

/** User ids become key segments, so one carrying '|' would break the layout. */
export function keySafe(caller: Caller): Caller {
  if (!ID_PATTERN.test(caller.userId)) throw forbidden('certificate id is not usable as a KTalk user id');
  return caller;
}
