import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminPage } from '../src/features/admin';
import { hasRole, revokeComplete, revokeSteps } from '../src/lib/roles';
import { CompliancePage } from '../src/features/compliance';
import type { SessionState } from '../../electron/src/common/api';
import { renderWithApp } from './render';

const asAdmin = { fake: { signedInAs: 'Org1MSP::org1admin', seed: true } };

async function openRevokeFor(enrollmentId: string) {
  const user = userEvent.setup();
  const table = await screen.findByTestId('identities-table');
  const row = await waitFor(() => {
    const found = table.querySelector(`tr[data-enrollment-id="${enrollmentId}"]`);
    if (!(found instanceof HTMLElement)) throw new Error('row not there yet');
    return found;
  });
  await user.click(within(row).getByRole('button', { name: 'Revoke' }));
  return { user, dialog: await screen.findByRole('alertdialog') };
}

describe('revoking a user', () => {
  it('explains the three consequences and that it cannot be undone before anything happens', async () => {
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    const { dialog } = await openRevokeFor('carol');
    expect(dialog.textContent).toContain('revokes their certificate');
    expect(dialog.textContent).toContain('revocation list');
    expect(dialog.textContent).toContain('disabled in the KTalk directory');
    expect(dialog.textContent).toContain('cannot be undone');
    expect(api.calls).not.toContain('adminRevoke');
  });

  it('cancel revokes nothing', async () => {
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    const { user, dialog } = await openRevokeFor('carol');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(api.calls).not.toContain('adminRevoke');
  });

  it('a wrong typed ID revokes nothing; the right one revokes and shows each step', async () => {
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    const { user, dialog } = await openRevokeFor('carol');
    await user.type(within(dialog).getByTestId('revoke-type-id'), 'caro');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke permanently' }));
    expect(await within(dialog).findByText('That does not match the user ID.')).toBeTruthy();
    expect(api.calls).not.toContain('adminRevoke');

    await user.type(within(dialog).getByTestId('revoke-type-id'), 'l');
    await user.click(within(dialog).getByRole('button', { name: 'Revoke permanently' }));
    const report = await screen.findByTestId('revoke-report');
    expect(api.calls.filter((c) => c === 'adminRevoke')).toHaveLength(1);
    expect(report.textContent).toContain('carol (Org1) is revoked');
    const steps = [...report.querySelectorAll('li')].map((li) => [li.dataset.step, li.dataset.done]);
    expect(steps).toEqual([
      ['caRevoked', 'true'],
      ['crlInChannel', 'true'],
      ['directoryDisabled', 'true'],
    ]);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('an admin cannot revoke themselves', async () => {
    renderWithApp(<AdminPage />, asAdmin);
    const table = await screen.findByTestId('identities-table');
    const own = await waitFor(() => {
      const found = table.querySelector('tr[data-enrollment-id="org1admin"]');
      if (!(found instanceof HTMLElement)) throw new Error('row not there yet');
      return found;
    });
    expect(within(own).queryByRole('button', { name: 'Revoke' })).toBeNull();
  });

  it('a partial report names the missing step', () => {
    const report = { userId: 'Org1MSP::carol', caRevoked: true, crlInChannel: false, directoryDisabled: true };
    expect(revokeComplete(report)).toBe(false);
    expect(
      revokeSteps(report)
        .filter((s) => !s.done)
        .map((s) => s.key),
    ).toEqual(['crlInChannel']);
  });
});

describe('one-time enrollment secret', () => {
  it('is shown once after registering, with a copy button, and gone after closing', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    await user.type(await screen.findByTestId('register-id'), 'erin');
    await user.selectOptions(screen.getByTestId('register-role'), 'compliance');
    await user.click(screen.getByTestId('register-submit'));
    const secret = await screen.findByTestId('enrollment-secret');
    expect(secret.textContent).toBe('secret-pw');
    expect(screen.getByRole('button', { name: 'Copy' })).toBeTruthy();
    expect(screen.getByRole('dialog').textContent).toContain('shown only now');
    await user.click(screen.getByTestId('secret-done'));
    await waitFor(() => expect(screen.queryByTestId('enrollment-secret')).toBeNull());
    expect(document.body.textContent).not.toContain('secret-pw');
    expect(api.calls).toContain('adminRegister');
  });

  it('a new secret for an existing user is shown the same way, titled as a new one', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    const table = await screen.findByTestId('identities-table');
    const row = await waitFor(() => {
      const found = table.querySelector('tr[data-enrollment-id="carol"]');
      if (!(found instanceof HTMLElement)) throw new Error('row not there yet');
      return found;
    });
    await user.click(within(row).getByRole('button', { name: 'New secret' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog.textContent).toContain('New enrollment secret for carol');
    expect(within(dialog).getByTestId('enrollment-secret').textContent).toBe('secret-pw');
    expect(api.calls).toContain('adminReissueSecret');
  });

  it('an invalid user ID is refused before any call', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<AdminPage />, asAdmin);
    await user.type(await screen.findByTestId('register-id'), 'Bad Name');
    await user.click(screen.getByTestId('register-submit'));
    expect(await screen.findByText(/starting with a letter/)).toBeTruthy();
    expect(api.calls).not.toContain('adminRegister');
  });
});

describe('role gating', () => {
  const session = (role: 'staff' | 'admin' | 'compliance', state: SessionState['state'] = 'signed-in') =>
    ({
      state,
      accounts: [],
      keychain: true,
      sync: 'connected',
      account: {
        accountId: 'a',
        profile: 'dev',
        mspId: 'Org1MSP',
        enrollmentId: 'x',
        userId: 'Org1MSP::x',
        role,
        treasury: false,
        certificateExpiresAt: 0,
      },
    }) as SessionState;

  it('hasRole needs a signed-in session with exactly that role', () => {
    expect(hasRole(session('admin'), 'admin')).toBe(true);
    expect(hasRole(session('staff'), 'admin')).toBe(false);
    expect(hasRole(session('compliance'), 'admin')).toBe(false);
    expect(hasRole(session('admin', 'signed-out'), 'admin')).toBe(false);
    expect(hasRole(undefined, 'compliance')).toBe(false);
  });

  it('staff see neither admin tools nor the audit trail, and nothing is asked of the API', async () => {
    const { api } = renderWithApp(
      <>
        <AdminPage />
        <CompliancePage />
      </>,
      { fake: { signedInAs: 'Org1MSP::alice', seed: true } },
    );
    expect(await screen.findByText('For administrators only')).toBeTruthy();
    expect(screen.getByText('For compliance officers only')).toBeTruthy();
    expect(screen.queryByTestId('register-id')).toBeNull();
    expect(screen.queryByTestId('audit-search')).toBeNull();
    expect(api.calls).not.toContain('adminListIdentities');
    expect(api.calls).not.toContain('auditQuery');
  });

  it('an admin is not a compliance officer, and a compliance officer is not an admin', async () => {
    renderWithApp(<CompliancePage />, asAdmin);
    expect(await screen.findByText('For compliance officers only')).toBeTruthy();
  });

  it('a compliance officer gets the audit tools but not the admin tools', async () => {
    renderWithApp(
      <>
        <AdminPage />
        <CompliancePage />
      </>,
      { fake: { signedInAs: 'Org1MSP::auditor1', seed: true } },
    );
    expect(await screen.findByTestId('audit-search')).toBeTruthy();
    expect(screen.getByText('For administrators only')).toBeTruthy();
  });
});
