import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { userMspDir } from '../../network/src/ca/crypto';
import { nodeDir } from '../../network/src/ca/crypto';
import { HOST, type Org, type PeerNode, type Topology } from '../../network/src/topology';
import type { GatewayIdentity, PeerEndpoint } from '../../electron/src/node/fabric/gateway';

/** Loads a development user enrolled by network:up from its MSP folder. */
export async function devIdentity(dataDir: string, org: Org, user: string): Promise<GatewayIdentity> {
  const msp = userMspDir(dataDir, org, user);
  const [keyFile] = await readdir(path.join(msp, 'keystore'));
  if (!keyFile) throw new Error(`no private key for ${user} in ${msp}`);
  return {
    mspId: org.mspId,
    certificatePem: await readFile(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: await readFile(path.join(msp, 'keystore', keyFile), 'utf8'),
  };
}

export async function peerEndpoint(dataDir: string, topology: Topology, peer: PeerNode): Promise<PeerEndpoint> {
  const org = topology.peerOrgs.find((o) => o.name === peer.org);
  if (!org) throw new Error(`unknown org ${peer.org}`);
  return {
    address: `${HOST}:${peer.port}`,
    // The peer's TLS certificate names it; TLS server names must not be IPs.
    hostOverride: peer.name,
    tlsRootPem: await readFile(path.join(nodeDir(dataDir, org, peer.name), 'tls', 'ca.crt'), 'utf8'),
  };
}
