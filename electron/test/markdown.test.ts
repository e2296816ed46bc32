import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Block,
  type Inline,
  MAX_INLINE_DEPTH,
  MAX_QUOTE_DEPTH,
  markdownToPlainText,
  parseInline,
  parseMarkdown,
} from '../src/common/markdown';
import { externalLinkDecision } from '../src/main/external-links';
import { textPreview } from '../src/common/message-preview';

const text = (t: string): Inline => ({ type: 'text', text: t });

/** Every link's href in a tree, anywhere. */
function hrefs(nodes: readonly (Block | Inline)[]): string[] {
  return nodes.flatMap((node): string[] => {
    switch (node.type) {
      case 'link':
        return [node.href, ...hrefs(node.children)];
      case 'paragraph':
      case 'strong':
      case 'em':
      case 'strike':
      case 'quote':
        return hrefs(node.children);
      case 'list':
        return node.items.flatMap(hrefs);
      default:
        return [];
    }
  });
}

function inlineDepth(nodes: readonly Inline[]): number {
  return Math.max(0, ...nodes.map((n) => ('children' in n ? 1 + inlineDepth(n.children) : 0)));
}

function quoteDepth(blocks: readonly Block[]): number {
  return Math.max(0, ...blocks.map((b) => (b.type === 'quote' ? 1 + quoteDepth(b.children) : 0)));
}

