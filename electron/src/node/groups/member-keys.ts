import type { GroupMember } from '../crypto/group-keys';
import type { DirectoryClient } from '../fabric/directory';

// Whose X25519 key a fresh epoch key is wrapped for. Injected, so the app
// can answer from contacts the user verified (safety numbers) and refuse a
// key that changed, instead of trusting whatever the directory says now.

/** A member's current X25519 public key (32 bytes); throws MemberKeyError when there is none to use. */
export type MemberKeyLookup = (userId: string) => Promise<Uint8Array>;

/** Why no key can be used: the member is disabled, has never published keys, or published a malformed one. */
export type MemberKeyErrorCode = 'MEMBER_DISABLED' | 'NO_KEYS' | 'MALFORMED_KEY';

export class MemberKeyError extends Error {
  override readonly name = 'MemberKeyError';

  constructor(
    readonly code: MemberKeyErrorCode,
    readonly userId: string,
    message: string,
  ) {
    super(message);
  }
}

const X25519_KEY_BYTES = 32;

/** The directory's current keys: the user must be active and have published keys. */
export function directoryMemberKeys(directory: Pick<DirectoryClient, 'getUser'>): MemberKeyLookup {
  return async (userId) => {
    const user = await directory.getUser(userId);
    if (user.status !== 'active') throw new MemberKeyError('MEMBER_DISABLED', userId, `${userId} is ${user.status}`);
    if (user.encryptionKey === undefined)
      throw new MemberKeyError('NO_KEYS', userId, `${userId} has published no keys`);
    const key = new Uint8Array(Buffer.from(user.encryptionKey, 'base64'));
    if (key.length !== X25519_KEY_BYTES || Buffer.from(key).toString('base64') !== user.encryptionKey) {
      throw new MemberKeyError(
        'MALFORMED_KEY',
        userId,
        `${userId}'s encryption key is not canonical base64 of 32 bytes`,
      );
    }
    return key;
  };
}

/**
 * Each member's key, one lookup at a time: groups are at most a few hundred
 * members and a re-key is rare, so this keeps the peer's load flat.
 */
export async function membersWithKeys(ids: readonly string[], lookup: MemberKeyLookup): Promise<GroupMember[]> {
  const members: GroupMember[] = [];
  for (const userId of ids) members.push({ userId, encryptionKey: await lookup(userId) });
  return members;
}
