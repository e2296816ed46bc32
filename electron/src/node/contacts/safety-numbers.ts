import type { Contact } from '../../common/api';
import { safetyNumber } from '../crypto';
import type { DirectoryUser } from '../fabric/directory';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import { ContactError } from './errors';

// Comparing safety numbers, bound to the keys compared: the number shown
// is of the contact's keys as the directory has them now, and marking the
// contact verified is refused once those keys are no longer current.

/** Other users' directory entries as the messenger tracks them (key changes included). */
export interface ContactKeys {
  refresh(userId: string): Promise<DirectoryUser>;
  toApiContact(user: DirectoryUser): Contact;
}

export interface CurrentSafetyNumber {
  readonly user: DirectoryUser;
  readonly digits: string;
  readonly keys: { readonly signingKey: string; readonly encryptionKey: string };
}

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

/** The safety number of my current keys and the contact's current ones (NOT_FOUND before they published keys). */
export async function currentSafetyNumber(
  session: ClientSession,
  contacts: ContactKeys,
  userId: string,
): Promise<CurrentSafetyNumber> {
  const user = await contacts.refresh(userId);
  if (!user.signingKey || !user.encryptionKey) throw new ContactError('NOT_FOUND', `${userId} has no keys yet`);
  const mine = session.messagingKey();
  const digits = await safetyNumber(
    {
      userId: session.userId,
      signingKey: bytes(mine.signingPublicKey),
      encryptionKey: bytes(mine.encryptionPublicKey),
    },
    { userId, signingKey: bytes(user.signingKey), encryptionKey: bytes(user.encryptionKey) },
  );
  return { user, digits, keys: { signingKey: user.signingKey, encryptionKey: user.encryptionKey } };
}

/** Marks the contact verified for the keys behind `digits`; KEY_CHANGED, nothing marked, if those are not current. */
export async function verifyContact(
  session: ClientSession,
  store: Store,
  contacts: ContactKeys,
  userId: string,
  digits: string,
): Promise<Contact> {
  const current = await currentSafetyNumber(session, contacts, userId);
  if (current.digits !== digits) {
    throw new ContactError('KEY_CHANGED', `${userId}'s keys changed since that safety number was shown`);
  }
  store.markVerified(userId, current.keys);
  return contacts.toApiContact(current.user);
}
