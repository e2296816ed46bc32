import { sealedBoxGroupKeys } from '../crypto/group-keys';
import type { ClientSession } from '../session/client-session';
import type { GroupsContext } from './context';
import { directoryMemberKeys } from './member-keys';

/**
 * A signed-in session's GroupsContext. `epochKey` is the caller's own key
 * source (e.g. the messaging keyring); member keys come from the directory
 * unless the app passes a lookup over verified contacts.
 */
export function groupsContextOf(
  session: ClientSession,
  epochKey: GroupsContext['epochKey'],
  memberKey: GroupsContext['memberKey'] = directoryMemberKeys(session.directory),
): GroupsContext {
  return {
    userId: session.userId,
    ledger: session.ledger,
    gateway: session.connection.gateway,
    memberKey,
    epochKey,
    groupKeys: sealedBoxGroupKeys,
  };
}
