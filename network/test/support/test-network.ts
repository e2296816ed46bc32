import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBinaries } from '../../src/binaries';
import { assertPortsFree } from '../../src/ports';
import { type Topology, buildTopology, portClaims } from '../../src/topology';
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
    return true;
  }
}

/** A throwaway data dir and a port base nobody is using, so tests never touch a dev network. */
export async function isolatedNetwork(): Promise<{ dataDir: string; topology: Topology }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ktalk-net-'));
  for (let attempt = 0; attempt < 40; attempt++) {
    const base = 30000 + Math.floor(Math.random() * 25) * 1000;
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
