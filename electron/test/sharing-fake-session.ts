import type { ResponseOf } from '@ktalk/protocol';
import type { ApiEvent } from '../src/common/api';
import { generateIdentity } from '../src/node/crypto';
import { DirectoryError, type DirectoryClient, type DirectoryUser } from '../src/node/fabric/directory';
import { LedgerError, parseAnswer, responseSchema, type LedgerClient, type Transient } from '../src/node/ledger';
import type { ClientSession } from '../src/node/session/client-session';
import type { Account, MessagingKey } from '../src/node/wallet';
import { scratchDir } from '../../network/test/support/scratch-dir';

// A stand-in session for the sharing and payments unit tests: the ledger is
// a script of handlers per `contract.transaction` that answer JSON (parsed
// against the caller's schema exactly as the real client does), and every
// call is recorded so a test can prove that bad input sent nothing.

export interface LedgerCall {
  readonly kind: 'submit' | 'evaluate';
  readonly name: string;
  readonly request: unknown;
  readonly transient?: Transient;
}

export type Handler = (request: unknown, transient?: Transient) => unknown;

export interface FakeSession extends ClientSession {
  readonly calls: LedgerCall[];
  readonly events: ApiEvent[];
  readonly handlers: Map<string, Handler>;
  /** This user's X25519 secret key (for checking what was sealed to them). */
  readonly secretKey: Uint8Array;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export async function messagingKeyPair(): Promise<MessagingKey> {
  const identity = await generateIdentity();
  return {
    encryptionPublicKey: b64(identity.encryption.publicKey),
    encryptionSecretKey: b64(identity.encryption.secretKey),
    signingPublicKey: b64(identity.signing.publicKey),
    signingSecretKey: b64(identity.signing.secretKey),
    createdAt: 0,
    validFrom: 1,
  };
}

/** A chaincode refusal as the ledger client throws it. */
export const refusal = (code: LedgerError['code'], text = 'refused') => new LedgerError(code, `${code}: ${text}`);

export async function fakeSession(
  userId: string,
  options: { directory?: Record<string, DirectoryUser>; olderKeys?: MessagingKey[] } = {},
): Promise<FakeSession> {
  const key = await messagingKeyPair();
  const calls: LedgerCall[] = [];
  const events: ApiEvent[] = [];
  const handlers = new Map<string, Handler>();
  const run = (kind: LedgerCall['kind'], name: string, request: unknown, transient?: Transient): unknown => {
    calls.push({ kind, name, request, ...(transient ? { transient } : {}) });
    const handler = handlers.get(name);
    if (!handler) throw new Error(`unexpected ledger call ${name}`);
    return handler(request, transient);
  };
  const answer = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value)));

  const ledger: LedgerClient = {
    async submit(contract, transaction, request, transient) {
      const result = answer(run('submit', `${contract}.${transaction}`, request, transient));
      return { result, transactionId: `tx-${calls.length}`, blockNumber: 1n, attempts: 1 };
    },
    submitProposal() {
      return Promise.reject(new Error('not used by these services'));
    },
    async evaluate(contract, transaction, request) {
      const name = `${contract}.${transaction}`;
      return parseAnswer(answer(run('evaluate', name, request)), responseSchema(contract, transaction), name);
    },
  };
  const directory: DirectoryClient = {
    publishKeys: () => Promise.reject(new Error('not used')),
    getUser: async (id) => {
      const user = options.directory?.[id];
      if (!user) throw new DirectoryError('NOT_FOUND', `${id} not found`);
      return user;
    },
    getKeysAt: () => Promise.reject(new Error('not used')),
    vetoKeyChange: () => Promise.reject(new Error('not used')),
  };
  const [mspId = '', enrollmentId = ''] = userId.split('::');
  const account = {
    id: userId,
    profile: 'dev',
    mspId,
    enrollmentId,
    role: 'staff',
    certificatePem: '',
    privateKeyPem: '',
    caChainPem: '',
    enrolledAt: 0,
    messagingKeys: [...(options.olderKeys ?? []), key],
  } as unknown as Account;
  const dataDir = await scratchDir('ktalk-sharing-unit-');
  return {
    profile: {} as ClientSession['profile'],
    profileName: 'dev',
    account,
    userId,
    role: 'staff',
    treasury: false,
    identity: { mspId, certificatePem: '', privateKeyPem: '' },
    connection: {} as ClientSession['connection'],
    ledger,
    directory,
    messagingKey: () => key,
    messagingKeyAt: () => key,
    allMessagingKeys: () => [...(options.olderKeys ?? []), key],
    dataDir,
    emit: (event) => events.push(event),
    calls,
    events,
    handlers,
    secretKey: new Uint8Array(Buffer.from(key.encryptionSecretKey, 'base64')),
  };
}

/** The directory record of a user with freshly generated keys, and that user's secret key. */
export async function directoryUser(userId: string): Promise<{ record: DirectoryUser; secretKey: Uint8Array }> {
  const key = await messagingKeyPair();
  const [mspId = '', enrollmentId = ''] = userId.split('::');
  return {
    record: {
      userId,
      mspId,
      enrollmentId,
      registeredAt: 0,
      status: 'active',
      encryptionKey: key.encryptionPublicKey,
      signingKey: key.signingPublicKey,
      keysSince: 1,
    },
    secretKey: new Uint8Array(Buffer.from(key.encryptionSecretKey, 'base64')),
  };
}

type GroupView = ResponseOf<'groups', 'GetGroup'>;

/** A complete groups.GetGroup answer (the protocol's response schema checks every field), with `overrides` applied. */
export function groupView(
  overrides: Partial<Omit<GroupView, 'policy'>> & { policy?: Partial<GroupView['policy']> } = {},
): GroupView {
  const { policy, ...rest } = overrides;
  return {
    conversationId: 'g1',
    kind: 'group',
    creator: 'Org1MSP::alice',
    creatorOrg: 'Org1MSP',
    createdAt: 1,
    updatedAt: 1,
    policyVersion: 1,
    epoch: 1,
    memberCount: 2,
    memberOrgs: ['Org1MSP'],
    rekeyRequired: false,
    myRole: 'owner',
    ...rest,
    policy: {
      whoCanPost: 'members',
      whoCanInvite: 'admins',
      retentionSeconds: 0,
      paymentsAllowed: true,
      crossOrg: false,
      ...policy,
    },
  };
}
