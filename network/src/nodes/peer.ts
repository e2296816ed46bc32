import path from 'node:path';
import { nodeDir, userMspDir } from '../ca/crypto';
import { CCAAS_TLS_DIR_VAR, peerOverrides } from '../config/node-config';
import { NetworkError } from '../errors';
import { type RunResult, run } from '../exec';
import type { ProcessRecord } from '../processes';
import { CHANNEL, HOST, type Org, type PeerNode, type Topology } from '../topology';
import { startFabricNode } from './fabric-node';

export const peerConfigDir = (dataDir: string, peer: PeerNode) => path.join(dataDir, 'config', peer.name);

export function orgOf(topology: Topology, peer: PeerNode): Org {
  const org = topology.peerOrgs.find((o) => o.name === peer.org);
  if (!org) throw new Error(`unknown org ${peer.org}`);
  return org;
}

export const peerTlsRoot = (dataDir: string, topology: Topology, peer: PeerNode) =>
  path.join(nodeDir(dataDir, orgOf(topology, peer), peer.name), 'tls', 'ca.crt');

export const ordererTlsRoot = (dataDir: string, topology: Topology) => {
  const first = topology.orderers[0];
  if (!first) throw new Error('no orderer');
  return path.join(nodeDir(dataDir, topology.ordererOrg, first.name), 'tls', 'ca.crt');
};

export async function startPeer(
  dataDir: string,
  binDir: string,
  sampleConfigDir: string,
  topology: Topology,
  peer: PeerNode,
): Promise<ProcessRecord> {
  return startFabricNode(dataDir, binDir, sampleConfigDir, {
    name: peer.name,
    binary: 'peer',
    args: ['node', 'start'],
    configFile: 'core.yaml',
    overrides: peerOverrides(dataDir, topology, peer),
    operationsPort: peer.operationsPort,
    // The ktalk-ccaas builder's release step reads the peer's TLS client
    // credentials from here, so chaincode packages never carry keys.
    env: { [CCAAS_TLS_DIR_VAR]: path.join(nodeDir(dataDir, orgOf(topology, peer), peer.name), 'tls') },
  });
}

/** Runs the peer CLI against one peer as the org's Fabric admin, or as the user whose MSP dir is given. */
export async function peerCli(
  dataDir: string,
  binDir: string,
  topology: Topology,
  peer: PeerNode,
  args: readonly string[],
  mspDir?: string,
): Promise<RunResult> {
  const org = orgOf(topology, peer);
  return run(path.join(binDir, 'peer'), args, {
    cwd: peerConfigDir(dataDir, peer),
    timeoutMs: 120_000,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FABRIC_CFG_PATH: peerConfigDir(dataDir, peer),
      CORE_PEER_LOCALMSPID: peer.mspId,
      CORE_PEER_MSPCONFIGPATH: mspDir ?? userMspDir(dataDir, org, 'Admin'),
      CORE_PEER_ADDRESS: `${HOST}:${peer.port}`,
      CORE_PEER_TLS_ENABLED: 'true',
      CORE_PEER_TLS_ROOTCERT_FILE: peerTlsRoot(dataDir, topology, peer),
    },
  });
}

export async function mustPeerCli(
  dataDir: string,
  binDir: string,
  topology: Topology,
  peer: PeerNode,
  args: readonly string[],
  mspDir?: string,
): Promise<string> {
  const result = await peerCli(dataDir, binDir, topology, peer, args, mspDir);
  if (result.code !== 0) {
    throw new NetworkError(
      `peer ${args.slice(0, 3).join(' ')} on ${peer.name} failed`,
      `see ${path.join(dataDir, 'logs', `${peer.name}.log`)}`,
      (result.stderr || result.stdout).trim().split('\n').slice(-10).join('\n'),
    );
  }
  return result.stdout + result.stderr;
}

export async function joinPeer(
  dataDir: string,
  binDir: string,
  topology: Topology,
  peer: PeerNode,
  genesisBlock: string,
): Promise<void> {
  // Like the orderer, the peer answers /healthz a moment before its gRPC port does.
  const deadline = Date.now() + 60_000;
  let listed = await peerCli(dataDir, binDir, topology, peer, ['channel', 'list']);
  while (listed.code !== 0 && /connection refused/.test(listed.stderr) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    listed = await peerCli(dataDir, binDir, topology, peer, ['channel', 'list']);
  }
  const list = await mustPeerCli(dataDir, binDir, topology, peer, ['channel', 'list']);
  if (list.split('\n').some((line) => line.trim() === CHANNEL)) return;
  await mustPeerCli(dataDir, binDir, topology, peer, ['channel', 'join', '-b', genesisBlock]);
}
