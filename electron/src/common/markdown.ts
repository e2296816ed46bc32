import { externalLinkDecision } from './link-policy';

// The Markdown subset messages are written in: **bold**, *italic* (or
// _italic_), ~~strike~~, `inline code`, ``` code blocks ```, lists (- or
// 1.), > quotes, [links](https://…) and bare https:// addresses. It parses
// to a small tree of plain data that the renderer turns into React elements
// (never HTML), and that previews flatten to text without the markers.
//
// Linear time by construction, whatever a sender writes: no regular
// expression backtracks; each line is classified by looking at its first
// characters; a code span's closing backticks are found through a per-length
// cursor that only moves forward; a delimiter is pushed and popped at most
// once; a link's address is scanned at most once. Quotes nest at most
// MAX_QUOTE_DEPTH deep (each level rescans only its own lines) and inline
// styles at most MAX_INLINE_DEPTH deep (deeper markers stay visible text),
// so neither a hostile message nor its rendering can recurse without bound.

export type Inline =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'code'; readonly text: string }
  | { readonly type: 'strong' | 'em' | 'strike'; readonly children: Inline[] }
  /** `href` passed the link policy (https: or mailto:, no credentials), normalised. */
  | { readonly type: 'link'; readonly href: string; readonly children: Inline[] };

export type Block =
  | { readonly type: 'paragraph'; readonly children: Inline[] }
  | { readonly type: 'code-block'; readonly text: string }
  | { readonly type: 'quote'; readonly children: Block[] }
  | { readonly type: 'list'; readonly ordered: boolean; readonly start: number; readonly items: Inline[][] };

export const MAX_QUOTE_DEPTH = 3;
export const MAX_INLINE_DEPTH = 6;

export function parseMarkdown(text: string): Block[] {
  return parseBlocks(text.replace(/\r\n?/g, '\n').split('\n'), 0);
}

/** The text a reader sees, without any marker: for previews and notifications. */
export function plainText(blocks: readonly Block[]): string {
  return blocks.map(blockText).join('\n');
}

/** `plainText(parseMarkdown(text))`. */
export function markdownToPlainText(text: string): string {
  return plainText(parseMarkdown(text));
}

function blockText(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return inlineText(block.children);
    case 'code-block':
      return block.text;
    case 'quote':
      return plainText(block.children);
    case 'list':
      return block.items.map(inlineText).join('\n');
  }
}

function inlineText(nodes: readonly Inline[]): string {
  let out = '';
  for (const node of nodes) out += node.type === 'text' || node.type === 'code' ? node.text : inlineText(node.children);
  return out;
}

// ---- blocks -------------------------------------------------------------------

const isBlank = (line: string): boolean => line.trim() === '';

/** Up to three spaces of indentation, as Markdown allows before a block marker. */
function indent(line: string): number {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  return i;
}

const isFenceOpen = (line: string): boolean => line.startsWith('```', indent(line));

/** Closing fence: only backticks (three or more) and spaces. */
function isFenceClose(line: string): boolean {
  const t = line.trim();
  if (!t.startsWith('```')) return false;
  for (let i = 3; i < t.length; i++) if (t[i] !== '`') return false;
  return true;
}

/** The line without its `>` marker (and one space after it), or null when it is not a quote line. */
function quoteContent(line: string): string | null {
  const i = indent(line);
  if (line[i] !== '>') return null;
  return line.slice(line[i + 1] === ' ' ? i + 2 : i + 1);
}

interface ListItem {
  readonly ordered: boolean;
  readonly number: number;
  readonly rest: string;
}

const isSpace = (ch: string | undefined): boolean =>
  ch === undefined || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\u00a0';

function listItem(line: string): ListItem | null {
  let i = indent(line);
  const ch = line[i];
  if (ch === '-' || ch === '*' || ch === '+') {
    return line[i + 1] === ' ' || line[i + 1] === '\t' ? { ordered: false, number: 1, rest: line.slice(i + 2) } : null;
  }
  const digitsFrom = i;
  while (i < line.length && i - digitsFrom < 9 && line[i]! >= '0' && line[i]! <= '9') i++;
  if (i === digitsFrom || (line[i] !== '.' && line[i] !== ')')) return null;
  if (line[i + 1] !== ' ' && line[i + 1] !== '\t') return null;
  return { ordered: true, number: Number(line.slice(digitsFrom, i)), rest: line.slice(i + 2) };
}

function startsBlock(line: string, depth: number): boolean {
  return isFenceOpen(line) || (depth < MAX_QUOTE_DEPTH && quoteContent(line) !== null) || listItem(line) !== null;
}

