import { setTimeout as sleep } from 'node:timers/promises';
import { DirectoryError, type DirectoryUser } from '../fabric/directory';
import { isLedgerError, ledgerApiCode, submitted } from '../ledger';
import type { ClientSession } from '../session/client-session';
import { ServiceError } from './errors';
import { unwrapEpochKey, unwrapForGroup, unwrapForUser } from './item-keys';
import type { ServedItem } from './records';

// Reading an item the way the sharing contract allows it: RequestAccess
// (a submit that records only the attempt, the same whatever the decision),
// then the decision on that committed attempt (GetTicket), then the content
// (ReadItem, an evaluate against that ticket). Plus the keys that open what
// ReadItem serves.

/** Retries for reads that may run ahead of the peer's copy (commit just seen, private data reconciling). */
const LAG_RETRIES = 4;
const LAG_DELAY_MS = 400;

async function retryNotFound<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (!isLedgerError(error, 'NOT_FOUND') || attempt >= LAG_RETRIES) throw error;
      await sleep(LAG_DELAY_MS * attempt);
    }
  }
}

/** My X25519 secret keys, the current one first, then older ones (a wrap may predate a rotation). */
export function mySecretKeys(session: ClientSession): Uint8Array[] {
  const current = session.messagingKey();
  const older = [...session.allMessagingKeys()].reverse();
  const seen = new Set<string>();
  const keys: Uint8Array[] = [];
  for (const k of [current, ...older]) {
    if (seen.has(k.encryptionSecretKey)) continue;
    seen.add(k.encryptionSecretKey);
    keys.push(new Uint8Array(Buffer.from(k.encryptionSecretKey, 'base64')));
  }
  return keys;
}

/** A user's current X25519 key from the directory, for sealing an item key to them. */
/**
 * The directory entry of someone this user is about to pay or share with:
 * an id nobody holds is UNKNOWN_USER (not NOT_FOUND, which reads as a
 * missing item), a disabled one DISABLED.
 */
export async function knownActiveUser(session: ClientSession, userId: string): Promise<DirectoryUser> {
  let user;
  try {
    user = await session.directory.getUser(userId);
  } catch (error) {
    if (error instanceof DirectoryError) {
      if (error.code === 'NOT_FOUND') throw new ServiceError('UNKNOWN_USER', `nobody is registered as ${userId}`);
      const code = error.code === null ? 'NETWORK_UNAVAILABLE' : ledgerApiCode(error.code, error.message);
      throw new ServiceError(code, error.message);
    }
    throw error;
  }
  if (user.status !== 'active') throw new ServiceError('DISABLED', `${userId} is disabled`);
  return user;
}

export async function directoryEncryptionKey(session: ClientSession, userId: string): Promise<string> {
  const user = await knownActiveUser(session, userId);
  // Registered but never signed in: nobody can open what is sealed for them yet.
  if (user.encryptionKey === undefined) throw new ServiceError('UNKNOWN_USER', `${userId} has not signed in yet`);
  return user.encryptionKey;
}

export interface EpochKey {
  readonly epoch: number;
  readonly key: Uint8Array;
}

/** My copy of a conversation's epoch key (the current epoch unless given). */
export async function epochKeyOf(session: ClientSession, conversationId: string, epoch?: number): Promise<EpochKey> {
  const request = epoch === undefined ? { conversationId } : { conversationId, epoch };
  const record = await session.ledger.evaluate('groups', 'GetMyEpochKey', request);
  return { epoch: record.epoch, key: await unwrapEpochKey(record.wrappedKey, mySecretKeys(session)) };
}

/** Records an access attempt and returns its ticket id if granted; a denial throws its code (FORBIDDEN, EXPIRED, NOT_FOUND). */
export async function requestTicket(session: ClientSession, itemId: string): Promise<string> {
  const committed = await session.ledger.submit('sharing', 'RequestAccess', { itemId });
  const { ticketId } = submitted('sharing', 'RequestAccess', committed);
  const ticket = await retryNotFound(() => session.ledger.evaluate('sharing', 'GetTicket', { itemId, ticketId }));
  if (!ticket.ok) throw new ServiceError(ticket.code, `access to ${itemId} was denied (${ticket.code})`);
  return ticketId;
}

/** The ciphertext and my wrapped key, served against a fresh committed ticket. */
export async function readItem(session: ClientSession, itemId: string): Promise<ServedItem> {
  const ticketId = await requestTicket(session, itemId);
  return retryNotFound(() => session.ledger.evaluate('sharing', 'ReadItem', { itemId, ticketId }));
}

/**
 * The item key in what ReadItem served. A group grant is sealed under the
 * group's epoch key of `served.epoch`; the conversation is not in the answer,
 * so without `conversationId` every conversation of mine is tried.
 */
export async function itemKeyOf(
  session: ClientSession,
  served: ServedItem,
  conversationId?: string,
): Promise<Uint8Array> {
  if (served.granteeKind !== 'group') return unwrapForUser(served.wrappedKey, mySecretKeys(session));
  const epoch = served.epoch;
  if (epoch === undefined) throw new ServiceError('VERIFY_FAILED', 'a group grant without its epoch');
  if (conversationId !== undefined) {
    return unwrapForGroup(served.wrappedKey, (await epochKeyOf(session, conversationId, epoch)).key);
  }
  let bookmark: string | undefined;
  do {
    const page = await session.ledger.evaluate('groups', 'ListMyConversations', bookmark ? { bookmark } : {});
    for (const { conversationId: candidate } of page.conversations) {
      const key = await tryGroupKey(session, served.wrappedKey, candidate, epoch);
      if (key) return key;
    }
    bookmark = page.conversations.length > 0 && page.bookmark ? page.bookmark : undefined;
  } while (bookmark);
  throw new ServiceError('DECRYPT_FAILED', `none of your conversations holds the epoch ${epoch} key of this grant`);
}

async function tryGroupKey(
  session: ClientSession,
  wrappedKey: string,
  conversationId: string,
  epoch: number,
): Promise<Uint8Array | null> {
  try {
    return await unwrapForGroup(wrappedKey, (await epochKeyOf(session, conversationId, epoch)).key);
  } catch (error) {
    // Not this conversation: no such epoch, no key of mine at it, or a key that does not fit.
    if (isLedgerError(error, 'NOT_FOUND') || isLedgerError(error, 'FORBIDDEN')) return null;
    if (error instanceof ServiceError && error.code === 'DECRYPT_FAILED') return null;
    throw error;
  }
}
