import { z } from 'zod';
import type { Store } from '../store';

// How escrows offered in this user's chats were settled, learnt from the
// payments contract's events (replayed from the checkpoint after being
// offline) and kept in the encrypted store, so a conversation's preview
// stops showing an escrow as pending once it is claimed, released or refunded.

const KEY = 'settled-escrows';
const MAX_ESCROWS = 5_000;
export const SETTLED_STATES = ['released', 'claimed', 'refunded'] as const;
export type SettledState = (typeof SETTLED_STATES)[number];
const listSchema = z.array(z.object({ escrowId: z.string(), state: z.enum(SETTLED_STATES) }));

function settledList(store: Store): z.infer<typeof listSchema> {
  const raw = store.getSyncState(KEY);
  if (raw === null) return [];
  const parsed = listSchema.safeParse(JSON.parse(raw));
  return parsed.success ? parsed.data : [];
}

export function settledState(store: Store, escrowId: string): SettledState | undefined {
  return settledList(store).find((e) => e.escrowId === escrowId)?.state;
}

/** Records a settlement (newest first); false when it was known. */
export function rememberSettled(store: Store, escrowId: string, state: SettledState): boolean {
  const list = settledList(store);
  if (list.some((e) => e.escrowId === escrowId)) return false;
  store.setSyncState(KEY, JSON.stringify([{ escrowId, state }, ...list].slice(0, MAX_ESCROWS)));
  return true;
}
