import type { GroupsContext } from '../groups';
import type { ClientSession } from '../session/client-session';
import type { Keyring } from './keyring';
import type { SenderKeys } from './sender-keys';

/** The group operations' view of a signed-in session. */
export function groupsContext(session: ClientSession, keyring: Keyring, senders: SenderKeys): GroupsContext {
  return {
    userId: session.userId,
    ledger: session.ledger,
    gateway: session.connection.gateway,
    memberKey: (userId) => senders.encryptionKey(userId),
    epochKey: (conversationId, epoch) => keyring.get(conversationId, epoch),
    groupKeys: keyring.groupKeys,
  };
}
