import type { AccessRecord } from '../../../../electron/src/common/api';

// "Who accessed my data": every access and every refused attempt, newest
// first. Pages and refetches overlap, so records merge by transaction id.

export function mergeAccessRecords(...lists: readonly (readonly AccessRecord[])[]): AccessRecord[] {
  const byTx = new Map<string, AccessRecord>();
  for (const list of lists) for (const record of list) byTx.set(record.txId, record);
  return [...byTx.values()].sort((a, b) => b.time - a.time || a.txId.localeCompare(b.txId));
}

/** The plain-words key for why an attempt was refused (locale key under sharing:denied.*). */
export type DeniedReason = 'FORBIDDEN' | 'EXPIRED' | 'NOT_FOUND' | 'REVOKED' | 'OTHER';

export function deniedReason(code: string | undefined): DeniedReason {
  switch (code) {
    case 'FORBIDDEN':
    case 'EXPIRED':
    case 'NOT_FOUND':
    case 'REVOKED':
      return code;
    default:
      return 'OTHER';
  }
}

export interface TimelineCounts {
  readonly ok: number;
  readonly denied: number;
  readonly people: number;
}

export function timelineCounts(records: readonly AccessRecord[]): TimelineCounts {
  return {
    ok: records.filter((r) => r.outcome === 'ok').length,
    denied: records.filter((r) => r.outcome === 'denied').length,
    people: new Set(records.map((r) => r.accessor)).size,
  };
}
