import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import FabricCAServices from 'fabric-ca-client';
import { User, Utils } from 'fabric-common';
import {
  type ConnectionProfile,
  type OrganizationProfile,
  certificatePemBlocks,
  organizationOf,
} from '../../common/connection-profile';
import { certificateAttributes, certificateCommonName } from '../../shared/cert-attributes';
import { KTALK_ROLES, type KTalkRole } from '../ca/ca-admin';
import { WalletError } from './errors';
import { type Account, ENROLLMENT_ID, accountId } from './wallet-data';
import type { Wallet } from './wallet';

// A user joins with the enrollment id and one-time secret their org admin
// gave them. fabric-ca-client makes the key pair and the CSR here, so the
// private key never leaves this machine; only the CSR goes to the CA. What
// the CA answers is checked before anything is stored.

export interface IssuedIdentity {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly caChainPem: string;
  readonly role: KTalkRole;
}

function caServices(org: OrganizationProfile, withKeyStore = false): FabricCAServices {
  // Re-enrollment's generateKey() insists on a key store; an in-memory one keeps nothing on disk.
  const suite = Utils.newCryptoSuite();
  if (withKeyStore) suite.setCryptoKeyStore(Utils.newCryptoKeyStore());
  return new FabricCAServices(
    org.ca.url,
    { trustedRoots: [org.ca.tlsRootCertificate], verify: true },
    org.ca.name,
    suite,
  );
}

function caFailure(error: unknown, action: string): WalletError {
  const message = error instanceof Error ? error.message : String(error);
  return new WalletError('BAD_ENROLLMENT', `${action}: ${message}`);
}

const spki = (key: ReturnType<typeof createPublicKey>) => key.export({ type: 'spki', format: 'der' });

/**
 * Checks a certificate the CA issued: it parses, names the enrollment id,
 * certifies our key, is valid now, chains to the CA that issued the first
 * certificate (when one is pinned) and carries a KTalk role.
 */
export function checkIssuedIdentity(input: {
  readonly enrollmentId: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  readonly caChainPem: string;
  /** The chain from the first enrollment: a renewal must come from the same CA. */
  readonly pinnedCaChainPem?: string;
  readonly now?: Date;
}): IssuedIdentity {
  const bad = (why: string) => new WalletError('BAD_ENROLLMENT', `certificate for ${input.enrollmentId}: ${why}`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(input.certificatePem);
  } catch {
    throw bad('the CA answer is not an X.509 certificate');
  }
  if (certificateCommonName(input.certificatePem) !== input.enrollmentId) throw bad(`it names ${cert.subject}`);
  const enrolledAs = certificateAttributes(input.certificatePem)['hf.EnrollmentID'];
  if (enrolledAs !== undefined && enrolledAs !== input.enrollmentId) throw bad(`hf.EnrollmentID is ${enrolledAs}`);
  let ourKey: Buffer;
  try {
    ourKey = spki(createPublicKey(createPrivateKey(input.privateKeyPem)));
  } catch {
    throw bad('the private key does not parse');
  }
  if (!spki(cert.publicKey).equals(ourKey)) throw bad('it does not certify the key made for it');
  const now = input.now ?? new Date();
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) throw bad('it is not valid now');
  const chain = (pem: string) => certificatePemBlocks(pem).map((b) => new X509Certificate(b));
  let issuers: X509Certificate[];
  try {
    issuers = chain(input.pinnedCaChainPem ?? input.caChainPem);
  } catch {
    throw bad('the CA chain does not parse');
  }
  if (!issuers.some((ca) => cert.checkIssued(ca) && cert.verify(ca.publicKey))) {
    throw bad(
      input.pinnedCaChainPem ? 'it was not issued by the CA of the first enrollment' : 'the CA chain did not issue it',
    );
  }
  const role = certificateAttributes(input.certificatePem)['ktalk.role'];
  const known = KTALK_ROLES.find((r) => r === role);
  if (!known) throw bad(`ktalk.role is ${role ?? 'missing'}; the org admin must register the user with a role`);
  return {
    certificatePem: input.certificatePem,
    privateKeyPem: input.privateKeyPem,
    caChainPem: input.caChainPem,
    role: known,
  };
}

/** Enrolls with the org's CA (key and CSR made here) and checks the answer. */
export async function enrollIdentity(
  org: OrganizationProfile,
  enrollmentId: string,
  secret: string,
): Promise<IssuedIdentity> {
  if (!ENROLLMENT_ID.test(enrollmentId)) throw new WalletError('BAD_INPUT', `bad enrollment id ${enrollmentId}`);
  if (typeof secret !== 'string' || secret.length === 0) throw new WalletError('BAD_INPUT', 'the secret is empty');
  let response: FabricCAServices.IEnrollResponse;
  try {
    response = await caServices(org).enroll({ enrollmentID: enrollmentId, enrollmentSecret: secret });
  } catch (error) {
    throw caFailure(error, `enroll ${enrollmentId} at ${org.ca.name}`);
  }
  return checkIssuedIdentity({
    enrollmentId,
    certificatePem: String(response.certificate),
    privateKeyPem: response.key.toBytes(),
    caChainPem: String(response.rootCertificate),
  });
}

