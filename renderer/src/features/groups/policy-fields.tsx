import { DEFAULT_GROUP_POLICY } from '@ktalk/protocol/group-roles';
import { useTranslation } from 'react-i18next';
import type { GroupPolicy, WhoCan } from '../../../../electron/src/common/api';
import { Field, Select, Switch } from '../../components/ui';

/** Retention choices offered (seconds; 0 = keep). A policy set elsewhere to another value is kept as is. */
export const RETENTION_PRESETS = [0, 86_400, 7 * 86_400, 30 * 86_400, 90 * 86_400] as const;

export const DEFAULT_POLICY: GroupPolicy = DEFAULT_GROUP_POLICY;

const WHO: readonly WhoCan[] = ['members', 'admins'];

export function PolicyFields({
  policy,
  onChange,
  disabled,
}: {
  readonly policy: GroupPolicy;
  readonly onChange: (policy: GroupPolicy) => void;
  readonly disabled?: boolean;
}) {
  const { t } = useTranslation('groups');
  const retentionOptions: number[] = [...RETENTION_PRESETS];
  if (!retentionOptions.includes(policy.retentionSeconds)) retentionOptions.push(policy.retentionSeconds);
  return (
    <fieldset className="fieldset" disabled={disabled}>
      <legend>{t('policy')}</legend>
      <Field label={t('whoCanPost')}>
        {(id) => (
          <Select
            id={id}
            value={policy.whoCanPost}
            onValueChange={(v) => onChange({ ...policy, whoCanPost: v as WhoCan })}
            options={WHO.map((w) => ({ value: w, label: t(`who.${w}`) }))}
          />
        )}
      </Field>
      <Field label={t('whoCanInvite')}>
        {(id) => (
          <Select
            id={id}
            value={policy.whoCanInvite}
            onValueChange={(v) => onChange({ ...policy, whoCanInvite: v as WhoCan })}
            options={WHO.map((w) => ({ value: w, label: t(`who.${w}`) }))}
          />
        )}
      </Field>
      <Field label={t('retention')} hint={t('retentionHint')}>
        {(id, hint) => (
          <Select
            id={id}
            aria-describedby={hint}
            value={String(policy.retentionSeconds)}
            onValueChange={(v) => onChange({ ...policy, retentionSeconds: Number(v) })}
            options={retentionOptions.map((s) => ({
              value: String(s),
              label: s === 0 ? t('keepForever') : t('retentionDays', { count: Math.round((s / 86_400) * 10) / 10 }),
            }))}
          />
        )}
      </Field>
      <div className="row">
        <Switch
          id="policy-payments"
          checked={policy.paymentsAllowed}
          disabled={disabled}
          onCheckedChange={(on) => onChange({ ...policy, paymentsAllowed: on })}
        />
        <label htmlFor="policy-payments">{t('paymentsAllowed')}</label>
      </div>
      <div className="row">
        <Switch
          id="policy-cross-org"
          checked={policy.crossOrg}
          disabled={disabled}
          onCheckedChange={(on) => onChange({ ...policy, crossOrg: on })}
        />
        <label htmlFor="policy-cross-org">{t('crossOrg')}</label>
      </div>
    </fieldset>
  );
}