function parseBlocks(lines: readonly string[], depth: number): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isBlank(line)) {
      i++;
      continue;
    }
    if (isFenceOpen(line)) {
      // An unclosed fence runs to the end, as in Markdown.
      const body: string[] = [];
      i++;
      while (i < lines.length && !isFenceClose(lines[i]!)) body.push(lines[i++]!);
      i++;
      blocks.push({ type: 'code-block', text: body.join('\n') });
      continue;
    }
    if (depth < MAX_QUOTE_DEPTH && quoteContent(line) !== null) {
      const inner: string[] = [];
      for (let content = quoteContent(line); content !== null && i < lines.length;) {
        inner.push(content);
        i++;
        content = i < lines.length ? quoteContent(lines[i]!) : null;
      }
      blocks.push({ type: 'quote', children: parseBlocks(inner, depth + 1) });
      continue;
    }
    const first = listItem(line);
    if (first) {
      const items = [parseInline(first.rest)];
      i++;
      for (let next = i < lines.length ? listItem(lines[i]!) : null; next && next.ordered === first.ordered;) {
        items.push(parseInline(next.rest));
        i++;
        next = i < lines.length ? listItem(lines[i]!) : null;
      }
      blocks.push({ type: 'list', ordered: first.ordered, start: first.number, items });
      continue;
    }
    const paragraph = [line];
    i++;
    while (i < lines.length && !isBlank(lines[i]!) && !startsBlock(lines[i]!, depth)) paragraph.push(lines[i++]!);
    blocks.push({ type: 'paragraph', children: parseInline(paragraph.join('\n')) });
  }
  return blocks;
}

// ---- inline -------------------------------------------------------------------

type Token =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'autolink'; readonly href: string; readonly text: string }
  | {
      readonly kind: 'delim';
      /** `*1` `*2` `_1` `_2` `~2`: a closer only matches an opener of the same key. */
      readonly key: string;
      readonly text: string;
      readonly canOpen: boolean;
      readonly canClose: boolean;
    }
  | { readonly kind: 'link-open' }
  | { readonly kind: 'link-close'; readonly href: string; readonly text: string };

const ESCAPABLE = new Set(['\\', '`', '*', '_', '~', '[', ']', '(', ')', '>', '-', '+', '.', '!', '#']);
const URL_STOP = new Set([' ', '\t', '\n', '(', ')', '[', ']', '<', '>', '"', '`']);
const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"']);

const isWordChar = (ch: string | undefined): boolean =>
  ch !== undefined && ch.toLowerCase() !== ch.toUpperCase() ? true : ch !== undefined && ch >= '0' && ch <= '9';

/** Where each run of backticks starts, by length, with a cursor that only moves forward. */
class BacktickRuns {
  private readonly starts = new Map<number, number[]>();
  private readonly cursor = new Map<number, number>();

  constructor(s: string) {
    for (let i = 0; i < s.length;) {
      if (s[i] !== '`') {
        i++;
        continue;
      }
      const from = i;
      while (s[i] === '`') i++;
      const list = this.starts.get(i - from) ?? [];
      list.push(from);
      this.starts.set(i - from, list);
    }
  }

  /** The first run of exactly `length` backticks starting after `position`, or -1. */
  next(length: number, position: number): number {
    const list = this.starts.get(length);
    if (!list) return -1;
    let c = this.cursor.get(length) ?? 0;
    while (c < list.length && list[c]! <= position) c++;
    this.cursor.set(length, c);
    return c < list.length ? list[c]! : -1;
  }
}

function runLength(s: string, at: number, ch: string): number {
  let i = at;
  while (s[i] === ch) i++;
  return i - at;
}

function tokenize(s: string): Token[] {
  const tokens: Token[] = [];
  const backticks = new BacktickRuns(s);
  let textStart = 0;
  const flush = (end: number) => {
    if (end > textStart) tokens.push({ kind: 'text', text: s.slice(textStart, end) });
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\' && ESCAPABLE.has(s[i + 1] ?? '')) {
      flush(i);
      tokens.push({ kind: 'text', text: s[i + 1]! });
      i += 2;
      textStart = i;
      continue;
    }
    if (ch === '`') {
      const length = runLength(s, i, '`');
      const close = backticks.next(length, i);
      if (close === -1) {
        i += length;
        continue;
      }
      flush(i);
      let code = s.slice(i + length, close);
      if (code.length > 2 && code.startsWith(' ') && code.endsWith(' ')) code = code.slice(1, -1);
      tokens.push({ kind: 'code', text: code });
      i = close + length;
      textStart = i;
      continue;
    }
    if (ch === '*' || ch === '_' || ch === '~') {
      const length = runLength(s, i, ch);
      const fits = ch === '~' ? length === 2 : length <= 3;
      const before = s[i - 1];
      const after = s[i + length];
      // Flanking, simplified: an opener is followed by text, a closer follows text; `_` never works inside a word.
      const canOpen = fits && !isSpace(after) && (ch !== '_' || !isWordChar(before));
      const canClose = fits && !isSpace(before) && (ch !== '_' || !isWordChar(after));
      if (!canOpen && !canClose) {
        i += length;
        continue;
      }
      flush(i);
      // *** is ** and * together: the outer one first when opening, last when closing.
      const sizes = length === 3 ? (canOpen && !canClose ? [2, 1] : [1, 2]) : [length];
      for (const size of sizes) {
        tokens.push({ kind: 'delim', key: `${ch}${size}`, text: ch.repeat(size), canOpen, canClose });
      }
      i += length;
      textStart = i;
      continue;
    }
    if (ch === '[') {
      flush(i);
      tokens.push({ kind: 'link-open' });
      i++;
      textStart = i;
      continue;
    }
    if (ch === ']' && s[i + 1] === '(') {
      // The address runs to the first stop character, so no character is scanned as an address twice.
      let end = i + 2;
      while (end < s.length && !URL_STOP.has(s[end]!)) end++;
      const decision = s[end] === ')' ? externalLinkDecision(s.slice(i + 2, end)) : { open: false as const };
      if (decision.open) {
        flush(i);
        tokens.push({ kind: 'link-close', href: decision.url, text: s.slice(i, end + 1) });
        i = end + 1;
        textStart = i;
        continue;
      }
      i++;
      continue;
    }
    if (ch === 'h' && s.startsWith('https://', i) && !isWordChar(s[i - 1])) {
      let end = i + 8;
      while (end < s.length && !URL_STOP.has(s[end]!)) end++;
      while (end > i + 8 && TRAILING_PUNCTUATION.has(s[end - 1]!)) end--;
      const raw = s.slice(i, end);
      const decision = externalLinkDecision(raw);
      if (decision.open) {
        flush(i);
        tokens.push({ kind: 'autolink', href: decision.url, text: raw });
        textStart = end;
      }
      i = end;
      continue;
    }
    i++;
  }
  flush(s.length);
  return tokens;
}

