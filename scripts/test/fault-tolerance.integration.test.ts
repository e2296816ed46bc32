import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type NetworkContext, restartNode, up, waitForGossip, waitForRaftLeader } from '../../network/src/network';
import { readGauge } from '../../network/src/nodes/health';
import { readRecords } from '../../network/src/processes';
import { CHANNEL } from '../../network/src/topology';
import { openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../lib/identities';
import { KTalkSession } from '../lib/ktalk-session';
import { type LiveNetwork, liveNetwork } from './support/live-network';

// Crash faults under a steady message load from two clients of two orgs:
// kill -9 the Raft leader and restart it, then kill -9 peer0.org2 and
// restart it. Clients retry a failed post with the same client message id,
// which PostMessage treats as the same message.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
/** A well-formed event tag; recognition is tested in security-contracts.integration. */
const TAG = b64(32);

interface LoadStats {
  committed: Set<string>;
  retried: Set<string>;
  failures: string[];
}

type Listed = { messages: Array<{ clientMessageId: string; sender: string; payload?: unknown }>; bookmark: string };

describe('fault tolerance on the live network', { timeout: 20 * 60_000 }, () => {
  let network: LiveNetwork | undefined;
  let ctx: NetworkContext;
  const sessions: Record<'alice' | 'bob', KTalkSession | undefined> = { alice: undefined, bob: undefined };
  const as = (user: 'alice' | 'bob') => {
    const session = sessions[user];
    assert.ok(session, user);
    return session;
  };

  before(async () => {
    network = await liveNetwork('faults');
    ctx = network.ctx;
    await up(ctx);
    const [org1, org2] = ctx.topology.peerOrgs;
    const [peer1, peer2] = ctx.topology.peers;
    assert.ok(org1 && org2 && peer1 && peer2);
    // Each client talks to its own org's peer, as a deployment would.
    sessions.alice = new KTalkSession(
      openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer1), await devIdentity(ctx.dataDir, org1, 'alice')),
    );
    sessions.bob = new KTalkSession(
      openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer2), await devIdentity(ctx.dataDir, org2, 'bob')),
    );
    for (const user of ['alice', 'bob'] as const) {
      await as(user).submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    }
    // A submit returns once the client's own peer committed; wait until Org1's peer has bob's keys too.
    for (let i = 0; ; i++) {
      try {
        await as('alice').evaluate('directory', 'GetUser', { userId: 'Org2MSP::bob' });
        break;
      } catch (error) {
        if (i >= 40) throw error;
        await sleep(250);
      }
    }
    await as('alice').submit('groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'faults',
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
    sessions.alice?.close();
    sessions.bob?.close();
    await network?.dispose();
  });

  /** Posts until told to stop; a failed post is retried with the same client message id until it commits. */
  function steadyLoad(user: 'alice' | 'bob', stop: { now: boolean }): { stats: LoadStats; done: Promise<void> } {
    const stats: LoadStats = { committed: new Set(), retried: new Set(), failures: [] };
    const done = (async () => {
      for (let i = 0; !stop.now; i++) {
        const clientMessageId = `${user}-${i}`;
        const ciphertext = randomBytes(256);
        for (let attempt = 0; ; attempt++) {
          try {
            await as(user).submit(
              'messages',
              'PostMessage',
              {
                conversationId: 'faults',
                epoch: 1,
                clientMessageId,
                nonce: b64(24),
                signature: b64(64),
                attachments: [],
                eventTag: TAG,
              },
              { ciphertext },
            );
            stats.committed.add(clientMessageId);
            break;
          } catch (error) {
            stats.retried.add(clientMessageId);
            stats.failures.push(`${clientMessageId}#${attempt}: ${(error as Error).message.split('\n')[0]}`);
            assert.ok(attempt < 60, `${clientMessageId} never committed`);
            await sleep(1000);
          }
        }
        await sleep(50);
      }
    })();
    return { stats, done };
  }

  const kill9 = async (name: string) => {
    const record = (await readRecords(ctx.dataDir)).find((r) => r.name === name);
    assert.ok(record, name);
    process.kill(record.pid, 'SIGKILL');
    console.log(`  kill -9 ${name} (pid ${record.pid})`);
  };

  async function allMessages(user: 'alice' | 'bob'): Promise<Listed['messages']> {
    const out: Listed['messages'] = [];
    let bookmark: string | undefined;
    do {
      const page: Listed = await as(user).evaluate<Listed>('messages', 'ListMessages', {
        conversationId: 'faults',
        pageSize: 200,
        ...(bookmark ? { bookmark } : {}),
      });
      out.push(...page.messages);
      bookmark = page.bookmark || undefined;
    } while (bookmark);
    return out;
  }

  it('loses and duplicates nothing when the Raft leader and a peer are killed and restarted', async () => {
    const stop = { now: false };
    const loads = { alice: steadyLoad('alice', stop), bob: steadyLoad('bob', stop) };
    await sleep(3000);

    const leader = await waitForRaftLeader(ctx);
    await kill9(leader);
    await sleep(3000);
    await restartNode(ctx, leader);
    console.log(`  restarted ${leader}; new leader ${await waitForRaftLeader(ctx)}`);
    await sleep(3000);

    const peer2 = ctx.topology.peers[1];
    assert.ok(peer2);
    await kill9(peer2.name);
    await sleep(3000);
    await restartNode(ctx, peer2.name);
    await waitForGossip(ctx);
    console.log(`  restarted ${peer2.name}`);
    await sleep(5000);

    stop.now = true;
    await Promise.all([loads.alice.done, loads.bob.done]);
    const committed = new Set([...loads.alice.stats.committed, ...loads.bob.stats.committed]);
    const retried = new Set([...loads.alice.stats.retried, ...loads.bob.stats.retried]);
    const failures = [...loads.alice.stats.failures, ...loads.bob.stats.failures];
    console.log(
      `  ${committed.size} messages committed, ${retried.size} needed retries (${failures.length} failed attempts)`,
    );
    for (const line of failures.slice(0, 5)) console.log(`    ${line}`);
    assert.ok(committed.size > 20, 'the load kept going');
    assert.ok(retried.size > 0, 'the faults were felt by the clients');

    // Both peers converge on the same chain.
    const [peer1] = ctx.topology.peers;
    assert.ok(peer1);
    const height = (p: typeof peer1) => readGauge(p.operationsPort, `ledger_blockchain_height{channel="${CHANNEL}"}`);
    let heights: Array<number | null> = [];
    for (let i = 0; i < 60; i++) {
      heights = [await height(peer1), await height(peer2)];
      if (heights[0] !== null && heights[0] === heights[1]) break;
      await sleep(500);
    }
    assert.equal(heights[0], heights[1], `block heights ${heights.join(' vs ')}`);

    // Read through each org's own peer: every committed message exactly once, with its payload.
    for (const reader of ['alice', 'bob'] as const) {
      const messages = await allMessages(reader);
      const counts = new Map<string, number>();
      for (const m of messages) counts.set(m.clientMessageId, (counts.get(m.clientMessageId) ?? 0) + 1);
      for (const id of committed) assert.equal(counts.get(id), 1, `${id} as read by ${reader}`);
      for (const id of retried) assert.ok((counts.get(id) ?? 0) <= 1, `retried ${id} duplicated`);
      assert.equal(messages.length, committed.size, `no message the clients did not send (${reader})`);
      assert.ok(
        messages.every((m) => m.payload !== undefined),
        `every payload is on ${reader}'s org peer`,
      );
    }
  });
});
