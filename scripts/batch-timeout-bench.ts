import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type NetworkContext, down, up } from '../network/src/network';
import { CHAINCODE_NAME, CHANNEL } from '../network/src/topology';
import { isolatedNetwork } from '../network/test/support/test-network';
import { openGateway } from '../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from './lib/identities';
import { KTalkSession } from './lib/ktalk-session';
import { rm } from 'node:fs/promises';

// npm run bench:latency — how long a chat message takes from submit until
// the other org's client receives its commit event, for BatchTimeout 100,
// 250 and 500 ms at 1, 10 and 50 concurrent senders. One fresh network per
// BatchTimeout (it is fixed in the channel's genesis block).

const TIMEOUTS = ['100ms', '250ms', '500ms'];
const CONCURRENCY = [1, 10, 50];
const RUN_MS = Number(process.env.KTALK_BENCH_RUN_MS ?? 8000);

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN);

interface Row {
  batchTimeout: string;
  clients: number;
  committed: number;
  tps: number;
  p50: number;
  p99: number;
}

async function measure(ctx: NetworkContext, batchTimeout: string): Promise<Row[]> {
  const [org1, org2] = ctx.topology.peerOrgs;
  const [peer1, peer2] = ctx.topology.peers;
  if (!org1 || !org2 || !peer1 || !peer2) throw new Error('topology needs two orgs');
  const sender = new KTalkSession(
    openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer1), await devIdentity(ctx.dataDir, org1, 'alice')),
  );
  const receiver = new KTalkSession(
    openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer2), await devIdentity(ctx.dataDir, org2, 'bob')),
  );
  const rows: Row[] = [];
  try {
    for (const s of [sender, receiver]) {
      await s.submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    }
    await sender.submit('groups', 'CreateGroup', {
      eventTag: b64(32),
      groupId: 'latency',
      policy: {
        whoCanPost: 'members',
        whoCanInvite: 'admins',
        retentionSeconds: 0,
        paymentsAllowed: false,
        crossOrg: true,
      },
      members: [{ userId: `${org2.mspId}::bob`, role: 'member' }],
      wrappedKeys: { [`${org1.mspId}::alice`]: b64(80), [`${org2.mspId}::bob`]: b64(80) },
    });
    // The receiving org's client listens, as the desktop app does.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    const events = await receiver.connection.gateway.getNetwork(CHANNEL).getChaincodeEvents(CHAINCODE_NAME);
    const listening = (async () => {
      for await (const event of events) {
        const start = sentAt.get(event.transactionId);
        if (start !== undefined) latencies.push(performance.now() - start);
      }
    })().catch(() => undefined);
    const contract = sender.connection.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, 'messages');
    let counter = 0;
    for (const clients of CONCURRENCY) {
      latencies.length = 0;
      const deadline = performance.now() + RUN_MS;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: clients }, async () => {
          while (performance.now() < deadline) {
            const request = {
              conversationId: 'latency',
              epoch: 1,
              clientMessageId: `m${counter++}`,
              nonce: b64(24),
              signature: b64(64),
              attachments: [],
              // Form only: this bench times delivery, not recognition (scripts/lib/event-tag.ts).
              eventTag: b64(32),
            };
            const t0 = performance.now();
            const submitted = await contract.submitAsync('PostMessage', {
              arguments: [JSON.stringify(request)],
              transientData: { ciphertext: randomBytes(1024) },
            });
            sentAt.set(submitted.getTransactionId(), t0);
            await submitted.getStatus();
          }
        }),
      );
      // Let the last events arrive.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const elapsed = (performance.now() - started) / 1000;
      const sorted = [...latencies].sort((a, b) => a - b);
      rows.push({
        batchTimeout,
        clients,
        committed: sorted.length,
        tps: sorted.length / elapsed,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
      });
      const row = rows[rows.length - 1];
      if (row) print(row);
    }
    events.close();
    await listening;
  } finally {
    sender.close();
    receiver.close();
  }
  return rows;
}

function print(row: Row): void {
  console.log(
    `${row.batchTimeout.padStart(12)} ${String(row.clients).padStart(8)} ${String(row.committed).padStart(10)} ` +
      `${row.tps.toFixed(1).padStart(8)} ${row.p50.toFixed(0).padStart(8)} ${row.p99.toFixed(0).padStart(8)}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${RUN_MS} ms per cell`,
  );
  console.log('submit → commit event at the other org (ms), 1 KiB PostMessage');
  console.log(
    `${'BatchTimeout'.padStart(12)} ${'clients'.padStart(8)} ${'committed'.padStart(10)} ${'tps'.padStart(8)} ${'p50'.padStart(8)} ${'p99'.padStart(8)}`,
  );
  for (const batchTimeout of TIMEOUTS) {
    const net = await isolatedNetwork();
    const ctx: NetworkContext = { ...net, batchTimeout, log: () => undefined };
    try {
      await up(ctx);
      await measure(ctx, batchTimeout);
    } finally {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
