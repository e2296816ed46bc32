import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { collectionsConfig } from '../config/collections';
import { NetworkError } from '../errors';
import { run } from '../exec';
import { REPO_ROOT } from '../paths';
import { type ProcessRecord, isRunning, readRecords, startProcess, stopProcess, waitUntilReady } from '../processes';
import { CHAINCODE_NAME, CHANNEL, HOST, type PeerNode, type Topology } from '../topology';
import { mustPeerCli, orgOf, ordererTlsRoot, peerCli, peerTlsRoot } from './peer';
import { chaincodeServerName, nodeDir } from '../ca/crypto';
import { gzipSync } from 'node:zlib';
import net from 'node:net';

// Chaincode runs as a service: one Node process per peer, started and
// stopped by these scripts; the peer reaches it through the ktalk-ccaas
// external builder. Deployment still goes through the full lifecycle.

export const CHAINCODE_DIR = path.join(REPO_ROOT, 'chaincode');

/** Where the chaincode finds @ktalk/protocol (the workspace package it bundles). */
export function protocolDirOf(chaincodeDir: string): string {
  return path.dirname(require.resolve('@ktalk/protocol/package.json', { paths: [chaincodeDir] }));
}

/**
 * The label changes whenever the built chaincode, the protocol it validates
 * with (built into protocol/dist and bundled with it) or its collections
 * change, which drives redeploys: a new label is a new definition and
 * sequence. Only the JS and the package.json files count, walked in sorted
 * order, so the same build always gives the same label (and package id).
 */
export async function chaincodeLabel(
  chaincodeDir: string,
  collections: object[],
  protocolDir: string = protocolDirOf(chaincodeDir),
): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(await readFile(full));
    }
  };
  try {
    await walk(path.join(chaincodeDir, 'dist', 'src'));
  } catch {
    throw new NetworkError('chaincode is not built', 'run npm run build first');
  }
  hash.update(await readFile(path.join(chaincodeDir, 'package.json')));
  hash.update('\0protocol\0');
  try {
    await walk(path.join(protocolDir, 'dist'));
  } catch {
    throw new NetworkError('the protocol package is not built', 'run npm run build first');
  }
  hash.update(await readFile(path.join(protocolDir, 'package.json')));
  hash.update(JSON.stringify(collections));
  return `${CHAINCODE_NAME}_${hash.digest('hex').slice(0, 12)}`;
}

/**
 * Tar with fixed names, owners, modes and times, gzip without a timestamp:
 * the same label always gives the same bytes, hence the same package id, so
 * a restart on the same data dir finds the chaincode already approved.
 */
async function deterministicTgz(cwd: string, files: readonly string[], out: string): Promise<void> {
  const tarFile = `${out}.tar`;
  const result = await run(
    'tar',
    [
      '--sort=name',
      '--mtime=@0',
      '--owner=0',
      '--group=0',
      '--numeric-owner',
      '--mode=u=rw,go=r',
      '--format=gnu',
      '-cf',
      tarFile,
      ...files,
    ],
    { cwd },
  );
  if (result.code !== 0) throw new NetworkError(`tar failed: ${result.stderr}`);
  await writeFile(out, gzipSync(await readFile(tarFile)));
  await rm(tarFile);
}

/** The CCaaS package for one peer: where its chaincode server listens, and that it speaks TLS only. */
export async function writePackage(dataDir: string, peer: PeerNode, label: string): Promise<string> {
  const dir = path.join(dataDir, 'chaincode', peer.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'src'), { recursive: true });
  const connection = { address: `${HOST}:${peer.chaincodeServerPort}`, dial_timeout: '10s', tls_required: true };
  await writeFile(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  await deterministicTgz(path.join(dir, 'src'), ['connection.json'], path.join(dir, 'code.tar.gz'));
  await deterministicTgz(dir, ['code.tar.gz', 'metadata.json'], path.join(dir, `${label}.tgz`));
  return path.join(dir, `${label}.tgz`);
}

const definitionSchema = z.object({ sequence: z.number().int(), version: z.string() });

/**
 * The committed definition, or null when the chaincode was never committed.
 * Reads stdout only: the peer CLI logs to stderr, after the JSON.
 */
