import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { MembershipNotice } from '../../common/api';
import { LedgerError, refinedApiCode } from '../ledger';
import type { ClientSession } from '../session/client-session';
import { NOTICE_SENDER, type Store, type StoredMessage } from '../store';

// "bob was added / removed / left" in a group's timeline. Membership events
// carry only a tag, so who changed is found by comparing the member list
// after the event with the one this client saw before it; the event's name
// tells a removal from a leave. Notices are local rows written once per
// transaction and person, so an event replayed after a restart adds nothing.

const noticeSchema = z.strictObject({
  change: z.enum(['added', 'removed', 'left']),
  userId: z.string().min(1).max(256),
});
const snapshotSchema = z.array(z.string());
const snapshotKey = (conversationId: string) => `members:${conversationId}`;

/** The notice a stored row carries, or undefined for a message. */
export function noticeOf(message: StoredMessage): MembershipNotice | undefined {
  if (!message.notice) return undefined;
  try {
    const parsed = noticeSchema.safeParse(JSON.parse(message.notice));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function memberIds(session: ClientSession, conversationId: string): Promise<string[]> {
  const { members } = await session.ledger.evaluate('groups', 'ListMembers', { conversationId });
  return members.map((m) => m.userId).sort();
}

function snapshot(store: Store, conversationId: string): string[] | undefined {
  const raw = store.getSyncState(snapshotKey(conversationId));
  if (raw === null) return undefined;
  try {
    const parsed = snapshotSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The baseline later events are compared with: taken once, when a group is first synced here. */
export async function rememberMembers(session: ClientSession, store: Store, conversationId: string): Promise<void> {
  if (snapshot(store, conversationId)) return;
  store.setSyncState(snapshotKey(conversationId), JSON.stringify(await memberIds(session, conversationId)));
}

function write(
  store: Store,
  conversationId: string,
  transactionId: string,
  notice: MembershipNotice,
): StoredMessage | null {
  const clientMessageId = createHash('sha256')
    .update(`${transactionId}|${notice.change}|${notice.userId}`)
    .digest('base64url')
    .slice(0, 32);
  const { inserted } = store.addNotice({
    conversationId,
    clientMessageId,
    sentAt: store.now(),
    notice: JSON.stringify(notice),
  });
  return inserted ? store.getMessage({ conversationId, sender: NOTICE_SENDER, clientMessageId }) : null;
}

/** After a group event: the notices its membership change calls for, each written once; returns the new rows. */
export async function noteMembershipChange(
  session: ClientSession,
  store: Store,
  conversationId: string,
  eventName: string,
  transactionId: string,
): Promise<StoredMessage[]> {
  let now: string[];
  try {
    now = await memberIds(session, conversationId);
  } catch (error) {
    // The ledger no longer lets us read the group: this event removed us.
    const removed =
      eventName === 'groups.MemberRemoved' &&
      error instanceof LedgerError &&
      refinedApiCode(error.code, error.message) === 'NOT_MEMBER';
    const row = removed
      ? write(store, conversationId, transactionId, { change: 'removed', userId: session.userId })
      : null;
    return row ? [row] : [];
  }
  const before = snapshot(store, conversationId);
  store.setSyncState(snapshotKey(conversationId), JSON.stringify(now));
  if (!before) return [];
  const gone: MembershipNotice['change'] = eventName === 'groups.MemberLeft' ? 'left' : 'removed';
  const rows = [
    ...now.filter((id) => !before.includes(id)).map((userId): MembershipNotice => ({ change: 'added', userId })),
    ...before.filter((id) => !now.includes(id)).map((userId): MembershipNotice => ({ change: gone, userId })),
  ].map((notice) => write(store, conversationId, transactionId, notice));
  return rows.filter((row): row is StoredMessage => row !== null);
}
