import type { Context } from 'fabric-contract-api';

// Transaction time is the only clock every endorser agrees on.
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  return Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1e6);
}

/** Fixed-width so lexical key order equals time order. */
export function sortableTime(ms: number): string {
  return ms.toString().padStart(16, '0');
}
