import { useTranslation } from 'react-i18next';
import { Field, Input } from '../../components/ui';
import { parseCredits, type AmountParse } from './money';

/** An amount in credits (two decimals); the parent keeps the text and reads `parseCredits`. */
export function AmountField({
  value,
  onChange,
  showError,
  autoFocus,
}: {
  readonly value: string;
  readonly onChange: (text: string) => void;
  /** Errors show once the user tried to submit or left the field. */
  readonly showError: boolean;
  readonly autoFocus?: boolean;
}) {
  const { t } = useTranslation('payments');
  const parsed: AmountParse = parseCredits(value);
  const error = showError && !parsed.ok ? t(`amountError.${parsed.error}`) : undefined;
  return (
    <Field label={t('amount')} hint={error ?? t('amountHint')}>
      {(id, describedBy) => (
        <div className="pay-amount">
          <Input
            id={id}
            inputMode="decimal"
            autoComplete="off"
            placeholder="0.00"
            value={value}
            autoFocus={autoFocus}
            aria-invalid={error ? true : undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
          />
          <span className="pay-unit" aria-hidden="true">
            {t('credits')}
          </span>
        </div>
      )}
    </Field>
  );
}
