import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../network/src/exec';
import { type NetworkContext, down, status, up } from '../../network/src/network';
import { isRunning, readRecords } from '../../network/src/processes';
import { CHAINCODE_NAME, CHANNEL } from '../../network/src/topology';
import { type LiveNetwork, liveNetwork } from './support/live-network';
import { openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../lib/identities';
import { gatewayErrorText } from '../lib/ktalk-session';
import { runSmokeFlow } from '../lib/smoke-flow';

// The whole network from nothing: 3 CAs, 3 Raft orderers, 2 peers, the
// chaincode through the lifecycle, and the smoke flow across both orgs.
// Fabric binaries are found or built first; without them the suite fails.

describe('KTalk network on real Fabric', { timeout: 40 * 60_000 }, () => {
  let ctx: NetworkContext;
  let network: LiveNetwork | undefined;

  before(async () => {
    network = await liveNetwork('network');
    ctx = network.ctx;
  });

  after(async () => {
    await network?.dispose();
  });

  it('comes up from nothing with every node healthy', async () => {
    const started = Date.now();
    assert.equal(await up(ctx), 'started');
    console.log(`  network:up took ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const health = await status(ctx);
    assert.deepEqual(
      health.filter((h) => !h.healthy),
      [],
    );
    assert.equal(health.filter((h) => h.kind === 'orderer').length, 3);
    assert.equal(health.filter((h) => h.kind === 'peer').length, 2);
    assert.equal(health.filter((h) => h.kind === 'ca').length, 3);
  });

  it('runs peer 3.1.1', async () => {
    const out = await run(path.join(network?.fabricBin ?? '', 'peer'), ['version']);
    assert.match(out.stdout, /Version: 3\.1\.1/);
  });

  it("carries a fresh Org1 user's transaction to an Org2 client as an event", async () => {
    const result = await runSmokeFlow(ctx.dataDir, ctx.topology);
    console.log(
      `  tx ${result.transactionId} in block ${result.blockNumber}, submit→event ${result.latencyMs.toFixed(0)} ms`,
    );
    assert.match(result.transactionId, /^[0-9a-f]{64}$/);
    assert.ok(result.blockNumber > 0n);
    assert.equal(result.eventSeenByOrg2.name, 'smoke.NotePut');
    assert.deepEqual(result.eventSeenByOrg2.payload, { noteId: result.user.split('::')[1], owner: result.user });
    assert.equal((result.readBackByOrg2 as { owner: string }).owner, result.user);
  });

  it('refuses a transaction signed by an identity the CA never issued', async () => {
    const [org1] = ctx.topology.peerOrgs;
    const [peer1] = ctx.topology.peers;
    assert.ok(org1 && peer1);
    const genuine = await devIdentity(ctx.dataDir, org1, 'alice');
    // Same MSP id and subject, but a self-made key: no CA vouches for it.
    const forged = { mspId: org1.mspId, ...(await selfSigned(genuine.certificatePem)) };
    const conn = openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer1), forged);
    try {
      const contract = conn.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, 'smoke');
      await assert.rejects(
        contract.submitTransaction('PutNote', JSON.stringify({ noteId: 'forged', text: 'x' })),
        (error) => {
          // The peers refuse it before any chaincode runs; the reason is in the gateway's details.
          assert.match(gatewayErrorText(error), /creator certificate is not valid|access denied/i);
          return true;
        },
      );
    } finally {
      conn.close();
    }
  });

  it('treats a second network:up as a no-op', async () => {
    const pids = (await readRecords(ctx.dataDir)).map((r) => r.pid).sort();
    assert.equal(await up(ctx), 'already-running');
    assert.deepEqual((await readRecords(ctx.dataDir)).map((r) => r.pid).sort(), pids);
  });

  it('network:down leaves no Fabric process behind', async () => {
    const records = await readRecords(ctx.dataDir);
    await down(ctx);
    for (const record of records) assert.equal(await isRunning(record), false, record.name);
    const leftovers = await run('pgrep', ['-f', ctx.dataDir]);
    assert.equal(leftovers.stdout.trim(), '', 'processes still reference the data dir');
  });
});

async function selfSigned(templatePem: string): Promise<{ certificatePem: string; privateKeyPem: string }> {
  // openssl makes a self-signed cert with the template's subject.
  const subject = new X509Certificate(templatePem).subject.split('\n').join('/');
  const { mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-forged-'));
  const result = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    path.join(dir, 'k.pem'),
    '-out',
    path.join(dir, 'c.pem'),
    '-days',
    '1',
    '-subj',
    `/${subject}`,
  ]);
  if (result.code !== 0) throw new Error(`openssl failed: ${result.stderr}`);
  return {
    certificatePem: await readFile(path.join(dir, 'c.pem'), 'utf8'),
    privateKeyPem: await readFile(path.join(dir, 'k.pem'), 'utf8'),
  };
}
