import type { Contact } from '../../../common/api';
import { directoryPage } from '../../contacts/directory-pages';
import { currentSafetyNumber, verifyContact } from '../../contacts/safety-numbers';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// The directory and contacts: listing an org, a contact's keys, safety
// numbers and what the user decided about a key change.

/** A contact as the directory has them now, with what this user decided about their keys. */
export async function contactOf(app: AppSession, userId: string): Promise<Contact> {
  const { senders } = app.need().messenger;
  return senders.toApiContact(await senders.refresh(userId));
}

export const contactsApi = (app: AppSession) =>
  ({
    listDirectory: async ({ mspId, cursor }) => {
      const { session, messenger } = app.need();
      const { users, next } = await directoryPage(session.ledger, mspId, cursor);
      return { items: users.map((u) => messenger.senders.toApiContact(u)), ...(next ? { next } : {}) };
    },
    getContact: ({ userId }) => contactOf(app, userId),
    safetyNumber: async ({ userId }) => {
      const { session, messenger } = app.need();
      const { user, digits } = await currentSafetyNumber(session, messenger.senders, userId);
      const { keyChanged, verified } = messenger.senders.toApiContact(user);
      return { userId, digits, keyChanged, verified };
    },
    markVerified: async ({ userId, digits }) => {
      const { session, store, messenger } = app.need();
      const contact = await verifyContact(session, store, messenger.senders, userId, digits);
      messenger.keyChangeResolved();
      return contact;
    },
    acknowledgeKeyChange: async ({ userId }) => {
      app.need().messenger.acknowledgeKeyChange(userId);
      return contactOf(app, userId);
    },
  }) satisfies Handlers<'listDirectory' | 'getContact' | 'safetyNumber' | 'markVerified' | 'acknowledgeKeyChange'>;
