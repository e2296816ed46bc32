import { checkOwnKeys } from '../session/own-keys';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import type { DirectoryEventPayload } from './event-payloads';
import type { SenderKeys } from './sender-keys';

// Key continuity from directory events: my own entry changing is checked
// against my wallet (an alarm unless I made the change); a contact's pending
// key change is shown, and its end (vetoed, approved, completed) too.

export class KeyChangeEvents {
  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
    private readonly senders: SenderKeys,
  ) {}

  async onDirectoryEvent(eventName: string, { userId }: DirectoryEventPayload): Promise<void> {
    if (userId === this.session.userId) {
      await checkOwnKeys(this.session);
      return;
    }
    // Only people this device has looked up (contacts, members): not a lookup per event of the whole network.
    if (eventName.startsWith('directory.Key') && this.store.getContact(userId) !== null) {
      const user = await this.senders.refresh(userId);
      if (user.keyChange) {
        const { requestedAt, effectiveAt } = user.keyChange;
        this.session.emit({ type: 'contactKeyPending', userId, requestedAt, effectiveAt });
      } else {
        // Vetoed, approved or completed: a banner shown for the pending change must not outlive it.
        this.session.emit({ type: 'contactKeyPendingEnded', userId });
      }
    }
  }
}
