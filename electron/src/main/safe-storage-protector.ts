import { randomBytes } from 'node:crypto';
import type { SafeStorage } from 'electron';
import { WalletError } from '../node/wallet/errors';
import { KEK_BYTES, type KeyProtector } from '../node/wallet/key-protector';

// The wallet's key-encryption key kept by the OS keychain (macOS Keychain,
// Windows DPAPI, libsecret/KWallet) through Electron safeStorage: a random
// 32-byte KEK, sealed by safeStorage, stored in the wallet header. The
// Electron API is passed in, so this runs against a stand-in in plain Node.

// Electron 40 (the newest that installs on Node 20) has only the synchronous
// safeStorage calls; the KeyProtector interface stays async regardless.
export type SafeStorageApi = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/**
 * Whether safeStorage really protects data here. On Linux without a keyring
 * Electron falls back to "basic_text", a key baked into Electron: no better
 * than plaintext, so a passphrase is used instead.
 */
export async function keychainUsable(storage: SafeStorageApi, platform = process.platform): Promise<boolean> {
  if (!storage.isEncryptionAvailable()) return false;
  return platform !== 'linux' || !['basic_text', 'unknown'].includes(storage.getSelectedStorageBackend());
}

export function safeStorageProtector(storage: SafeStorageApi): KeyProtector {
  return {
    kind: 'os-keychain',
    async createKey() {
      const kek = new Uint8Array(randomBytes(KEK_BYTES));
      const sealed = storage.encryptString(Buffer.from(kek).toString('base64'));
      return { kek, protection: { kind: 'os-keychain', sealedKey: sealed.toString('base64') } };
    },
    async recoverKey(protection) {
      if (protection.kind !== 'os-keychain') {
        throw new WalletError('WRONG_PROTECTOR', `this wallet is protected by ${protection.kind}, not the OS keychain`);
      }
      let opened: string;
      try {
        opened = storage.decryptString(Buffer.from(protection.sealedKey, 'base64'));
      } catch (error) {
        throw new WalletError('UNLOCK_FAILED', `the OS keychain refused the wallet key (${(error as Error).message})`);
      }
      const kek = new Uint8Array(Buffer.from(opened, 'base64'));
      if (kek.length !== KEK_BYTES) throw new WalletError('UNLOCK_FAILED', 'the OS keychain returned a malformed key');
      return kek;
    },
  };
}
