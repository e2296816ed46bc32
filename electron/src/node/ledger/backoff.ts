import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly factor: number;
}

export const DEFAULT_SUBMIT_BACKOFF: BackoffPolicy = { maxAttempts: 8, baseDelayMs: 100, maxDelayMs: 5_000, factor: 2 };

/**
 * Wait before retry number `retry` (1 = first retry): exponential, capped,
 * with half of it random so clients that collided do not collide again.
 */
export function backoffDelay(retry: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponential = policy.baseDelayMs * policy.factor ** Math.max(0, retry - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return capped / 2 + (random() * capped) / 2;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Resolves after `ms`, or early (without throwing) when `signal` aborts. */
export const sleep: Sleep = async (ms, signal) => {
  try {
    await delay(ms, undefined, signal ? { signal } : {});
  } catch (error) {
    if (!signal?.aborted) throw error;
  }
};
