import { ZodError } from 'zod';
import { API_ERROR_CODES, type ApiError, type ApiErrorCode, type InputProblem } from '../../common/api';
import { refinedApiCode } from '../ledger/api-code';
import { MessagingError } from '../messaging/messaging-errors';

// Every failure the Node side can raise, as the UI's typed error. Modules
// throw their own error classes with a `code`; this is the one place that
// knows how those codes read to a user.

export class ServiceError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** For BAD_INPUT: the field and limit, as the argument schema found them. */
    readonly detail?: InputProblem,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The typed detail a module's error carries, if it carries one (both ServiceError classes do). */
function detailOf(error: unknown): { detail: InputProblem } | Record<string, never> {
  const detail = (error as { detail?: unknown } | null)?.detail;
  if (typeof detail !== 'object' || detail === null) return {};
  const { field, rule } = detail as { field?: unknown; rule?: unknown };
  return typeof field === 'string' && typeof rule === 'string' ? { detail: detail as InputProblem } : {};
}

const KNOWN: ReadonlySet<string> = new Set(API_ERROR_CODES);

const ALIASES: Readonly<Record<string, ApiErrorCode>> = {
  UNAVAILABLE: 'NETWORK_UNAVAILABLE',
  UNCERTAIN: 'NETWORK_UNAVAILABLE',
  CLOSED: 'NETWORK_UNAVAILABLE',
  MVCC_CONFLICT: 'CONFLICT',
  DUPLICATE_ACCOUNT: 'CONFLICT',
  ALREADY_EXISTS: 'CONFLICT',
  UNLOCK_FAILED: 'WRONG_PASSPHRASE',
  WRONG_KEY: 'WRONG_PASSPHRASE',
  WRONG_PROTECTOR: 'WRONG_PASSPHRASE',
  TAMPERED: 'VERIFY_FAILED',
  BAD_SIGNATURE: 'VERIFY_FAILED',
  NO_SENDER_KEY: 'VERIFY_FAILED',
  UNWRAP_FAILED: 'DECRYPT_FAILED',
  TRUNCATED: 'DECRYPT_FAILED',
  CA_BAD_RESPONSE: 'CA_REFUSED',
  DIRECTORY_FAILED: 'NETWORK_UNAVAILABLE',
};

/** What fabric-ca and the peers say, in the words a person needs. */
function fromText(text: string): ApiErrorCode | null {
  if (/Authentication failure|Authorization failure|Incorrect password|secret.*(invalid|incorrect)/i.test(text)) {
    return 'WRONG_SECRET';
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|socket hang up|CA unreachable/i.test(text))
    return 'CA_UNREACHABLE';
  if (/revoked/i.test(text)) return 'CERT_REVOKED';
  if (/expired|not valid after/i.test(text)) return 'CERT_EXPIRED';
  return null;
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ZodError) {
    return { code: 'BAD_INPUT', message: error.issues[0]?.message ?? 'invalid input' };
  }
  const message = error instanceof Error ? error.message : String(error);
  // Its codes name their cause; the class says how each reads (a total map).
  if (error instanceof MessagingError) return { code: error.apiCode, message };
  const raw = (error as { code?: unknown } | null)?.code;
  const code = typeof raw === 'string' ? raw : null;
  if (code === 'BAD_ENROLLMENT' || code === 'CA_REFUSED' || code === 'CA_UNREACHABLE') {
    return { code: fromText(message) ?? (code === 'BAD_ENROLLMENT' ? 'CA_REFUSED' : code), message };
  }
  if (code === 'FORBIDDEN' && /revoked/i.test(message)) return { code: 'CERT_REVOKED', message };
  const refined = code ? refinedApiCode(code, message) : null;
  if (refined) return { code: refined, message };
  if (code && KNOWN.has(code)) return { code: code as ApiErrorCode, message, ...detailOf(error) };
  if (code && ALIASES[code]) return { code: ALIASES[code], message };
  const guessed = fromText(message);
  if (guessed === 'CERT_REVOKED' || guessed === 'CERT_EXPIRED') return { code: guessed, message };
  if (code === 'BAD_RESPONSE' || code === 'FAILED' || code === 'INVALID_TRANSACTION') {
    return { code: 'NETWORK_UNAVAILABLE', message };
  }
  return { code: 'INTERNAL', message };
}
