import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { SharedItem } from '../../common/api';
import type { Store } from '../store';

// The owner's own items. The sharing contract has no listing by owner (and
// the file name lives only inside the ciphertext), so each account keeps
// its list in its encrypted store: metadata only (no keys, no content), and
// never a name in clear on disk. Older versions kept it in a plaintext file
// beside the store; importLegacyItemsFile moves it in and deletes the file.

/** The plaintext file older versions kept in the account's data dir. */
export const LEGACY_ITEMS_FILE = 'shared-items.json';

const itemSchema = z.strictObject({
  itemId: z.string().min(1).max(128),
  name: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(127),
  size: z.number().int().nonnegative(),
  owner: z.string().min(1),
  createdAt: z.number().int().nonnegative(),
});
const legacyFileSchema = z.strictObject({ version: z.literal(1), items: z.array(itemSchema) });

/** The owner's item list, as the sharing service uses it. */
export interface MyItems {
  /** Adds (or replaces, by id) one item. */
  remember(item: SharedItem): void;
  /** Newest first. */
  list(): SharedItem[];
}

export function myItemsIn(store: Store): MyItems {
  return {
    remember(item) {
      const entry = itemSchema.parse(item);
      store
        .prepare(
          `INSERT INTO my_items (itemId, name, mimeType, size, owner, createdAt)
           VALUES (@itemId, @name, @mimeType, @size, @owner, @createdAt)
           ON CONFLICT (itemId) DO UPDATE SET name = excluded.name, mimeType = excluded.mimeType,
             size = excluded.size, owner = excluded.owner, createdAt = excluded.createdAt`,
        )
        .run(entry);
    },
    list() {
      return store
        .prepare('SELECT itemId, name, mimeType, size, owner, createdAt FROM my_items ORDER BY createdAt DESC, itemId')
        .all()
        .map((row) => itemSchema.parse(row));
    },
  };
}

/**
 * Moves an older version's plaintext item list into the store, then deletes
 * the file. A damaged file is deleted too: it held only names, which the
 * owner's items on the ledger do not need. Returns how many items moved.
 */
export async function importLegacyItemsFile(dataDir: string, items: MyItems): Promise<number> {
  const file = path.join(dataDir, LEGACY_ITEMS_FILE);
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  let moved = 0;
  try {
    const parsed = legacyFileSchema.safeParse(JSON.parse(raw));
    if (parsed.success) {
      for (const item of parsed.data.items) items.remember(item);
      moved = parsed.data.items.length;
    }
  } catch {
    // Not JSON: nothing to move.
  }
  await rm(file, { force: true });
  return moved;
}
