import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { type ResolvedBinaries, type Logger, ensureBinaries } from './binaries';
import { chaincodeServerName, issueAllCrypto } from './ca/crypto';
import { startCa } from './ca/ca-server';
import { PROFILE, configtxYaml } from './config/configtx';
import { NetworkError } from './errors';
import { run } from './exec';
import { checkHealth, gossipPeersKnown, type Health, isRaftLeader } from './nodes/health';
import { deployChaincode } from './nodes/chaincode';
import { joinOrderer, startOrderer } from './nodes/orderer';
import { joinPeer, startPeer } from './nodes/peer';
import { assertNoDuplicatePorts, assertPortsFree } from './ports';
import { isRunning, readRecords, stopAll } from './processes';
import { CHANNEL, type Topology, portClaims } from './topology';
import { FABRIC, FABRIC_CA } from './versions';
import { pathExists } from './fs-utils';
import { grantComplianceBlockAccess } from './channel/acls';
import { writeConnectionProfile } from './connection-profile';

export interface NetworkContext {
  readonly dataDir: string;
  readonly topology: Topology;
  readonly log: Logger;
  readonly env?: NodeJS.ProcessEnv;
  /** The chaincode package to deploy (package.json + dist); the repo's chaincode/ by default. */
  readonly chaincodeDir?: string;
  /** Orderer BatchTimeout for a new channel, e.g. '250ms' (benchmarks compare values). */
  readonly batchTimeout?: string;
  /** Where to copy the connection profile besides the data dir (the CLI adds the app's default path). */
  readonly profileCopies?: readonly string[];
}

export interface Binaries {
  readonly fabric: ResolvedBinaries;
  readonly ca: ResolvedBinaries;
}

/** Finds or builds every binary before anything starts, so a failure leaves nothing behind. */
export async function prepareBinaries(ctx: NetworkContext): Promise<Binaries> {
  const env = ctx.env ?? process.env;
  const ca = await ensureBinaries(FABRIC_CA, ctx.log, env);
  const fabric = await ensureBinaries(FABRIC, ctx.log, env);
  if (!fabric.configDir) {
    throw new NetworkError(
      `no Fabric config directory next to ${fabric.dir}`,
      "Fabric release archives ship config/ beside bin/; KTalk's own build caches sampleconfig there",
    );
  }
  return { fabric, ca };
}

const nodeNames = (t: Topology) => [
  ...t.cas.map((c) => c.name),
  ...t.orderers.map((o) => o.name),
  ...t.peers.map((p) => p.name),
];

/** Names of topology nodes whose recorded process is alive. */
export async function runningNodes(ctx: NetworkContext): Promise<string[]> {
  const alive: string[] = [];
  for (const record of await readRecords(ctx.dataDir)) {
    if (await isRunning(record)) alive.push(record.name);
  }
  return alive;
}

export async function up(ctx: NetworkContext): Promise<'started' | 'already-running'> {
  const { dataDir, topology, log } = ctx;
  const expected = [...nodeNames(topology), ...topology.peers.map((p) => chaincodeServerName(p.name))];
  const alive = await runningNodes(ctx);
  if (expected.every((n) => alive.includes(n))) {
    log(`network already running (${alive.length} processes); nothing to do`);
    await writeProfile(ctx);
    return 'already-running';
  }
  if (alive.length > 0) {
    throw new NetworkError(
      `network is partly running (${alive.join(', ')})`,
      'run npm run network:down (or network:reset) and then network:up again',
    );
  }
  // Cheap checks first: nothing is built or started unless all of them pass.
  assertNoDuplicatePorts(portClaims(topology));
  await assertPortsFree(portClaims(topology));
  const bins = await prepareBinaries(ctx);
  try {
    await mkdir(dataDir, { recursive: true });
    log('starting certificate authorities');
    for (const ca of topology.cas) await startCa(dataDir, bins.ca.dir, ca);
    log('issuing identities and TLS certificates from the CAs');
    await issueAllCrypto(dataDir, bins.ca.dir, topology, log);

    const genesis = path.join(dataDir, 'channel', `${CHANNEL}.block`);
    if (!(await pathExists(genesis))) await createGenesisBlock(ctx, bins.fabric.dir, genesis);

    log('starting orderers');
    for (const orderer of topology.orderers) {
      await startOrderer(dataDir, bins.fabric.dir, bins.fabric.configDir ?? '', topology, orderer);
      await joinOrderer(dataDir, bins.fabric.dir, topology, orderer, genesis);
    }
    await waitForRaftLeader(ctx);
    log('starting peers');
    for (const peer of topology.peers) {
      await startPeer(dataDir, bins.fabric.dir, bins.fabric.configDir ?? '', topology, peer);
      await joinPeer(dataDir, bins.fabric.dir, topology, peer, genesis);
    }
    if (await grantComplianceBlockAccess({ dataDir, binDir: bins.fabric.dir, topology })) {
      log('channel ACLs: compliance officers may read blocks');
    }
    log('deploying chaincode');
    await deployChaincode(dataDir, bins.fabric.dir, topology, log, ctx.chaincodeDir);
    await waitForGossip(ctx);
    await writeProfile(ctx);
    return 'started';
  } catch (error) {
    log('start failed; stopping everything that was started');
    await stopAll(dataDir);
    throw error;
  }
}