export async function committedDefinition(dataDir: string, binDir: string, topology: Topology, peer: PeerNode) {
  const result = await peerCli(dataDir, binDir, topology, peer, [
    'lifecycle',
    'chaincode',
    'querycommitted',
    '--channelID',
    CHANNEL,
    '--name',
    CHAINCODE_NAME,
    '-O',
    'json',
  ]);
  if (result.code !== 0) {
    if (/404|not defined|not found/i.test(result.stderr)) return null;
    throw new NetworkError(
      `could not read the committed chaincode definition from ${peer.name}`,
      `see ${path.join(dataDir, 'logs', `${peer.name}.log`)}`,
      result.stderr.trim().split('\n').slice(-5).join('\n'),
    );
  }
  return definitionSchema.parse(JSON.parse(result.stdout));
}

/** This org's approval at a sequence, or null (an identical re-approval is an error in Fabric). */
async function approvedDefinition(
  dataDir: string,
  binDir: string,
  topology: Topology,
  peer: PeerNode,
  sequence: number,
): Promise<{ version: string; packageId: string } | null> {
  const result = await peerCli(dataDir, binDir, topology, peer, [
    'lifecycle',
    'chaincode',
    'queryapproved',
    '--channelID',
    CHANNEL,
    '--name',
    CHAINCODE_NAME,
    '--sequence',
    String(sequence),
    '-O',
    'json',
  ]);
  if (result.code !== 0) return null;
  const parsed = approvedSchema.safeParse(JSON.parse(result.stdout));
  if (!parsed.success) return null;
  return { version: parsed.data.version, packageId: parsed.data.source?.Type?.LocalPackage?.package_id ?? '' };
}

const approvedSchema = z.object({
  version: z.string(),
  source: z
    .object({ Type: z.object({ LocalPackage: z.object({ package_id: z.string() }).optional() }).optional() })
    .optional(),
});

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startChaincodeServer(
  dataDir: string,
  topology: Topology,
  peer: PeerNode,
  packageId: string,
  chaincodeDir: string,
): Promise<ProcessRecord> {
  const name = chaincodeServerName(peer.name);
  const existing = (await readRecords(dataDir)).find((r) => r.name === name);
  if (existing) await stopProcess(dataDir, existing);
  const tls = path.join(nodeDir(dataDir, orgOf(topology, peer), name), 'tls');
  const record = await startProcess(dataDir, {
    name,
    command: process.execPath,
    args: [
      path.join(REPO_ROOT, 'node_modules', 'fabric-shim', 'cli.js'),
      'server',
      '--chaincode-address',
      `${HOST}:${peer.chaincodeServerPort}`,
      '--chaincode-id',
      packageId,
      '--chaincode-tls-cert-file',
      path.join(tls, 'server.crt'),
      '--chaincode-tls-key-file',
      path.join(tls, 'server.key'),
      // Only clients with a certificate from this org's CA (its peer) get in.
      '--chaincode-tls-client-cacert-file',
      path.join(tls, 'ca.crt'),
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...chaincodeSettings(process.env) },
    // fabric-chaincode-node loads the package.json `main` of its working directory.
    cwd: chaincodeDir,
  });
  await waitUntilReady(record, () => portOpen(peer.chaincodeServerPort), 'starting the chaincode server', 30_000);
  return record;
}

/**
 * Waits until every peer gets an answer from the chaincode (a NOT_FOUND for a
 * user nobody has is an answer): after a (re)start the peer needs a moment
 * to reach the new chaincode server.
 */
export async function waitForChaincode(
  dataDir: string,
  binDir: string,
  topology: Topology,
  timeoutMs = 60_000,
): Promise<void> {
  const probe = JSON.stringify({
    Args: [
      'directory:GetUser',
      JSON.stringify({ userId: `${topology.peers[0]?.mspId ?? 'Org1MSP'}::readiness-probe` }),
    ],
  });
  for (const peer of topology.peers) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const result = await peerCli(dataDir, binDir, topology, peer, [
        'chaincode',
        'query',
        '-C',
        CHANNEL,
        '-n',
        CHAINCODE_NAME,
        '-c',
        probe,
      ]);
      if (result.code === 0 || /NOT_FOUND:/.test(result.stdout + result.stderr)) break;
      if (Date.now() > deadline) {
        throw new NetworkError(
          `${peer.name} cannot reach its chaincode server`,
          `see ${path.join(dataDir, 'logs', `${chaincodeServerName(peer.name)}.log`)} and ${peer.name}.log`,
          (result.stderr || result.stdout).trim().split('\n').slice(-5).join('\n'),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** The chaincode's documented KTALK_* settings (limits, optional contracts) pass through to its process. */
export function chaincodeSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('KTALK_') && e[1] !== undefined),
  );
}

