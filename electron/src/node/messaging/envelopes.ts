import type { Contract, Gateway, Proposal } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { eventTag, proposalWithTxId } from '../../shared/event-tag';
import { openEnvelope, sealEnvelope } from '../crypto';
import type { ClientSession } from '../session/client-session';
import { messagingIdentity } from '../wallet/messaging-keys';
import type { Keyring } from './keyring';
import type { LedgerMessage } from './ledger-records';
import type { SenderKeys } from './sender-keys';

// Sealing a message for PostMessage and opening one read back from
// ListMessages. The sealed form is what the outbox keeps on disk between a
// crash and the resend, so a resend is byte-identical (a replay, never a
// second message).

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
export const sealedPostSchema = z.strictObject({
  epoch: z.number().int().min(1),
  nonce: b64,
  signature: b64,
  ciphertext: b64,
  attachments: z.array(z.strictObject({ itemId: z.string(), contentHash: z.string() })).max(16),
});
export type SealedPost = z.infer<typeof sealedPostSchema>;

export async function sealPost(
  session: ClientSession,
  keyring: Keyring,
  message: { conversationId: string; clientMessageId: string; epoch: number; plaintext: Uint8Array },
  attachments: SealedPost['attachments'],
): Promise<SealedPost> {
  const epochKey = await keyring.get(message.conversationId, message.epoch);
  const sealed = await sealEnvelope({
    conversationId: message.conversationId,
    epoch: message.epoch,
    sender: session.userId,
    clientMessageId: message.clientMessageId,
    plaintext: message.plaintext,
    epochKey,
    signingSecretKey: messagingIdentity(session.messagingKey()).signing.secretKey,
  });
  return {
    epoch: message.epoch,
    nonce: sealed.nonce,
    signature: sealed.signature,
    ciphertext: Buffer.from(sealed.ciphertext).toString('base64'),
    attachments,
  };
}

export type Opened =
  { ok: true; plaintext: Uint8Array } | { ok: false; reason: 'NO_KEY' | 'DECRYPT_FAILED' | 'VERIFY_FAILED' };

/** Verifies and decrypts one ledger record; never throws for a bad envelope. */
export async function openRecord(keyring: Keyring, senders: SenderKeys, record: LedgerMessage): Promise<Opened> {
  if (!record.payload) return { ok: false, reason: 'DECRYPT_FAILED' };
  let epochKey: Uint8Array;
  try {
    epochKey = await keyring.get(record.conversationId, record.epoch);
  } catch {
    return { ok: false, reason: 'NO_KEY' };
  }
  try {
    const plaintext = await openEnvelope({
      conversationId: record.conversationId,
      epoch: record.epoch,
      sender: record.sender,
      clientMessageId: record.clientMessageId,
      nonce: record.payload.nonce,
      signature: record.payload.signature,
      ciphertext: new Uint8Array(Buffer.from(record.payload.ciphertext, 'base64')),
      sentAt: record.time,
      epochKey,
      keyAt: (userId, at) => senders.signingKeyAt(userId, at),
    });
    return { ok: true, plaintext };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      ok: false,
      reason: code === 'BAD_SIGNATURE' || code === 'NO_SENDER_KEY' ? 'VERIFY_FAILED' : 'DECRYPT_FAILED',
    };
  }
}

/** The messages.PostMessage proposal for a sealed post, tagged for its own transaction id. */
export function postProposal(
  gateway: Gateway,
  contract: Contract,
  message: { conversationId: string; clientMessageId: string },
  sealed: SealedPost,
  tagKey: Uint8Array,
): Proposal {
  return proposalWithTxId(
    gateway,
    contract,
    'PostMessage',
    (txId) => ({
      conversationId: message.conversationId,
      epoch: sealed.epoch,
      clientMessageId: message.clientMessageId,
      nonce: sealed.nonce,
      signature: sealed.signature,
      attachments: sealed.attachments,
      eventTag: eventTag(tagKey, txId),
    }),
    { ciphertext: new Uint8Array(Buffer.from(sealed.ciphertext, 'base64')) },
  );
}