/** Enrolls and stores the identity as a new wallet account on `profile`'s org `mspId`. */
export async function enrollAccount(
  wallet: Wallet,
  profile: ConnectionProfile,
  mspId: string,
  enrollmentId: string,
  secret: string,
  options: { activate?: boolean } = {},
): Promise<Account> {
  const org = organizationOf(profile, mspId);
  const id = accountId(profile.name, org.mspId, enrollmentId);
  if (wallet.list().some((a) => a.id === id)) throw new WalletError('DUPLICATE_ACCOUNT', `${id} is already here`);
  const issued = await enrollIdentity(org, enrollmentId, secret);
  const account: Account = {
    id,
    profile: profile.name,
    mspId: org.mspId,
    enrollmentId,
    role: issued.role,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem,
    caChainPem: issued.caChainPem,
    enrolledAt: Date.now(),
    messagingKeys: [],
  };
  await wallet.addAccount(account, options);
  return account;
}

// ---- Renewal -------------------------------------------------------------

export interface RenewalPolicy {
  /** Renew when at most this long is left... */
  readonly maxRemainingMs: number;
  /** ...or at most this share of the lifetime, whichever comes later (short-lived certificates). */
  readonly remainingFraction: number;
}

/** 30 days before expiry; for certificates living under 150 days, at 20% of their lifetime. */
export const DEFAULT_RENEWAL: RenewalPolicy = { maxRemainingMs: 30 * 24 * 3600 * 1000, remainingFraction: 0.2 };

export interface Validity {
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/** Whether a certificate with this validity should be renewed at `now`. */
export function renewalDue(validity: Validity, now: Date, policy: RenewalPolicy = DEFAULT_RENEWAL): boolean {
  const lifetime = validity.notAfter.getTime() - validity.notBefore.getTime();
  const remaining = validity.notAfter.getTime() - now.getTime();
  const threshold = Math.min(policy.maxRemainingMs, lifetime * policy.remainingFraction);
  return remaining <= threshold;
}

export function certificateValidity(certificatePem: string): Validity {
  const cert = new X509Certificate(certificatePem);
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/**
 * Re-enrolls the account when its certificate is due (or when forced): a new
 * key pair and CSR here, signed by the current identity, checked, then the
 * certificate and key replaced together in one wallet write. If any step
 * fails the wallet keeps the old, still valid, identity.
 */
export async function renewIfDue(
  wallet: Wallet,
  profile: ConnectionProfile,
  id: string,
  options: { now?: Date; policy?: RenewalPolicy; force?: boolean } = {},
): Promise<'renewed' | 'not-due'> {
  const account = wallet.account(id);
  if (account.profile !== profile.name) {
    throw new WalletError('BAD_INPUT', `${id} belongs to profile ${account.profile}, not ${profile.name}`);
  }
  const now = options.now ?? new Date();
  if (!options.force && !renewalDue(certificateValidity(account.certificatePem), now, options.policy)) {
    return 'not-due';
  }
  const org = organizationOf(profile, account.mspId);
  const current = User.createUser(
    account.enrollmentId,
    '',
    account.mspId,
    account.certificatePem,
    account.privateKeyPem,
  );
  let response: FabricCAServices.IEnrollResponse;
  try {
    // No attribute requests: the CA then adds every `ecert` attribute at its
    // registered value. An empty list (which the typings demand) means none.
    const services = caServices(org, true);
    const reenroll = services.reenroll.bind(services) as (user: User) => Promise<FabricCAServices.IEnrollResponse>;
    response = await reenroll(current);
  } catch (error) {
    throw caFailure(error, `re-enroll ${account.enrollmentId} at ${org.ca.name}`);
  }
  const issued = checkIssuedIdentity({
    enrollmentId: account.enrollmentId,
    certificatePem: String(response.certificate),
    privateKeyPem: response.key.toBytes(),
    caChainPem: String(response.rootCertificate),
    pinnedCaChainPem: account.caChainPem,
  });
  await wallet.updateAccount(id, (a) => ({
    ...a,
    role: issued.role,
    certificatePem: issued.certificatePem,
    privateKeyPem: issued.privateKeyPem,
    enrolledAt: Date.now(),
  }));
  return 'renewed';
}
