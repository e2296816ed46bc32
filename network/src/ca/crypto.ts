import path from 'node:path';
import { HOST, type Org, type Topology } from '../topology';
import { CaCli, type IdentityType, type Registration, SecretStore, normaliseTlsDir } from './ca-cli';
import { readCaCert } from './ca-server';
import { finishLocalMsp, writeOrgMsp } from './msp';
import { pathExists } from '../fs-utils';
import { COMPLIANCE_AFFILIATION } from '../../../electron/src/shared/cert-attributes';

// All crypto material is issued by the orgs' CAs, as in a real deployment.

export interface DevUser {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly affiliation?: string;
  /** Fabric identity type; `client` unless said otherwise. */
  readonly type?: IdentityType;
  /** Rights at the CA itself, not written into the certificate. */
  readonly caAttrs?: Readonly<Record<string, string>>;
}

/**
 * What a KTalk org admin may do at its org's CA, acting with its own
 * enrollment as a desktop app would: register clients carrying the KTalk
 * attributes (fabric-ca restricts attribute names, not their values),
 * revoke, and publish the CRL. Its affiliation is the CA's root (the default
 * it inherits from the bootstrap registrar), so it manages every affiliation,
 * compliance included.
 */
export const ORG_ADMIN_CA_ATTRS: Readonly<Record<string, string>> = {
  'hf.Registrar.Roles': 'client',
  'hf.Registrar.Attributes': 'ktalk.role,ktalk.treasury',
  'hf.Revoker': 'true',
  'hf.GenCRL': 'true',
};

/** Development users seeded per peer org; roles travel in the certificate. */
export function devUsers(org: Org): DevUser[] {
  const n = org.name.slice(-1);
  const staff = n === '1' ? ['alice', 'carol'] : ['bob', 'dave'];
  return [
    ...staff.map((name) => ({ name, attrs: { 'ktalk.role': 'staff' } })),
    // Identity type admin: OU=admin under NodeOUs, so it satisfies the org's
    // Admins policy and may sign its org's channel config updates (the CRL).
    {
      name: `org${n}admin`,
      type: 'admin',
      attrs: { 'ktalk.role': 'admin', 'ktalk.treasury': 'true' },
      caAttrs: ORG_ADMIN_CA_ATTRS,
    },
    { name: `auditor${n}`, attrs: { 'ktalk.role': 'compliance' }, affiliation: COMPLIANCE_AFFILIATION },
  ];
}

/** The chaincode server that serves one peer. */
export const chaincodeServerName = (peer: string) => `chaincode-${peer}`;

export const orgDir = (dataDir: string, org: Org) => path.join(dataDir, 'crypto', org.name.toLowerCase());
export const nodeDir = (dataDir: string, org: Org, node: string) => path.join(orgDir(dataDir, org), 'nodes', node);
export const userMspDir = (dataDir: string, org: Org, user: string) =>
  path.join(orgDir(dataDir, org), 'users', user, 'msp');
export const secretStore = (dataDir: string) => new SecretStore(path.join(dataDir, 'ca', 'enrollment-secrets.json'));

export async function issueOrgCrypto(
  dataDir: string,
  binDir: string,
  org: Org,
  nodes: readonly string[],
  nodeType: 'peer' | 'orderer',
  users: readonly DevUser[],
  log: (line: string) => void,
): Promise<void> {
  const cli = new CaCli(binDir, dataDir, org.ca);
  const secrets = secretStore(dataDir);
  const caPem = await readCaCert(dataDir, org.ca);
  await cli.enrollRegistrar();
  if (users.some((u) => u.affiliation === COMPLIANCE_AFFILIATION)) await cli.ensureAffiliation(COMPLIANCE_AFFILIATION);
  await writeOrgMsp(path.join(orgDir(dataDir, org), 'msp'), caPem);

  const enrollOnce = async (registration: Registration, mspDir: string, hosts?: string[]) => {
    if (await pathExists(path.join(mspDir, 'signcerts', 'cert.pem'))) return;
    const secret = await cli.register(registration, secrets);
    await cli.enroll(registration.name, secret, mspDir, hosts ? { hosts } : {});
    await finishLocalMsp(mspDir, caPem);
  };

  for (const node of nodes) {
    const dir = nodeDir(dataDir, org, node);
    const hosts = [HOST, 'localhost', node];
    await enrollOnce({ name: node, type: nodeType }, path.join(dir, 'msp'), hosts);
    if (!(await pathExists(path.join(dir, 'tls', 'server.crt')))) {
      const secret = await cli.register({ name: node, type: nodeType }, secrets);
      const scratch = path.join(dir, 'tls-enroll');
      await cli.enroll(node, secret, scratch, { tls: true, hosts });
      await normaliseTlsDir(scratch, path.join(dir, 'tls'));
    }
    if (nodeType === 'peer') {
      // The peer's chaincode-as-a-service process serves TLS with its own
      // certificate from the org CA; the peer dials it with its TLS client cert.
      const server = chaincodeServerName(node);
      const tlsDir = path.join(nodeDir(dataDir, org, server), 'tls');
      if (!(await pathExists(path.join(tlsDir, 'server.crt')))) {
        const secret = await cli.register({ name: server, type: 'client' }, secrets);
        const scratch = path.join(nodeDir(dataDir, org, server), 'tls-enroll');
        await cli.enroll(server, secret, scratch, { tls: true, hosts: [HOST, 'localhost', server] });
        await normaliseTlsDir(scratch, tlsDir);
      }
    }
    log(`  ${node}: identity and TLS certificates issued by ${org.ca.name}`);
  }
  await enrollOnce(
    { name: `${org.name.toLowerCase()}-fabric-admin`, type: 'admin' },
    userMspDir(dataDir, org, 'Admin'),
  );
  for (const user of users) {
    await enrollOnce(
      {
        name: user.name,
        type: user.type ?? 'client',
        attrs: user.attrs,
        ...(user.caAttrs ? { caAttrs: user.caAttrs } : {}),
        ...(user.affiliation ? { affiliation: user.affiliation } : {}),
      },
      userMspDir(dataDir, org, user.name),
    );
  }
  if (users.length > 0)
    log(`  ${org.name}: users ${users.map((u) => `${u.name} (${u.attrs['ktalk.role']})`).join(', ')}`);
}

export async function issueAllCrypto(
  dataDir: string,
  binDir: string,
  topology: Topology,
  log: (line: string) => void,
): Promise<void> {
  await issueOrgCrypto(
    dataDir,
    binDir,
    topology.ordererOrg,
    topology.orderers.map((o) => o.name),
    'orderer',
    [],
    log,
  );
  for (const org of topology.peerOrgs) {
    const peers = topology.peers.filter((p) => p.org === org.name).map((p) => p.name);
    await issueOrgCrypto(dataDir, binDir, org, peers, 'peer', devUsers(org), log);
  }
}
