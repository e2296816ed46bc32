import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FormattedText } from '../src/features/chats/formatted-text';
import { renderWithApp } from './render';

/** Renders like the app (its providers settle first) and answers the formatted block. */
async function show(text: string, language: 'en' | 'zh-CN' = 'en') {
  const rendered = renderWithApp(<FormattedText text={text} />, { language });
  const block = await screen.findByTestId('message-text');
  return { ...rendered, block };
}

// Formatted messages render as elements only: a sender's HTML is text, a
// refused address is text, and a link opens only after the confirmation
// that shows its full address.

afterEach(() => vi.restoreAllMocks());

describe('formatted message text', () => {
  it('bold, italic, strike, code, code blocks, lists and quotes become elements', async () => {
    const { block: container } = await show(
      '**bold** *it* ~~gone~~ `x`\n\n```\nconst a = 1;\n```\n- one\n- two\n> said',
    );
    expect(container.querySelector('strong')?.textContent).toBe('bold');
    expect(container.querySelector('em')?.textContent).toBe('it');
    expect(container.querySelector('s')?.textContent).toBe('gone');
    expect(container.querySelector('p code')?.textContent).toBe('x');
    expect(container.querySelector('pre.message-code')?.textContent).toBe('const a = 1;');
    expect([...container.querySelectorAll('ul li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(container.querySelector('blockquote')?.textContent).toBe('said');
  });

  it('HTML in a message never becomes markup, in either language', async () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const hostile = '<script>window.pwned=1</script><img src=x onerror="window.pwned=1"> <b>bold?</b>';
      const { block: container, unmount } = await show(hostile, language);
      expect(container.querySelector('script, img, b, a, iframe')).toBeNull();
      expect(container.textContent).toBe(hostile);
      expect((window as { pwned?: number }).pwned).toBeUndefined();
      unmount();
    }
  });

  it('javascript: and data: addresses are not links: no button, the text as written', async () => {
    const text = '[a](javascript:alert(1)) [b](data:text/html,x) [c](http://example.com)';
    const { block: container } = await show(text);
    expect(container.querySelector('button, a')).toBeNull();
    expect(container.textContent).toBe(text);
  });

  it('a link asks first, showing the full address; Cancel opens nothing, Open opens it outside', async () => {
    const open = vi.spyOn(window, 'open').mockImplementation(() => null);
    await show('see [the plan](https://example.com/plan?id=7)');
    const link = screen.getByRole('button', { name: 'the plan' });
    expect(link.tagName).toBe('BUTTON');
    await userEvent.click(link);
    const dialog = await screen.findByRole('alertdialog', { name: 'Open this link?' });
    expect(within(dialog).getByTestId('link-address').textContent).toBe('https://example.com/plan?id=7');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(open).not.toHaveBeenCalled();
    await userEvent.click(link);
    await userEvent.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Open link' }));
    expect(open).toHaveBeenCalledWith('https://example.com/plan?id=7', '_blank', 'noopener,noreferrer');
  });

  it('the confirmation reads in Chinese too', async () => {
    await show('https://example.com', 'zh-CN');
    await userEvent.click(screen.getByRole('button', { name: 'https://example.com' }));
    expect(await screen.findByRole('alertdialog', { name: '打开此链接？' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '打开链接' })).toBeTruthy();
  });

  it('10,000 asterisks render as the text they are', async () => {
    const stars = '*'.repeat(10_000);
    const { block: container } = await show(stars);
    expect(container.textContent).toBe(stars);
  });
});
