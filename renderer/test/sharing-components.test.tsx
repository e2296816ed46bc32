import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { FileData, MessageView } from '../../electron/src/common/api';
import { createFakeApi } from '../src/api/fake-api';
import { MessageBubble } from '../src/features/chats/message-bubble';
import { SharingPage } from '../src/features/sharing';
import { OpenShared, refusalKey } from '../src/features/sharing/open-shared';
import { renderWithApp } from './render';

describe('sharing a file', () => {
  it('a chosen file is shared with a user for the chosen preset, then listed with its grant', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const share = vi.spyOn(api, 'shareItem');
    renderWithApp(<SharingPage />, { api });
    const input = await screen.findByTestId('share-file-input');
    await user.upload(input, new File(['hello bob'], 'plan.txt', { type: 'text/plain' }));
    // The people picker, as in chats: Org2's directory, then bob.
    await user.selectOptions(await screen.findByLabelText('Organization'), 'Org2MSP');
    await user.click(await screen.findByRole('option', { name: /bob/ }));
    expect(screen.getByTestId('grantee-chosen').textContent).toBe('Sharing with bob (Org2)');
    await user.selectOptions(screen.getByTestId('expiry-preset'), '7d');
    const before = api.now();
    await user.click(screen.getByTestId('share-submit'));
    await waitFor(() => expect(share).toHaveBeenCalledTimes(1));
    const input0 = share.mock.calls[0]?.[0];
    expect(input0?.file).toEqual({ name: 'plan.txt', mimeType: 'text/plain', dataBase64: btoa('hello bob') });
    expect(input0?.grantee).toEqual({ kind: 'user', userId: 'Org2MSP::bob' });
    expect(input0?.canReshare).toBe(false);
    const week = 7 * 24 * 3600_000;
    expect(input0?.expiresAt).toBeGreaterThanOrEqual(before + week);
    expect(input0?.expiresAt).toBeLessThanOrEqual(api.now() + week);
    const details = await screen.findByTestId('item-details');
    const grants = await within(details).findByTestId('grants-table');
    expect(grants.textContent).toContain('bob (Org2)');
    expect(grants.textContent).toContain('Active');
  });

  it('a file dropped on the drop zone is picked', async () => {
    renderWithApp(<SharingPage />);
    const zone = await screen.findByTestId('drop-zone');
    const file = new File(['dropped'], 'dropped.csv', { type: 'text/csv' });
    fireEvent.dragOver(zone, { dataTransfer: { files: [file] } });
    expect(zone.className).toContain('drop-zone-active');
    fireEvent.drop(zone, { dataTransfer: { files: [file] } });
    expect(await within(zone).findByText('dropped.csv')).toBeTruthy();
    expect(zone.className).not.toContain('drop-zone-active');
  });

  it('nothing is shared without a valid recipient', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<SharingPage />);
    await user.upload(await screen.findByTestId('share-file-input'), new File(['x'], 'x.txt', { type: 'text/plain' }));
    await user.click(screen.getByTestId('share-submit'));
    expect(await screen.findByText('Pick the person to share with.')).toBeTruthy();
    expect(api.calls).not.toContain('shareItem');
  });

  it('revoking asks first, then the grant shows as revoked', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    await api.shareItem({
      file: { name: 'q3.pdf', mimeType: 'application/pdf', dataBase64: 'AAAA' },
      grantee: { kind: 'user', userId: 'Org2MSP::bob' },
      expiresAt: api.now() + 3600_000,
      canReshare: false,
    });
    renderWithApp(<SharingPage />, { api });
    await user.click(await screen.findByRole('button', { name: /q3\.pdf/ }));
    const grants = await screen.findByTestId('grants-table');
    await user.click(within(grants).getByRole('button', { name: 'Revoke' }));
    const confirm = await screen.findByRole('alertdialog');
    expect(confirm.textContent).toContain('bob (Org2) will no longer be able to open “q3.pdf”');
    await user.click(within(confirm).getByRole('button', { name: 'Revoke' }));
    await waitFor(() => expect(within(screen.getByTestId('grants-table')).getByText('Revoked')).toBeTruthy());
  });
});

