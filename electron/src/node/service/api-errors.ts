import { ZodError } from 'zod';
import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from '../../common/api';
import { ProfileError, type ProfileErrorCode } from '../../common/connection-profile';
import { AdminError } from '../admin/errors';
import { CaError, type CaErrorCode } from '../ca/ca-admin';
import { ComplianceError } from '../compliance/errors';
import { ContactError } from '../contacts/errors';
import { CryptoError, type CryptoErrorCode } from '../crypto/errors';
import { DirectoryError } from '../fabric/directory';
import { classifyEndorseError, gatewayErrorText, LedgerError, ledgerApiCode } from '../ledger';
import { MessagingError } from '../messaging/messaging-errors';
import { MemberKeyError, type MemberKeyErrorCode } from '../groups';
import { HeldForKeyChange } from '../outbox';
import { SettingsError } from '../settings/change-settings';
import { ServiceError } from '../sharing/errors';
import { StoreError, type StoreErrorCode } from '../store/errors';
import { WalletError, type WalletErrorCode } from '../wallet/errors';
import { SessionError } from './session';

// Every failure the Node side can raise, as the UI's typed error. Modules
// throw their own error classes with a `code`; this is the one place that
// knows how those codes read to a person. Each table names every code of
// its class (a new code fails to compile until it is mapped); classes whose
// codes already are API codes (session, settings, contacts, sharing and
// payments, admin, compliance, the outbox's held message) keep them. Text is read only where Fabric
// says nothing else: the CA's reason for a refused enrollment, and the
// peers' refusal of a revoked or expired identity.

export const WALLET_API_CODES = {
  WRONG_PASSPHRASE: 'WRONG_PASSPHRASE',
  UNLOCK_FAILED: 'WRONG_PASSPHRASE',
  TAMPERED: 'VERIFY_FAILED',
  CORRUPT: 'INTERNAL',
  UNSUPPORTED_VERSION: 'INTERNAL',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  UNKNOWN_ACCOUNT: 'UNKNOWN_ACCOUNT',
  DUPLICATE_ACCOUNT: 'CONFLICT',
  WRONG_PROTECTOR: 'WRONG_PASSPHRASE',
  BAD_INPUT: 'BAD_INPUT',
  // The CA's answer failed a check; fromCa() reads a refused secret or an unreachable CA out of its text.
  BAD_ENROLLMENT: 'CA_REFUSED',
  DIRECTORY_FAILED: 'NETWORK_UNAVAILABLE',
  KEY_RECOVERY_PENDING: 'KEY_RECOVERY_PENDING',
} as const satisfies Record<WalletErrorCode, ApiErrorCode>;

export const CA_API_CODES = {
  CA_UNREACHABLE: 'CA_UNREACHABLE',
  CA_REFUSED: 'CA_REFUSED',
  CA_BAD_RESPONSE: 'CA_REFUSED',
  BAD_INPUT: 'BAD_INPUT',
} as const satisfies Record<CaErrorCode, ApiErrorCode>;

export const CRYPTO_API_CODES = {
  BAD_INPUT: 'BAD_INPUT',
  BAD_SIGNATURE: 'VERIFY_FAILED',
  NO_SENDER_KEY: 'VERIFY_FAILED',
  DECRYPT_FAILED: 'DECRYPT_FAILED',
  UNWRAP_FAILED: 'DECRYPT_FAILED',
  TRUNCATED: 'DECRYPT_FAILED',
  TAMPERED: 'VERIFY_FAILED',
} as const satisfies Record<CryptoErrorCode, ApiErrorCode>;

export const STORE_API_CODES = {
  WRONG_KEY: 'WRONG_PASSPHRASE',
  CORRUPT: 'INTERNAL',
  UNSUPPORTED_VERSION: 'INTERNAL',
  KEY_MISSING: 'INTERNAL',
  BAD_INPUT: 'BAD_INPUT',
  NOT_FOUND: 'NOT_FOUND',
  KEY_CHANGED: 'KEY_CHANGED',
  BAD_STATE: 'INTERNAL',
  CLOSED: 'NETWORK_UNAVAILABLE',
} as const satisfies Record<StoreErrorCode, ApiErrorCode>;

export const MEMBER_KEY_API_CODES = {
  MEMBER_DISABLED: 'DISABLED',
  // Someone who never signed in has no keys to wrap a group key for.
  NO_KEYS: 'UNKNOWN_USER',
  MALFORMED_KEY: 'INTERNAL',
} as const satisfies Record<MemberKeyErrorCode, ApiErrorCode>;

