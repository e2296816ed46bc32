// The file name a shared piece of text gets: the one the person typed, else
// its first words, so "Shared with you" does not list every note as the same
// "shared-note.txt".

const MAX_WORDS = 6;
const MAX_CHARS = 60;
/** Characters no file system accepts in a name, and control characters (Unicode category Cc). */
const UNSAFE = /[\\/:*?"<>|\p{Cc}]+/gu;

function withTxt(name: string): string {
  return /\.[A-Za-z0-9]{1,8}$/.test(name) ? name : `${name}.txt`;
}

/** "Q3 plan: ship the messenger by May" → "Q3 plan ship the messenger by.txt". */
export function defaultTextName(text: string, fallback: string): string {
  const firstLine = text.trim().split(/\r?\n/)[0] ?? '';
  const words = firstLine.replace(UNSAFE, ' ').split(/\s+/).filter(Boolean).slice(0, MAX_WORDS).join(' ');
  const name = words.slice(0, MAX_CHARS).trim();
  return withTxt(name || fallback);
}

/** What the person typed, made safe, or the default from the text. */
export function textShareName(typed: string, text: string, fallback: string): string {
  const cleaned = typed
    .replace(UNSAFE, ' ')
    .trim()
    .slice(0, MAX_CHARS * 2);
  return cleaned ? withTxt(cleaned) : defaultTextName(text, fallback);
}
