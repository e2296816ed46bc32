import { timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { AttachmentUpload, FileData } from '../../common/api';
import { MAX_FILE_BYTES } from '../../common/limits';
import type { ClientSession } from '../session/client-session';
import { readItem } from './access';
import { ServiceError, checkedInput } from './errors';
import { openFile } from './item-crypto';
import { registerItem, submitGrant, wrapTarget } from './service';

// Message attachments are shared items granted to the conversation itself:
// every current member may RequestAccess and ReadItem, and a removed member
// no longer can. The item key also travels inside the encrypted message
// (AttachmentRef), so a member opens the file with the key the sender
// signed, and the ledger's copy of it is only a fallback.

/** A group grant that never lapses: the chaincode's largest timestamp (timestampMs max). */
export const ATTACHMENT_GRANT_EXPIRES_AT = 8.64e15;

/** What the messaging code puts into the encrypted message for each attachment. */
export interface AttachmentRef {
  readonly itemId: string;
  /** SHA-256 hex of the file bytes; also what messages.PostMessage records. */
  readonly contentHash: string;
  /** The item key, base64 (32 bytes). */
  readonly key: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
}

export const attachmentRefSchema = z.strictObject({
  itemId: z.string().regex(/^[A-Za-z0-9._:@-]{1,128}$/),
  contentHash: z.string().regex(/^[0-9a-f]{64}$/),
  key: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be 32 bytes of base64'),
  name: z.string().min(1).max(255),
  mimeType: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/),
  size: z.number().int().nonnegative().max(MAX_FILE_BYTES),
});

/** Encrypts and registers one attachment, granted to every member of the conversation. */
export async function uploadAttachment(
  session: ClientSession,
  conversationId: string,
  file: AttachmentUpload,
): Promise<AttachmentRef> {
  // The same checks sendMessage's input gets (size, name, MIME type).
  checkedInput('sendMessage', { conversationId, text: '', attachments: [file] });
  const bytes = new Uint8Array(Buffer.from(file.dataBase64, 'base64'));
  if (bytes.length > MAX_FILE_BYTES) throw new ServiceError('TOO_LARGE', `attachment exceeds ${MAX_FILE_BYTES} bytes`);
  // Membership and a pending re-key are refused before anything is written.
  const target = await wrapTarget(session, { kind: 'group', groupId: conversationId });
  const { item, key } = await registerItem(session, { name: file.name, mimeType: file.mimeType, bytes });
  await submitGrant(session, item.itemId, key, target, ATTACHMENT_GRANT_EXPIRES_AT, false);
  return {
    itemId: item.itemId,
    contentHash: item.contentHash,
    key: Buffer.from(key).toString('base64'),
    name: file.name,
    mimeType: file.mimeType,
    size: item.size,
  };
}

/** A message's attachments, uploaded one after another in the order given (the message lists them so). */
export async function uploadAttachments(
  session: ClientSession,
  conversationId: string,
  files: readonly AttachmentUpload[],
): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  for (const file of files) refs.push(await uploadAttachment(session, conversationId, file));
  return refs;
}

/**
 * Fetches an attachment through the access protocol (so the read is on the
 * owner's access log) and opens it with the key from the message; the bytes
 * must match the message's hash, the ledger's hash and the name it signed.
 */
export async function downloadAttachment(session: ClientSession, ref: AttachmentRef): Promise<FileData> {
  const parsed = attachmentRefSchema.safeParse(ref);
  if (!parsed.success) throw new ServiceError('BAD_INPUT', `attachment: ${parsed.error.issues[0]?.message}`);
  const checked = parsed.data;
  const served = await readItem(session, checked.itemId);
  const sameHash = timingSafeEqual(Buffer.from(served.contentHash), Buffer.from(checked.contentHash));
  if (!sameHash) throw new ServiceError('VERIFY_FAILED', 'the ledger holds a different file under this attachment id');
  const key = new Uint8Array(Buffer.from(checked.key, 'base64'));
  const file = await openFile(new Uint8Array(Buffer.from(served.payload, 'base64')), key, checked.contentHash);
  if (file.name !== checked.name || file.bytes.length !== checked.size) {
    throw new ServiceError('VERIFY_FAILED', 'the attachment does not match the name and size in its message');
  }
  return { name: checked.name, mimeType: checked.mimeType, dataBase64: Buffer.from(file.bytes).toString('base64') };
}
