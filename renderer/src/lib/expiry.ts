// Expiry choices for a grant. Presets are relative to "now" at the moment of
// sharing; a custom time comes from a datetime-local field (local time).

export const EXPIRY_PRESETS = ['1h', '1d', '7d', 'custom'] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];

const HOUR = 3600 * 1000;
export const PRESET_MS: Record<Exclude<ExpiryPreset, 'custom'>, number> = {
  '1h': HOUR,
  '1d': 24 * HOUR,
  '7d': 7 * 24 * HOUR,
};

/** The ledger refuses a grant that would be expired within its clock skew (60 s); leave margin. */
export const MIN_CUSTOM_MS = 2 * 60 * 1000;
export const MAX_CUSTOM_MS = 366 * 24 * HOUR;

export type ExpiryError = 'missing' | 'invalid' | 'tooSoon' | 'tooFar';
export type ExpiryResult = { ok: true; expiresAt: number } | { ok: false; error: ExpiryError };

export function resolveExpiry(preset: ExpiryPreset, now: number, custom = ''): ExpiryResult {
  if (preset !== 'custom') return { ok: true, expiresAt: now + PRESET_MS[preset] };
  if (custom.trim() === '') return { ok: false, error: 'missing' };
  // "YYYY-MM-DDTHH:mm" without a zone is local time, as the user picked it.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(custom.trim())) return { ok: false, error: 'invalid' };
  const at = new Date(custom.trim()).getTime();
  if (Number.isNaN(at)) return { ok: false, error: 'invalid' };
  if (at < now + MIN_CUSTOM_MS) return { ok: false, error: 'tooSoon' };
  if (at > now + MAX_CUSTOM_MS) return { ok: false, error: 'tooFar' };
  return { ok: true, expiresAt: at };
}

/** A datetime-local value for a time (local), e.g. as the custom field's default. */
export function toLocalInputValue(time: number): string {
  const d = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
