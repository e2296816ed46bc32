import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import type { Gateway, Network, Status, Transaction } from '@hyperledger/fabric-gateway';
import { type NetworkContext, up } from '../../../network/src/network';
import { CHAINCODE_NAME, CHANNEL } from '../../../network/src/topology';
import { openGateway } from '../../../electron/src/node/fabric/gateway';
import { proposalWithTxId } from '../../lib/event-tag';
import { devIdentity, peerEndpoint } from '../../lib/identities';
import { KTalkSession, type Transient, chaincodeErrorCode, gatewayErrorText } from '../../lib/ktalk-session';
import { withClockOffset } from './clock-offset';
import { type LiveNetwork, liveNetwork } from './live-network';

// Drives every KTalk transaction on a live network: each user has a gateway
// session on their own org's peer, every successful submit is awaited on
// both orgs' peers, and each refusal is checked by reading state back as
// another user before and after the attempt.

/** The development users network:up enrolls, by org index (0 = Org1, 1 = Org2). */
export const USERS = {
  alice: 0,
  carol: 0,
  org1admin: 0,
  auditor1: 0,
  bob: 1,
  dave: 1,
  org2admin: 1,
  auditor2: 1,
} as const;
export type User = keyof typeof USERS;

const MSP = ['Org1MSP', 'Org2MSP'] as const;
export const uid = (user: User): string => `${MSP[USERS[user]]}::${user}`;

export const b64 = (bytes: number): string => randomBytes(bytes).toString('base64');
/**
 * A well-formed event tag (32 bytes) for suites that do not test recognition;
 * security-contracts.integration computes real ones (scripts/lib/event-tag.ts).
 */
export const TAG = b64(32);
/** 80-byte sealed boxes of a group key, one per member. */
export const sealedFor = (...users: User[]): Record<string, string> =>
  Object.fromEntries(users.map((u) => [uid(u), b64(80)]));
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
export const sleepUntil = async (ms: number): Promise<void> => sleep(Math.max(0, ms - Date.now()));

/** The chaincode's deterministic direct-conversation id (groups.OpenDirect). */
export function directId(a: User, b: User): string {
  const [x, y] = [uid(a), uid(b)].sort();
  return `dm-${createHash('sha256').update(`${x}\n${y}`).digest('hex').slice(0, 40)}`;
}

/**
 * A request, or a function building it from the transaction's own id: a
 * tagged request (eventTag) depends on it (chaincode/README.md, "Events").
 */
export type TxRequest = unknown;

/** A committed submit: its result, transaction id and block. */
export interface Committed<T> {
  value: T;
  txId: string;
  blockNumber: bigint;
}

/** One call: who, which transaction, the JSON request and transient payloads. */
export interface Call {
  as: User;
  contract: string;
  tx: string;
  request: TxRequest;
  transient?: Transient;
  /** Evaluate instead of submit (query transactions). */
  evaluate?: boolean;
  /** How far the caller's clock is off: the proposal is stamped with real time + this. */
  clockOffsetMs?: number;
}

/** A read-only transaction run by someone other than the refused caller. */
export interface ReadBack {
  as: User;
  contract: string;
  tx: string;
  request: unknown;
}

/** A read's result, or the chaincode code it was refused with (NOT_FOUND reads compare too). */
export type Outcome = { ok: true; value: unknown } | { ok: false; code: string | null };

export class LiveLedger {
  private constructor(
    readonly network: LiveNetwork,
    private readonly sessions: ReadonlyMap<User, KTalkSession>,
  ) {}

