import type { AuditRecordView } from '../../../../electron/src/common/api';

// Activity over time for the chart, computed from the records already
// fetched (the API has no aggregate query). Buckets are local hours or days
// and contiguous, so quiet periods show as zero instead of vanishing.

export type BucketUnit = 'hour' | 'day';

export interface ActivityBucket {
  /** Start of the bucket, ms since the epoch (local midnight or local hour). */
  readonly start: number;
  readonly ok: number;
  readonly denied: number;
}

/** Over ~3 days of data, hourly bars get too thin to read. */
export function chooseUnit(from: number, to: number): BucketUnit {
  return to - from > 3 * 24 * 3600 * 1000 ? 'day' : 'hour';
}

export function bucketStart(time: number, unit: BucketUnit): number {
  const d = new Date(time);
  if (unit === 'day') d.setHours(0, 0, 0, 0);
  else d.setMinutes(0, 0, 0);
  return d.getTime();
}

function nextBucket(start: number, unit: BucketUnit): number {
  const d = new Date(start);
  // Calendar arithmetic, so a DST change still lands on the next local hour/day.
  if (unit === 'day') d.setDate(d.getDate() + 1);
  else d.setHours(d.getHours() + 1);
  return d.getTime();
}

/** At most this many buckets are drawn; beyond it the unit should be coarser. */
export const MAX_BUCKETS = 24 * 62;

export function bucketActivity(records: readonly AuditRecordView[], unit: BucketUnit): ActivityBucket[] {
  if (records.length === 0) return [];
  const counts = new Map<number, { ok: number; denied: number }>();
  let first = Infinity;
  let last = -Infinity;
  for (const record of records) {
    const start = bucketStart(record.time, unit);
    first = Math.min(first, start);
    last = Math.max(last, start);
    const entry = counts.get(start) ?? { ok: 0, denied: 0 };
    if (record.outcome === 'denied') entry.denied += 1;
    else entry.ok += 1;
    counts.set(start, entry);
  }
  const buckets: ActivityBucket[] = [];
  for (let start = first; start <= last && buckets.length < MAX_BUCKETS; start = nextBucket(start, unit)) {
    const entry = counts.get(start) ?? { ok: 0, denied: 0 };
    buckets.push({ start, ok: entry.ok, denied: entry.denied });
  }
  return buckets;
}
