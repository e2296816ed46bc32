// One error type for the wallet, so callers branch on `code`. Messages name
// the file, account or check; never key bytes, secrets or passphrases.

export type WalletErrorCode =
  /** The passphrase does not open this wallet (or its key envelope was changed). */
  | 'WRONG_PASSPHRASE'
  /** The OS keychain would not release the wallet key. */
  | 'UNLOCK_FAILED'
  /** The wallet key opened but the contents fail authentication: the file was changed. */
  | 'TAMPERED'
  /** Not a wallet file, or one whose structure or parameters are invalid. */
  | 'CORRUPT'
  | 'UNSUPPORTED_VERSION'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'UNKNOWN_ACCOUNT'
  | 'DUPLICATE_ACCOUNT'
  /** A wallet opened with one kind of protector cannot be unlocked by another. */
  | 'WRONG_PROTECTOR'
  | 'BAD_INPUT'
  /** The CA's answer failed a check (certificate, key, role, issuer). */
  | 'BAD_ENROLLMENT'
  /** The directory refused or returned something unexpected. */
  | 'DIRECTORY_FAILED'
  /** New keys published without the previous ones wait out the directory's recovery period (or a co-approval). */
  | 'KEY_RECOVERY_PENDING';

export class WalletError extends Error {
  override readonly name = 'WalletError';

  constructor(
    readonly code: WalletErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export function isWalletError(error: unknown, code?: WalletErrorCode): error is WalletError {
  return error instanceof WalletError && (code === undefined || error.code === code);
}
