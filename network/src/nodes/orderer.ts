import path from 'node:path';
import { nodeDir } from '../ca/crypto';
import { ordererOverrides } from '../config/node-config';
import { NetworkError } from '../errors';
import { run } from '../exec';
import type { ProcessRecord } from '../processes';
import { CHANNEL, HOST, type OrdererNode, type Topology } from '../topology';
import { startFabricNode } from './fabric-node';

export async function startOrderer(
  dataDir: string,
  binDir: string,
  sampleConfigDir: string,
  topology: Topology,
  orderer: OrdererNode,
): Promise<ProcessRecord> {
  return startFabricNode(dataDir, binDir, sampleConfigDir, {
    name: orderer.name,
    binary: 'orderer',
    args: [],
    configFile: 'orderer.yaml',
    overrides: ordererOverrides(dataDir, topology, orderer),
    operationsPort: orderer.operationsPort,
  });
}

function adminTls(dataDir: string, topology: Topology, orderer: OrdererNode) {
  const tls = path.join(nodeDir(dataDir, topology.ordererOrg, orderer.name), 'tls');
  return [
    '--ca-file',
    path.join(tls, 'ca.crt'),
    '--client-cert',
    path.join(tls, 'server.crt'),
    '--client-key',
    path.join(tls, 'server.key'),
  ];
}

/** Joins the orderer to the channel through the channel participation API (idempotent). */
export async function joinOrderer(
  dataDir: string,
  binDir: string,
  topology: Topology,
  orderer: OrdererNode,
  genesisBlock: string,
): Promise<void> {
  const osnadmin = path.join(binDir, 'osnadmin');
  const common = ['-o', `${HOST}:${orderer.adminPort}`, ...adminTls(dataDir, topology, orderer)];
  // The orderer serves /healthz before its admin endpoint listens; on a busy
  // machine the gap can be seconds, so wait for the admin endpoint itself.
  const deadline = Date.now() + 60_000;
  let list = await run(osnadmin, ['channel', 'list', '--channelID', CHANNEL, ...common], { timeoutMs: 30_000 });
  while (/connection refused/.test(list.stdout + list.stderr) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    list = await run(osnadmin, ['channel', 'list', '--channelID', CHANNEL, ...common], { timeoutMs: 30_000 });
  }
  if (list.code === 0 && list.stdout.includes('"name"')) return;
  const join = await run(
    osnadmin,
    ['channel', 'join', '--channelID', CHANNEL, '--config-block', genesisBlock, ...common],
    { timeoutMs: 30_000 },
  );
  if (join.code !== 0 || !/Status: 20[01]/.test(join.stdout + join.stderr)) {
    throw new NetworkError(
      `${orderer.name} could not join channel ${CHANNEL}: ${(join.stdout + join.stderr).trim()}`,
      `see ${path.join(dataDir, 'logs', `${orderer.name}.log`)}`,
    );
  }
}
