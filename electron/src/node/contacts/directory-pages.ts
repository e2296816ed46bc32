import type { DirectoryUser } from '../fabric/directory';
import type { LedgerClient } from '../ledger';

// The org directory a page at a time, and the compliance officer's
// co-approval of a user's pending key change (directory contract).

const PAGE_SIZE = 100;

/** One page of an org's users; `next` only when the page was full and the ledger gave a bookmark. */
export async function directoryPage(
  ledger: LedgerClient,
  mspId: string,
  cursor: string | undefined,
): Promise<{ users: DirectoryUser[]; next?: string }> {
  const page = await ledger.evaluate('directory', 'ListOrgDirectory', {
    mspId,
    pageSize: PAGE_SIZE,
    ...(cursor ? { bookmark: cursor } : {}),
  });
  return { users: page.users, ...(page.users.length === PAGE_SIZE && page.bookmark ? { next: page.bookmark } : {}) };
}

/** Lets a user's pending key change (of the officer's own org) take effect now. */
export async function approveKeyChange(ledger: LedgerClient, userId: string): Promise<void> {
  await ledger.submit('directory', 'ApproveKeyChange', { userId });
}
