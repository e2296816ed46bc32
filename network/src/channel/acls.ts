import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { COMPLIANCE_AFFILIATION } from '../../../electron/src/shared/cert-attributes';
import { orgDir } from '../ca/crypto';
import type { Topology } from '../topology';
import { type ConfigUpdateContext, updateChannelConfig } from './config-update';

// Blocks carry every ciphertext envelope, member list, balance and audit
// record of the channel, so only peers, org admins and compliance officers
// may read them (block and filtered-block delivery, which also governs
// delivery with private data, and the block queries of qscc). Staff clients
// keep the gateway's chaincode events and commit status, which go through
// the chaincode's own rules.

export const BLOCK_READERS = 'BlockReaders';
export const BLOCK_READERS_PATH = `/Channel/Application/${BLOCK_READERS}`;

export const BLOCK_RESOURCES = [
  'event/Block',
  'event/FilteredBlock',
  'qscc/GetChainInfo',
  'qscc/GetBlockByNumber',
  'qscc/GetBlockByHash',
  'qscc/GetTransactionByID',
  'qscc/GetBlockByTxID',
] as const;

/** The ACLs section of configtx.yaml's Application. */
export function channelAcls(): Record<string, string> {
  return {
    ...Object.fromEntries(BLOCK_RESOURCES.map((r) => [r, BLOCK_READERS_PATH])),
    'gateway/ChaincodeEvents': '/Channel/Application/Readers',
    'gateway/CommitStatus': '/Channel/Application/Readers',
  };
}

/** Peers and org admins, expressible in configtx.yaml; compliance OUs are added after creation. */
export function blockReadersRule(mspIds: readonly string[]): string {
  return `OR(${mspIds.flatMap((m) => [`'${m}.peer'`, `'${m}.admin'`]).join(', ')})`;
}

interface Principal {
  principal_classification: string;
  principal: Record<string, unknown>;
}
interface SignaturePolicy {
  identities: Principal[];
  rule: { n_out_of: { n: number; rules: Array<{ signed_by: number }> } };
}

/**
 * Fabric's MSP names an OU's certifier by the hash of the issuing chain
 * (here the org's root CA certificate, DER).
 */
async function certifiersIdentifier(dataDir: string, topology: Topology, mspId: string): Promise<string> {
  const org = topology.peerOrgs.find((o) => o.mspId === mspId);
  if (!org) throw new Error(`unknown org ${mspId}`);
  const pem = await readFile(path.join(orgDir(dataDir, org), 'msp', 'cacerts', 'ca.pem'), 'utf8');
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('base64');
}

/**
 * Adds each org's compliance OU to the block readers (a config update that
 * the MAJORITY of org admins, here both, sign). Idempotent.
 */
export async function grantComplianceBlockAccess(ctx: ConfigUpdateContext): Promise<boolean> {
  const principals: Principal[] = [];
  for (const org of ctx.topology.peerOrgs) {
    principals.push({
      principal_classification: 'ORGANIZATION_UNIT',
      principal: {
        msp_identifier: org.mspId,
        organizational_unit_identifier: COMPLIANCE_AFFILIATION,
        certifiers_identifier: await certifiersIdentifier(ctx.dataDir, ctx.topology, org.mspId),
      },
    });
  }
  return updateChannelConfig(ctx, ctx.topology.peers, (config) => {
    const application = config.channel_group.groups.Application;
    const readers = application?.policies[BLOCK_READERS];
    if (!readers) throw new Error(`the channel has no ${BLOCK_READERS} policy`);
    const policy = readers.policy.value as unknown as SignaturePolicy;
    for (const principal of principals) {
      const known = policy.identities.some((p) => JSON.stringify(p) === JSON.stringify(principal));
      if (known) continue;
      policy.identities.push(principal);
      policy.rule.n_out_of.rules.push({ signed_by: policy.identities.length - 1 });
    }
  });
}
