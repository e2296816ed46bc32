import { z } from 'zod';
import type { SharedWithMe } from '../../common/api';
import type { Store } from '../store';

// Items shared with this user directly. The ledger keeps grants by item, not
// by grantee, so the list is built from the grants' events as they arrive
// (the event checkpoint replays what came while offline) and kept locally.

const KEY = 'shared-with-me';
const MAX_ITEMS = 5_000;
const listSchema = z.array(
  z.object({
    itemId: z.string(),
    grantId: z.string(),
    sharedAt: z.number(),
    name: z.string().optional(),
    grantor: z.string().optional(),
    expiresAt: z.number().optional(),
    revoked: z.boolean().optional(),
  }),
);

export function listSharedWithMe(store: Store): SharedWithMe[] {
  const raw = store.getSyncState(KEY);
  if (raw === null) return [];
  const parsed = listSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : [];
}

/** Adds a grant (newest first, one entry per item); false when it was known. */
export function rememberShared(store: Store, item: SharedWithMe): boolean {
  const items = listSharedWithMe(store);
  if (items.some((i) => i.grantId === item.grantId)) return false;
  const others = items.filter((i) => i.itemId !== item.itemId);
  const known = items.find((i) => i.itemId === item.itemId);
  const entry = known?.name ? { ...item, name: known.name } : item;
  store.setSyncState(KEY, JSON.stringify([entry, ...others].slice(0, MAX_ITEMS)));
  return true;
}

/** Records an opened item's name, so the list can show it. */
export function rememberName(store: Store, itemId: string, name: string): void {
  const items = listSharedWithMe(store);
  if (!items.some((i) => i.itemId === itemId)) return;
  store.setSyncState(KEY, JSON.stringify(items.map((i) => (i.itemId === itemId ? { ...i, name } : i))));
}

/** Marks a grant of mine revoked (from its GrantRevoked event); the entry, if it changed. */
export function rememberRevoked(store: Store, grantId: string): SharedWithMe | undefined {
  const items = listSharedWithMe(store);
  const found = items.find((i) => i.grantId === grantId);
  if (!found || found.revoked) return undefined;
  const revoked = { ...found, revoked: true };
  store.setSyncState(KEY, JSON.stringify(items.map((i) => (i.grantId === grantId ? revoked : i))));
  return revoked;
}
