import { type GroupKeyProvider, sealedBoxGroupKeys } from '../crypto';
import { LedgerError } from '../ledger/errors';
import type { ClientSession } from '../session/client-session';
import { messagingIdentity } from '../wallet/messaging-keys';

// The epoch keys this user holds, fetched from the ledger once and kept in
// memory. A key was wrapped to whichever X25519 key the wrapper saw in the
// directory, so after a rotation older epochs open with older secret keys:
// try the newest first.

export class Keyring {
  private readonly keys = new Map<string, Map<number, Uint8Array>>();

  constructor(
    private readonly session: ClientSession,
    private readonly provider: GroupKeyProvider = sealedBoxGroupKeys,
  ) {}

  /** The epoch key, from memory or the ledger (GetMyEpochKey); NOT_FOUND/FORBIDDEN pass through. */
  async get(conversationId: string, epoch: number): Promise<Uint8Array> {
    const known = this.keys.get(conversationId)?.get(epoch);
    if (known) return known;
    const record = await this.session.ledger.evaluate('groups', 'GetMyEpochKey', { conversationId, epoch });
    const key = await this.unwrap(record.wrappedKey);
    this.remember(conversationId, epoch, key);
    return key;
  }

  remember(conversationId: string, epoch: number, key: Uint8Array): void {
    let epochs = this.keys.get(conversationId);
    if (!epochs) this.keys.set(conversationId, (epochs = new Map()));
    epochs.set(epoch, key);
  }

  /** The key of this epoch if this client holds it already (no ledger read). */
  held(conversationId: string, epoch: number): Uint8Array | undefined {
    return this.keys.get(conversationId)?.get(epoch);
  }

  get groupKeys(): GroupKeyProvider {
    return this.provider;
  }

  private async unwrap(wrapped: string): Promise<Uint8Array> {
    const candidates = [...this.session.allMessagingKeys()].reverse().filter((k) => k.validFrom !== null);
    const current = this.session.messagingKey();
    if (!candidates.some((k) => k.encryptionPublicKey === current.encryptionPublicKey)) candidates.unshift(current);
    for (const key of candidates) {
      try {
        return await this.provider.unwrap(wrapped, messagingIdentity(key).encryption.secretKey);
      } catch {
        // Wrapped to another of this user's keys: try the next.
      }
    }
    throw new LedgerError('BAD_RESPONSE', "an epoch key on the ledger opens with none of this account's keys");
  }
}
