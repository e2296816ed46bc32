// User search text to an FTS5 query that cannot be a syntax error: every
// term becomes a quoted string (quotes doubled), so operators, NEAR(, column
// filters and stray `*` or `"` are plain text. Terms without a letter or
// digit are dropped (the tokenizer drops them anyway), so input made only
// of punctuation is no search at all rather than an empty phrase.

export const MAX_SEARCH_TERMS = 16;
export const MAX_SEARCH_LENGTH = 512;

const WORD = /[\p{L}\p{N}]/u;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/gu;

/** The MATCH expression for `text` (all terms, the last one as a prefix), or null when nothing is searchable. */
export function ftsQuery(text: string): string | null {
  const terms = text
    .slice(0, MAX_SEARCH_LENGTH)
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .split(/\s+/u)
    .filter((term) => WORD.test(term))
    .slice(0, MAX_SEARCH_TERMS);
  if (terms.length === 0) return null;
  return terms.map((term, i) => `"${term.replaceAll('"', '""')}"${i === terms.length - 1 ? ' *' : ''}`).join(' ');
}
