import net from 'node:net';
import { NetworkError } from './errors';

export interface PortClaim {
  readonly port: number;
  readonly owner: string;
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Rejects a topology that reuses a port before anything touches the machine. */
export function assertNoDuplicatePorts(claims: readonly PortClaim[]): void {
  const seen = new Map<number, string>();
  for (const claim of claims) {
    if (!Number.isInteger(claim.port) || claim.port < 1024 || claim.port > 65535) {
      throw new NetworkError(
        `${claim.owner}: port ${claim.port} is outside 1024-65535`,
        'set KTALK_PORT_BASE to a value between 1024 and 60000',
      );
    }
    const other = seen.get(claim.port);
    if (other) throw new NetworkError(`port ${claim.port} is assigned to both ${other} and ${claim.owner}`);
    seen.set(claim.port, claim.owner);
  }
}

export async function assertPortsFree(claims: readonly PortClaim[], host = '127.0.0.1'): Promise<void> {
  const busy: PortClaim[] = [];
  for (const claim of claims) {
    if (!(await isPortFree(claim.port, host))) busy.push(claim);
  }
  if (busy.length > 0) {
    throw new NetworkError(
      `port${busy.length > 1 ? 's' : ''} already in use: ${busy.map((c) => `${c.port} (${c.owner})`).join(', ')}`,
      'stop whatever listens there (ss -ltnp shows it), or move KTalk with KTALK_PORT_BASE=<n> (all ports are offsets from it)',
    );
  }
}
