import { HOST, type Topology } from '../../../network/src/topology';
import { table } from './table';

// Where a transaction's time goes inside the peers, per workload: deltas of
// the peers' own Prometheus metrics (operations endpoint) between the start
// and end of each Caliper round, summed over both peers. Fabric's histograms
// are in seconds.

const SERIES = [
  'endorser_proposal_duration_sum',
  'endorser_proposal_duration_count',
  // Pushing an endorsement's private data to other peers (inside the endorsement).
  'gossip_privdata_send_duration_sum',
  'gossip_privdata_send_duration_count',
  'chaincode_shim_request_duration_sum',
  'chaincode_shim_request_duration_count',
  'gossip_privdata_validation_duration_sum',
  'gossip_privdata_validation_duration_count',
  'gossip_privdata_commit_block_duration_sum',
  'gossip_privdata_commit_block_duration_count',
] as const;
type Series = (typeof SERIES)[number];

export type PeerSample = ReadonlyMap<Series, number>;

/** Every wanted series summed over its label sets and over all peers; null if a peer did not answer. */
export async function samplePeers(topology: Topology): Promise<PeerSample | null> {
  const totals = new Map<Series, number>(SERIES.map((s) => [s, 0]));
  try {
    for (const peer of topology.peers) {
      const response = await fetch(`http://${HOST}:${peer.operationsPort}/metrics`, {
        signal: AbortSignal.timeout(5000),
      });
      for (const line of (await response.text()).split('\n')) {
        if (line.startsWith('#')) continue;
        const name = line.slice(0, line.search(/[{ ]/)) as Series;
        if (!totals.has(name)) continue;
        const value = Number(line.slice(line.lastIndexOf(' ') + 1));
        if (Number.isFinite(value)) totals.set(name, (totals.get(name) ?? 0) + value);
      }
    }
  } catch {
    return null;
  }
  return totals;
}

export interface PeerRound {
  readonly key: string;
  readonly valid: number;
  readonly start: PeerSample;
  readonly end: PeerSample;
}

/** Endorsement time, chaincode calls to the peer, block validation and commit, per workload. */
export function formatPeerMetrics(rows: readonly PeerRound[], peers: number): string[] {
  const header = [
    'workload',
    'endorse ms',
    'pvt push ms',
    'shim calls/endorsement',
    'shim ms/call',
    'blocks',
    'valid tx/block',
    'validate ms/block',
    'commit ms/block',
  ];
  const body = rows.map(({ key, valid, start, end }) => {
    const d = (s: Series) => (end.get(s) ?? 0) - (start.get(s) ?? 0);
    const mean = (sum: Series, count: Series) => (d(count) > 0 ? ((1000 * d(sum)) / d(count)).toFixed(1) : 'n/a');
    const endorsements = d('endorser_proposal_duration_count');
    const blocks = d('gossip_privdata_commit_block_duration_count') / peers;
    return [
      key,
      mean('endorser_proposal_duration_sum', 'endorser_proposal_duration_count'),
      d('gossip_privdata_send_duration_count') > 0
        ? mean('gossip_privdata_send_duration_sum', 'gossip_privdata_send_duration_count')
        : '-',
      endorsements > 0 ? (d('chaincode_shim_request_duration_count') / endorsements).toFixed(1) : 'n/a',
      mean('chaincode_shim_request_duration_sum', 'chaincode_shim_request_duration_count'),
      blocks.toFixed(0),
      blocks > 0 ? (valid / blocks).toFixed(1) : 'n/a',
      mean('gossip_privdata_validation_duration_sum', 'gossip_privdata_validation_duration_count'),
      mean('gossip_privdata_commit_block_duration_sum', 'gossip_privdata_commit_block_duration_count'),
    ];
  });
  return table(header, body);
}