describe('markdown subset', () => {
  it('bold, italic, strike and inline code', () => {
    assert.deepEqual(parseInline('a **b** *c* _d_ ~~e~~ `f*g*`'), [
      text('a '),
      { type: 'strong', children: [text('b')] },
      text(' '),
      { type: 'em', children: [text('c')] },
      text(' '),
      { type: 'em', children: [text('d')] },
      text(' '),
      { type: 'strike', children: [text('e')] },
      text(' '),
      { type: 'code', text: 'f*g*' },
    ]);
    assert.deepEqual(parseInline('***both***'), [
      { type: 'strong', children: [{ type: 'em', children: [text('both')] }] },
    ]);
  });

  it('snake_case_names, 2 * 3 * 4, escaped markers and unclosed ones stay text', () => {
    assert.deepEqual(parseInline('snake_case_name'), [text('snake_case_name')]);
    assert.deepEqual(parseInline('2 * 3 * 4'), [text('2 * 3 * 4')]);
    assert.deepEqual(parseInline('\\*not\\* **open'), [text('*not* **open')]);
    assert.deepEqual(parseInline('`open code'), [text('`open code')]);
  });

  it('blocks: paragraphs, code blocks, lists, quotes', () => {
    const blocks = parseMarkdown(
      'Hello\nsecond line\n\n```ts\nconst a = **b**;\n<script>\n```\n- one\n- **two**\n3. three\n4. four\n> quoted *text*\n> more',
    );
    assert.deepEqual(blocks, [
      { type: 'paragraph', children: [text('Hello\nsecond line')] },
      { type: 'code-block', text: 'const a = **b**;\n<script>' },
      { type: 'list', ordered: false, start: 1, items: [[text('one')], [{ type: 'strong', children: [text('two')] }]] },
      { type: 'list', ordered: true, start: 3, items: [[text('three')], [text('four')]] },
      {
        type: 'quote',
        children: [
          { type: 'paragraph', children: [text('quoted '), { type: 'em', children: [text('text')] }, text('\nmore')] },
        ],
      },
    ]);
  });

  it('links: https and mailto open, normalised; bare https addresses are links too', () => {
    assert.deepEqual(parseInline('see [the docs](HTTPS://Example.COM/a?b=1) now'), [
      text('see '),
      { type: 'link', href: 'https://example.com/a?b=1', children: [text('the docs')] },
      text(' now'),
    ]);
    assert.deepEqual(parseInline('at https://example.com/x. Or [mail](mailto:a@example.com)'), [
      text('at '),
      { type: 'link', href: 'https://example.com/x', children: [text('https://example.com/x')] },
      text('. Or '),
      { type: 'link', href: 'mailto:a@example.com', children: [text('mail')] },
    ]);
  });

  it('javascript:, data:, http:, file: and credentialed addresses are never links: the text shows as written', () => {
    for (const source of [
      '[click](javascript:alert(1))',
      '[click](JaVaScRiPt:alert(1))',
      '[x](data:text/html,<script>alert(1)</script>)',
      '[x](data:image/svg+xml;base64,PHN2Zz4=)',
      '[x](http://example.com)',
      '[x](file:///etc/passwd)',
      '[x](https://user:pw@example.com)',
      '[x](vbscript:msgbox)',
      'javascript:alert(1) http://example.com data:text/html,x',
    ]) {
      const blocks = parseMarkdown(source);
      assert.deepEqual(hrefs(blocks), [], source);
      assert.equal(markdownToPlainText(source), source, source);
    }
  });

  it("every link a message can carry is one the Electron shell would open, in the shell's own normalised form", () => {
    const source = [
      '[a](https://example.com/x?y=1#z) [b](mailto:ops@example.com) https://例え.jp/path',
      '[c](https://EXAMPLE.com) [d](https://example.com/%0a) https://example.com/a_b-c~d',
    ].join('\n');
    const found = hrefs(parseMarkdown(source));
    assert.equal(found.length, 6);
    for (const href of found) assert.deepEqual(externalLinkDecision(href), { open: true, url: href });
    // An internationalised host reads as punycode in the confirmation (no look-alike letters).
    assert.ok(found.includes('https://xn--r8jz45g.jp/path'));
  });

  it('HTML in a message is text, never markup', () => {
    for (const source of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      '<a href="javascript:x">y</a>',
    ]) {
      assert.deepEqual(parseMarkdown(source), [{ type: 'paragraph', children: [text(source)] }]);
    }
  });

  it('links never nest: an address inside a link label is its text, and a link inside a label ends the outer one', () => {
    assert.deepEqual(parseInline('[see https://a.example](https://c.example)'), [
      { type: 'link', href: 'https://c.example/', children: [text('see https://a.example')] },
    ]);
    const inner = parseInline('[a [b](https://b.example)](https://c.example)');
    assert.deepEqual(hrefs(inner), ['https://b.example/']);
    assert.equal(markdownToPlainText('[a [b](https://b.example)](https://c.example)'), '[a b](https://c.example)');
  });

  it('deeply nested markers stop at the depth limits and keep the text', () => {
    const styles = '**a *b ~~c **d *e ~~f **g *h ~~i x~~ h* g** f~~ e* d** c~~ b* a**';
    const inline = parseInline(styles);
    assert.ok(inlineDepth(inline) <= MAX_INLINE_DEPTH);
    for (const letter of 'abcdefghix') assert.ok(markdownToPlainText(styles).includes(letter));
    const quotes = parseMarkdown(`${'>'.repeat(1000)} deep`);
    assert.equal(quoteDepth(quotes), MAX_QUOTE_DEPTH);
    assert.ok(markdownToPlainText(`${'>'.repeat(1000)} deep`).endsWith('deep'));
  });

  // Linear by construction (see markdown.ts); these inputs defeat backtracking or
  // quadratic scans, and the answers show each was processed in full.
  it('pathological inputs parse completely: 10,000 asterisks and other marker floods', () => {
    const stars = '*'.repeat(10_000);
    assert.deepEqual(parseMarkdown(stars), [{ type: 'paragraph', children: [text(stars)] }]);
    const alternating = '*a'.repeat(50_000);
    assert.equal(
      markdownToPlainText(alternating).length,
      alternating.length - parseInline(alternating).filter((n) => n.type === 'em').length * 2,
    );
    for (const flood of [
      '* '.repeat(50_000),
      '** a'.repeat(25_000),
      '_'.repeat(100_000),
      '`'.repeat(100_000),
      '` `` ``` '.repeat(10_000),
      '['.repeat(100_000),
      '](https://x.example'.repeat(5_000),
      '[a](https://x.example'.repeat(5_000),
      'https://'.repeat(10_000),
      '~~'.repeat(50_000),
      '\\'.repeat(100_000),
      '> '.repeat(50_000),
      '- \n'.repeat(50_000),
      '```\n'.repeat(50_000),
    ]) {
      const blocks = parseMarkdown(flood);
      const plain = markdownToPlainText(flood);
      assert.ok(blocks.length >= 0 && plain.length <= flood.length, flood.slice(0, 20));
    }
    const deep = '**a *b '.repeat(10_000);
    assert.ok(inlineDepth(parseInline(deep)) <= MAX_INLINE_DEPTH);
  });

  it('previews show the text without markers', () => {
    assert.equal(textPreview('**Ship** it _today_, see [plan](https://example.com)', []), 'Ship it today, see plan');
    assert.equal(textPreview('```\ncode\n```', []), 'code');
    assert.equal(textPreview('', ['a.txt']), '📎 a.txt');
    assert.equal(textPreview('**', ['a.txt']), '**');
  });
});
