import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../electron/src/common/api';
import { toResult } from '../src/api/client';
import { ApiProvider } from '../src/api/context';
import { createFakeApi } from '../src/api/fake-api';
import { Button, ErrorText, useToast } from '../src/components/ui';
import { errorStrings } from '../src/i18n/errors';
import { renderWithApp } from './render';

describe('API error → sentence', () => {
  it('every error code has a distinct plain sentence in both languages', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const sentences = API_ERROR_CODES.map((code) => errorStrings[lang][code]);
      for (const sentence of sentences) {
        expect(sentence.length).toBeGreaterThan(5);
        // No code names or jargon leaking into the sentence.
        expect(sentence).not.toMatch(/[A-Z]{3,}_[A-Z]+/);
      }
      expect(new Set(sentences).size).toBe(sentences.length);
    }
  });

  it('shows the sentence, not the technical message', async () => {
    renderWithApp(<ErrorText error={{ code: 'INSUFFICIENT_FUNDS', message: 'balance 10 < 500' }} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Your balance is too low for this payment.');
    expect(alert.textContent).not.toContain('balance 10 < 500');
  });

  it('shows the Chinese sentence when the language is Chinese', async () => {
    renderWithApp(<ErrorText error={{ code: 'FORBIDDEN', message: 'x' }} />, { language: 'zh-CN' });
    expect((await screen.findByRole('alert')).textContent).toContain('您无权执行此操作。');
  });

  it('BAD_INPUT with its detail names the field and the limit, in both languages', async () => {
    const detail = { field: 'text', rule: 'too_long', limit: 16_000, unit: 'characters' } as const;
    const { unmount } = renderWithApp(<ErrorText error={{ code: 'BAD_INPUT', message: 'x', detail }} />);
    expect((await screen.findByRole('alert')).textContent).toContain(
      'The message is too long: at most 16,000 characters.',
    );
    unmount();
    const file = {
      field: 'attachments.0.dataBase64',
      rule: 'too_large',
      limit: 8 * 1024 * 1024,
      unit: 'bytes',
    } as const;
    renderWithApp(<ErrorText error={{ code: 'BAD_INPUT', message: 'x', detail: file }} />, { language: 'zh-CN' });
    expect((await screen.findByRole('alert')).textContent).toContain('附件太大：最大 8 MB。');
  });

  it('causes that used to read as something else have their own sentence', async () => {
    for (const [code, words] of [
      ['UNKNOWN_USER', 'nobody with this user ID'],
      ['ALREADY_REGISTERED', 'already registered'],
      ['SELF_PAYMENT', 'cannot pay yourself'],
      ['NOT_AN_EXPORT', 'a CSV export cannot be verified'],
    ] as const) {
      const { unmount } = renderWithApp(<ErrorText error={{ code, message: 'x' }} />);
      expect((await screen.findByRole('alert')).textContent).toContain(words);
      unmount();
    }
  });

  it('the client keeps a well-formed detail and drops a malformed one', () => {
    const detail = { field: 'memo', rule: 'too_long', limit: 280, unit: 'characters' };
    expect(toResult({ ok: false, error: { code: 'BAD_INPUT', message: 'm', detail } })).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'm', detail },
    });
    expect(toResult({ ok: false, error: { code: 'BAD_INPUT', message: 'm', detail: { rule: 1 } } })).toEqual({
      ok: false,
      error: { code: 'BAD_INPUT', message: 'm' },
    });
  });

  it('an unknown code from a newer app reads as the generic sentence', () => {
    const result = toResult({ ok: false, error: { code: 'SOMETHING_NEW', message: 'x' } });
    expect(result).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'x' } });
  });

  it('the web server’s own refusals map onto API codes', () => {
    expect(toResult({ ok: false, error: { code: 'BODY_TOO_LARGE', message: '' } })).toMatchObject({
      error: { code: 'TOO_LARGE' },
    });
    expect(toResult({ ok: false, error: { code: 'UNAUTHORIZED', message: '' } })).toMatchObject({
      error: { code: 'NOT_SIGNED_IN' },
    });
    expect(toResult('garbage')).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(toResult({ ok: true, value: 3 })).toEqual({ ok: true, value: 3 });
  });

  it('when even the session cannot be read, the app says so and a retry recovers', async () => {
    const failing = createFakeApi();
    failing.failNext('sessionState', 'NOT_SIGNED_IN', 'missing or wrong token');
    renderWithApp(
      <ApiProvider
        api={failing}
        loading={<p>loading</p>}
        unreachable={(error, retry) => (
          <div>
            <ErrorText error={error} />
            <Button onClick={retry}>again</Button>
          </div>
        )}
      >
        <p>signed-out screen</p>
      </ApiProvider>,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('You are signed out. Please sign in again.');
    screen.getByRole('button', { name: 'again' }).click();
    expect(await screen.findByText('signed-out screen')).toBeTruthy();
  });
});

describe('notices do not pile up', () => {
  it('a new toast replaces the one on screen', async () => {
    function Notify() {
      const toast = useToast();
      return (
        <>
          <Button onClick={() => toast({ tone: 'success', title: 'first notice' })}>one</Button>
          <Button onClick={() => toast({ tone: 'success', title: 'second notice' })}>two</Button>
        </>
      );
    }
    renderWithApp(<Notify />);
    (await screen.findByRole('button', { name: 'one' })).click();
    expect(await screen.findByText('first notice')).toBeTruthy();
    screen.getByRole('button', { name: 'two' }).click();
    expect(await screen.findByText('second notice')).toBeTruthy();
    expect(screen.queryByText('first notice')).toBeNull();
  });
});
