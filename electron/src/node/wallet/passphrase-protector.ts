import { randomBytes } from 'node:crypto';
import { WalletError } from './errors';
import { KDF_MODERATE, KDF_SALT_BYTES, type KdfCost, checkKdfCost, deriveKey } from './kdf';
import type { KeyProtector, Protection } from './key-protector';

// The KEK from a passphrase: Argon2id13 with a random salt per wallet (see
// kdf.ts for the cost). Used where the OS keychain is not available, and in
// plain-Node (web) mode.

export function passphraseProtector(passphrase: string, cost: KdfCost = KDF_MODERATE): KeyProtector {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new WalletError('BAD_INPUT', 'the passphrase must not be empty');
  }
  checkKdfCost(cost);
  return {
    kind: 'passphrase',
    async createKey() {
      const salt = randomBytes(KDF_SALT_BYTES);
      const kek = await deriveKey(passphrase, salt, cost);
      const protection: Protection = {
        kind: 'passphrase',
        kdf: 'argon2id13',
        opslimit: cost.opslimit,
        memlimit: cost.memlimit,
        salt: salt.toString('base64'),
      };
      return { kek, protection };
    },
    async recoverKey(protection) {
      if (protection.kind !== 'passphrase') {
        throw new WalletError('WRONG_PROTECTOR', `this wallet is protected by ${protection.kind}, not a passphrase`);
      }
      return deriveKey(passphrase, Buffer.from(protection.salt, 'base64'), protection);
    },
  };
}
