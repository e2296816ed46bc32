import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeApi, FAKE_PASSPHRASE, FAKE_SECRET } from '../src/api/fake-api';
import { App, visibleSections } from '../src/app/app';
import { passphraseProblem } from '../src/features/onboarding';
import { renderWithApp } from './render';

describe('first run and sign-in', () => {
  it('enrolls with the dev network preselected, asking for a passphrase when there is no keychain', async () => {
    const api = createFakeApi({ keychain: false, seed: true });
    renderWithApp(<App />, { api });
    expect(await screen.findByRole('heading', { name: 'Choose your network' })).toBeTruthy();
    expect(((await screen.findByRole('radio', { name: /dev/ })) as HTMLInputElement).checked).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await userEvent.selectOptions(await screen.findByLabelText('Organization'), 'Org2MSP');
    await userEvent.type(screen.getByLabelText('User ID'), 'bob');
    await userEvent.type(screen.getByLabelText('Enrollment secret'), FAKE_SECRET);
    await userEvent.type(screen.getByLabelText('Passphrase'), FAKE_PASSPHRASE);
    await userEvent.type(screen.getByLabelText('Repeat the passphrase'), 'something else');
    await userEvent.click(screen.getByRole('button', { name: 'Set up account' }));
    expect((await screen.findByRole('alert')).textContent).toBe('The two passphrases are not the same.');
    expect(api.calls).not.toContain('enroll');
    await userEvent.clear(screen.getByLabelText('Repeat the passphrase'));
    await userEvent.type(screen.getByLabelText('Repeat the passphrase'), FAKE_PASSPHRASE);
    await userEvent.click(screen.getByRole('button', { name: 'Set up account' }));
    expect(await screen.findByRole('navigation', { name: 'Main navigation' })).toBeTruthy();
    expect(api.calls).toContain('enroll');
  });

  it('a wrong secret is explained and nothing is enrolled', async () => {
    const api = createFakeApi();
    renderWithApp(<App />, { api });
    await userEvent.click(await screen.findByRole('button', { name: 'Continue' }));
    await userEvent.type(await screen.findByLabelText('User ID'), 'alice');
    await userEvent.type(screen.getByLabelText('Enrollment secret'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Set up account' }));
    expect((await screen.findByRole('alert')).textContent).toContain('enrollment secret is not correct');
    // The CA of the organisation picked does not know the id: the person is told to check that choice too.
    expect(screen.getByTestId('check-organization').textContent).toContain(
      'check that you picked the right organisation',
    );
    expect((await api.sessionState()).ok && (await api.sessionState())).toMatchObject({
      value: { state: 'no-account' },
    });
  });

  it('signs in to an existing account with its passphrase', async () => {
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', keychain: false });
    await api.signOut();
    renderWithApp(<App />, { api });
    expect(await screen.findByRole('heading', { name: 'Sign in' })).toBeTruthy();
    await userEvent.type(screen.getByLabelText('Passphrase'), 'nope nope nope');
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That passphrase is not correct.');
    await userEvent.clear(screen.getByLabelText('Passphrase'));
    await userEvent.type(screen.getByLabelText('Passphrase'), FAKE_PASSPHRASE);
    await userEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('navigation', { name: 'Main navigation' })).toBeTruthy();
  });

  it('passphrase rules', () => {
    expect(passphraseProblem('short', 'short')).toBe('passphraseShort');
    expect(passphraseProblem('long enough', 'long enougH')).toBe('passphraseMismatch');
    expect(passphraseProblem('long enough', 'long enough')).toBeNull();
  });
});

describe('navigation by role', () => {
  it('admin and compliance sections appear only for their roles', () => {
    expect(visibleSections('staff')).toEqual(['chats', 'sharing', 'payments', 'settings']);
    expect(visibleSections('admin')).toContain('admin');
    expect(visibleSections('admin')).not.toContain('compliance');
    expect(visibleSections('compliance')).toContain('compliance');
    expect(visibleSections('compliance')).not.toContain('admin');
  });

  it('staff see the chats with unread counts, and no Admin entry', async () => {
    renderWithApp(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    expect(within(nav).queryByText('Admin')).toBeNull();
    expect(await screen.findByLabelText('2 unread messages')).toBeTruthy();
  });

  it('switching the language to Chinese in Settings changes the visible strings', async () => {
    renderWithApp(<App />);
    const nav = await screen.findByRole('navigation', { name: 'Main navigation' });
    await userEvent.click(within(nav).getByRole('button', { name: 'Settings' }));
    await userEvent.selectOptions(await screen.findByLabelText('Language'), 'zh-CN');
    await waitFor(() => expect(within(nav).getByRole('button', { name: '设置' })).toBeTruthy());
    expect(within(nav).getByRole('button', { name: '聊天' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: '设置' })).toBeTruthy();
  });

  it('something the app could not save is told in a toast, not dropped', async () => {
    const { api } = renderWithApp(<App />);
    await screen.findByRole('navigation', { name: 'Main navigation' });
    act(() =>
      api.emit({
        type: 'storeFailed',
        message: 'an item shared with you could not be saved on this device: disk full',
      }),
    );
    expect(await screen.findByText('Something could not be saved on this computer')).toBeTruthy();
    expect(screen.getByText(/an item shared with you could not be saved on this device: disk full/)).toBeTruthy();
  });

  it('a revoked identity is the status from then on: the pill says so, in red', async () => {
    const { api } = renderWithApp(<App />);
    await screen.findByRole('navigation', { name: 'Main navigation' });
    act(() => api.emit({ type: 'sync', state: 'revoked' }));
    const pill = await screen.findByText('Access revoked');
    expect(pill.className).toContain('danger');
  });
});