describe('who accessed my data', () => {
  it('lists openings and refused attempts newest first, with the refusal in words, and updates live', async () => {
    const user = userEvent.setup();
    const owner = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    const shared = await owner.shareItem({
      file: { name: 'secret.txt', mimeType: 'text/plain', dataBase64: 'AAAA' },
      grantee: { kind: 'user', userId: 'Org2MSP::bob' },
      expiresAt: owner.now() + 3600_000,
      canReshare: false,
    });
    if (!shared.ok) throw new Error('not shared');
    const itemId = shared.value.itemId;
    const history = vi.spyOn(owner, 'accessHistory').mockResolvedValue({
      ok: true,
      value: {
        items: [
          { time: 1000, accessor: 'Org2MSP::bob', outcome: 'ok', txId: 'tx-a' },
          { time: 3000, accessor: 'Org2MSP::dave', outcome: 'denied', code: 'FORBIDDEN', txId: 'tx-c' },
          { time: 2000, accessor: 'Org2MSP::bob', outcome: 'denied', code: 'EXPIRED', txId: 'tx-b' },
        ],
      },
    });
    renderWithApp(<SharingPage />, { api: owner });
    await user.click(await screen.findByRole('button', { name: /secret\.txt/ }));
    const timeline = await screen.findByTestId('access-timeline');
    const entries = [...timeline.querySelectorAll('li')];
    expect(entries.map((li) => li.dataset.outcome)).toEqual(['denied', 'denied', 'ok']);
    expect(entries[0]?.textContent).toContain('dave (Org2)');
    expect(entries[0]?.textContent).toContain('not shared with them, or their access was revoked');
    expect(entries[1]?.textContent).toContain('their access had expired');
    expect(screen.getByTestId('timeline-summary').textContent).toBe('Opened: 1 · Refused: 2 · People: 2');

    history.mockResolvedValue({
      ok: true,
      value: {
        items: [{ time: 4000, accessor: 'Org1MSP::carol', outcome: 'denied', code: 'FORBIDDEN', txId: 'tx-d' }],
      },
    });
    owner.emit({ type: 'access', itemId, accessor: 'Org1MSP::carol' });
    await waitFor(() => expect(screen.getByTestId('access-timeline').querySelectorAll('li')).toHaveLength(4));
    expect(screen.getByTestId('access-timeline').querySelector('li')?.textContent).toContain('carol (Org1)');
  });
});

describe('opening an item shared with me', () => {
  it('a refusal is explained in plain words, per reason', async () => {
    const user = userEvent.setup();
    const { api } = renderWithApp(<OpenShared />);
    api.failNext('openItem', 'EXPIRED');
    await user.type(await screen.findByTestId('open-item-id'), 'item-42');
    await user.click(screen.getByTestId('open-item-submit'));
    expect((await screen.findByTestId('open-refused')).textContent).toBe(
      'Your access to this item has expired. Ask the owner to share it again.',
    );
    api.failNext('openItem', 'FORBIDDEN');
    await user.click(screen.getByTestId('open-item-submit'));
    await waitFor(() =>
      expect(screen.getByTestId('open-refused').textContent).toContain('the owner revoked your access'),
    );
    expect(refusalKey('NOT_FOUND')).toBe('open.notFound');
    expect(refusalKey('NETWORK_UNAVAILABLE')).toBeNull();
  });

  it('an allowed item is saved as a download through a blob URL', async () => {
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    vi.spyOn(api, 'openItem').mockResolvedValue({
      ok: true,
      value: { name: 'report.txt', mimeType: 'text/plain', dataBase64: btoa('numbers') },
    });
    const created: Blob[] = [];
    const createObjectURL = vi.fn((blob: Blob) => {
      created.push(blob);
      return 'blob:fake';
    });
    Object.assign(URL, { createObjectURL, revokeObjectURL: vi.fn() });
    const clicks: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this.download);
    });
    renderWithApp(<OpenShared />, { api });
    await user.type(await screen.findByTestId('open-item-id'), 'item-1');
    await user.click(screen.getByTestId('open-item-submit'));
    expect((await screen.findByTestId('open-ok')).textContent).toContain('report.txt');
    expect(clicks).toEqual(['report.txt']);
    expect(await created[0]?.text()).toBe('numbers');
    click.mockRestore();
  });
});

