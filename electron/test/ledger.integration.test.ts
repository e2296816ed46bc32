import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { profilePath } from '../../network/src/connection-profile';
import { type NetworkContext, down, restartNode, up, waitForGossip } from '../../network/src/network';
import { readRecords } from '../../network/src/processes';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { ConnectionProfile } from '../src/common/connection-profile';
import { connectWithProfile } from '../src/node/fabric/connect';
import type { GatewayConnection } from '../src/node/fabric/gateway';
import {
  type EventSync,
  type LedgerClient,
  type SyncStatus,
  isLedgerError,
  ledgerClient,
  parseAnswer,
  syncWithFileCheckpoint,
} from '../src/node/ledger';
import { loadProfile } from '../src/node/profile/profile-files';
import { readDevIdentity } from './support/dev-identities';

// The ledger layer on a real network: a listener that was offline catches up
// from its file checkpoint, a listener whose peer is killed reconnects by
// itself, and concurrent transfers from one account survive MVCC conflicts.
// Alice listens through Org1's peer; bob posts through Org2's.

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const GROUP = 'ledger-it';
const balanceSchema = z.object({ balance: z.number() });

describe('ledger layer against the real network', { timeout: 20 * 60_000 }, () => {
  let ctx: NetworkContext;
  let profile: ConnectionProfile;
  let stateDir = '';
  const connections: GatewayConnection[] = [];
  const clients = new Map<string, LedgerClient>();
  const ledger = (user: string) => {
    const client = clients.get(user);
    assert.ok(client, user);
    return client;
  };

  const connectAs = async (mspId: string, user: string): Promise<GatewayConnection> => {
    const org = ctx.topology.peerOrgs.find((o) => o.mspId === mspId);
    assert.ok(org, mspId);
    const connection = connectWithProfile(profile, await readDevIdentity(ctx.dataDir, org, user));
    connections.push(connection);
    return connection;
  };

  /** Bob posts one message; returns its transaction id. */
  const post = async (clientMessageId: string): Promise<string> => {
    const committed = await ledger('bob').submit(
      'messages',
      'PostMessage',
      {
        conversationId: GROUP,
        epoch: 1,
        clientMessageId,
        nonce: b64(24),
        signature: b64(64),
        attachments: [],
        eventTag: b64(32),
      },
      { ciphertext: randomBytes(128) },
    );
    return committed.transactionId;
  };

  /** Posts `count` messages, `parallel` at a time. */
  const postMany = async (prefix: string, count: number, parallel = 10): Promise<string[]> => {
    const txIds: string[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < count) txIds.push(await post(`${prefix}-${next++}`));
      }),
    );
    return txIds;
  };

  /** A listener as alice, on its own connection, counting every transaction id it handles. */
  const listen = async (checkpointFile: string) => {
    const seen = new Map<string, number>();
    const statuses: SyncStatus[] = [];
    const connection = await connectAs('Org1MSP', 'alice');
    const sync: EventSync = await syncWithFileCheckpoint(
      connection,
      profile,
      checkpointFile,
      async (event: ChaincodeEvent) => {
        seen.set(event.transactionId, (seen.get(event.transactionId) ?? 0) + 1);
      },
      {
        backoff: { baseDelayMs: 200, maxDelayMs: 2_000, factor: 2 },
        readyTimeoutMs: 3_000,
        onStatus: (s) => statuses.push(s),
      },
    );
    return {
      seen,
      statuses,
      sync,
      async stop() {
        await sync.close();
        connection.close();
      },
    };
  };

  const waitFor = async (what: string, check: () => boolean, timeoutMs = 120_000) => {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      assert.ok(Date.now() < end, `timed out waiting for ${what}`);
      await sleep(100);
    }
  };

  before(async () => {
    const net = await isolatedNetwork();
    ctx = { ...net, log: (line) => console.log(`  [ledger] ${line}`) };
    await up(ctx);
    profile = await loadProfile(profilePath(ctx.dataDir));
    stateDir = await mkdtemp(path.join(tmpdir(), 'ktalk-ledger-it-'));
    const patient = { backoff: { maxAttempts: 20, baseDelayMs: 200, maxDelayMs: 3_000, factor: 2 } };
    for (const [mspId, user] of [
      ['Org1MSP', 'alice'],
      ['Org2MSP', 'bob'],
      ['Org1MSP', 'org1admin'],
    ] as const) {
      clients.set(user, ledgerClient(await connectAs(mspId, user), profile, patient));
      await ledger(user).submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    }
    // A submit returns once the client's own peer committed; wait until Org1's peer knows bob.
    for (let i = 0; ; i++) {
      try {
        await ledger('alice').evaluate('directory', 'GetUser', { userId: 'Org2MSP::bob' });
        break;
      } catch (error) {
        if (i >= 40 || !isLedgerError(error, 'NOT_FOUND')) throw error;
        await sleep(250);
      }
    }
    await ledger('alice').submit('groups', 'CreateGroup', {
      eventTag: b64(32),
      groupId: GROUP,
      policy: {
        whoCanPost: 'members',
        whoCanInvite: 'admins',
        retentionSeconds: 0,
        paymentsAllowed: false,
        crossOrg: true,
      },
      members: [{ userId: 'Org2MSP::bob', role: 'member' }],
      wrappedKeys: { 'Org1MSP::alice': b64(80), 'Org2MSP::bob': b64(80) },
    });
  });

  after(async () => {
    for (const connection of connections) connection.close();
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const checkpointFile = () => path.join(stateDir, 'events.checkpoint.json');
  let listener: Awaited<ReturnType<typeof listen>> | undefined;

  it('a listener that was offline catches up from its file checkpoint: all 200 events, each once', async () => {
    const first = await listen(checkpointFile());
    await waitFor('the first listener to connect', () => first.sync.status === 'connected');
    const warmup = await post('warmup');
    await waitFor('the warm-up event', () => first.seen.has(warmup));
    await first.stop();

    const started = Date.now();
    const offline = await postMany('offline', 200);
    console.log(`  200 posts while the listener was offline: ${Date.now() - started} ms`);
    assert.equal(new Set(offline).size, 200);

    const caughtUp = Date.now();
    listener = await listen(checkpointFile());
    const second = listener;
    await waitFor('all 200 events', () => offline.every((id) => second.seen.has(id)));
    console.log(`  caught up with 200 events in ${Date.now() - caughtUp} ms`);
    // Anything still in flight would arrive before an event posted now.
    const sentinel = await post('sentinel-a');
    await waitFor('the sentinel', () => second.seen.has(sentinel));
    for (const id of offline) assert.equal(second.seen.get(id), 1, id);
    assert.equal(second.seen.has(warmup), false, 'the warm-up event was handled before the checkpoint');
    for (const [id, count] of second.seen) assert.equal(count, 1, `${id} handled ${count} times`);
  });

  it('a listener whose peer is killed reconnects by itself and gets later events once', async () => {
    assert.ok(listener);
    const live = listener;
    const peer = ctx.topology.peers.find((p) => p.org === ctx.topology.peerOrgs[0]?.name);
    assert.ok(peer);
    const record = (await readRecords(ctx.dataDir)).find((r) => r.name === peer.name);
    assert.ok(record, peer.name);
    process.kill(record.pid, 'SIGKILL');
    console.log(`  kill -9 ${peer.name} (pid ${record.pid})`);
    await waitFor('the listener to notice', () => live.sync.status === 'reconnecting', 30_000);
    await sleep(3_000);
    const restarted = Date.now();
    await restartNode(ctx, peer.name);
    console.log(`  restarted ${peer.name} in ${Date.now() - restarted} ms`);
    // Private data needs gossip membership back before anything can be posted (the client retries meanwhile).
    await waitForGossip(ctx);

    // MAJORITY endorsement needs this peer too, so bob posts after the restart (retrying until it endorses).
    const afterRestart = await postMany('after-restart', 20, 5);
    await waitFor('the listener to reconnect', () => live.sync.status === 'connected');
    await waitFor('the 20 events', () => afterRestart.every((id) => live.seen.has(id)));
    const sentinel = await post('sentinel-b');
    await waitFor('the sentinel', () => live.seen.has(sentinel));
    for (const [id, count] of live.seen) assert.equal(count, 1, `${id} handled ${count} times`);
    const transitions = live.statuses.join(' → ');
    console.log(`  listener: ${transitions}`);
    assert.match(transitions, /connected → reconnecting.* → connected$/);
    await live.stop();
    assert.equal(live.sync.status, 'closed');
  });

  it('20 concurrent transfers from one account: each committed or INSUFFICIENT_FUNDS, conflicts retried, total conserved', async () => {
    await ledger('org1admin').submit('payments', 'Mint', { toUserId: 'Org1MSP::alice', amount: 1_000, memo: 'it' });
    const balance = async (user: string) => (await ledger(user).evaluate('payments', 'GetBalance', {})).balance;
    const aliceBefore = await balance('alice');
    const bobBefore = await balance('bob');
    assert.equal(aliceBefore, 1_000);

    let conflicts = 0;
    const payer = ledgerClient(await connectAs('Org1MSP', 'alice'), profile, {
      backoff: { maxAttempts: 40, baseDelayMs: 100, maxDelayMs: 2_000, factor: 2 },
      onRetry: ({ reason }) => {
        if (/MVCC_READ_CONFLICT|PHANTOM_READ_CONFLICT/.test(reason)) conflicts++;
      },
    });
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        payer.submit('payments', 'Transfer', { toUserId: 'Org2MSP::bob', amount: 100, memo: `t${i}` }).then(
          () => 'committed' as const,
          (error: unknown) => {
            if (isLedgerError(error, 'INSUFFICIENT_FUNDS')) return 'refused' as const;
            throw error;
          },
        ),
      ),
    );
    const committed = outcomes.filter((o) => o === 'committed').length;
    const refused = outcomes.filter((o) => o === 'refused').length;
    console.log(
      `  transfers: ${committed} committed, ${refused} INSUFFICIENT_FUNDS, ${conflicts} MVCC retries, ${Date.now() - started} ms`,
    );
    assert.equal(committed + refused, 20, 'none lost');
    assert.equal(committed, 10, 'exactly the funds available');
    assert.ok(conflicts > 0, 'the race produced MVCC conflicts');

    const aliceAfter = await balance('alice');
    let bobAfter = await balance('bob');
    // Bob reads through Org2's peer, which may be a block behind.
    for (let i = 0; i < 40 && bobAfter !== bobBefore + committed * 100; i++) {
      await sleep(250);
      bobAfter = await balance('bob');
    }
    assert.equal(aliceAfter, aliceBefore - committed * 100);
    assert.equal(bobAfter, bobBefore + committed * 100);
    assert.equal(aliceAfter + bobAfter, aliceBefore + bobBefore, 'total conserved');
  });

  it('parseAnswer refuses an answer of the wrong shape', () => {
    assert.throws(
      () => parseAnswer(Buffer.from('{"balance":"x"}'), balanceSchema, 'payments.GetBalance'),
      (e: unknown) => isLedgerError(e, 'BAD_RESPONSE'),
    );
  });
});
