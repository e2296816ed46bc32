import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type ConnectionProfile,
  DEV_PROFILE_RELATIVE_PATH,
  PROFILE_FORMAT,
  PROFILE_VERSION,
  validateConnectionProfile,
} from '../../electron/src/common/connection-profile';
import { caUrl, readCaCert } from './ca/ca-server';
import { nodeDir } from './ca/crypto';
import { NetworkError } from './errors';
import { REPO_ROOT } from './paths';
import { CHAINCODE_NAME, CHANNEL, HOST, type Topology } from './topology';

// The connection profile of this network in the app's own format (schema:
// electron/src/common/connection-profile.ts): channel, chaincode, and per
// org the gateway peer and the CA, each with its TLS root, and the orderers
// (an org admin broadcasts its CRL updates to them). The app needs nothing
// else to connect, just as with a real deployment's profile.

export const DEV_PROFILE_NAME = 'ktalk-dev';

/** Inside the network's data dir; every network, test ones included, gets one. */
export const profilePath = (dataDir: string) => path.join(dataDir, 'connection-profile.json');

/** The stable path the app reads by default (electron/src/node/profile DEV_PROFILE_PATH); only the CLI writes it. */
export const DEV_PROFILE_PATH = path.join(REPO_ROOT, DEV_PROFILE_RELATIVE_PATH);

/**
 * The extra paths `up` writes the profile to: the app's default path belongs
 * to the network in the default data dir only, so a second network (tests,
 * benchmarks, another data dir) never repoints the everyday app.
 */
export function devProfileCopies(networkDir: string, defaultNetworkDir: string): string[] {
  return path.resolve(networkDir) === path.resolve(defaultNetworkDir) ? [DEV_PROFILE_PATH] : [];
}

/** The profile the app should read for the network in `networkDir`. */
export function appProfileFor(networkDir: string, defaultNetworkDir: string): string {
  return devProfileCopies(networkDir, defaultNetworkDir)[0] ?? profilePath(networkDir);
}

export async function buildConnectionProfile(dataDir: string, topology: Topology): Promise<ConnectionProfile> {
  const organizations = await Promise.all(
    topology.peerOrgs.map(async (org) => {
      const peer = topology.peers.find((p) => p.org === org.name);
      if (!peer) throw new NetworkError(`${org.name} has no peer`);
      const peerTlsRoot = await readFile(path.join(nodeDir(dataDir, org, peer.name), 'tls', 'ca.crt'), 'utf8');
      return {
        mspId: org.mspId,
        // The peer's TLS certificate names it (hosts: 127.0.0.1, localhost, its name); server names are never IPs.
        gateway: { endpoint: `${HOST}:${peer.port}`, tlsServerName: peer.name, tlsRootCertificate: peerTlsRoot },
        ca: { url: caUrl(org.ca), name: org.ca.name, tlsRootCertificate: await readCaCert(dataDir, org.ca) },
      };
    }),
  );
  // Orderers serve TLS with certificates from the orderer org's CA.
  const orderers = await Promise.all(
    topology.orderers.map(async (orderer) => ({
      endpoint: `${HOST}:${orderer.port}`,
      tlsServerName: orderer.name,
      tlsRootCertificate: await readFile(
        path.join(nodeDir(dataDir, topology.ordererOrg, orderer.name), 'tls', 'ca.crt'),
        'utf8',
      ),
    })),
  );
  const profile = {
    format: PROFILE_FORMAT,
    version: PROFILE_VERSION,
    name: DEV_PROFILE_NAME,
    channel: CHANNEL,
    chaincode: CHAINCODE_NAME,
    organizations,
    orderers,
  };
  // The app would refuse a profile that fails its schema; fail here instead.
  return validateConnectionProfile(profile);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temp, text, { mode: 0o644, flag: 'wx' });
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}

/** Writes the profile into the data dir, and to each extra path (the CLI adds DEV_PROFILE_PATH). */
export async function writeConnectionProfile(
  dataDir: string,
  topology: Topology,
  extraPaths: readonly string[] = [],
): Promise<string> {
  const text = `${JSON.stringify(await buildConnectionProfile(dataDir, topology), null, 2)}\n`;
  const file = profilePath(dataDir);
  for (const target of [file, ...extraPaths]) await writeAtomic(target, text);
  return file;
}
