import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeApi, FAKE_NOW } from '../src/api/fake-api';
import { CompliancePage } from '../src/features/compliance';
import { checkFilter } from '../src/features/compliance/filter';
import { renderWithApp } from './render';

const auditor = { signedInAs: 'Org1MSP::auditor1', seed: true } as const;

function captureDownloads() {
  const downloads: { name: string; blob: Blob }[] = [];
  let last: Blob | null = null;
  Object.assign(URL, {
    createObjectURL: vi.fn((blob: Blob) => {
      last = blob;
      return 'blob:fake';
    }),
    revokeObjectURL: vi.fn(),
  });
  const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    if (last) downloads.push({ name: this.download, blob: last });
  });
  return { downloads, restore: () => click.mockRestore() };
}

afterEach(() => vi.restoreAllMocks());

describe('audit filters', () => {
  it('an empty end means now, read at search time', () => {
    const now = new Date(2026, 10, 23, 9, 30, 12).getTime();
    const check = checkFilter(
      { from: '2026-11-20T08:00', to: '', actor: '', action: '', target: '', outcome: '' },
      now,
    );
    expect(check).toEqual({ ok: true, filter: { from: new Date(2026, 10, 20, 8, 0).getTime(), to: now } });
  });

  it('turns the form into an API filter, including the whole last minute', () => {
    const check = checkFilter(
      {
        from: '2026-11-20T08:00',
        to: '2026-11-23T09:30',
        actor: ' Org1MSP::alice ',
        action: 'message.post',
        target: '',
        outcome: 'denied',
      },
      FAKE_NOW,
    );
    expect(check).toEqual({
      ok: true,
      filter: {
        from: new Date(2026, 10, 20, 8, 0).getTime(),
        to: new Date(2026, 10, 23, 9, 30).getTime() + 59_999,
        actor: 'Org1MSP::alice',
        action: 'message.post',
        outcome: 'denied',
      },
    });
  });

  it('names every wrong field and sends nothing', async () => {
    expect(
      checkFilter(
        {
          from: '2026-11-23T10:00',
          to: '2026-11-22T10:00',
          actor: 'alice',
          action: 'post',
          target: '',
          outcome: '',
        },
        FAKE_NOW,
      ),
    ).toEqual({ ok: false, errors: ['range', 'actor', 'action'] });
    const user = userEvent.setup();
    const { api } = renderWithApp(<CompliancePage />, { fake: auditor });
    // Opening the page shows the last week at once.
    await screen.findByTestId('audit-table');
    const queries = () => api.calls.filter((c) => c === 'auditQuery').length;
    expect(queries()).toBe(1);
    await user.type(screen.getByTestId('filter-actor'), 'alice');
    await user.click(screen.getByTestId('audit-search'));
    expect(await screen.findByText(/Enter a user ID such as Org1MSP::alice/)).toBeTruthy();
    expect(queries()).toBe(1);
  });
});