  static async start(label: string): Promise<LiveLedger> {
    const network = await liveNetwork(label);
    const sessions = new Map<User, KTalkSession>();
    try {
      const ctx: NetworkContext = network.ctx;
      await up(ctx);
      for (const user of Object.keys(USERS) as User[]) {
        const org = ctx.topology.peerOrgs[USERS[user]];
        const peer = ctx.topology.peers.find((p) => p.org === org?.name);
        if (!org || !peer) throw new Error(`no peer for ${user}`);
        const conn = openGateway(
          await peerEndpoint(ctx.dataDir, ctx.topology, peer),
          await devIdentity(ctx.dataDir, org, user),
        );
        sessions.set(user, new KTalkSession(conn));
      }
      return new LiveLedger(network, sessions);
    } catch (error) {
      for (const session of sessions.values()) session.close();
      await network.dispose();
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const session of this.sessions.values()) session.close();
    await this.network.dispose();
  }

  private session(user: User): KTalkSession {
    const session = this.sessions.get(user);
    if (!session) throw new Error(`no session for ${user}`);
    return session;
  }

  private gateway(user: User): Gateway {
    return this.session(user).connection.gateway;
  }

  /** The user's view of the channel, e.g. to listen to chaincode events. */
  channel(user: User): Network {
    return this.gateway(user).getNetwork(CHANNEL);
  }

  /**
   * Submits and waits until the transaction is committed on BOTH orgs' peers,
   * so a read through either peer right after sees it. `clockOffsetMs`
   * stamps the proposal as a client whose clock is that far off would.
   */
  async submit<T = unknown>(
    user: User,
    contract: string,
    tx: string,
    request: TxRequest,
    transient?: Transient,
    clockOffsetMs = 0,
  ): Promise<T> {
    return (await this.commit<T>(user, contract, tx, request, transient, clockOffsetMs)).value;
  }

  /** As submit, and also returns the transaction id and block number. */
  async commit<T = unknown>(
    user: User,
    contract: string,
    tx: string,
    request: TxRequest,
    transient?: Transient,
    clockOffsetMs = 0,
  ): Promise<Committed<T>> {
    const target = this.gateway(user).getNetwork(CHANNEL).getContract(CHAINCODE_NAME, contract);
    const proposal =
      typeof request === 'function'
        ? proposalWithTxId(
            this.gateway(user),
            target,
            tx,
            (txId) => (request as (txId: string) => unknown)(txId),
            transient,
            (draft) => withClockOffset(clockOffsetMs, draft),
          )
        : withClockOffset(clockOffsetMs, () =>
            target.newProposal(tx, {
              arguments: [JSON.stringify(request)],
              ...(transient ? { transientData: transient } : {}),
            }),
          );
    const submitted = await (await proposal.endorse()).submit();
    const status = await submitted.getStatus();
    if (!status.successful) {
      throw new Error(`${contract}.${tx} ${status.transactionId} did not commit: validation code ${status.code}`);
    }
    // The other org's peer answers CommitStatus once it has committed the block too.
    const otherOrgUser = USERS[user] === 0 ? 'bob' : 'alice';
    const elsewhere = await this.gateway(otherOrgUser).newCommit(submitted.getBytes()).getStatus();
    assert.equal(elsewhere.successful, true, `${contract}.${tx} not valid on the other org's peer`);
    return {
      value: JSON.parse(Buffer.from(submitted.getResult()).toString('utf8')) as T,
      txId: status.transactionId,
      blockNumber: status.blockNumber,
    };
  }

  /**
   * Submits a transaction endorsed earlier (one a test held back) and waits
   * until both orgs' peers have committed its block; returns its status,
   * valid or not.
   */
  async submitEndorsed(user: User, transaction: Transaction): Promise<Status> {
    const submitted = await transaction.submit();
    const status = await submitted.getStatus();
    const otherOrgUser = USERS[user] === 0 ? 'bob' : 'alice';
    const elsewhere = await this.gateway(otherOrgUser).newCommit(submitted.getBytes()).getStatus();
    assert.equal(elsewhere.code, status.code, 'both orgs validate it alike');
    return status;
  }

