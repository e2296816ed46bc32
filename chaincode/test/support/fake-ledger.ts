import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ChaincodeStub } from 'fabric-shim-api';
import { ClientIdentity } from 'fabric-shim';
import { KTalkContext } from '../../src/lib/context';
import { certificateFor, chaincode, decodeResponse, qualifiedName } from './contract-router';

// An in-memory ledger for unit tests. Every call is dispatched through
// fabric-shim's contract router (see contract-router.ts). It keeps Fabric's
// semantics that matter to the rules: reads see only committed state (never the same
// transaction's writes), and a transaction that throws commits nothing.

export interface TestIdentity {
  mspId: string;
  enrollmentId: string;
  attrs?: Record<string, string>;
}

export const alice: TestIdentity = { mspId: 'Org1MSP', enrollmentId: 'alice', attrs: { 'ktalk.role': 'staff' } };
export const bob: TestIdentity = { mspId: 'Org2MSP', enrollmentId: 'bob', attrs: { 'ktalk.role': 'staff' } };
export const carol: TestIdentity = { mspId: 'Org1MSP', enrollmentId: 'carol', attrs: { 'ktalk.role': 'staff' } };
export const dave: TestIdentity = { mspId: 'Org2MSP', enrollmentId: 'dave', attrs: { 'ktalk.role': 'staff' } };
export const org1Admin: TestIdentity = {
  mspId: 'Org1MSP',
  enrollmentId: 'org1admin',
  attrs: { 'ktalk.role': 'admin', 'ktalk.treasury': 'true' },
};
export const org2Admin: TestIdentity = {
  mspId: 'Org2MSP',
  enrollmentId: 'org2admin',
  attrs: { 'ktalk.role': 'admin', 'ktalk.treasury': 'true' },
};
export const org1Compliance: TestIdentity = {
  mspId: 'Org1MSP',
  enrollmentId: 'auditor1',
  attrs: { 'ktalk.role': 'compliance' },
};

export const userIdFor = (who: TestIdentity): string => `${who.mspId}::${who.enrollmentId}`;

interface Event {
  name: string;
  payload: Record<string, unknown>;
}

export interface InvokeOptions {
  transient?: Record<string, Uint8Array | string>;
  /** Transaction time in ms; defaults to the ledger clock. */
  time?: number;
}

/** Keys a simulation read (private keys as `<collection>/<key>`), ranges it scanned, keys it wrote. */
export interface ReadWriteSet {
  reads: Set<string>;
  ranges: Array<[start: string, end: string]>;
  writes: Set<string>;
}

export interface Simulation<T> {
  outcome: Outcome<T>;
  rwset: ReadWriteSet;
  commit(): void;
}

export type Outcome<T> = { ok: true; value: T; event: Event | null; txId: string } | { ok: false; error: Error };

export type Method = (ctx: KTalkContext, ...args: string[]) => Promise<unknown>;

/** Rewrites a call before it is endorsed, as a client library would (see sendsKeysInTransient). */
export type RequestRewrite = (
  transaction: string,
  request: unknown,
  options: InvokeOptions,
) => { request: unknown; options: InvokeOptions };

export class FakeLedger {
  /** Unset: requests go to the chaincode exactly as given. */
  rewrite: RequestRewrite | undefined;

  readonly world = new Map<string, Uint8Array>();
  readonly privateData = new Map<string, Map<string, Uint8Array>>();
  /** Hashes stay on chain after a purge, as in Fabric. */
  readonly privateHashes = new Map<string, Map<string, Uint8Array>>();
  readonly purged: Array<{ collection: string; key: string }> = [];
  clock = Date.UTC(2026, 0, 1);
  private txCounter = 0;

  /**
   * Runs a domain helper (not a transaction) against committed state with
   * the caller's context, for tests of code that contracts share. Writes
   * are discarded.
   */
  async inspect<T>(who: TestIdentity, fn: (ctx: KTalkContext) => Promise<T>): Promise<T> {
    const stub = this.makeStub({
      txId: 'inspect',
      time: this.clock,
      who,
      args: [],
      pending: new Map(),
      pendingPrivate: new Map(),
      pendingPurge: [],
      rwset: { reads: new Set(), ranges: [], writes: new Set() },
      options: {},
      setEvent: () => undefined,
    });
    const ctx = new KTalkContext();
    ctx.stub = stub;
    ctx.clientIdentity = new ClientIdentity(stub);
    return fn(ctx);
  }

