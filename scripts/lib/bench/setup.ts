import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import { bootstrapSecret, caPaths, caUrl } from '../../../network/src/ca/ca-server';
import { CHAINCODE_NAME, CHANNEL, type Org, type PeerNode, type Topology } from '../../../network/src/topology';
import { CaAdmin } from '../../../electron/src/node/ca/ca-admin';
import { type GatewayIdentity, connectGateway } from '../../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../identities';
import { KTalkSession, gatewayErrorText } from '../ktalk-session';

// Everything the workloads need before Caliper starts, done the way the app
// does it: fresh users registered and enrolled with their org's CA by its
// bootstrap admin, keys published, groups created by one of their members,
// balances minted by each org's treasury admin to its own users.

export interface BenchUser extends GatewayIdentity {
  /** Enrollment id, also the identity's name in Caliper's network config. */
  readonly name: string;
  /** `<mspId>::<enrollmentId>`, as the chaincode names users. */
  readonly userId: string;
  readonly org: Org;
}

export interface BenchPlan {
  readonly users: readonly BenchUser[];
  /** Member indices into users; the first member created the group. */
  readonly groups: ReadonlyArray<{ readonly id: string; readonly members: readonly number[] }>;
  /** Disjoint (Org1 user, Org2 user) index pairs, both minted a balance. */
  readonly pairs: ReadonlyArray<readonly [number, number]>;
}

export const PLAN_SHAPE = { groups: 100, groupSize: 5, pairs: 100 } as const;
export const MINTED = 1_000_000;
/** Size of a sealed group key (chaincode WRAPPED_KEY_BYTES). */
const WRAPPED_KEY_BYTES = 80;
/**
 * An event tag is an HMAC over the transaction id under the conversation
 * key (scripts/lib/event-tag.ts); the chaincode checks only its form, so
 * setup and workloads send random tags of the right size.
 */
const EVENT_TAG_BYTES = 32;
const CA_CONCURRENCY = 8;
const TX_CONCURRENCY = 50;

const b64 = (bytes: number): string => randomBytes(bytes).toString('base64');

/** Runs fn over items with at most `limit` calls in flight; results in input order. */
export async function pool<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>) {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** The CA's SQLite store can refuse a write under concurrent registrations; those are retried. */
async function retried<T>(what: string, fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (attempt >= attempts) throw new Error(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
}

/** Setup transactions are not retried: a failure there is a bug to see, with the peers' reasons. */
async function described<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new Error(`${what}: ${gatewayErrorText(error)}`);
  }
}

/**
 * One gRPC connection per peer, shared by every identity (as Caliper's
 * connector does); each user gets a Gateway on its own org's peer.
 */
export class PeerClients {
  private constructor(
    private readonly topology: Topology,
    private readonly clients: ReadonlyMap<string, grpc.Client>,
  ) {}

  static async open(dataDir: string, topology: Topology): Promise<PeerClients> {
    const clients = new Map<string, grpc.Client>();
    for (const peer of topology.peers) {
      const endpoint = await peerEndpoint(dataDir, topology, peer);
      const options = endpoint.hostOverride ? { 'grpc.ssl_target_name_override': endpoint.hostOverride } : {};
      clients.set(
        peer.org,
        new grpc.Client(endpoint.address, grpc.credentials.createSsl(Buffer.from(endpoint.tlsRootPem)), options),
      );
    }
    return new PeerClients(topology, clients);
  }

  peerOf(org: Org): PeerNode {
    const peer = this.topology.peers.find((p) => p.org === org.name);
    if (!peer) throw new Error(`no peer for ${org.name}`);
    return peer;
  }

