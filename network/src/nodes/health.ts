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
