import type { Context } from 'fabric-contract-api';

import { CLOCK_SKEW_MS } from '@ktalk/protocol';

/** The protocol's clock skew guard band (network/src/config/node-config.ts sets the peers' time window to it). */
export { CLOCK_SKEW_MS };

/**
 * True only if the true time is before `instant` whatever the caller's skew:
 * a stamp `now` may run up to CLOCK_SKEW_MS behind the true time.
 */
export function surelyBefore(now: number, instant: number): boolean {
  return now + CLOCK_SKEW_MS < instant;
}

/**
 * True only if the true time has reached `instant` whatever the caller's
 * skew: a stamp `now` may run up to CLOCK_SKEW_MS ahead of the true time.
 */
export function surelyReached(now: number, instant: number): boolean {
  return now - CLOCK_SKEW_MS >= instant;
}

// Transaction time is the only clock every endorser agrees on.
export function txTimeMs(ctx: Context): number {
  const ts = ctx.stub.getTxTimestamp();
  return Number(ts.seconds.toString()) * 1000 + Math.floor(ts.nanos / 1e6);
}

/** Fixed-width so lexical key order equals time order. */
export function sortableTime(ms: number): string {
  return ms.toString().padStart(16, '0');
}
