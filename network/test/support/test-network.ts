import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureBinaries } from '../../src/binaries';
import { assertPortsFree } from '../../src/ports';
import { type Topology, buildTopology, portClaims } from '../../src/topology';
import { FABRIC_CA } from '../../src/versions';

/** A throwaway data dir and a port base nobody is using, so tests never touch a dev network. */
export async function isolatedNetwork(): Promise<{ dataDir: string; topology: Topology }> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'ktalk-net-'));
  for (let attempt = 0; attempt < 20; attempt++) {
    const base = 30000 + Math.floor(Math.random() * 25) * 1000;
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
