import { NetworkError } from './errors';
import type { PortClaim } from './ports';

// Everything listens on 127.0.0.1; every port is an offset from one base so a
// second copy of the network (or a busy machine) needs one variable.
export const HOST = '127.0.0.1';
export const CHANNEL = 'ktalk';
export const CHAINCODE_NAME = 'ktalk';

export interface CaNode {
  readonly kind: 'ca';
  readonly name: string;
  readonly org: string;
  readonly port: number;
  readonly operationsPort: number;
}

export interface OrdererNode {
  readonly kind: 'orderer';
  readonly name: string;
  readonly org: string;
  readonly port: number;
  readonly adminPort: number;
  readonly operationsPort: number;
}

export interface PeerNode {
  readonly kind: 'peer';
  readonly name: string;
  readonly org: string;
  readonly mspId: string;
  readonly port: number;
  readonly chaincodePort: number;
  readonly operationsPort: number;
  /** Where this peer's chaincode-as-a-service process listens. */
  readonly chaincodeServerPort: number;
}

export interface Org {
  readonly name: string;
  readonly mspId: string;
  readonly domain: string;
  readonly ca: CaNode;
}

export interface Topology {
  readonly portBase: number;
  readonly ordererOrg: Org;
  readonly peerOrgs: readonly Org[];
  readonly cas: readonly CaNode[];
  readonly orderers: readonly OrdererNode[];
  readonly peers: readonly PeerNode[];
}

export const DEFAULT_PORT_BASE = 17000;

export function portBaseFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.KTALK_PORT_BASE;
  if (raw === undefined || raw === '') return DEFAULT_PORT_BASE;
  const base = Number(raw);
  if (!Number.isInteger(base) || base < 1024 || base > 60000) {
    throw new NetworkError(`KTALK_PORT_BASE must be an integer between 1024 and 60000, got "${raw}"`);
  }
  return base;
}

export function buildTopology(portBase: number): Topology {
  const ca = (name: string, org: string, i: number): CaNode => ({
    kind: 'ca',
    name,
    org,
    port: portBase + 54 + i * 100,
    operationsPort: portBase + 55 + i * 100,
  });
  const ordererOrg: Org = {
    name: 'OrdererOrg',
    mspId: 'OrdererMSP',
    domain: 'orderer.ktalk.local',
    ca: ca('ca-orderer', 'OrdererOrg', 0),
  };
  const org1: Org = { name: 'Org1', mspId: 'Org1MSP', domain: 'org1.ktalk.local', ca: ca('ca-org1', 'Org1', 1) };
  const org2: Org = { name: 'Org2', mspId: 'Org2MSP', domain: 'org2.ktalk.local', ca: ca('ca-org2', 'Org2', 2) };
  const orderers = [0, 1, 2].map((i): OrdererNode => ({
    kind: 'orderer',
    name: `orderer${i + 1}`,
    org: 'OrdererOrg',
    port: portBase + 500 + i * 10,
    adminPort: portBase + 501 + i * 10,
    operationsPort: portBase + 502 + i * 10,
  }));
  const peers = [org1, org2].map((org, i): PeerNode => ({
    kind: 'peer',
    name: `peer0.${org.name.toLowerCase()}`,
    org: org.name,
    mspId: org.mspId,
    port: portBase + 700 + i * 10,
    chaincodePort: portBase + 701 + i * 10,
    operationsPort: portBase + 702 + i * 10,
    chaincodeServerPort: portBase + 703 + i * 10,
  }));
  return {
    portBase,
    ordererOrg,
    peerOrgs: [org1, org2],
    cas: [ordererOrg.ca, org1.ca, org2.ca],
    orderers,
    peers,
  };
}

export function portClaims(topology: Topology): PortClaim[] {
  return [
    ...topology.cas.flatMap((c) => [
      { port: c.port, owner: `${c.name} API` },
      { port: c.operationsPort, owner: `${c.name} operations` },
    ]),
    ...topology.orderers.flatMap((o) => [
      { port: o.port, owner: `${o.name} cluster/broadcast` },
      { port: o.adminPort, owner: `${o.name} admin` },
      { port: o.operationsPort, owner: `${o.name} operations` },
    ]),
    ...topology.peers.flatMap((p) => [
      { port: p.port, owner: `${p.name} gateway` },
      { port: p.chaincodePort, owner: `${p.name} chaincode listener` },
      { port: p.operationsPort, owner: `${p.name} operations` },
      { port: p.chaincodeServerPort, owner: `${p.name} chaincode server` },
    ]),
  ];
}