export interface DeployResult {
  label: string;
  sequence: number;
  changed: boolean;
}

export async function deployChaincode(
  dataDir: string,
  binDir: string,
  topology: Topology,
  log: (line: string) => void,
  chaincodeDir: string = CHAINCODE_DIR,
): Promise<DeployResult> {
  const collections = collectionsConfig(topology);
  const label = await chaincodeLabel(chaincodeDir, collections);
  const first = topology.peers[0];
  if (!first) throw new Error('no peers');
  const committed = await committedDefinition(dataDir, binDir, topology, first);
  const changed = committed?.version !== label;
  const sequence = changed ? (committed?.sequence ?? 0) + 1 : (committed?.sequence ?? 1);

  const collectionsFile = path.join(dataDir, 'chaincode', 'collections.json');
  await mkdir(path.dirname(collectionsFile), { recursive: true });
  await writeFile(collectionsFile, JSON.stringify(collections, null, 2));
  const ordererArgs = [
    '--orderer',
    `${HOST}:${topology.orderers[0]?.port ?? 0}`,
    '--tls',
    '--cafile',
    ordererTlsRoot(dataDir, topology),
  ];
  // Approve and commit must name the identical definition.
  const definition = () => [
    '--channelID',
    CHANNEL,
    '--name',
    CHAINCODE_NAME,
    '--version',
    label,
    '--sequence',
    String(sequence),
    '--collections-config',
    collectionsFile,
    ...ordererArgs,
  ];

  const packageIds = new Map<string, string>();
  for (const peer of topology.peers) {
    const pkg = await writePackage(dataDir, peer, label);
    const packageId = (
      await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'calculatepackageid', pkg])
    ).trim();
    packageIds.set(peer.name, packageId);
    const installed = await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'queryinstalled']);
    if (!installed.includes(packageId)) {
      await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'install', pkg]);
      log(`  installed ${label} on ${peer.name}`);
    }
    if (!changed) continue;
    // A deploy that failed after approving leaves the approval in place; approving it again would be refused.
    const approved = await approvedDefinition(dataDir, binDir, topology, peer, sequence);
    if (approved?.version === label && approved.packageId === packageId) continue;
    await mustPeerCli(dataDir, binDir, topology, peer, [
      'lifecycle',
      'chaincode',
      'approveformyorg',
      '--package-id',
      packageId,
      ...definition(),
    ]);
    log(`  ${peer.mspId} approved ${label} (sequence ${sequence})`);
  }
  if (changed) {
    const peerArgs = topology.peers.flatMap((p) => [
      '--peerAddresses',
      `${HOST}:${p.port}`,
      '--tlsRootCertFiles',
      peerTlsRoot(dataDir, topology, p),
    ]);
    await mustPeerCli(dataDir, binDir, topology, first, [
      'lifecycle',
      'chaincode',
      'commit',
      ...definition(),
      ...peerArgs,
    ]);
    log(`  committed ${CHAINCODE_NAME} ${label} at sequence ${sequence}`);
  }
  // The old servers keep serving the committed definition until the new one
  // is committed, so a deploy that fails part-way leaves the chaincode reachable.
  for (const peer of topology.peers) {
    const running = (await readRecords(dataDir)).find((r) => r.name === chaincodeServerName(peer.name));
    if (changed || !running || !(await isRunning(running))) {
      await startChaincodeServer(dataDir, topology, peer, packageIds.get(peer.name) ?? '', chaincodeDir);
    }
  }
  await waitForChaincode(dataDir, binDir, topology);
  return { label, sequence, changed };
}
