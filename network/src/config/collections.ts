import type { Topology } from '../topology';

// Both orgs hold the payloads (a cross-org chat must be readable on both
// sides). requiredPeerCount 1: an endorsement returns only once another
// peer (the other org's) holds the payload too, so a committed message is
// never on one node only. blockToLive stays 0 because retention is per
// conversation and enforced by PurgeExpired, not by a collection-wide timer.
export const COLLECTION_NAMES = ['ktalkMessages', 'ktalkItems'] as const;

export function collectionsConfig(topology: Topology): object[] {
  const members = topology.peerOrgs.map((o) => `'${o.mspId}.member'`).join(', ');
  return COLLECTION_NAMES.map((name) => ({
    name,
    policy: `OR(${members})`,
    requiredPeerCount: 1,
    maxPeerCount: 1,
    blockToLive: 0,
    memberOnlyRead: true,
    memberOnlyWrite: true,
  }));
}
