import { readFileSync, rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBinaries } from '../../src/binaries';
import { assertPortsFree } from '../../src/ports';
import { DEFAULT_PORT_BASE, type Topology, buildTopology, portClaims } from '../../src/topology';
import { FABRIC_CA } from '../../src/versions';

/**
 * Claims a port base for this process: a lock file holding our PID. A base
 * whose lock names a live process is taken, even if its network has not
 * bound its ports yet (two suites or benchmarks started together).
 */
async function claimBase(base: number): Promise<boolean> {
  const lock = path.join(tmpdir(), `ktalk-port-base-${base}.lock`);
  try {
    await writeFile(lock, String(process.pid), { flag: 'wx' });
    releaseOnExit(lock);
    return true;
  } catch {
    const owner = Number(await readFile(lock, 'utf8').catch(() => ''));
    if (Number.isInteger(owner) && owner > 0) {
      try {
        process.kill(owner, 0);
        return false;
      } catch {
        // The owner is gone: the lock is stale.
      }
    }
    await writeFile(lock, String(process.pid));
    releaseOnExit(lock);
    return true;
  }
}

/** Removes our lock when this process exits, unless another process has since taken the base over. */
function releaseOnExit(lock: string): void {
  process.once('exit', () => {
    const owner = (() => {
      try {
        return readFileSync(lock, 'utf8');
      } catch {
        return '';
      }
    })();
    if (owner === String(process.pid)) rmSync(lock, { force: true });
  });
}

/** The kernel's ephemeral port range: an outgoing connection may hold any port in it at any moment. */
async function ephemeralRange(): Promise<[number, number]> {
  const text = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768 60999');
  const [low, high] = text.trim().split(/\s+/).map(Number);
  return [low ?? 32768, high ?? 60999];
}

/** Port bases (1000 apart, each spans < 1000 ports) clear of the ephemeral range and the dev network. */
async function candidateBases(): Promise<number[]> {
  const [low, high] = await ephemeralRange();
  const bases: number[] = [];
  for (let base = 8000; base <= 64000; base += 1000) {
    const clear = base + 999 < low || base > high;
    if (clear && base !== DEFAULT_PORT_BASE) bases.push(base);
  }
  return bases;
}

/** A throwaway data dir and a port base nobody is using, so tests never touch a dev network. */
export async function isolatedNetwork(): Promise<{ dataDir: string; topology: Topology }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ktalk-net-'));
  const bases = await candidateBases();
  for (let attempt = 0; attempt < 40; attempt++) {
    const base = bases[Math.floor(Math.random() * bases.length)] ?? 30000;
    if (!(await claimBase(base))) continue;
    const topology = buildTopology(base);
    try {
      await assertPortsFree(portClaims(topology));
      return { dataDir, topology };
    } catch {
      // try another base
    }
  }
  throw new Error('no free port range for the test network');
}

/** Fabric CA binaries: cached, or built from the Go module on first use. */
export async function caBinDir(): Promise<string> {
  return (await ensureBinaries(FABRIC_CA, (line) => console.log(`  [binaries] ${line}`))).dir;
}
