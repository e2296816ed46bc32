import type { UserSettings } from '../../common/api';
import { type LedgerClient, submitted } from '../ledger';
import type { Store } from '../store';

// The inbox policy and block list are the person's settings, but a client
// filter alone would still let a flooder create direct conversations and
// invitations: so they are published on the ledger (groups.SetInboxPolicy),
// where OpenDirect, CreateGroup and AddMember apply them. The client keeps
// filtering a blocked sender's messages too (messaging/conversation-sync.ts and
// message-views.ts), as defence in depth.

/**
 * "My contacts": people I verified (safety numbers) and the other member of
 * every direct conversation I already have; never someone I blocked.
 */
export function contactsOf(store: Store, directPeers: Iterable<string>, blocked: readonly string[]): string[] {
  const out = new Set<string>(directPeers);
  for (const c of store.listContacts()) if (c.verifiedAt !== null) out.add(c.userId);
  for (const b of blocked) out.delete(b);
  return [...out].sort();
}

/** Publishes the settings' policy; the ledger's refusal (BAD_INPUT, …) leaves the local settings unchanged. */
export async function publishInboxPolicy(
  ledger: LedgerClient,
  store: Store,
  directPeers: Iterable<string>,
  settings: Pick<UserSettings, 'directFrom' | 'blockedUsers'>,
): Promise<void> {
  const blocked = [...settings.blockedUsers];
  const committed = await ledger.submit('groups', 'SetInboxPolicy', {
    directFrom: settings.directFrom,
    contacts: contactsOf(store, directPeers, blocked),
    blocked,
  });
  submitted('groups', 'SetInboxPolicy', committed);
}
