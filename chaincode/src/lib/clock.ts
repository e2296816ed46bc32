import type { Context } from 'fabric-contract-api';

/**
 * How far a proposal's timestamp (set by the client) may differ from the
 * peers' clocks: the peers' peer.authentication.timewindow. Every time rule
 * in the chaincode keeps this guard band in the direction that favours the
 * rule, not the caller. network/src/config/node-config.ts sets the same value.
 */
export const CLOCK_SKEW_MS = 60_000;

// Transaction time is the only clock every endorser agrees on.
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  return Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1e6);
}

/** Fixed-width so lexical key order equals time order. */
export function sortableTime(ms: number): string {
  return ms.toString().padStart(16, '0');
}