  async invoke<T = unknown>(
    who: TestIdentity,
    method: Method,
    request?: unknown,
    options: InvokeOptions = {},
  ): Promise<Outcome<T>> {
    const simulation = await this.simulate<T>(who, method, request, options);
    if (simulation.outcome.ok) simulation.commit();
    return simulation.outcome;
  }

  /**
   * Endorses without committing, as a peer does: the result, the read and
   * write sets, and `commit()` to apply the writes once ordered. Benchmarks
   * use it to run MVCC validation over a block of concurrent transactions.
   */
  async simulate<T = unknown>(
    who: TestIdentity,
    method: Method,
    request?: unknown,
    options: InvokeOptions = {},
  ): Promise<Simulation<T>> {
    if (this.rewrite) ({ request, options } = this.rewrite(qualifiedName(method), request, options));
    const txId = `tx${(++this.txCounter).toString().padStart(6, '0')}`;
    const time = options.time ?? (this.clock += 1000);
    const pending = new Map<string, Uint8Array | null>();
    const pendingPrivate = new Map<string, Map<string, Uint8Array | null>>();
    const pendingPurge: Array<{ collection: string; key: string }> = [];
    const rwset: ReadWriteSet = { reads: new Set(), ranges: [], writes: new Set() };
    let event: Event | null = null;

    const args = request === undefined ? [] : [typeof request === 'string' ? request : JSON.stringify(request)];
    const stub = this.makeStub({
      txId,
      time,
      who,
      args: [qualifiedName(method), ...args],
      pending,
      pendingPrivate,
      pendingPurge,
      rwset,
      options,
      setEvent: (e) => (event = e),
    });
    let outcome: Outcome<T>;
    const response = decodeResponse(await chaincode().Invoke(stub));
    if (response.ok) {
      const value = (response.payload !== '' ? JSON.parse(response.payload) : undefined) as T;
      outcome = { ok: true, value, event, txId };
    } else {
      // The shim never commits a failed transaction, so neither do we.
      pending.clear();
      pendingPrivate.clear();
      pendingPurge.length = 0;
      event = null;
      outcome = { ok: false, error: response.error };
    }
    const commit = () => this.apply(pending, pendingPrivate, pendingPurge);
    return { outcome, rwset, commit };
  }

  private apply(
    pending: Map<string, Uint8Array | null>,
    pendingPrivate: Map<string, Map<string, Uint8Array | null>>,
    pendingPurge: Array<{ collection: string; key: string }>,
  ): void {
    for (const [k, v] of pending) {
      if (v === null) this.world.delete(k);
      else this.world.set(k, v);
    }
    for (const [collection, writes] of pendingPrivate) {
      const data = this.collection(this.privateData, collection);
      const hashes = this.collection(this.privateHashes, collection);
      for (const [k, v] of writes) {
        if (v === null) {
          data.delete(k);
          hashes.delete(k);
        } else {
          data.set(k, v);
          hashes.set(k, createHash('sha256').update(v).digest());
        }
      }
    }
    for (const p of pendingPurge) {
      this.collection(this.privateData, p.collection).delete(p.key);
      this.collection(this.privateHashes, p.collection).delete(p.key);
      this.purged.push(p);
    }
  }

  /** Snapshot of all state, to prove a rejected call changed nothing. */
  snapshot(): string {
    const dump = (m: Map<string, Uint8Array>) =>
      [...m].map(([k, v]) => `${k}=${Buffer.from(v).toString('base64')}`).sort();
    return JSON.stringify({
      world: dump(this.world),
      private: [...this.privateData].map(([c, m]) => [c, dump(m)]),
    });
  }

  private collection<V>(store: Map<string, Map<string, V>>, name: string): Map<string, V> {
    let c = store.get(name);
    if (!c) store.set(name, (c = new Map()));
    return c;
  }

