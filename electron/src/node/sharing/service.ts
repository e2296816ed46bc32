import { CLOCK_SKEW_MS as PROTOCOL_CLOCK_SKEW_MS } from '@ktalk/protocol';
import { randomUUID } from 'node:crypto';
import type { AccessRecord, FileData, GrantInfo, Grantee, KTalkApi, Page, SharedItem } from '../../common/api';
import { MAX_FILE_BYTES } from '../../common/api-args';
import { submitted } from '../ledger';
import type { ClientSession } from '../session/client-session';
import { directoryEncryptionKey, epochKeyOf, itemKeyOf, readItem } from './access';
import { ServiceError, checkedInput } from './errors';
import { openFile, sealFile } from './item-crypto';
import { wrapForGroup, wrapForUser } from './item-keys';
import type { MyItems } from './my-items';
import { type ItemRecord, nextCursor, toAccessRecord, toGrantInfo, toLedgerGrantee, toSharedItem } from './records';

// Sharing: encrypted items on the ledger, their grants, and who read them.
// Each function takes the signed-in session and the API input, throws
// ServiceError or LedgerError, and answers the API's output type.

type In<M extends keyof KTalkApi> = Parameters<KTalkApi[M]>[0];

/** The ledger refuses a grant that is not surely active (expiresAt within its 60 s clock skew). */
const CLOCK_SKEW_MS = PROTOCOL_CLOCK_SKEW_MS;
const ACCESS_PAGE_SIZE = 100;

export function decodeFile(dataBase64: string, maxBytes: number): Uint8Array {
  const bytes = Buffer.from(dataBase64, 'base64');
  if (bytes.toString('base64').replace(/=+$/, '') !== dataBase64.replace(/=+$/, '')) {
    throw new ServiceError('BAD_INPUT', 'file data is not canonical base64');
  }
  if (bytes.length > maxBytes) throw new ServiceError('TOO_LARGE', `file is larger than ${maxBytes} bytes`);
  return new Uint8Array(bytes);
}

export function checkExpiry(expiresAt: number, now: number): void {
  if (expiresAt <= now + CLOCK_SKEW_MS) {
    throw new ServiceError('BAD_INPUT', `expiresAt must be more than ${CLOCK_SKEW_MS / 1000} s away`);
  }
}

/** How to seal the item key for a grantee, resolved before anything is written. */
interface WrapTarget {
  readonly grantee: Grantee;
  /** The group epoch the key is sealed for (group grantees). */
  readonly epoch?: number;
  wrap(itemKey: Uint8Array): Promise<string>;
}

export async function wrapTarget(session: ClientSession, grantee: Grantee): Promise<WrapTarget> {
  if (grantee.kind === 'user') {
    if (grantee.userId === session.userId) throw new ServiceError('BAD_INPUT', 'you already hold your own items');
    const encryptionKey = await directoryEncryptionKey(session, grantee.userId);
    return { grantee, wrap: (itemKey) => wrapForUser(itemKey, encryptionKey) };
  }
  // The ledger refuses a group grant while a re-key is pending; ask first so no item is left without its grant.
  const group = await session.ledger.evaluate('groups', 'GetGroup', { conversationId: grantee.groupId });
  if (group.rekeyRequired) {
    throw new ServiceError('REKEY_REQUIRED', `${grantee.groupId} must be re-keyed before anything new is shared in it`);
  }
  const { epoch, key } = await epochKeyOf(session, grantee.groupId);
  return { grantee, epoch, wrap: (itemKey) => wrapForGroup(itemKey, key) };
}

/**
 * GrantAccess with the key sealed for `target`. The chaincode records the
 * group's epoch at commit; if a re-key slipped in since the epoch key was
 * read, the grant is revoked (its key is sealed for the wrong epoch) and
 * made again once under the new epoch.
 */
export async function submitGrant(
  session: ClientSession,
  itemId: string,
  itemKey: Uint8Array,
  target: WrapTarget,
  expiresAt: number,
  canReshare: boolean,
  retried = false,
): Promise<GrantInfo> {
  const request = { itemId, grantee: toLedgerGrantee(target.grantee), canReshare, expiresAt };
  // The wrapped key goes in transient data: RevokeGrant purges it from private data, and a copy in the block would outlive that.
  const wrappedKey = Buffer.from(await target.wrap(itemKey), 'base64');
  const committed = await session.ledger.submit('sharing', 'GrantAccess', request, { wrappedKey });
  const grant = submitted('sharing', 'GrantAccess', committed);
  if (target.epoch !== undefined && grant.epoch !== target.epoch) {
    await session.ledger.submit('sharing', 'RevokeGrant', { itemId, grantId: grant.grantId });
    if (retried) throw new ServiceError('CONFLICT', 'the group was re-keyed twice while granting; try again');
    const fresh = await wrapTarget(session, target.grantee);
    return submitGrant(session, itemId, itemKey, fresh, expiresAt, canReshare, true);
  }
  return toGrantInfo(grant);
}

