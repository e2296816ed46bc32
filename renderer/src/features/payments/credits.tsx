import { useTranslation } from 'react-i18next';
import { formatCredits } from './money';

/** An amount as people read it: "1,234.56 credits". */
export function Credits({ minor, signed }: { readonly minor: number; readonly signed?: boolean }) {
  const { t, i18n } = useTranslation('payments');
  const text = formatCredits(minor, i18n.language);
  return (
    <span className="credits">
      {signed && minor > 0 ? '+' : ''}
      {t('creditsAmount', { amount: text })}
    </span>
  );
}
