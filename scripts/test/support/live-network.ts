import { rm } from 'node:fs/promises';
import { type NetworkContext, down, prepareBinaries } from '../../../network/src/network';
import { isolatedNetwork } from '../../../network/test/support/test-network';

export interface LiveNetwork {
  readonly ctx: NetworkContext;
  readonly fabricBin: string;
  /** Stops every process of this network by PID and deletes its data dir. */
  dispose(): Promise<void>;
}

/**
 * An isolated network context (own data dir, free port range) with Fabric
 * binaries found or built. Real-network suites never skip: without binaries
 * the suite fails with the reason and the hint.
 */
export async function liveNetwork(label: string): Promise<LiveNetwork> {
  const net = await isolatedNetwork();
  const ctx: NetworkContext = { ...net, log: (line) => console.log(`  [${label}] ${line}`) };
  const fabricBin = (await prepareBinaries(ctx)).fabric.dir;
  return {
    ctx,
    fabricBin,
    dispose: async () => {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    },
  };
}
