import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { type ReadBack, type User, b64 } from './transactions-fixture';

// The read-backs and requests the live suites share. A read-back is a
// read-only transaction run by someone other than the refused caller
// (LiveLedger.refused compares it before and after the attempt).

/** An open cross-org group policy, the base the suites vary. */
export const POLICY = {
  whoCanPost: 'members',
  whoCanInvite: 'admins',
  retentionSeconds: 0,
  paymentsAllowed: true,
  crossOrg: true,
};

/** A fresh, well-formed directory.PublishKeys request. */
export const keys = (): { encryptionKey: string; signingKey: string } => ({
  encryptionKey: b64(32),
  signingKey: b64(32),
});

/** A real Ed25519 key: directory.PublishKeys takes a rotation only when the current one signs it. */
export function signingKeyPair(): { publicKey: string; sign(statement: string): string } {
  const pair = generateKeyPairSync('ed25519');
  return {
    publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64'),
    sign: (statement) => sign(null, Buffer.from(statement, 'utf8'), pair.privateKey).toString('base64'),
  };
}

/** `next` as a rotation signed by the current key (the statement of chaincode/src/lib/key-continuity.ts). */
export function signedRotation(
  userId: string,
  keysSince: number,
  current: { sign(statement: string): string },
  next: { encryptionKey: string; signingKey: string },
): { encryptionKey: string; signingKey: string; signature: string } {
  const statement = ['ktalk.key-rotation.v1', userId, String(keysSince), next.encryptionKey, next.signingKey].join(
    '\n',
  );
  return { ...next, signature: current.sign(statement) };
}

/** A messages.PostMessage request without its event tag (the ciphertext goes in the transient map). */
export const postRequest = (
  conversationId: string,
  epoch: number,
  clientMessageId: string = randomBytes(6).toString('hex'),
) => ({
  conversationId,
  epoch,
  clientMessageId,
  nonce: b64(24),
  signature: b64(64),
  attachments: [],
});

/** A sharing.RegisterItem request for a 5-byte text item (payload and owner's key go in the transient map). */
export const plainItem = (itemId: string) => ({
  itemId,
  contentHash: createHash('sha256').update('plain').digest('hex'),
  size: 5,
  mimeType: 'text/plain',
});

/** RegisterItem's transient map: the ciphertext and the owner's wrapped key (an 80-byte sealed box). */
export const itemTransient = (payload: Uint8Array, ownerWrappedKey: Uint8Array = randomBytes(80)) => ({
  payload,
  ownerWrappedKey,
});

/** GrantAccess's transient map: the grant's wrapped key, given as base64 (how ReadItem serves it back). */
export const grantTransient = (wrappedKey: string = b64(80)) => ({ wrappedKey: Buffer.from(wrappedKey, 'base64') });

export const getUser = (as: User, userId: string): ReadBack => ({
  as,
  contract: 'directory',
  tx: 'GetUser',
  request: { userId },
});
export const getGroup = (as: User, conversationId: string): ReadBack => ({
  as,
  contract: 'groups',
  tx: 'GetGroup',
  request: { conversationId },
});
export const listMembers = (as: User, conversationId: string): ReadBack => ({
  as,
  contract: 'groups',
  tx: 'ListMembers',
  request: { conversationId },
});
export const listMessages = (as: User, conversationId: string): ReadBack => ({
  as,
  contract: 'messages',
  tx: 'ListMessages',
  request: { conversationId, pageSize: 50 },
});
export const balance = (as: User): ReadBack => ({ as, contract: 'payments', tx: 'GetBalance', request: {} });
export const history = (as: User): ReadBack => ({
  as,
  contract: 'payments',
  tx: 'GetHistory',
  request: { pageSize: 200 },
});
export const escrow = (as: User, escrowId: string): ReadBack => ({
  as,
  contract: 'payments',
  tx: 'GetEscrow',
  request: { escrowId },
});
export const grants = (as: User, itemId: string): ReadBack => ({
  as,
  contract: 'sharing',
  tx: 'ListGrants',
  request: { itemId },
});
export const accesses = (as: User, itemId: string): ReadBack => ({
  as,
  contract: 'sharing',
  tx: 'ListAccesses',
  request: { itemId },
});
/** Everything a compliance officer's org recorded from `from` on: a refused write adds nothing. */
export const auditSince = (as: 'auditor1' | 'auditor2', from: number): ReadBack => ({
  as,
  contract: 'audit',
  tx: 'QueryAudit',
  request: { from, pageSize: 200 },
});
