import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { SharedItem } from '../../common/api';
import { writeFileAtomic } from '../fs/atomic-file';

// The owner's own items. The sharing contract has no listing by owner (and
// the file name lives only inside the ciphertext), so each account keeps
// its list in a small JSON file in its data directory. Metadata only: no
// keys, no content.

export const MY_ITEMS_FILE = 'shared-items.json';

const itemSchema = z.strictObject({
  itemId: z.string().min(1).max(128),
  name: z.string().min(1).max(255),
  mimeType: z.string().min(1).max(127),
  size: z.number().int().nonnegative(),
  owner: z.string().min(1),
  createdAt: z.number().int().nonnegative(),
});
const fileSchema = z.strictObject({ version: z.literal(1), items: z.array(itemSchema) });

// One writer per file at a time, so two shares in parallel both land.
const queues = new Map<string, Promise<unknown>>();

function serialised<T>(file: string, run: () => Promise<T>): Promise<T> {
  const previous = queues.get(file) ?? Promise.resolve();
  const next = previous.then(run, run);
  const settled = next.catch(() => undefined);
  queues.set(file, settled);
  void settled.then(() => {
    if (queues.get(file) === settled) queues.delete(file);
  });
  return next;
}

const fileOf = (dataDir: string) => path.join(dataDir, MY_ITEMS_FILE);

async function readItems(file: string): Promise<SharedItem[]> {
  let raw: string;
  try {
    raw = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const parsed = fileSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) throw new Error(`${file} is not a valid item list: ${parsed.error.issues[0]?.message}`);
  return parsed.data.items;
}

/** The account's items, newest first. */
export async function listMyItemsFile(dataDir: string): Promise<SharedItem[]> {
  const file = fileOf(dataDir);
  const items = await serialised(file, () => readItems(file));
  return [...items].sort((a, b) => b.createdAt - a.createdAt || a.itemId.localeCompare(b.itemId));
}

/** Adds (or replaces, by id) one item. */
export async function rememberItem(dataDir: string, item: SharedItem): Promise<void> {
  const file = fileOf(dataDir);
  const entry = itemSchema.parse(item);
  await serialised(file, async () => {
    const items = (await readItems(file)).filter((i) => i.itemId !== entry.itemId);
    items.push(entry);
    await writeFileAtomic(file, `${JSON.stringify({ version: 1, items }, null, 2)}\n`);
  });
}
