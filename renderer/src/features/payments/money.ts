// Credits travel as integer minor units (1 credit = 100 units), never as
// floats: parsing and formatting work on the digits, so large balances keep
// every cent.

export const MINOR_PER_CREDIT = 100;

export type AmountError = 'empty' | 'invalid' | 'tooManyDecimals' | 'notPositive' | 'tooLarge';
export type AmountParse = { ok: true; minor: number } | { ok: false; error: AmountError };

const FULL_WIDTH_OFFSET = 0xff10 - 0x30;

/** Full-width digits and separators (as a Chinese IME types them) become ASCII. */
function normalize(text: string): string {
  return text
    .trim()
    .replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - FULL_WIDTH_OFFSET))
    .replace(/[\uff0e\u3002]/g, '.')
    .replace(/[\uff0c]/g, ',')
    .replace(/\s/g, '');
}

/** "12.5" → 1250; thousands separators are accepted only where they belong. */
export function parseCredits(text: string): AmountParse {
  const value = normalize(text);
  if (value === '') return { ok: false, error: 'empty' };
  if (/^-/.test(value)) return { ok: false, error: 'notPositive' };
  const match = /^(\d{1,3}(?:,\d{3})+|\d*)(?:\.(\d*))?$/.exec(value);
  if (!match || value === '.') return { ok: false, error: 'invalid' };
  const whole = (match[1] ?? '').replace(/,/g, '');
  const fraction = match[2] ?? '';
  if (whole === '' && fraction === '') return { ok: false, error: 'invalid' };
  if (fraction.length > 2) return { ok: false, error: 'tooManyDecimals' };
  const minor = BigInt(whole || '0') * BigInt(MINOR_PER_CREDIT) + BigInt(fraction.padEnd(2, '0'));
  if (minor === 0n) return { ok: false, error: 'notPositive' };
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: 'tooLarge' };
  return { ok: true, minor: Number(minor) };
}

/** 123456 → "1,234.56" (grouped for the language; both en and zh-CN use "." for decimals). */
export function formatCredits(minor: number, language = 'en'): string {
  const units = BigInt(Math.trunc(minor));
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const per = BigInt(MINOR_PER_CREDIT);
  const whole = new Intl.NumberFormat(language, { useGrouping: true }).format(abs / per);
  const cents = (abs % per).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${whole}.${cents}`;
}

/** For an input field: "12.50", no grouping, so parseCredits reads it back exactly. */
export function creditsInputValue(minor: number): string {
  const units = BigInt(Math.trunc(Math.abs(minor)));
  const per = BigInt(MINOR_PER_CREDIT);
  return `${(units / per).toString()}.${(units % per).toString().padStart(2, '0')}`;
}
