import type { RelationFields, Store } from '../store';
import type { Relation } from './content-codec';

// A relation from the content (reply, reaction) as the store keeps it, and
// reactions folded into what a message's view shows. The ledger cannot check
// relations (it never sees them), so every client applies the same rules:
// a relation to the message itself is ignored, and one to a message that is
// not in this conversation never shows (ids hash the conversation in, so a
// target from another conversation is never found here).

/** Longest reply chain walked up to find a thread's root (a chain this long is abuse). */
const MAX_CHAIN = 64;

/** The store's relation columns for a message `selfId` carrying `relation`; none for a loop. */
export function relationFields(
  store: Store,
  conversationId: string,
  selfId: string,
  relation: Relation | undefined,
): RelationFields {
  if (!relation || relation.to === selfId) return {};
  if (relation.type === 'reaction') {
    return { relType: 'reaction', relTo: relation.to, relKey: relation.key, relOn: relation.on };
  }
  const root = threadRootOf(store, conversationId, relation.to, selfId);
  return root === null ? {} : { relType: 'reply', relTo: relation.to, threadRoot: root };
}

/** The first message of the chain `to` is in, or null when the chain comes back to `selfId`. */
function threadRootOf(store: Store, conversationId: string, to: string, selfId: string): string | null {
  let root = to;
  const seen = new Set([selfId]);
  for (let step = 0; step < MAX_CHAIN; step++) {
    if (seen.has(root)) return null;
    seen.add(root);
    const target = store.findByMessageId(conversationId, root);
    const parent = target?.relType === 'reply' ? (target.threadRoot ?? target.relTo) : null;
    if (!parent) return root;
    root = parent;
  }
  return root;
}

/** The relation a stored outgoing row carries, for sealing it. */
export function relationOf(row: {
  relType: string | null;
  relTo: string | null;
  relKey: string | null;
  relOn: boolean | null;
}): Relation | undefined {
  if (row.relType === 'reply' && row.relTo) return { type: 'reply', to: row.relTo };
  if (row.relType === 'reaction' && row.relTo && row.relKey && row.relOn !== null) {
    return { type: 'reaction', to: row.relTo, key: row.relKey, on: row.relOn };
  }
  return undefined;
}