/** Encrypts a file under a fresh key and registers it; returns the ledger's record and the key. */
export async function registerItem(
  session: ClientSession,
  file: { name: string; mimeType: string; bytes: Uint8Array },
): Promise<{ item: ItemRecord; key: Uint8Array }> {
  const sealed = await sealFile({ name: file.name, bytes: file.bytes });
  const ownerWrappedKey = await wrapForUser(sealed.key, session.messagingKey().encryptionPublicKey);
  const request = {
    itemId: `item-${randomUUID()}`,
    contentHash: sealed.contentHash,
    size: sealed.size,
    mimeType: file.mimeType,
  };
  // Payload and wrapped key travel in transient data, so they land only in private data, never in a block.
  const committed = await session.ledger.submit('sharing', 'RegisterItem', request, {
    payload: sealed.payload,
    ownerWrappedKey: Buffer.from(ownerWrappedKey, 'base64'),
  });
  const item = submitted('sharing', 'RegisterItem', committed);
  if (item.itemId !== request.itemId || item.contentHash !== request.contentHash || item.owner !== session.userId) {
    throw new ServiceError('VERIFY_FAILED', 'sharing.RegisterItem answered with a different item');
  }
  return { item, key: sealed.key };
}

export async function shareItem(session: ClientSession, items: MyItems, input: In<'shareItem'>): Promise<SharedItem> {
  const { file, grantee, expiresAt, canReshare } = checkedInput('shareItem', input);
  const bytes = decodeFile(file.dataBase64, MAX_FILE_BYTES);
  checkExpiry(expiresAt, Date.now());
  // Everything that can be refused without writing is checked before the item is registered.
  const target = await wrapTarget(session, grantee);
  const { item, key } = await registerItem(session, { name: file.name, mimeType: file.mimeType, bytes });
  const shared = toSharedItem(item, file.name);
  items.remember(shared);
  await submitGrant(session, item.itemId, key, target, expiresAt, canReshare);
  return shared;
}

export async function listMyItems(items: MyItems): Promise<SharedItem[]> {
  return items.list();
}

/** The owner, or a grantee whose grant allows resharing, grants one more reader. */
export async function grantAccess(session: ClientSession, input: In<'grantAccess'>): Promise<GrantInfo> {
  const { itemId, grantee, expiresAt, canReshare } = checkedInput('grantAccess', input);
  checkExpiry(expiresAt, Date.now());
  const target = await wrapTarget(session, grantee);
  // The item key comes from the ledger (my own wrapped copy), never from disk.
  const served = await readItem(session, itemId);
  const itemKey = await itemKeyOf(session, served);
  return submitGrant(session, itemId, itemKey, target, expiresAt, canReshare);
}

export async function listGrants(session: ClientSession, input: In<'listGrants'>): Promise<GrantInfo[]> {
  const { itemId } = checkedInput('listGrants', input);
  const { grants } = await session.ledger.evaluate('sharing', 'ListGrants', { itemId });
  return grants.map((g) => toGrantInfo(g, g.state));
}

export async function revokeGrant(session: ClientSession, input: In<'revokeGrant'>): Promise<null> {
  const { itemId, grantId } = checkedInput('revokeGrant', input);
  const committed = await session.ledger.submit('sharing', 'RevokeGrant', { itemId, grantId });
  submitted('sharing', 'RevokeGrant', committed);
  return null;
}

export async function openItem(session: ClientSession, input: In<'openItem'>): Promise<FileData> {
  const { itemId } = checkedInput('openItem', input);
  const served = await readItem(session, itemId);
  const key = await itemKeyOf(session, served);
  const file = await openFile(new Uint8Array(Buffer.from(served.payload, 'base64')), key, served.contentHash);
  return { name: file.name, mimeType: served.mimeType, dataBase64: Buffer.from(file.bytes).toString('base64') };
}

export async function accessHistory(session: ClientSession, input: In<'accessHistory'>): Promise<Page<AccessRecord>> {
  const { itemId, cursor } = checkedInput('accessHistory', input);
  const request = { itemId, pageSize: ACCESS_PAGE_SIZE, ...(cursor !== undefined ? { bookmark: cursor } : {}) };
  const page = await session.ledger.evaluate('sharing', 'ListAccesses', request);
  const next = nextCursor(page.bookmark, page.accesses.length, ACCESS_PAGE_SIZE);
  return { items: page.accesses.map(toAccessRecord), ...(next !== undefined ? { next } : {}) };
}