  private makeStub(tx: {
    txId: string;
    time: number;
    who: TestIdentity;
    args: string[];
    pending: Map<string, Uint8Array | null>;
    pendingPrivate: Map<string, Map<string, Uint8Array | null>>;
    pendingPurge: Array<{ collection: string; key: string }>;
    rwset: ReadWriteSet;
    options: InvokeOptions;
    setEvent: (e: Event) => void;
  }): ChaincodeStub {
    const world = this.world;
    const range = (start: string, end: string) =>
      [...world.keys()].filter((k) => k >= start && (end === '' || k < end)).sort();
    const iterator = (keys: string[]) => {
      let i = 0;
      return {
        async next() {
          if (i >= keys.length) return { done: true, value: undefined };
          const k = keys[i++] as string;
          return { done: false, value: { key: k, value: world.get(k) as Uint8Array, namespace: 'ktalk' } };
        },
        async close() {},
      };
    };
    const stub = {
      getBufferArgs: () => tx.args.map((a) => Buffer.from(a)),
      getArgs: () => tx.args,
      getCreator: () => ({ mspid: tx.who.mspId, idBytes: certificateFor(tx.who.enrollmentId, identityAttrs(tx.who)) }),
      getTxID: () => tx.txId,
      getChannelID: () => 'ktalk',
      getTxTimestamp: () => ({
        seconds: { toString: () => Math.floor(tx.time / 1000).toString() },
        nanos: (tx.time % 1000) * 1e6,
      }),
      getDateTimestamp: () => new Date(tx.time),
      getTransient: () =>
        new Map(
          Object.entries(tx.options.transient ?? {}).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v) : v]),
        ),
      getState: async (k: string) => {
        tx.rwset.reads.add(k);
        return world.get(k) ?? Buffer.alloc(0);
      },
      putState: async (k: string, v: Uint8Array) => {
        if (k === '') throw new Error('empty key');
        tx.rwset.writes.add(k);
        tx.pending.set(k, v);
      },
      deleteState: async (k: string) => {
        tx.rwset.writes.add(k);
        tx.pending.set(k, null);
      },
      getStateByRange: async (start: string, end: string) => {
        tx.rwset.ranges.push([start, end]);
        return iterator(range(start, end));
      },
      getStateByRangeWithPagination: async (start: string, end: string, pageSize: number, bookmark?: string) => {
        const keys = range(bookmark && bookmark !== '' ? bookmark : start, end);
        const page = keys.slice(0, pageSize);
        const next = keys[pageSize] ?? '';
        // As on a real peer: an empty page's metadata is all defaults, so it marshals to
        // no bytes and fabric-shim returns no metadata object at all.
        if (page.length === 0) return { iterator: iterator(page) };
        return {
          iterator: iterator(page),
          metadata: { fetchedRecordsCount: page.length, fetchedRecordCount: page.length, bookmark: next },
        };
      },
      getPrivateData: async (c: string, k: string) => {
        tx.rwset.reads.add(`${c}/${k}`);
        return this.collection(this.privateData, c).get(k) ?? Buffer.alloc(0);
      },
      getPrivateDataHash: async (c: string, k: string) =>
        this.collection(this.privateHashes, c).get(k) ?? Buffer.alloc(0),
      putPrivateData: async (c: string, k: string, v: Uint8Array) => {
        tx.rwset.writes.add(`${c}/${k}`);
        this.collection(tx.pendingPrivate, c).set(k, v);
      },
      deletePrivateData: async (c: string, k: string) => {
        tx.rwset.writes.add(`${c}/${k}`);
        this.collection(tx.pendingPrivate, c).set(k, null);
      },
      purgePrivateData: async (c: string, k: string) => {
        tx.rwset.writes.add(`${c}/${k}`);
        tx.pendingPurge.push({ collection: c, key: k });
      },
      setEvent: (name: string, payload: Uint8Array) =>
        tx.setEvent({ name, payload: JSON.parse(Buffer.from(payload).toString('utf8')) as Record<string, unknown> }),
    };
    return stub as unknown as ChaincodeStub;
  }
}

/** The attributes Fabric CA puts in an enrollment certificate. */
function identityAttrs(who: TestIdentity): Record<string, string> {
  return { 'hf.EnrollmentID': who.enrollmentId, 'hf.Type': 'client', ...(who.attrs ?? {}) };
}

/** A call that must fail with `code` and leave the ledger untouched. */
export async function rejects(
  ledger: FakeLedger,
  who: TestIdentity,
  method: Method,
  request: unknown,
  code: string,
  options?: InvokeOptions,
): Promise<string> {
  const before = ledger.snapshot();
  const out = await ledger.invoke(who, method, request, options);
  assert.equal(out.ok, false, `expected ${code}, but the call succeeded`);
  const message = out.ok ? '' : out.error.message;
  assert.ok(message.startsWith(`${code}:`), `expected ${code}, got "${message}"`);
  assert.equal(ledger.snapshot(), before, 'a rejected call must write nothing');
  return message;
}
