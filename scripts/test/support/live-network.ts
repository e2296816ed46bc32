import { NetworkError } from '../../../network/src/errors';
import { type NetworkContext, prepareBinaries } from '../../../network/src/network';
import { isolatedNetwork } from '../../../network/test/support/test-network';

export interface LiveNetwork {
  ctx: NetworkContext;
  /** Why the real-network tests cannot run here, or null when they can. */
  unavailable: string | null;
  fabricBin: string;
}

/** An isolated network context, and whether Fabric binaries can be had for it. */
export async function liveNetwork(label: string): Promise<LiveNetwork> {
  const net = await isolatedNetwork();
  const ctx: NetworkContext = { ...net, log: (line) => console.log(`  [${label}] ${line}`) };
  try {
    return { ctx, unavailable: null, fabricBin: (await prepareBinaries(ctx)).fabric.dir };
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    console.log(`  SKIPPING ${label}: ${error.message}\n  hint: ${error.hint ?? ''}`);
    return {
      ctx,
      unavailable: 'Fabric 3.1.5 binaries unavailable on this machine (reason printed at the start of this suite)',
      fabricBin: '',
    };
  }
}
