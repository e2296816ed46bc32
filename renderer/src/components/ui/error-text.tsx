import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from '../../../../electron/src/common/api';

// Every API failure shown to a person goes through here: the code becomes a
// translated sentence; the technical detail stays available, but secondary.

const KNOWN: ReadonlySet<string> = new Set(API_ERROR_CODES);

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/** (error or code) → a plain sentence in the current language. */
export function useErrorSentence(): (error: ApiError | ApiErrorCode) => string {
  const { t } = useTranslation('errors');
  return useCallback(
    (error: ApiError | ApiErrorCode) => {
      const code = typeof error === 'string' ? error : error.code;
      return t(isApiErrorCode(code) ? code : 'INTERNAL');
    },
    [t],
  );
}

export function ErrorText({
  error,
  onRetry,
}: {
  readonly error: ApiError | null | undefined;
  readonly onRetry?: () => void;
}) {
  const sentence = useErrorSentence();
  const { t } = useTranslation('ui');
  if (!error) return null;
  return (
    <div className="error-text" role="alert">
      <span>{sentence(error)}</span>
      {onRetry ? (
        <button type="button" className="btn btn-link btn-sm" onClick={onRetry}>
          {t('retry')}
        </button>
      ) : null}
      {error.message ? <span className="error-detail" title={error.message} data-code={error.code} /> : null}
    </div>
  );
}
