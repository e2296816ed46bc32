import { fireEvent, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { MAX_MESSAGE_CHARS } from '../../electron/src/common/limits';
import { createFakeApi } from '../src/api/fake-api';
import { Composer } from '../src/features/chats/composer';
import { renderWithApp } from './render';

function setup(extra: Partial<Parameters<typeof Composer>[0]> = {}) {
  const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
  const direct = [...api.conversations.values()].find((c) => c.summary.kind === 'direct');
  if (!direct) throw new Error('seed has a direct chat');
  const onSent = vi.fn();
  const send = vi.spyOn(api, 'sendMessage');
  renderWithApp(
    <Composer conversationId={direct.summary.id} peerUserIds={[]} paymentsAllowed={false} onSent={onSent} {...extra} />,
    { api },
  );
  return { api, onSent, send, id: direct.summary.id };
}

describe('composer', () => {
  it('Enter sends the text and clears the box; Shift+Enter starts a new line', async () => {
    const { onSent, send, id } = setup();
    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'first line{Shift>}{Enter}{/Shift}second line');
    expect(send).not.toHaveBeenCalled();
    await userEvent.type(box, '{Enter}');
    await waitFor(() => expect(onSent).toHaveBeenCalled());
    expect(send).toHaveBeenCalledWith({ conversationId: id, text: 'first line\nsecond line' });
    expect((box as HTMLTextAreaElement).value).toBe('');
  });

  it('does not send an empty message', async () => {
    const { send } = setup();
    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, '   {Enter}');
    expect(send).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('attaches a picked file as base64', async () => {
    const { send } = setup();
    await screen.findByRole('textbox', { name: 'Message' });
    const file = new File(['hello'], 'note.txt', { type: 'text/plain' });
    await userEvent.upload(screen.getByTestId('file-input'), file);
    expect(screen.getByText('note.txt')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(send).toHaveBeenCalled());
    expect(send.mock.calls[0]?.[0].attachments).toEqual([
      { name: 'note.txt', mimeType: 'text/plain', dataBase64: 'aGVsbG8=' },
    ]);
  });

  it('accepts files dropped onto it', async () => {
    setup();
    await screen.findByRole('textbox', { name: 'Message' });
    const file = new File(['x'], 'dropped.pdf', { type: 'application/pdf' });
    const composer = screen.getByTestId('composer');
    fireEvent.dragOver(composer, { dataTransfer: { files: [file] } });
    expect(screen.getByText('Drop files to attach them')).toBeTruthy();
    fireEvent.drop(composer, { dataTransfer: { files: [file] } });
    expect(await screen.findByText('dropped.pdf')).toBeTruthy();
    expect(screen.queryByText('Drop files to attach them')).toBeNull();
  });

  it('a file over the per-file limit is refused at once, with the limit in words', async () => {
    const { send } = setup();
    await screen.findByRole('textbox', { name: 'Message' });
    const big = new File(['x'], 'video.mp4', { type: 'video/mp4' });
    Object.defineProperty(big, 'size', { value: 9 * 1024 * 1024 });
    await userEvent.upload(screen.getByTestId('file-input'), big);
    // The same limit as sharing (electron/src/common/limits.ts).
    expect((await screen.findByRole('alert')).textContent).toBe('Each file can be at most 8 MB.');
    expect(screen.queryByText('video.mp4')).toBeNull();
    expect(send).not.toHaveBeenCalled();
  });

  it('a refused send keeps the text and explains why', async () => {
    const { api, onSent } = setup();
    api.failNext('sendMessage', 'FORBIDDEN', 'not a member');
    const box = await screen.findByRole('textbox', { name: 'Message' });
    await userEvent.type(box, 'hello{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('You are not allowed to do this.');
    expect((box as HTMLTextAreaElement).value).toBe('hello');
    expect(onSent).not.toHaveBeenCalled();
  });

  it('near the limit a counter shows; an over-long message is refused naming the limit, and the new error replaces the old', async () => {
    const { api } = setup();
    const box = await screen.findByRole('textbox', { name: 'Message' });
    expect(screen.queryByTestId('composer-counter')).toBeNull();
    api.failNext('sendMessage', 'FORBIDDEN', 'not a member');
    await userEvent.type(box, 'hi{Enter}');
    expect((await screen.findByRole('alert')).textContent).toContain('You are not allowed to do this.');
    fireEvent.change(box, { target: { value: 'x'.repeat(MAX_MESSAGE_CHARS + 5) } });
    expect(screen.getByTestId('composer-counter').textContent).toBe('16,005 of 16,000 characters: 5 too many to send');
    // Editing cleared the old error: nothing piles up.
    expect(screen.queryByRole('alert')).toBeNull();
    await userEvent.type(box, '{Enter}');
    const alerts = await screen.findAllByRole('alert');
    expect(alerts.map((a) => a.textContent)).toEqual(['The message is too long: at most 16,000 characters.']);
  });

  it('says why the person cannot post instead of offering a box', async () => {
    setup({ disabledReason: 'Readers cannot post' });
    expect(await screen.findByText('Readers cannot post')).toBeTruthy();
    expect(screen.queryByRole('textbox', { name: 'Message' })).toBeNull();
  });
});
