import type { Store } from '../store';

// Drafts: the text a user began writing in a conversation and has not sent,
// one per conversation, in the account's encrypted store (schema 7), so it
// survives a restart and is never in clear on the disk. Blank text removes
// the draft; sending a message clears it.

export function readDraft(store: Store, conversationId: string): string | undefined {
  const text = store.prepare('SELECT text FROM drafts WHERE conversationId = ?').pluck().get(conversationId);
  return typeof text === 'string' ? text : undefined;
}

/** Keeps (or, for blank text, removes) the conversation's draft. */
export function writeDraft(store: Store, conversationId: string, text: string): void {
  if (text.trim() === '') {
    clearDraft(store, conversationId);
    return;
  }
  store
    .prepare(
      `INSERT INTO drafts (conversationId, text, updatedAt) VALUES (?, ?, ?)
       ON CONFLICT (conversationId) DO UPDATE SET text = excluded.text, updatedAt = excluded.updatedAt`,
    )
    .run(conversationId, text, store.now());
}

/** True when there was a draft to clear. */
export function clearDraft(store: Store, conversationId: string): boolean {
  return store.prepare('DELETE FROM drafts WHERE conversationId = ?').run(conversationId).changes > 0;
}