  /** A session for `identity` on its org's peer; closing it leaves the shared connection open. */
  session(identity: GatewayIdentity, org: Org): KTalkSession {
    const client = this.clients.get(org.name);
    if (!client) throw new Error(`no connection to ${org.name}'s peer`);
    const gateway = connectGateway(client, identity);
    return new KTalkSession({ gateway, client, close: () => gateway.close() });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}

/**
 * fabric-ca-client adds a 'timeout' listener to the socket of every request
 * and never removes it; over Node 20's keep-alive global agent, hundreds of
 * registrations reuse a few sockets and trip MaxListenersExceededWarning. One
 * connection per CA request avoids that (this process talks HTTPS to the CAs
 * only; gRPC has its own transport).
 */
function oneConnectionPerCaRequest(): void {
  const https = require('node:https') as typeof import('node:https');
  https.globalAgent = new https.Agent({ keepAlive: false });
}

/** Registers and enrolls `count` staff users, alternating Org1 and Org2. */
async function enrollUsers(dataDir: string, topology: Topology, count: number): Promise<BenchUser[]> {
  oneConnectionPerCaRequest();
  const admins = new Map<string, CaAdmin>();
  for (const org of topology.peerOrgs) {
    const paths = caPaths(dataDir, org.ca);
    const endpoint = {
      url: caUrl(org.ca),
      caName: org.ca.name,
      tlsRootPem: await readFile(paths.caCert, 'utf8'),
      mspId: org.mspId,
    };
    admins.set(org.name, await CaAdmin.connect(endpoint, 'admin', await bootstrapSecret(paths)));
  }
  const slots = Array.from({ length: count }, (_, i) => i);
  return pool(slots, CA_CONCURRENCY, async (i) => {
    const org = topology.peerOrgs[i % topology.peerOrgs.length] as Org;
    const admin = admins.get(org.name) as CaAdmin;
    const name = `bu${i.toString().padStart(3, '0')}`;
    const secret = await retried(`register ${name}`, () => admin.register(name, 'staff'));
    const enrollment = await retried(`enroll ${name}`, () => admin.enrollWithRole(name, secret, 'staff'));
    return { ...enrollment, name, userId: `${org.mspId}::${name}`, org };
  });
}

export interface SetupResult {
  readonly plan: BenchPlan;
  /** Counts of what was done, for the log. */
  readonly summary: string;
}

/**
 * Users for 100 groups of 5 (members 5g..5g+4, Org1 and Org2 alternating);
 * the first 200 also form the 100 transfer pairs (2p in Org1, 2p+1 in Org2).
 */
export async function setUp(
  dataDir: string,
  topology: Topology,
  clients: PeerClients,
  log: (line: string) => void,
): Promise<SetupResult> {
  const count = PLAN_SHAPE.groups * PLAN_SHAPE.groupSize;
  let started = Date.now();
  const users = await enrollUsers(dataDir, topology, count);
  log(`registered and enrolled ${users.length} users with the org CAs (${Date.now() - started} ms)`);

  const sessions = users.map((u) => clients.session(u, u.org));
  const submit = (who: number, contract: string, tx: string, request: unknown) =>
    described(`${contract}.${tx} as ${users[who]?.name}`, () =>
      (sessions[who] as KTalkSession).submit(contract, tx, request),
    );
  try {
    started = Date.now();
    await pool(users, TX_CONCURRENCY, (_, i) =>
      submit(i, 'directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) }),
    );
    log(`${users.length} × directory.PublishKeys (${Date.now() - started} ms)`);

    const groups = Array.from({ length: PLAN_SHAPE.groups }, (_, g) => ({
      id: `bench-g${g.toString().padStart(3, '0')}`,
      members: Array.from({ length: PLAN_SHAPE.groupSize }, (_, k) => g * PLAN_SHAPE.groupSize + k),
    }));
    started = Date.now();
    await pool(groups, TX_CONCURRENCY, async (group) => {
      const [creator, ...others] = group.members.map((i) => users[i] as BenchUser);
      if (!creator) throw new Error('empty group');
      await submit(group.members[0] as number, 'groups', 'CreateGroup', {
        groupId: group.id,
        policy: {
          whoCanPost: 'members',
          whoCanInvite: 'admins',
          retentionSeconds: 0,
          paymentsAllowed: false,
          crossOrg: true,
        },
        members: others.map((u) => ({ userId: u.userId, role: 'member' })),
        wrappedKeys: Object.fromEntries([creator, ...others].map((u) => [u.userId, b64(WRAPPED_KEY_BYTES)])),
        eventTag: b64(EVENT_TAG_BYTES),
      });
    });
    log(`${groups.length} × groups.CreateGroup of ${PLAN_SHAPE.groupSize} members (${Date.now() - started} ms)`);

    const pairs = Array.from({ length: PLAN_SHAPE.pairs }, (_, p) => [2 * p, 2 * p + 1] as const);
    const treasury = new Map<string, KTalkSession>();
    for (const org of topology.peerOrgs) {
      const admin = `${org.name.toLowerCase()}admin`;
      treasury.set(org.name, clients.session(await devIdentity(dataDir, org, admin), org));
    }
    started = Date.now();
    try {
      await pool(pairs.flat(), TX_CONCURRENCY, (i) => {
        const user = users[i] as BenchUser;
        return described(`payments.Mint to ${user.name}`, () =>
          (treasury.get(user.org.name) as KTalkSession).submit('payments', 'Mint', {
            toUserId: user.userId,
            amount: MINTED,
          }),
        );
      });
    } finally {
      for (const session of treasury.values()) session.close();
    }
    log(`${pairs.length * 2} × payments.Mint by org1admin/org2admin (${Date.now() - started} ms)`);
    return {
      plan: { users, groups, pairs },
      summary: `${users.length} users, ${groups.length} groups × ${PLAN_SHAPE.groupSize}, ${pairs.length} pairs`,
    };
  } finally {
    for (const session of sessions) session.close();
  }
}

/** Block number of a bench.Put sent now: the workloads' transactions lie strictly between two such markers. */
export async function markBlock(clients: PeerClients, user: BenchUser, label: string): Promise<bigint> {
  const session = clients.session(user, user.org);
  try {
    const contract = session.connection.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, 'bench');
    const request = JSON.stringify({ key: `marker-${label}-${randomBytes(4).toString('hex')}`, value: label });
    const submitted = await contract.submitAsync('Put', { arguments: [request] });
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`marker ${label} failed validation: code ${status.code}`);
    return status.blockNumber;
  } finally {
    session.close();
  }
}