/**
 * Pairs openers with closers: a closer takes the nearest live opener of its
 * key, and every opener after that one becomes text, so pairs never cross.
 * Answers each token's partner (-1 for none).
 */
function pair(tokens: readonly Token[]): Int32Array {
  const partner = new Int32Array(tokens.length).fill(-1);
  const dead = new Uint8Array(tokens.length);
  const all: number[] = [];
  const byKey = new Map<string, number[]>();
  const stackOf = (key: string) => {
    let stack = byKey.get(key);
    if (!stack) byKey.set(key, (stack = []));
    return stack;
  };
  const liveTop = (stack: number[]): number | undefined => {
    while (stack.length > 0 && dead[stack[stack.length - 1]!]) stack.pop();
    return stack[stack.length - 1];
  };
  const close = (opener: number, closer: number) => {
    while (all.length > 0 && all[all.length - 1]! >= opener) dead[all.pop()!] = 1;
    partner[opener] = closer;
    partner[closer] = opener;
  };
  tokens.forEach((token, k) => {
    if (token.kind === 'delim') {
      const stack = stackOf(token.key);
      const opener = token.canClose ? liveTop(stack) : undefined;
      if (opener !== undefined) return close(opener, k);
      if (token.canOpen) {
        stack.push(k);
        all.push(k);
      }
    } else if (token.kind === 'link-open') {
      stackOf('[').push(k);
      all.push(k);
    } else if (token.kind === 'link-close') {
      const stack = stackOf('[');
      const opener = liveTop(stack);
      if (opener === undefined) return;
      close(opener, k);
      // A link never contains a link: earlier [ can no longer open one.
      for (const earlier of stack.splice(0)) dead[earlier] = 1;
    }
  });
  return partner;
}

interface Open {
  readonly children: Inline[];
  readonly link: boolean;
}

export function parseInline(s: string): Inline[] {
  const tokens = tokenize(s);
  const partner = pair(tokens);
  const flattened = new Uint8Array(tokens.length);
  const root: Inline[] = [];
  const open: Open[] = [{ children: root, link: false }];
  const inLink = () => open.some((o) => o.link);
  const pushText = (text: string) => {
    const children = open[open.length - 1]!.children;
    const last = children[children.length - 1];
    if (last?.type === 'text') children[children.length - 1] = { type: 'text', text: last.text + text };
    else children.push({ type: 'text', text });
  };
  const literal = (token: Token): string =>
    token.kind === 'link-open' ? '[' : token.kind === 'code' ? token.text : token.text;
  tokens.forEach((token, k) => {
    const other = partner[k]!;
    if (other > k) {
      // Too deep: the markers stay visible and the text stays in its parent.
      if (open.length > MAX_INLINE_DEPTH) {
        flattened[other] = 1;
        return pushText(literal(token));
      }
      const closer = tokens[other]!;
      const children: Inline[] = [];
      const parent = open[open.length - 1]!.children;
      if (closer.kind === 'link-close') parent.push({ type: 'link', href: closer.href, children });
      else if (token.kind === 'delim') {
        const type = token.key[0] === '~' ? 'strike' : token.key[1] === '2' ? 'strong' : 'em';
        parent.push({ type, children });
      }
      open.push({ children, link: closer.kind === 'link-close' });
      return;
    }
    if (other >= 0) {
      if (flattened[k]) return pushText(literal(token));
      open.pop();
      return;
    }
    if (token.kind === 'code') open[open.length - 1]!.children.push({ type: 'code', text: token.text });
    else if (token.kind === 'autolink' && !inLink()) {
      open[open.length - 1]!.children.push({
        type: 'link',
        href: token.href,
        children: [{ type: 'text', text: token.text }],
      });
    } else pushText(literal(token));
  });
  return root;
}
