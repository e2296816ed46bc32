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
import { mustPeerCli, ordererTlsRoot, peerTlsRoot } from './peer';
import net from 'node:net';

// Chaincode runs as a service: one Node process per peer, started and
// stopped by these scripts; the peer reaches it through the ktalk-ccaas
// external builder. Deployment still goes through the full lifecycle.

export const CHAINCODE_DIR = path.join(REPO_ROOT, 'chaincode');

/** The label changes whenever the built chaincode changes, which drives redeploys. */
export async function chaincodeLabel(): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith('.js')) hash.update(entry.name).update(await readFile(full));
    }
  };
  try {
    await walk(path.join(CHAINCODE_DIR, 'dist', 'src'));
  } catch {
    throw new NetworkError('chaincode is not built', 'run npm run build first');
  }
  hash.update(await readFile(path.join(CHAINCODE_DIR, 'package.json')));
  return `${CHAINCODE_NAME}_${hash.digest('hex').slice(0, 12)}`;
}

async function writePackage(dataDir: string, peer: PeerNode, label: string): Promise<string> {
  const dir = path.join(dataDir, 'chaincode', peer.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'src'), { recursive: true });
  const connection = { address: `${HOST}:${peer.chaincodeServerPort}`, dial_timeout: '10s', tls_required: false };
  await writeFile(path.join(dir, 'src', 'connection.json'), JSON.stringify(connection));
  await writeFile(path.join(dir, 'metadata.json'), JSON.stringify({ type: 'ccaas', label }));
  const tar = async (args: string[]) => {
    const result = await run('tar', args, { cwd: dir });
    if (result.code !== 0) throw new NetworkError(`tar failed: ${result.stderr}`);
  };
  await tar(['-czf', 'code.tar.gz', '-C', 'src', 'connection.json']);
  await tar(['-czf', `${label}.tgz`, 'metadata.json', 'code.tar.gz']);
  return path.join(dir, `${label}.tgz`);
}

const committedSchema = z.object({ sequence: z.number().int(), version: z.string() });

async function committedDefinition(dataDir: string, binDir: string, topology: Topology, peer: PeerNode) {
  try {
    const out = await mustPeerCli(dataDir, binDir, topology, peer, [
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
    return committedSchema.parse(JSON.parse(out.slice(out.indexOf('{'))));
  } catch {
    return null;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function startChaincodeServer(dataDir: string, peer: PeerNode, packageId: string): Promise<ProcessRecord> {
  const name = `chaincode-${peer.name}`;
  const existing = (await readRecords(dataDir)).find((r) => r.name === name);
  if (existing) await stopProcess(dataDir, existing);
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
    ],
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', ...chaincodeSettings(process.env) },
    cwd: CHAINCODE_DIR,
  });
  await waitUntilReady(record, () => portOpen(peer.chaincodeServerPort), 'starting the chaincode server', 30_000);
  return record;
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
): Promise<DeployResult> {
  const label = await chaincodeLabel();
  const first = topology.peers[0];
  if (!first) throw new Error('no peers');
  const committed = await committedDefinition(dataDir, binDir, topology, first);
  const changed = committed?.version !== label;
  const sequence = changed ? (committed?.sequence ?? 0) + 1 : (committed?.sequence ?? 1);

  const collectionsFile = path.join(dataDir, 'chaincode', 'collections.json');
  await mkdir(path.dirname(collectionsFile), { recursive: true });
  await writeFile(collectionsFile, JSON.stringify(collectionsConfig(topology), null, 2));
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

  for (const peer of topology.peers) {
    const pkg = await writePackage(dataDir, peer, label);
    const packageId = (
      await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'calculatepackageid', pkg])
    ).trim();
    const installed = await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'queryinstalled']);
    if (!installed.includes(packageId)) {
      await mustPeerCli(dataDir, binDir, topology, peer, ['lifecycle', 'chaincode', 'install', pkg]);
      log(`  installed ${label} on ${peer.name}`);
    }
    const running = (await readRecords(dataDir)).find((r) => r.name === `chaincode-${peer.name}`);
    if (!running || !(await isRunning(running)) || changed) await startChaincodeServer(dataDir, peer, packageId);
    if (changed) {
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
  return { label, sequence, changed };
}
