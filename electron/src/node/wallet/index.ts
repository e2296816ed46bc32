// Identities and the encrypted wallet of the app core (plain Node).

export {
  DEFAULT_RENEWAL,
  certificateValidity,
  checkIssuedIdentity,
  enrollAccount,
  enrollIdentity,
  renewIfDue,
  renewalDue,
  type IssuedIdentity,
  type RenewalPolicy,
  type Validity,
} from './enrollment';
export { WalletError, isWalletError, type WalletErrorCode } from './errors';
export { KDF_INTERACTIVE, KDF_LIMITS, KDF_MODERATE, type KdfCost } from './kdf';
export { KEK_BYTES, type KeyProtector, type Protection } from './key-protector';
export { login, type LoginSession } from './login';
export {
  currentMessagingKey,
  ensureKeysPublished,
  messagingIdentity,
  messagingKeyAt,
  rotateKeys,
  userIdOf,
} from './messaging-keys';
export { passphraseProtector } from './passphrase-protector';
export { Wallet, type AccountSummary } from './wallet';
export { accountId, type Account, type MessagingKey } from './wallet-data';