  async evaluate<T = unknown>(
    user: User,
    contract: string,
    tx: string,
    request: TxRequest,
    clockOffsetMs = 0,
  ): Promise<T> {
    if (typeof request === 'function') throw new Error('an evaluate has no transaction id to build a request from');
    if (clockOffsetMs === 0) return this.session(user).evaluate<T>(contract, tx, request);
    const target = this.gateway(user).getNetwork(CHANNEL).getContract(CHAINCODE_NAME, contract);
    const proposal = withClockOffset(clockOffsetMs, () =>
      target.newProposal(tx, { arguments: [JSON.stringify(request)] }),
    );
    return JSON.parse(Buffer.from(await proposal.evaluate()).toString('utf8')) as T;
  }

  /** Runs a call the way the client would (submit or evaluate). */
  async call<T = unknown>(call: Call): Promise<T> {
    return call.evaluate
      ? this.evaluate<T>(call.as, call.contract, call.tx, call.request, call.clockOffsetMs)
      : this.submit<T>(call.as, call.contract, call.tx, call.request, call.transient, call.clockOffsetMs);
  }

  /** A read's value, or the code it was refused with. */
  async read(read: ReadBack): Promise<Outcome> {
    try {
      return { ok: true, value: await this.evaluate(read.as, read.contract, read.tx, read.request) };
    } catch (error) {
      const code = chaincodeErrorCode(error);
      assert.ok(
        code,
        `read-back ${read.contract}.${read.tx} failed without a chaincode code: ${gatewayErrorText(error)}`,
      );
      return { ok: false, code };
    }
  }

  /**
   * The call is refused with `code`, and every read-back (each by a user
   * other than the caller) returns exactly what it returned before.
   * Returns the read-backs' outcomes for further assertions.
   */
  async refused(call: Call, code: string, ...readBacks: ReadBack[]): Promise<Outcome[]> {
    assert.ok(readBacks.length > 0, 'a refusal needs at least one read-back');
    for (const r of readBacks) assert.notEqual(r.as, call.as, 'read back as another user');
    const before = await Promise.all(readBacks.map((r) => this.read(r)));
    await assert.rejects(this.call(call), (error: unknown) => {
      assert.equal(chaincodeErrorCode(error), code, gatewayErrorText(error));
      return true;
    });
    const after = await Promise.all(readBacks.map((r) => this.read(r)));
    assert.deepEqual(after, before, `${call.contract}.${call.tx} refused with ${code} but state changed`);
    return after;
  }
}

/**
 * Starts a LiveLedger before the enclosing describe's tests (then runs
 * `setup` on it) and stops it after them; returns the accessor the tests use.
 */
export function useLiveLedger(label: string, setup?: (ledger: LiveLedger) => Promise<void>): () => LiveLedger {
  let ledger: LiveLedger | undefined;
  before(async () => {
    ledger = await LiveLedger.start(label);
    await setup?.(ledger);
  });
  after(async () => {
    await ledger?.stop();
  });
  return () => {
    if (!ledger) throw new Error('network not started');
    return ledger;
  };
}

/** Throws unless the outcome is a value, and returns it typed. */
export function valueOf<T>(outcome: Outcome | undefined): T {
  assert.ok(outcome?.ok, `expected a value, got ${JSON.stringify(outcome)}`);
  return outcome.value as T;
}

/** Every audit record matching the filter, paging until the bookmark is empty. */
export async function auditTrail(
  ledger: LiveLedger,
  officer: User,
  filter: { actor?: string; action?: string; target?: string; from?: number },
): Promise<AuditRow[]> {
  const rows: AuditRow[] = [];
  let bookmark: string | undefined;
  do {
    const page = await ledger.evaluate<{ records: AuditRow[]; bookmark: string }>(officer, 'audit', 'QueryAudit', {
      ...filter,
      pageSize: 200,
      ...(bookmark ? { bookmark } : {}),
    });
    rows.push(...page.records);
    bookmark = page.bookmark;
  } while (bookmark !== '');
  return rows;
}

export interface AuditRow {
  txId: string;
  seq: number;
  time: number;
  actor: string;
  action: string;
  target: string;
  outcome: string;
  orgs: string[];
  detail?: string;
  policyVersion?: number;
}
