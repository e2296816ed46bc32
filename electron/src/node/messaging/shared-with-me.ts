import { z } from 'zod';
import type { ApiEvent, SharedWithMe } from '../../common/api';
import type { Store } from '../store';

// Items shared with this user directly. The ledger keeps grants by item, not
// by grantee, so the list is built from the grants' events as they arrive
// (the event checkpoint replays what came while offline) and kept in the
// account's encrypted store, one row per item, without a cap: the list grows
// for as long as items are shared, and a failure to store throws (the
// messenger reports it) instead of dropping an item silently.

const rowSchema = z.object({
  itemId: z.string().min(1),
  grantId: z.string().min(1),
  sharedAt: z.number().int().nonnegative(),
  name: z.string().nullable(),
  grantor: z.string().nullable(),
  expiresAt: z.number().int().nullable(),
  revoked: z.number().int(),
});

function toItem(row: unknown): SharedWithMe {
  const r = rowSchema.parse(row);
  return {
    itemId: r.itemId,
    grantId: r.grantId,
    sharedAt: r.sharedAt,
    ...(r.name !== null ? { name: r.name } : {}),
    ...(r.grantor !== null ? { grantor: r.grantor } : {}),
    ...(r.expiresAt !== null ? { expiresAt: r.expiresAt } : {}),
    ...(r.revoked !== 0 ? { revoked: true } : {}),
  };
}

/** Newest first. */
export function listSharedWithMe(store: Store): SharedWithMe[] {
  return store.prepare('SELECT * FROM shared_with_me ORDER BY sharedAt DESC, itemId').all().map(toItem);
}

/** Adds a grant (one entry per item, the newest grant wins, a known name is kept); false when it was known. */
export function rememberShared(store: Store, item: SharedWithMe): boolean {
  const known = store.prepare('SELECT 1 FROM shared_with_me WHERE grantId = ?').get(item.grantId);
  if (known) return false;
  store
    .prepare(
      `INSERT INTO shared_with_me (itemId, grantId, sharedAt, name, grantor, expiresAt, revoked)
       VALUES (@itemId, @grantId, @sharedAt, @name, @grantor, @expiresAt, 0)
       ON CONFLICT (itemId) DO UPDATE SET grantId = excluded.grantId, sharedAt = excluded.sharedAt,
         grantor = excluded.grantor, expiresAt = excluded.expiresAt, revoked = 0,
         name = coalesce(excluded.name, shared_with_me.name)`,
    )
    .run({
      itemId: item.itemId,
      grantId: item.grantId,
      sharedAt: item.sharedAt,
      name: item.name ?? null,
      grantor: item.grantor ?? null,
      expiresAt: item.expiresAt ?? null,
    });
  return true;
}

/** Records an opened item's name, so the list can show it. */
export function rememberName(store: Store, itemId: string, name: string): void {
  store.prepare('UPDATE shared_with_me SET name = ? WHERE itemId = ?').run(name, itemId);
}

/** Marks a grant of mine revoked (from its GrantRevoked event); the entry, if it changed. */
export function rememberRevoked(store: Store, grantId: string): SharedWithMe | undefined {
  const changed = store.prepare('UPDATE shared_with_me SET revoked = 1 WHERE grantId = ? AND revoked = 0').run(grantId);
  if (changed.changes === 0) return undefined;
  const row = store.prepare('SELECT * FROM shared_with_me WHERE grantId = ?').get(grantId);
  return row === undefined ? undefined : toItem(row);
}

/** A store write for a list the user relies on: a failure is told to the user (storeFailed), never dropped. */
export function keepOrReport<T>(emit: (event: ApiEvent) => void, what: string, write: () => T): T | undefined {
  try {
    return write();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    emit({ type: 'storeFailed', message: `${what} could not be saved on this device: ${reason}` });
    return undefined;
  }
}
