import { EPOCH_KEY_BYTES } from './content';
import { CryptoError } from './errors';
import { unwrapKey, WRAPPED_KEY_BYTES, wrapKey } from './key-wrap';
import { loadSodium } from './sodium';
import { base64Bytes, bytes, object, text, toBase64 } from './validate';

// How a conversation gets its epoch keys. The rest of the client sees only
// this interface, so a tree-based scheme (MLS, e.g. ts-mls) can replace the
// per-member sealed boxes without touching envelopes or storage.

export interface GroupMember {
  readonly userId: string;
  /** The member's X25519 key from the directory. */
  readonly encryptionKey: Uint8Array;
}

export interface NewEpochKey {
  /** The fresh epoch key; stays in this process. */
  readonly epochKey: Uint8Array;
  /** userId -> base64 wrapped key, the `wrappedKeys` of groups.* transactions. */
  readonly wrappedKeys: Readonly<Record<string, string>>;
}

export interface GroupKeyProvider {
  /** A fresh epoch key wrapped for each member (creating a group, or a re-key). */
  newEpochKey(members: readonly GroupMember[]): Promise<NewEpochKey>;
  /** This member's copy of an epoch key, as read from the ledger (base64) or as bytes. */
  unwrap(wrappedKey: string | Uint8Array, mySecretKey: Uint8Array): Promise<Uint8Array>;
}

export const sealedBoxGroupKeys: GroupKeyProvider = {
  async newEpochKey(members) {
    if (!Array.isArray(members) || members.length === 0) {
      throw new CryptoError('BAD_INPUT', 'members must be a non-empty array');
    }
    const seen = new Set<string>();
    for (const m of members) {
      const userId = text('member userId', object('member', m).userId);
      if (seen.has(userId)) throw new CryptoError('BAD_INPUT', `member ${userId} is listed twice`);
      seen.add(userId);
    }
    const s = await loadSodium();
    const epochKey = s.randombytes_buf(EPOCH_KEY_BYTES);
    const entries: [string, string][] = [];
    for (const m of members) entries.push([m.userId, toBase64(await wrapKey(epochKey, m.encryptionKey))]);
    // fromEntries defines own properties, so no id can reach a prototype setter.
    return { epochKey, wrappedKeys: Object.fromEntries(entries) };
  },

  async unwrap(wrappedKey, mySecretKey) {
    const boxed =
      typeof wrappedKey === 'string'
        ? base64Bytes('wrappedKey', wrappedKey, WRAPPED_KEY_BYTES)
        : bytes('wrappedKey', wrappedKey, WRAPPED_KEY_BYTES);
    return unwrapKey(boxed, mySecretKey);
  },
};
