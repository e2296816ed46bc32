import path from 'node:path';
import { stringify } from 'yaml';
import { orgDir, nodeDir } from '../ca/crypto';
import { HOST, type Org, type Topology } from '../topology';
import { BLOCK_READERS, blockReadersRule, channelAcls } from '../channel/acls';

// The channel is created from this profile with configtxgen and joined through
// the channel participation API: there is no system channel.

/** Chat wants short block cuts; see README "BatchTimeout" for the measurement. */
export const DEFAULT_BATCH_TIMEOUT = '250ms';
export const PROFILE = 'KTalkChannel';

const signature = (rule: string) => ({ Type: 'Signature', Rule: rule });
const implicit = (rule: string) => ({ Type: 'ImplicitMeta', Rule: rule });

function peerOrgSection(dataDir: string, org: Org, anchorPort: number) {
  const m = org.mspId;
  return {
    Name: m,
    ID: m,
    MSPDir: path.join(orgDir(dataDir, org), 'msp'),
    Policies: {
      Readers: signature(`OR('${m}.admin', '${m}.peer', '${m}.client')`),
      Writers: signature(`OR('${m}.admin', '${m}.client')`),
      Admins: signature(`OR('${m}.admin')`),
      Endorsement: signature(`OR('${m}.peer')`),
    },
    // Anchor peers let the orgs' peers find each other for private data gossip.
    AnchorPeers: [{ Host: HOST, Port: anchorPort }],
  };
}

export interface ConfigtxOptions {
  batchTimeout?: string;
}

export function buildConfigtx(
  dataDir: string,
  topology: Topology,
  options: ConfigtxOptions = {},
): Record<string, unknown> {
  const ordererOrg = topology.ordererOrg;
  const om = ordererOrg.mspId;
  const ordererSection = {
    Name: om,
    ID: om,
    MSPDir: path.join(orgDir(dataDir, ordererOrg), 'msp'),
    Policies: {
      Readers: signature(`OR('${om}.member')`),
      Writers: signature(`OR('${om}.member')`),
      Admins: signature(`OR('${om}.admin')`),
    },
    OrdererEndpoints: topology.orderers.map((o) => `${HOST}:${o.port}`),
  };
  const peerOrgs = topology.peerOrgs.map((org) => {
    const anchor = topology.peers.find((p) => p.org === org.name);
    if (!anchor) throw new Error(`${org.name} has no peer`);
    return peerOrgSection(dataDir, org, anchor.port);
  });
  const orderer = {
    OrdererType: 'etcdraft',
    BatchTimeout: options.batchTimeout ?? DEFAULT_BATCH_TIMEOUT,
    BatchSize: { MaxMessageCount: 500, AbsoluteMaxBytes: '10 MB', PreferredMaxBytes: '2 MB' },
    EtcdRaft: {
      Consenters: topology.orderers.map((o) => {
        const tls = path.join(nodeDir(dataDir, ordererOrg, o.name), 'tls', 'server.crt');
        return { Host: HOST, Port: o.port, ClientTLSCert: tls, ServerTLSCert: tls };
      }),
    },
    Organizations: [ordererSection],
    Policies: {
      Readers: implicit('ANY Readers'),
      Writers: implicit('ANY Writers'),
      Admins: implicit('MAJORITY Admins'),
      BlockValidation: implicit('ANY Writers'),
      // The ordering nodes themselves (followers pull blocks from each other).
      [BLOCK_READERS]: implicit('ANY Readers'),
    },
    Capabilities: { V2_0: true },
  };
  const application = {
    Organizations: peerOrgs,
    Policies: {
      Readers: implicit('ANY Readers'),
      Writers: implicit('ANY Writers'),
      Admins: implicit('MAJORITY Admins'),
      // MAJORITY of two orgs is both: no single company can forge state.
      LifecycleEndorsement: implicit('MAJORITY Endorsement'),
      Endorsement: implicit('MAJORITY Endorsement'),
      [BLOCK_READERS]: signature(blockReadersRule(topology.peerOrgs.map((o) => o.mspId))),
    },
    ACLs: channelAcls(),
    // V2_5 brings PurgePrivateData, which retention depends on.
    Capabilities: { V2_5: true },
  };
  return {
    Profiles: {
      [PROFILE]: {
        Policies: {
          // What every orderer's Deliver service checks: the same block readers the
          // peers' ACLs name (peers, org admins, compliance officers) plus the
          // ordering nodes, so who may receive blocks does not depend on which node is asked.
          Readers: implicit(`ANY ${BLOCK_READERS}`),
          Writers: implicit('ANY Writers'),
          Admins: implicit('MAJORITY Admins'),
        },
        Capabilities: { V2_0: true },
        Orderer: orderer,
        Application: application,
      },
    },
  };
}

export function configtxYaml(dataDir: string, topology: Topology, options: ConfigtxOptions = {}): string {
  return stringify(buildConfigtx(dataDir, topology, options), { aliasDuplicateObjects: false });
}
