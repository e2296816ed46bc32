import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { API_ERROR_CODES, type ApiError, type ApiErrorCode } from '../../../../electron/src/common/api';
import { fieldKey, ruleKey } from '../../i18n/input-problems';
import { formatBytes, formatNumber } from '../../lib/format';

// Every API failure shown to a person goes through here: the code becomes a
// translated sentence; the technical detail stays available, but secondary.

const KNOWN: ReadonlySet<string> = new Set(API_ERROR_CODES);

export function isApiErrorCode(value: unknown): value is ApiErrorCode {
  return typeof value === 'string' && KNOWN.has(value);
}

/** (error or code) → a plain sentence in the current language; BAD_INPUT names its field and limit when known. */
export function useErrorSentence(): (error: ApiError | ApiErrorCode) => string {
  const { t, i18n } = useTranslation('errors');
  return useCallback(
    (error: ApiError | ApiErrorCode) => {
      const code = typeof error === 'string' ? error : error.code;
      const detail = typeof error === 'string' ? undefined : error.detail;
      if (code === 'BAD_INPUT' && detail) {
        const limit = detail.limit ?? 0;
        return t(`input.rule.${ruleKey(detail)}`, {
          field: t(`input.field.${fieldKey(detail.field)}`),
          limit: formatNumber(limit, i18n.language),
          size: formatBytes(limit, i18n.language),
        });
      }
      return t(isApiErrorCode(code) ? code : 'INTERNAL');
    },
    [t, i18n.language],
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