async function writeProfile(ctx: NetworkContext): Promise<void> {
  const file = await writeConnectionProfile(ctx.dataDir, ctx.topology, ctx.profileCopies);
  ctx.log(`connection profile: ${[file, ...(ctx.profileCopies ?? [])].join(', ')}`);
}

/** Orderers refuse transactions until Raft has elected a leader (seconds after a restart). */
export async function waitForRaftLeader(ctx: NetworkContext, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const orderer of ctx.topology.orderers) {
      if (await isRaftLeader(orderer.operationsPort, CHANNEL)) return orderer.name;
    }
    if (Date.now() > deadline) {
      throw new NetworkError(
        `no Raft leader for channel ${CHANNEL} within ${timeoutMs / 1000} s`,
        `see ${path.join(ctx.dataDir, 'logs')}/orderer*.log`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/**
 * The gateway plans cross-org endorsements from gossip membership, so the
 * network is usable only once every peer knows every other one.
 */
export async function waitForGossip(ctx: NetworkContext, timeoutMs = 90_000): Promise<void> {
  const { topology } = ctx;
  const others = topology.peers.length - 1;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const known = await Promise.all(topology.peers.map((p) => gossipPeersKnown(p.operationsPort, CHANNEL)));
    if (known.every((k) => k !== null && k >= others)) return;
    if (Date.now() > deadline) {
      throw new NetworkError(
        `peers did not find each other through gossip within ${timeoutMs / 1000} s (known: ${known.join(', ')})`,
        `see ${path.join(ctx.dataDir, 'logs')}/peer*.log for TLS or address errors`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function createGenesisBlock(ctx: NetworkContext, fabricBin: string, genesis: string): Promise<void> {
  const dir = path.dirname(genesis);
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'configtx.yaml'),
    configtxYaml(ctx.dataDir, ctx.topology, ctx.batchTimeout ? { batchTimeout: ctx.batchTimeout } : {}),
  );
  const result = await run(
    path.join(fabricBin, 'configtxgen'),
    ['-profile', PROFILE, '-channelID', CHANNEL, '-outputBlock', genesis],
    {
      env: { ...process.env, FABRIC_CFG_PATH: dir },
      timeoutMs: 60_000,
    },
  );
  if (result.code !== 0) {
    throw new NetworkError(
      'configtxgen could not create the channel block',
      `see ${path.join(dir, 'configtx.yaml')}`,
      result.stderr.trim().split('\n').slice(-10).join('\n'),
    );
  }
}

/**
 * Starts one orderer or peer again on its existing data after its process
 * died (crash recovery; the channel is already joined).
 */
export async function restartNode(ctx: NetworkContext, name: string): Promise<void> {
  const bins = await prepareBinaries(ctx);
  const configDir = bins.fabric.configDir ?? '';
  const orderer = ctx.topology.orderers.find((o) => o.name === name);
  const peer = ctx.topology.peers.find((p) => p.name === name);
  if (orderer) await startOrderer(ctx.dataDir, bins.fabric.dir, configDir, ctx.topology, orderer);
  else if (peer) await startPeer(ctx.dataDir, bins.fabric.dir, configDir, ctx.topology, peer);
  else throw new NetworkError(`${name} is not an orderer or peer of this network`);
}

export async function down(ctx: NetworkContext): Promise<number> {
  const stopped = await stopAll(ctx.dataDir);
  for (const record of stopped) ctx.log(`stopped ${record.name} (pid ${record.pid})`);
  if (stopped.length === 0) ctx.log('nothing was running');
  return stopped.length;
}

export async function reset(ctx: NetworkContext): Promise<void> {
  await down(ctx);
  await rm(ctx.dataDir, { recursive: true, force: true });
  ctx.log(`removed ${ctx.dataDir}`);
}

export async function status(ctx: NetworkContext): Promise<Health[]> {
  const { topology } = ctx;
  return Promise.all([
    ...topology.cas.map((c) => checkHealth(c.name, 'ca', c.operationsPort)),
    ...topology.orderers.map((o) => checkHealth(o.name, 'orderer', o.operationsPort)),
    ...topology.peers.map((p) => checkHealth(p.name, 'peer', p.operationsPort)),
  ]);
}

export async function deploy(ctx: NetworkContext): Promise<void> {
  const bins = await prepareBinaries(ctx);
  const result = await deployChaincode(ctx.dataDir, bins.fabric.dir, ctx.topology, ctx.log, ctx.chaincodeDir);
  ctx.log(
    result.changed
      ? `deployed ${result.label} at sequence ${result.sequence}`
      : `chaincode ${result.label} already committed (sequence ${result.sequence})`,
  );
}
