import { describe, expect, it } from 'vitest';
import { PRESET_MS, resolveExpiry, toLocalInputValue } from '../src/lib/expiry';
import { deniedReason, mergeAccessRecords, timelineCounts } from '../src/features/sharing/timeline';
import type { AccessRecord } from '../../electron/src/common/api';
import { defaultTextName, textShareName } from '../src/features/sharing/text-name';

const now = new Date(2026, 10, 23, 10, 0, 0).getTime();

describe('expiry presets', () => {
  it('1 h, 1 day and 7 days count from now', () => {
    expect(resolveExpiry('1h', now)).toEqual({ ok: true, expiresAt: now + 3600_000 });
    expect(resolveExpiry('1d', now)).toEqual({ ok: true, expiresAt: now + 24 * 3600_000 });
    expect(resolveExpiry('7d', now)).toEqual({ ok: true, expiresAt: now + 7 * 24 * 3600_000 });
    expect(PRESET_MS['7d']).toBe(604_800_000);
  });

  it('a custom time is read as local time', () => {
    const at = new Date(2026, 10, 24, 9, 30).getTime();
    expect(resolveExpiry('custom', now, '2026-11-24T09:30')).toEqual({ ok: true, expiresAt: at });
    expect(toLocalInputValue(at)).toBe('2026-11-24T09:30');
  });

  it('refuses a missing, malformed, past, too-soon or too-distant custom time', () => {
    expect(resolveExpiry('custom', now, '')).toEqual({ ok: false, error: 'missing' });
    expect(resolveExpiry('custom', now, 'tomorrow')).toEqual({ ok: false, error: 'invalid' });
    expect(resolveExpiry('custom', now, '2026-11-22T10:00')).toEqual({ ok: false, error: 'tooSoon' });
    expect(resolveExpiry('custom', now, '2026-11-23T10:01')).toEqual({ ok: false, error: 'tooSoon' });
    expect(resolveExpiry('custom', now, '2028-11-23T10:00')).toEqual({ ok: false, error: 'tooFar' });
  });
});

describe('access timeline', () => {
  const rec = (time: number, txId: string, outcome: 'ok' | 'denied', accessor = 'Org2MSP::bob', code?: string) =>
    ({ time, txId, outcome, accessor, ...(code ? { code } : {}) }) as AccessRecord;

  it('shows the newest first, accesses and refusals together', () => {
    const merged = mergeAccessRecords(
      [rec(1, 'a', 'ok'), rec(3, 'c', 'denied', 'Org2MSP::bob', 'FORBIDDEN')],
      [rec(2, 'b', 'ok', 'Org1MSP::carol')],
    );
    expect(merged.map((r) => r.txId)).toEqual(['c', 'b', 'a']);
    expect(timelineCounts(merged)).toEqual({ ok: 2, denied: 1, people: 2 });
  });

  it('overlapping pages do not duplicate an entry; equal times order by transaction', () => {
    const merged = mergeAccessRecords([rec(5, 'y', 'ok'), rec(5, 'x', 'ok')], [rec(5, 'y', 'ok')]);
    expect(merged.map((r) => r.txId)).toEqual(['x', 'y']);
  });

  it('maps refusal codes to reasons people understand', () => {
    expect(deniedReason('FORBIDDEN')).toBe('FORBIDDEN');
    expect(deniedReason('EXPIRED')).toBe('EXPIRED');
    expect(deniedReason('NOT_FOUND')).toBe('NOT_FOUND');
    expect(deniedReason(undefined)).toBe('OTHER');
    expect(deniedReason('SOMETHING_NEW')).toBe('OTHER');
  });
});

describe('the name of a shared piece of text', () => {
  it('is what the person typed, else the first words of the text, never always the same name', () => {
    expect(defaultTextName('Q3 plan: ship the messenger by May\nsecond line', 'shared-note')).toBe(
      'Q3 plan ship the messenger by.txt',
    );
    expect(defaultTextName('   ', 'shared-note')).toBe('shared-note.txt');
    expect(textShareName('Board minutes', 'anything', 'shared-note')).toBe('Board minutes.txt');
    expect(textShareName('notes.md', 'anything', 'shared-note')).toBe('notes.md');
    expect(textShareName('a/b:c', 'anything', 'shared-note')).toBe('a b c.txt');
    expect(textShareName('', '会议纪要 第三季度', 'shared-note')).toBe('会议纪要 第三季度.txt');
  });
});
