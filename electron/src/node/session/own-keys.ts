import type { OwnKeyStatus } from '../../common/api';
import { signStatement, vetoStatement } from '../crypto';
import { type DirectoryUser, DirectoryError } from '../fabric/directory';
import { messagingIdentity } from '../wallet/messaging-keys';
import type { MessagingKey } from '../wallet';
import type { ClientSession } from './client-session';

// The user's own directory entry, watched by their own device: an org admin
// can enroll as the user and publish keys, and the chaincode then keeps the
// change pending; this is where the user hears of it (keyAlarm) and vetoes
// it with the keys only their devices hold.

const sameKeys = (a: Pick<DirectoryUser, 'encryptionKey' | 'signingKey'>, key: MessagingKey) =>
  a.encryptionKey === key.encryptionPublicKey && a.signingKey === key.signingPublicKey;

/** What the directory's record means for a device holding `keys`. */
export function ownKeyStatusOf(record: DirectoryUser | null, keys: readonly MessagingKey[]): OwnKeyStatus {
  if (!record?.signingKey) return { state: 'ok' };
  // Any key of this wallet counts as its own: a rotation it just published may be confirmed in the wallet a moment
  // after the directory event arrives.
  if (!keys.some((k) => sameKeys(record, k))) return { state: 'replaced' };
  const change = record.keyChange;
  // A pending change whose keys this wallet holds is this device's own recovery request.
  if (change && !keys.some((k) => sameKeys(change, k))) {
    return { state: 'pending', requestedAt: change.requestedAt, effectiveAt: change.effectiveAt };
  }
  return { state: 'ok' };
}

async function ownRecord(session: ClientSession): Promise<DirectoryUser | null> {
  try {
    return await session.directory.getUser(session.userId);
  } catch (error) {
    if (error instanceof DirectoryError && error.code === 'NOT_FOUND') return null;
    throw error;
  }
}

/** Reads the entry now; anything but ok is pushed to the UI as a keyAlarm. */
export async function checkOwnKeys(session: ClientSession): Promise<OwnKeyStatus> {
  const status = ownKeyStatusOf(await ownRecord(session), session.allMessagingKeys());
  if (status.state !== 'ok') session.emit({ type: 'keyAlarm', status });
  return status;
}

/** Refuses the pending change with this device's current keys (the chaincode checks the signature). */
export async function vetoOwnKeyChange(session: ClientSession): Promise<OwnKeyStatus> {
  const record = await ownRecord(session);
  const change = record?.keyChange;
  if (!record || !change) throw new DirectoryError('NOT_FOUND', 'no key change is pending for you');
  const key = session.messagingKey();
  const signature = await signStatement(
    vetoStatement(session.userId, change.requestedAt, change),
    messagingIdentity(key).signing.secretKey,
  );
  const after = await session.directory.vetoKeyChange(signature);
  return ownKeyStatusOf(after, session.allMessagingKeys());
}