export const PROFILE_API_CODES = {
  NOT_FOUND: 'PROFILE_INVALID',
  UNREADABLE: 'PROFILE_INVALID',
  TOO_LARGE: 'PROFILE_INVALID',
  BAD_JSON: 'PROFILE_INVALID',
  UNSUPPORTED_FORMAT: 'PROFILE_INVALID',
  MISSING_FIELD: 'PROFILE_INVALID',
  BAD_FIELD: 'PROFILE_INVALID',
  UNKNOWN_FIELD: 'PROFILE_INVALID',
  MISSING_ORG: 'PROFILE_INVALID',
  DUPLICATE_ORG: 'PROFILE_INVALID',
  BAD_PEM: 'PROFILE_INVALID',
  BAD_ENDPOINT: 'PROFILE_INVALID',
  BAD_URL: 'PROFILE_INVALID',
} as const satisfies Record<ProfileErrorCode, ApiErrorCode>;

/**
 * What fabric-ca says, in the words a person needs: its refusals carry no
 * code the SDK exposes, only text (a wrong secret, a revoked or expired
 * identity, a connection that failed).
 */
function fromCaText(text: string): ApiErrorCode | null {
  if (/Authentication failure|Authorization failure|Incorrect password|secret.*(invalid|incorrect)/i.test(text)) {
    return 'WRONG_SECRET';
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|CA unreachable/i.test(text))
    return 'CA_UNREACHABLE';
  if (/revoked/i.test(text)) return 'CERT_REVOKED';
  if (/expired|not valid after/i.test(text)) return 'CERT_EXPIRED';
  return null;
}

/** A failure the CA answered: its text names the cause when there is one, else the class's code. */
function fromCa(code: ApiErrorCode, message: string): ApiErrorCode {
  return code === 'CA_REFUSED' || code === 'CA_UNREACHABLE' ? (fromCaText(message) ?? code) : code;
}

const KNOWN: ReadonlySet<string> = new Set(API_ERROR_CODES);

/** The API code of an error of one of the Node side's classes; null for anything else. */
function codeOf(error: unknown, message: string): ApiErrorCode | null {
  if (error instanceof SessionError || error instanceof SettingsError || error instanceof ContactError) {
    return error.code;
  }
  if (error instanceof ServiceError || error instanceof ComplianceError || error instanceof HeldForKeyChange) {
    return error.code;
  }
  // Messaging's codes name their cause; the class says how each reads (a total map).
  if (error instanceof MessagingError) return error.apiCode;
  if (error instanceof ProfileError) return PROFILE_API_CODES[error.code];
  if (error instanceof WalletError) return fromCa(WALLET_API_CODES[error.code], message);
  if (error instanceof CaError) return fromCa(CA_API_CODES[error.code], message);
  if (error instanceof AdminError) {
    // The CA refuses a revoked registrar's request as "forbidden", saying why only in text.
    if (error.code === 'FORBIDDEN' && /revoked/i.test(message)) return 'CERT_REVOKED';
    return fromCa(error.code, message);
  }
  if (error instanceof LedgerError) return ledgerApiCode(error.code, message);
  if (error instanceof DirectoryError) return error.code === null ? 'INTERNAL' : ledgerApiCode(error.code, message);
  if (error instanceof CryptoError) return CRYPTO_API_CODES[error.code];
  if (error instanceof StoreError) return STORE_API_CODES[error.code];
  if (error instanceof MemberKeyError) return MEMBER_KEY_API_CODES[error.code];
  return null;
}

/** Another class whose `code` is an API code already (the messaging modules' own). */
function ownApiCode(error: unknown): ApiErrorCode | null {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && KNOWN.has(code) ? (code as ApiErrorCode) : null;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ZodError) {
    return { code: 'BAD_INPUT', message: error.issues[0]?.message ?? 'invalid input' };
  }
  const message = error instanceof Error ? error.message : String(error);
  // For BAD_INPUT: the field and limit, as the argument schema found them.
  if (error instanceof ServiceError && error.detail) return { code: error.code, message, detail: error.detail };
  const code = codeOf(error, message) ?? ownApiCode(error);
  if (code) return { code, message };
  // A gateway error no module wrapped: only the peers' refusal of the identity is named.
  if (classifyEndorseError(error).kind === 'denied') {
    return { code: ledgerApiCode('ACCESS_DENIED', gatewayErrorText(error)), message };
  }
  return { code: 'INTERNAL', message };
}
