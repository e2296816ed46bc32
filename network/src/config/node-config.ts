import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { nodeDir } from '../ca/crypto';
import { NetworkError } from '../errors';
import { REPO_ROOT } from '../paths';
import { HOST, type OrdererNode, type PeerNode, type Topology } from '../topology';

// core.yaml and orderer.yaml come from Fabric's own sampleconfig at setup
// time; KTalk applies only the overrides below (the documented patch).

export type Overrides = ReadonlyArray<readonly [path: readonly string[], value: unknown]>;

export function applyOverrides(sampleYaml: string, overrides: Overrides): string {
  const doc = parseDocument(sampleYaml);
  if (doc.errors.length > 0) throw new NetworkError(`sample config does not parse: ${doc.errors[0]?.message}`);
  for (const [keyPath, value] of overrides) doc.setIn([...keyPath], value);
  return doc.toString();
}

export const EXTERNAL_BUILDER_DIR = path.join(REPO_ROOT, 'network', 'builders', 'ktalk-ccaas');
/** Peer environment variable naming its TLS dir (server.crt, server.key, ca.crt) for the builder. */
export const CCAAS_TLS_DIR_VAR = 'KTALK_CCAAS_TLS_DIR';

/**
 * Proposal and deliver timestamps are set by clients; peers and orderers
 * accept them within this window (Fabric's default is 15 min). One minute
 * covers NTP-synced desktops with room to spare, and bounds what a client
 * can gain by bending time: the chaincode's guard bands (CLOCK_SKEW_MS in
 * chaincode/src/lib/clock.ts) equal this window.
 */
export const CLOCK_SKEW_WINDOW = '60s';

export function peerOverrides(dataDir: string, topology: Topology, peer: PeerNode): Overrides {
  const org = topology.peerOrgs.find((o) => o.name === peer.org);
  if (!org) throw new Error(`unknown org ${peer.org}`);
  const dir = nodeDir(dataDir, org, peer.name);
  const address = `${HOST}:${peer.port}`;
  return [
    [['peer', 'id'], peer.name],
    [['peer', 'networkId'], 'ktalk'],
    [['peer', 'listenAddress'], address],
    [['peer', 'address'], address],
    [['peer', 'chaincodeListenAddress'], `${HOST}:${peer.chaincodePort}`],
    [['peer', 'chaincodeAddress'], `${HOST}:${peer.chaincodePort}`],
    [['peer', 'gossip', 'bootstrap'], address],
    [['peer', 'gossip', 'endpoint'], address],
    [['peer', 'gossip', 'externalEndpoint'], address],
    // The other org's peer usually starts after this one; retry it every 5 s
    // (default 25 s) so cross-org endorsement is possible soon after start
    // or after a peer restarts.
    [['peer', 'gossip', 'reconnectInterval'], '5s'],
    [['peer', 'localMspId'], peer.mspId],
    [['peer', 'mspConfigPath'], path.join(dir, 'msp')],
    [['peer', 'fileSystemPath'], path.join(dataDir, 'ledgers', peer.name)],
    [['peer', 'tls', 'enabled'], true],
    [['peer', 'tls', 'cert', 'file'], path.join(dir, 'tls', 'server.crt')],
    [['peer', 'tls', 'key', 'file'], path.join(dir, 'tls', 'server.key')],
    [['peer', 'tls', 'rootcert', 'file'], path.join(dir, 'tls', 'ca.crt')],
    [['peer', 'gateway', 'enabled'], true],
    [['peer', 'authentication', 'timewindow'], CLOCK_SKEW_WINDOW],
    [['ledger', 'state', 'stateDatabase'], 'goleveldb'],
    [['ledger', 'snapshots', 'rootDir'], path.join(dataDir, 'ledgers', peer.name, 'snapshots')],
    // No Docker here: chaincode runs as a service the peer dials.
    [['vm', 'endpoint'], ''],
    [
      ['chaincode', 'externalBuilders'],
      [{ name: 'ktalk-ccaas', path: EXTERNAL_BUILDER_DIR, propagateEnvironment: [CCAAS_TLS_DIR_VAR] }],
    ],
    [['operations', 'listenAddress'], `${HOST}:${peer.operationsPort}`],
    [['metrics', 'provider'], 'prometheus'],
  ];
}

export function ordererOverrides(dataDir: string, topology: Topology, orderer: OrdererNode): Overrides {
  const dir = nodeDir(dataDir, topology.ordererOrg, orderer.name);
  const tls = (file: string) => path.join(dir, 'tls', file);
  return [
    [['General', 'ListenAddress'], HOST],
    [['General', 'ListenPort'], orderer.port],
    [['General', 'TLS', 'Enabled'], true],
    [['General', 'TLS', 'PrivateKey'], tls('server.key')],
    [['General', 'TLS', 'Certificate'], tls('server.crt')],
    [['General', 'TLS', 'RootCAs'], [tls('ca.crt')]],
    [['General', 'Cluster', 'ClientCertificate'], tls('server.crt')],
    [['General', 'Cluster', 'ClientPrivateKey'], tls('server.key')],
    [['General', 'Cluster', 'RootCAs'], [tls('ca.crt')]],
    [['General', 'BootstrapMethod'], 'none'],
    [['General', 'Authentication', 'TimeWindow'], CLOCK_SKEW_WINDOW],
    [['General', 'LocalMSPDir'], path.join(dir, 'msp')],
    [['General', 'LocalMSPID'], topology.ordererOrg.mspId],
    [['FileLedger', 'Location'], path.join(dataDir, 'ledgers', orderer.name)],
    [['Consensus', 'WALDir'], path.join(dataDir, 'ledgers', orderer.name, 'etcdraft', 'wal')],
    [['Consensus', 'SnapDir'], path.join(dataDir, 'ledgers', orderer.name, 'etcdraft', 'snapshot')],
    [['Admin', 'ListenAddress'], `${HOST}:${orderer.adminPort}`],
    [['Admin', 'TLS', 'Enabled'], true],
    [['Admin', 'TLS', 'PrivateKey'], tls('server.key')],
    [['Admin', 'TLS', 'Certificate'], tls('server.crt')],
    [['Admin', 'TLS', 'RootCAs'], [tls('ca.crt')]],
    [['Admin', 'TLS', 'ClientAuthRequired'], true],
    [['Admin', 'TLS', 'ClientRootCAs'], [tls('ca.crt')]],
    [['ChannelParticipation', 'Enabled'], true],
    [['Operations', 'ListenAddress'], `${HOST}:${orderer.operationsPort}`],
    [['Metrics', 'Provider'], 'prometheus'],
  ];
}

/** Writes <data>/config/<node>/{core,orderer}.yaml; the node runs with FABRIC_CFG_PATH there. */
export async function writeNodeConfig(
  dataDir: string,
  sampleConfigDir: string,
  nodeName: string,
  file: 'core.yaml' | 'orderer.yaml',
  overrides: Overrides,
): Promise<string> {
  let sample: string;
  try {
    sample = await readFile(path.join(sampleConfigDir, file), 'utf8');
  } catch {
    throw new NetworkError(
      `no ${file} in ${sampleConfigDir}`,
      'rebuild the binaries (npm run network:binaries) so sampleconfig is cached, or put a Fabric release config/ next to FABRIC_BIN',
    );
  }
  const outDir = path.join(dataDir, 'config', nodeName);
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, file), applyOverrides(sample, overrides));
  return outDir;
}
