import type { Contact as ApiContact } from '../../common/api';
import { type DirectoryUser, DirectoryError } from '../fabric/directory';
import type { ClientSession } from '../session/client-session';
import { type Store, isVerified } from '../store';

// Other users' public keys: the directory is the authority, the local
// store remembers what we saw, so a key that changes is noticed (and the
// UI warns) even when the directory happily serves the new one.

const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));

export function fingerprint(signingKeyB64: string): string {
  const hex = Buffer.from(signingKeyB64, 'base64').subarray(0, 10).toString('hex');
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
}

export class SenderKeys {
  private readonly current = new Map<string, DirectoryUser>();
  private readonly past = new Map<string, { signingKey: Uint8Array } | null>();

  constructor(
    private readonly session: ClientSession,
    private readonly store: Store,
  ) {}

  /** Fresh from the directory; records the key and reports a change once. */
  async refresh(userId: string): Promise<DirectoryUser> {
    const user = await this.session.directory.getUser(userId);
    this.current.set(userId, user);
    if (user.encryptionKey && user.signingKey && userId !== this.session.userId) {
      const { keyChanged } = this.store.upsertContact({
        userId,
        mspId: user.mspId,
        displayName: user.enrollmentId,
        encryptionKey: user.encryptionKey,
        signingKey: user.signingKey,
        keyValidFrom: user.keysSince ?? 0,
      });
      if (keyChanged) this.session.emit({ type: 'keyChange', userId });
    }
    return user;
  }

  async user(userId: string): Promise<DirectoryUser> {
    return this.current.get(userId) ?? this.refresh(userId);
  }

  /** The X25519 key to wrap epoch keys for; NOT_FOUND when the user never published keys. */
  async encryptionKey(userId: string): Promise<Uint8Array> {
    const user = await this.user(userId);
    if (!user.encryptionKey) throw new DirectoryError('NOT_FOUND', `${userId} has not published keys yet`);
    return bytes(user.encryptionKey);
  }

  /** The signing key valid at `at`: the current one when it was already valid then, else the history. */
  async signingKeyAt(userId: string, at: number): Promise<{ signingKey: Uint8Array } | null> {
    let user = await this.user(userId);
    if (user.keysSince !== undefined && user.keysSince > at) {
      // Older message or a rotation we have not seen: the history decides.
      const cacheKey = `${userId}|${at}`;
      if (!this.past.has(cacheKey)) {
        try {
          const keys = await this.session.directory.getKeysAt(userId, at);
          this.past.set(cacheKey, { signingKey: bytes(keys.signingKey) });
        } catch {
          this.past.set(cacheKey, null);
        }
      }
      return this.past.get(cacheKey) ?? null;
    }
    if (!user.signingKey) user = await this.refresh(userId);
    return user.signingKey ? { signingKey: bytes(user.signingKey) } : null;
  }

  toApiContact(user: DirectoryUser): ApiContact {
    const stored = this.store.getContact(user.userId);
    return {
      userId: user.userId,
      mspId: user.mspId,
      enrollmentId: user.enrollmentId,
      status: user.status,
      ...(user.signingKey ? { fingerprint: fingerprint(user.signingKey) } : {}),
      keyChanged: stored !== null && stored.keyChangedAt !== null && !isVerified(stored),
      verified: stored !== null && isVerified(stored),
      keyChangePending: stored?.keyChangePending ?? false,
      ...(user.keyChange
        ? { pendingKeyChange: { requestedAt: user.keyChange.requestedAt, effectiveAt: user.keyChange.effectiveAt } }
        : {}),
    };
  }
}
