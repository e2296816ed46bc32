import type { SharedWithMe } from '../../common/api';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';
import type { SharingEvent } from './event-payloads';
import { keepOrReport, rememberRevoked, rememberShared } from './shared-with-me';

// The sharing contract's events as this user meets them: someone opening an
// item of mine (`access`), an item shared with me or a grant of mine revoked
// (the "Shared with you" list, kept in the store by shared-with-me.ts).

export class SharingEvents {
  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
  ) {}

  onSharingEvent(event: SharingEvent): void {
    const me = this.session.userId;
    switch (event.name) {
      case 'sharing.AccessRequested': {
        // The event carries no decision (an endorsement that is never submitted would show it):
        // the owner's log (accessHistory) has the outcome once the attempt is committed.
        const accessor = event.payload.accessor ?? '';
        if (accessor !== me) this.session.emit({ type: 'access', itemId: event.payload.itemId, accessor });
        return;
      }
      case 'sharing.AccessGranted': {
        const { itemId, grantId, granteeUserId, grantor } = event.payload;
        if (granteeUserId !== me) return;
        const expiresAt = Number(event.payload.expiresAt);
        const item = {
          itemId,
          grantId,
          sharedAt: Date.now(),
          ...(grantor !== undefined ? { grantor } : {}),
          ...(Number.isSafeInteger(expiresAt) && expiresAt > 0 ? { expiresAt } : {}),
        };
        this.keepAndShow('an item shared with you', () => (rememberShared(this.store, item) ? item : undefined));
        return;
      }
      case 'sharing.GrantRevoked': {
        // A revoked grant of mine stays listed, marked, so the person knows why it no longer opens.
        const { grantId } = event.payload;
        this.keepAndShow('a revocation of an item shared with you', () => rememberRevoked(this.store, grantId));
        return;
      }
    }
  }

  /** A change to the list, stored (a failure is told to the user), then shown when it changed anything. */
  private keepAndShow(what: string, write: () => SharedWithMe | undefined): void {
    const item = keepOrReport((e) => this.session.emit(e), what, write);
    if (item) this.session.emit({ type: 'sharedWithMe', item });
  }
}
