// How sizes and times read everywhere in the UI: one formatter each, so a
// screen never shows the same kind of value two ways.

/** 1536 → "1.5 KB"; sizes people read, not exact byte counts. */
export function formatBytes(bytes: number, language = 'en'): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: digits }).format(value)} ${units[unit]}`;
}

/** A moment, as every list and detail shows it ("7 Dec 2026, 16:20"). */
export function formatTime(time: number, language: string): string {
  return new Date(time).toLocaleString(language, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatNumber(value: number, language: string): string {
  return new Intl.NumberFormat(language).format(value);
}