describe('the audit trail', () => {
  it('searches, pages with the cursor, charts what was fetched, and never shows message content', async () => {
    const user = userEvent.setup();
    const api = createFakeApi(auditor);
    const now = api.now();
    const row = (i: number, outcome = 'ok') => ({
      time: now - i * 3_600_000,
      txId: `tx-${i}`,
      seq: 0,
      actor: 'Org1MSP::alice',
      action: 'message.post',
      target: 'conv-1',
      outcome,
      edge: i === 2,
    });
    const query = vi
      .spyOn(api, 'auditQuery')
      .mockImplementation(async (input) =>
        input.cursor === 'page-2'
          ? { ok: true, value: { items: [row(5, 'denied')] } }
          : { ok: true, value: { items: [row(0), row(2)], next: 'page-2' } },
      );
    renderWithApp(<CompliancePage />, { api });
    const table = await screen.findByTestId('audit-table');
    expect(table.querySelectorAll('tbody tr')).toHaveLength(2);
    expect(query).toHaveBeenCalledTimes(1);
    expect(query.mock.calls[0]?.[0]).toMatchObject({ pageSize: 50 });
    expect(query.mock.calls[0]?.[0]).not.toHaveProperty('cursor');
    expect(table.textContent).toContain('Message posted');
    expect(table.textContent).toContain('Clock edge');
    // A week's window charts per day; per hour, 0 h and 2 h ago make three buckets (one empty).
    await user.selectOptions(screen.getByLabelText('Group by'), 'hour');
    expect(screen.getByTestId('activity-chart').dataset.buckets).toBe('3');

    await user.click(screen.getByTestId('audit-more'));
    await waitFor(() => expect(table.querySelectorAll('tbody tr')).toHaveLength(3));
    expect(query.mock.calls[1]?.[0]).toMatchObject({ cursor: 'page-2', pageSize: 50 });
    expect(screen.queryByTestId('audit-more')).toBeNull();
    expect(screen.getByTestId('activity-chart').dataset.buckets).toBe('6');
    // The seeded conversations' texts must not appear anywhere on this page.
    expect(document.body.textContent).not.toContain('Kick-off notes');
  });

  it('the audit trail lists the newest first, whatever order the pages came in', async () => {
    const api = createFakeApi(auditor);
    const now = api.now();
    const row = (hoursAgo: number) => ({
      time: now - hoursAgo * 3_600_000,
      txId: `tx-${hoursAgo}`,
      seq: 0,
      actor: 'Org1MSP::alice',
      action: 'message.post',
      target: 'conv-1',
      outcome: 'ok',
      edge: false,
    });
    // The ledger answers oldest first.
    vi.spyOn(api, 'auditQuery').mockResolvedValue({ ok: true, value: { items: [row(30), row(5), row(1)] } });
    renderWithApp(<CompliancePage />, { api });
    const table = await screen.findByTestId('audit-table');
    const txs = [...table.querySelectorAll('tbody tr td:last-child')].map((td) => td.getAttribute('title'));
    expect(txs).toEqual(['tx-1', 'tx-5', 'tx-30']);
  });

  it('exports JSON as a download with a safe name, then verifies it in one click', async () => {
    const user = userEvent.setup();
    const { downloads, restore } = captureDownloads();
    const api = createFakeApi(auditor);
    const verify = vi.spyOn(api, 'auditVerify');
    renderWithApp(<CompliancePage />, { api });
    await user.click(await screen.findByTestId('audit-search'));
    await screen.findByTestId('audit-table');
    await user.click(screen.getByTestId('export-json'));
    await waitFor(() => expect(downloads).toHaveLength(1));
    expect(downloads[0]?.name).toBe('audit.json');
    expect(downloads[0]?.blob.type).toBe('application/json');
    const content = (await downloads[0]?.blob.text()) ?? '';
    await user.click(screen.getByRole('button', { name: 'Verify audit.json' }));
    const report = await screen.findByTestId('verify-report');
    expect(verify).toHaveBeenCalledWith({ content });
    expect(report.dataset.ok).toBe('true');
    expect(report.textContent).toContain('The export is intact.');
    expect(within(report).getByTestId('verify-chain').textContent).toContain('checked up to block 100');
    expect(within(report).getByTestId('verify-attestation').textContent).toContain('Exported by Org1MSP::auditor1');
    expect(within(report).getByTestId('verify-completeness').textContent).toContain('Complete');
    restore();
  });

  it('CSV export downloads a .csv; a chosen file is verified and failures show their reason', async () => {
    const user = userEvent.setup();
    const { downloads, restore } = captureDownloads();
    const api = createFakeApi(auditor);
    vi.spyOn(api, 'auditVerify').mockResolvedValue({
      ok: true,
      value: {
        ok: false,
        records: [
          { txId: 'a'.repeat(64), seq: 0, ok: true, blockNumber: 7 },
          { txId: 'b'.repeat(64), seq: 1, ok: false, blockNumber: 8, reason: 'actor differs from the block' },
        ],
        chain: { ok: true, trustedBlock: 42 },
        attestation: { ok: false, reason: 'the file says it was exported by Org1MSP::mallory' },
        completeness: { ok: false, missing: 3, reason: '3 records of this window and filter are not in the export' },
      },
    });
    renderWithApp(<CompliancePage />, { api });
    await user.click(await screen.findByTestId('audit-search'));
    await screen.findByTestId('audit-table');
    await user.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(downloads[0]?.name).toBe('audit.csv'));
    await user.upload(
      screen.getByTestId('verify-file-input'),
      new File(['[{"txId":"x"}]'], 'tampered.json', { type: 'application/json' }),
    );
    const report = await screen.findByTestId('verify-report');
    expect(report.dataset.ok).toBe('false');
    expect(report.textContent).toContain('tampered.json: 2 records, 1 match, 1 do not.');
    expect(report.textContent).toContain('actor differs from the block');
    // Who exported it, and whether records were dropped, are verdicts of their own.
    const attestation = within(report).getByTestId('verify-attestation');
    expect(attestation.dataset.ok).toBe('false');
    expect(attestation.textContent).toContain('Not attested');
    expect(attestation.textContent).toContain('exported by Org1MSP::mallory');
    const completeness = within(report).getByTestId('verify-completeness');
    expect(completeness.dataset.ok).toBe('false');
    expect(completeness.textContent).toContain('Records missing');
    expect(completeness.textContent).toContain('3 records of this window and filter are not in the export');
    restore();
  });
});

describe('key changes waiting for the compliance officer (key continuity)', () => {
  it("lists an org user's pending key change and approves it; an approved change leaves the list", async () => {
    const api = createFakeApi(auditor);
    api.contactKeyPending('Org1MSP::alice', FAKE_NOW, FAKE_NOW + 3 * 24 * 3600_000);
    renderWithApp(<CompliancePage />, { api });
    const panel = await screen.findByTestId('key-change-approvals');
    const request = await within(panel).findByTestId('key-change-request');
    expect(request.textContent).toContain('alice (Org1)');
    await userEvent.click(within(request).getByRole('button', { name: 'Approve' }));
    // Nothing waits any more: the panel, shown only while something does, goes.
    await waitFor(() => expect(screen.queryByTestId('key-change-approvals')).toBeNull());
    const alice = await api.getContact({ userId: 'Org1MSP::alice' });
    expect(alice.ok && alice.value.pendingKeyChange).toBeUndefined();
  });

  it('shows the same panel in Chinese', async () => {
    const api = createFakeApi(auditor);
    api.contactKeyPending('Org1MSP::alice', FAKE_NOW, FAKE_NOW + 3 * 24 * 3600_000);
    renderWithApp(<CompliancePage />, { api, language: 'zh-CN' });
    const panel = await screen.findByTestId('key-change-approvals');
    expect((await within(panel).findByTestId('key-change-request')).textContent).toContain('批准');
  });
});
