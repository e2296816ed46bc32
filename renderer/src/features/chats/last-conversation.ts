// The conversation open last, per account, so a reload opens it again.
// Kept in this browser profile's storage under the account's id: it is only
// an id (the conversation itself stays in the encrypted store). Electron
// keeps it across launches; web mode keeps it across reloads (a relaunch
// gets a new origin, and so a new storage).

const key = (accountId: string) => `ktalk.lastConversation.${accountId}`;

export function loadLastConversation(
  accountId: string | undefined,
  storage: Storage | undefined = globalThis.localStorage,
): string | undefined {
  if (!accountId) return undefined;
  try {
    return storage?.getItem(key(accountId)) ?? undefined;
  } catch {
    return undefined; // Storage refused (private mode): nothing to reopen.
  }
}

export function saveLastConversation(
  accountId: string | undefined,
  conversationId: string | undefined,
  storage: Storage | undefined = globalThis.localStorage,
): void {
  if (!accountId) return;
  try {
    if (conversationId) storage?.setItem(key(accountId), conversationId);
    else storage?.removeItem(key(accountId));
  } catch {
    // Not remembered; the person picks it again.
  }
}
