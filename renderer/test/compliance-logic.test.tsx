import { describe, expect, it } from 'vitest';
import { bucketActivity, bucketStart, chooseUnit } from '../src/features/compliance/bucketing';
import { exportFileName } from '../src/features/compliance/export-file';
import type { AuditRecordView } from '../../electron/src/common/api';

const at = (day: number, hour: number, minute = 0) => new Date(2026, 10, day, hour, minute).getTime();
const record = (time: number, outcome = 'ok'): AuditRecordView => ({
  time,
  txId: `tx${time}`,
  seq: 0,
  actor: 'Org1MSP::alice',
  action: 'messages.PostMessage',
  target: 'c1',
  outcome,
  edge: false,
});

describe('audit chart bucketing', () => {
  it('counts ok and denied per local hour and keeps empty hours between', () => {
    const buckets = bucketActivity(
      [record(at(23, 9, 5)), record(at(23, 9, 59), 'denied'), record(at(23, 11, 30)), record(at(23, 9, 0))],
      'hour',
    );
    expect(buckets).toEqual([
      { start: at(23, 9), ok: 2, denied: 1 },
      { start: at(23, 10), ok: 0, denied: 0 },
      { start: at(23, 11), ok: 1, denied: 0 },
    ]);
  });

  it('buckets by local day', () => {
    const buckets = bucketActivity([record(at(21, 23, 59)), record(at(23, 0, 1)), record(at(23, 18))], 'day');
    expect(buckets.map((b) => [b.start, b.ok])).toEqual([
      [at(21, 0), 1],
      [at(22, 0), 0],
      [at(23, 0), 2],
    ]);
    expect(bucketStart(at(23, 18, 45), 'day')).toBe(at(23, 0));
  });

  it('no records, no bars; long windows use days', () => {
    expect(bucketActivity([], 'hour')).toEqual([]);
    expect(chooseUnit(at(1, 0), at(2, 0))).toBe('hour');
    expect(chooseUnit(at(1, 0), at(8, 0))).toBe('day');
  });
});

describe('export download naming', () => {
  const now = new Date(2026, 10, 23, 4, 5).getTime();

  it('keeps a clean API name and its extension', () => {
    expect(exportFileName({ fileName: 'audit-2026-11-23.json', format: 'json' }, now)).toBe('audit-2026-11-23.json');
    expect(exportFileName({ fileName: 'audit-2026-11-23', format: 'csv' }, now)).toBe('audit-2026-11-23.csv');
  });

  it('strips directories and unsafe characters', () => {
    expect(exportFileName({ fileName: '../../etc/pass wd.csv', format: 'csv' }, now)).toBe('pass_wd.csv');
    expect(exportFileName({ fileName: 'C:\\x\\.hidden.json', format: 'json' }, now)).toBe('hidden.json');
  });

  it('falls back to a dated name when nothing usable is left', () => {
    expect(exportFileName({ fileName: '', format: 'json' }, now)).toBe('ktalk-audit-20261123-0405.json');
    expect(exportFileName({ fileName: '...', format: 'csv' }, now)).toBe('ktalk-audit-20261123-0405.csv');
  });
});
