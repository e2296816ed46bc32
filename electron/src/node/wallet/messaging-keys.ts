import {
  type Identity,
  generateIdentity,
  publicIdentity,
  publishKeysRequest,
  rotationStatement,
  signStatement,
} from '../crypto';
import { type DirectoryClient, type DirectoryUser, DirectoryError, type PendingKeyChange } from '../fabric/directory';
import { WalletError } from './errors';
import type { Account, MessagingKey } from './wallet-data';
import type { Wallet } from './wallet';

// The messaging keys (X25519 + Ed25519) of an account and their publication
// in the Directory. New keys are written to the wallet before they are
// published, so a crash between the two never loses a secret key whose
// public half others may already use; a key stays "pending" (validFrom null)
// until the directory confirms it. Rotation adds keys and keeps every old
// secret key, because old messages stay encrypted to them.
// Key continuity: while this wallet holds the keys the directory shows as
// current, it signs the new ones with them and they take effect at once.
// Without them (a new device, a lost wallet) the publication is a recovery
// request the directory keeps pending (KEY_RECOVERY_PENDING) until its
// recovery period ends or a compliance officer approves it.

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));

export const userIdOf = (account: Pick<Account, 'mspId' | 'enrollmentId'>) =>
  `${account.mspId}::${account.enrollmentId}`;

function toStored(identity: Identity): MessagingKey {
  return {
    encryptionPublicKey: b64(identity.encryption.publicKey),
    encryptionSecretKey: b64(identity.encryption.secretKey),
    signingPublicKey: b64(identity.signing.publicKey),
    signingSecretKey: b64(identity.signing.secretKey),
    createdAt: Date.now(),
    validFrom: null,
  };
}

/** A stored key pair as the crypto layer takes it. */
export function messagingIdentity(key: MessagingKey): Identity {
  return {
    encryption: { publicKey: bytes(key.encryptionPublicKey), secretKey: bytes(key.encryptionSecretKey) },
    signing: { publicKey: bytes(key.signingPublicKey), secretKey: bytes(key.signingSecretKey) },
  };
}

/** The keys to sign and receive with now: the newest the directory has confirmed. */
export function currentMessagingKey(account: Pick<Account, 'messagingKeys'>): MessagingKey | null {
  const confirmed = account.messagingKeys.filter((k) => k.validFrom !== null);
  return confirmed[confirmed.length - 1] ?? null;
}

/** The secret keys that were current at `at` (ms), to open a message sent then. */
export function messagingKeyAt(account: Account, at: number): MessagingKey | null {
  let found: MessagingKey | null = null;
  for (const key of account.messagingKeys) if (key.validFrom !== null && key.validFrom <= at) found = key;
  return found;
}

const publishedBy = (record: Pick<DirectoryUser, 'encryptionKey' | 'signingKey'>, key: MessagingKey) =>
  record.encryptionKey === key.encryptionPublicKey && record.signingKey === key.signingPublicKey;

function recoveryPending(id: string, change: PendingKeyChange, mine: boolean): WalletError {
  const until = new Date(change.effectiveAt).toISOString();
  return new WalletError(
    'KEY_RECOVERY_PENDING',
    mine
      ? `${id}'s new keys wait for the recovery period (until ${until}) or a compliance officer's approval`
      : `a key change this device did not make is pending for ${id} (until ${until}): veto it from a device that holds your keys`,
  );
}

async function readOwnRecord(directory: DirectoryClient, userId: string): Promise<DirectoryUser | null> {
  try {
    return await directory.getUser(userId);
  } catch (error) {
    if (error instanceof DirectoryError && error.code === 'NOT_FOUND') return null;
    throw new WalletError('DIRECTORY_FAILED', `reading ${userId}'s directory entry: ${(error as Error).message}`);
  }
}

async function publishPending(wallet: Wallet, id: string, directory: DirectoryClient): Promise<MessagingKey> {
  const account = wallet.account(id);
  const pending = account.messagingKeys.find((k) => k.validFrom === null);
  if (!pending) throw new WalletError('BAD_INPUT', `${id} has no keys waiting to be published`);
  const userId = userIdOf(account);
  const keys = publishKeysRequest(publicIdentity(messagingIdentity(pending)));
  let record = await readOwnRecord(directory, userId);
  // Already current: an earlier attempt committed but the wallet never heard back.
  if (!record || !publishedBy(record, pending)) {
    if (record?.keyChange && publishedBy(record.keyChange, pending)) throw recoveryPending(id, record.keyChange, true);
    const current = currentMessagingKey(account);
    let signature: string | undefined;
    if (record?.signingKey && record.keysSince !== undefined && current?.signingPublicKey === record.signingKey) {
      signature = await signStatement(
        rotationStatement(userId, record.keysSince, keys),
        messagingIdentity(current).signing.secretKey,
      );
    }
    try {
      record = await directory.publishKeys({ ...keys, ...(signature ? { signature } : {}) });
    } catch (error) {
      if (!(error instanceof DirectoryError && error.code === 'CONFLICT')) {
        throw new WalletError('DIRECTORY_FAILED', `publishing keys for ${id}: ${(error as Error).message}`);
      }
      record = await readOwnRecord(directory, userId);
    }
  }
  if (record?.keyChange && !publishedBy(record, pending)) {
    throw recoveryPending(id, record.keyChange, publishedBy(record.keyChange, pending));
  }
  if (!record || !publishedBy(record, pending) || record.keysSince === undefined) {
    throw new WalletError('DIRECTORY_FAILED', `the directory does not show ${id}'s new keys as current`);
  }
  const confirmed = record;
  const validFrom = record.keysSince;
  const updated = await wallet.updateAccount(id, (a) => ({
    ...a,
    messagingKeys: a.messagingKeys.map((k) =>
      k.validFrom === null && publishedBy(confirmed, k) ? { ...k, validFrom } : k,
    ),
  }));
  const current = currentMessagingKey(updated);
  if (!current) throw new WalletError('DIRECTORY_FAILED', 'the confirmed key is missing from the wallet');
  return current;
}

/**
 * First login: make sure the account's public keys are in the directory.
 * Generates them when the account has none, and finishes a publication an
 * earlier run left pending.
 */
export async function ensureKeysPublished(
  wallet: Wallet,
  id: string,
  directory: DirectoryClient,
): Promise<{ outcome: 'published' | 'already-published'; key: MessagingKey }> {
  const account = wallet.account(id);
  const pending = account.messagingKeys.some((k) => k.validFrom === null);
  const current = currentMessagingKey(account);
  if (current && !pending) return { outcome: 'already-published', key: current };
  if (!pending) {
    const fresh = toStored(await generateIdentity());
    await wallet.updateAccount(id, (a) => ({ ...a, messagingKeys: [...a.messagingKeys, fresh] }));
  }
  return { outcome: 'published', key: await publishPending(wallet, id, directory) };
}

/** Key rotation: new keys, stored, then published; the old secret keys stay with their validFrom. */
export async function rotateKeys(wallet: Wallet, id: string, directory: DirectoryClient): Promise<MessagingKey> {
  const account = wallet.account(id);
  if (!account.messagingKeys.some((k) => k.validFrom === null)) {
    const fresh = toStored(await generateIdentity());
    await wallet.updateAccount(id, (a) => ({ ...a, messagingKeys: [...a.messagingKeys, fresh] }));
  }
  return publishPending(wallet, id, directory);
}
