import type { Topology } from '../topology';

// Both orgs hold the payloads (a cross-org chat must be readable on both
// sides); blockToLive stays 0 because retention is per conversation and
// enforced by PurgeExpired, not by a collection-wide timer.
export const COLLECTION_NAMES = ['ktalkMessages', 'ktalkItems'] as const;

export function collectionsConfig(topology: Topology): object[] {
  const members = topology.peerOrgs.map((o) => `'${o.mspId}.member'`).join(', ');
  return COLLECTION_NAMES.map((name) => ({
    name,
    policy: `OR(${members})`,
    requiredPeerCount: 0,
    maxPeerCount: topology.peers.length,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  }));
}
