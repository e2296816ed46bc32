import { useTranslation } from 'react-i18next';

export function Spinner({ label }: { readonly label?: string }) {
  const { t } = useTranslation('ui');
  return (
    <span className="spinner" role="status" aria-label={label ?? t('loading')}>
      <span className="spinner-dot" aria-hidden="true" />
    </span>
  );
}