describe('Shared with you', () => {
  it('lists the whole name, who shared it and until when; a revoked item stays listed, marked, without Open', async () => {
    const bob = createFakeApi({ signedInAs: 'Org2MSP::bob', seed: true });
    const name = 'Quarterly supplier contract draft with the annexes and the signed cover letter.pdf';
    vi.spyOn(bob, 'listSharedWithMe').mockResolvedValue({
      ok: true,
      value: [
        {
          itemId: 'item-a',
          grantId: 'g-a',
          sharedAt: bob.now() - 3600_000,
          name,
          grantor: 'Org1MSP::alice',
          expiresAt: bob.now() + 24 * 3600_000,
        },
        { itemId: 'item-b', grantId: 'g-b', sharedAt: bob.now() - 7200_000, name: 'old.txt', revoked: true },
      ],
    });
    renderWithApp(<OpenShared />, { api: bob });
    const list = await screen.findByTestId('shared-with-me');
    const active = list.querySelector('li[data-item="item-a"]') as HTMLElement;
    expect(within(active).getByText(name)).toBeTruthy();
    expect(active.textContent).toContain('From alice (Org1)');
    expect(active.textContent).toContain('access until');
    expect(within(active).getByRole('button', { name: 'Open' })).toBeTruthy();
    const revoked = list.querySelector('li[data-item="item-b"]') as HTMLElement;
    expect(revoked.dataset.state).toBe('revoked');
    expect(revoked.textContent).toContain('Access revoked');
    expect(within(revoked).queryByRole('button', { name: 'Open' })).toBeNull();
  });
});

describe('image previews', () => {
  const png: FileData = { name: 'photo.png', mimeType: 'image/png', dataBase64: 'iVBORw0KGgo=' };

  function blobUrls() {
    const made: Blob[] = [];
    Object.assign(URL, {
      createObjectURL: vi.fn((blob: Blob) => {
        made.push(blob);
        return `blob:preview-${made.length}`;
      }),
      revokeObjectURL: vi.fn(),
    });
    return made;
  }

  it('an opened shared image is shown from a blob: URL of its decrypted bytes', async () => {
    const made = blobUrls();
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org2MSP::bob', seed: true });
    vi.spyOn(api, 'openItem').mockResolvedValue({ ok: true, value: png });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    renderWithApp(<OpenShared />, { api });
    await user.type(await screen.findByTestId('open-item-id'), 'item-photo');
    await user.click(screen.getByTestId('open-item-submit'));
    const image = within(await screen.findByTestId('image-preview')).getByRole('img', { name: 'photo.png' });
    expect(image.getAttribute('src')).toMatch(/^blob:preview-/);
    expect(made.some((blob) => blob.type === 'image/png')).toBe(true);
  });

  it('an image attachment in a chat is previewed in the bubble instead of downloaded', async () => {
    blobUrls();
    const user = userEvent.setup();
    const api = createFakeApi({ signedInAs: 'Org1MSP::alice', seed: true });
    vi.spyOn(api, 'getAttachment').mockResolvedValue({ ok: true, value: png });
    const download = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    download.mockClear();
    const message: MessageView = {
      id: 'dm-1|Org2MSP::bob|m-1',
      conversationId: 'dm-1',
      clientMessageId: 'm-1',
      sender: 'Org2MSP::bob',
      sentAt: 1,
      outgoing: false,
      state: 'committed',
      verified: true,
      epoch: 1,
      content: { type: 'text', text: '' },
      attachments: [{ index: 0, name: 'photo.png', mimeType: 'image/png', size: 8 }],
    };
    renderWithApp(<MessageBubble message={message} showSender={false} onRetry={() => undefined} />, { api });
    await user.click(await screen.findByRole('button', { name: 'Show photo.png' }));
    expect(await screen.findByRole('img', { name: 'photo.png' })).toBeTruthy();
    expect(download).not.toHaveBeenCalled();
  });
});
