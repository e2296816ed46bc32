import { HOST } from '../topology';

export interface Health {
  readonly name: string;
  readonly kind: string;
  readonly endpoint: string;
  readonly healthy: boolean;
  readonly detail: string;
}

/** Peers, orderers and CAs all serve /healthz on their operations port. */
export async function checkHealth(name: string, kind: string, operationsPort: number): Promise<Health> {
  const endpoint = `http://${HOST}:${operationsPort}/healthz`;
  try {
    const response = await fetch(endpoint, { signal: AbortSignal.timeout(2000) });
    const body = await response.text();
    let detail = `HTTP ${response.status}`;
    try {
      const parsed = JSON.parse(body) as { status?: unknown };
      if (typeof parsed.status === 'string') detail = parsed.status;
    } catch {
      // body was not JSON; the status code says enough
    }
    return { name, kind, endpoint, healthy: response.ok, detail };
  } catch (error) {
    return { name, kind, endpoint, healthy: false, detail: (error as Error).message };
  }
}

export async function isHealthy(operationsPort: number): Promise<boolean> {
  return (await checkHealth('', '', operationsPort)).healthy;
}

/** One gauge from a node's Prometheus metrics, e.g. `gossip_membership_total_peers_known{channel="ktalk"}`. */
export async function readGauge(operationsPort: number, series: string): Promise<number | null> {
  try {
    const response = await fetch(`http://${HOST}:${operationsPort}/metrics`, { signal: AbortSignal.timeout(2000) });
    const line = (await response.text()).split('\n').find((l) => l.startsWith(`${series} `));
    const value = line === undefined ? NaN : Number(line.split(' ').pop());
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

/** How many other peers a peer's gossip knows on a channel. */
export const gossipPeersKnown = (operationsPort: number, channel: string) =>
  readGauge(operationsPort, `gossip_membership_total_peers_known{channel="${channel}"}`);

/** Whether an orderer is the channel's Raft leader. */
export const isRaftLeader = async (operationsPort: number, channel: string) =>
  (await readGauge(operationsPort, `consensus_etcdraft_is_leader{channel="${channel}"}`)) === 1;
