import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConversationSummary, Grantee } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { Field, Input, PeoplePicker, Select, Switch } from '../../components/ui';
import { USER_ID_PATTERN, userLabel } from '../../components/ui/user-id';
import {
  EXPIRY_PRESETS,
  resolveExpiry,
  toLocalInputValue,
  type ExpiryPreset,
  type ExpiryResult,
} from '../../lib/expiry';
import { useClock } from '../../lib/clock';

// Who gets access, until when, and whether they may pass it on: the part of
// "share" and "add access" that is the same.

export interface GrantDraft {
  readonly kind: 'user' | 'group';
  readonly userId: string;
  readonly groupId: string;
  readonly preset: ExpiryPreset;
  readonly custom: string;
  readonly canReshare: boolean;
}

export function emptyDraft(now: number): GrantDraft {
  return {
    kind: 'user',
    userId: '',
    groupId: '',
    preset: '1d',
    custom: toLocalInputValue(now + 24 * 3600_000),
    canReshare: false,
  };
}

export type DraftCheck =
  | { ok: true; grantee: Grantee; expiresAt: number; canReshare: boolean }
  | { ok: false; granteeError?: string; expiryError?: string };

export function checkDraft(draft: GrantDraft, now: number): DraftCheck {
  const expiry: ExpiryResult = resolveExpiry(draft.preset, now, draft.custom);
  const userId = draft.userId.trim();
  const granteeError =
    draft.kind === 'user'
      ? USER_ID_PATTERN.test(userId)
        ? undefined
        : 'granteeUser'
      : draft.groupId
        ? undefined
        : 'granteeGroup';
  if (granteeError || !expiry.ok) {
    return { ok: false, granteeError, expiryError: expiry.ok ? undefined : `expiryError.${expiry.error}` };
  }
  const grantee: Grantee = draft.kind === 'user' ? { kind: 'user', userId } : { kind: 'group', groupId: draft.groupId };
  return { ok: true, grantee, expiresAt: expiry.expiresAt, canReshare: draft.canReshare };
}

function useConversationChoices(): { groups: ConversationSummary[] } {
  const api = useApi();
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  useEffect(() => {
    let live = true;
    void api.listConversations().then((result) => {
      if (live && result.ok) setConversations(result.value);
    });
    return () => {
      live = false;
    };
  }, [api]);
  return { groups: conversations.filter((c) => c.kind === 'group') };
}

export function GranteeFields({
  draft,
  onChange,
  showErrors,
}: {
  readonly draft: GrantDraft;
  readonly onChange: (draft: GrantDraft) => void;
  readonly showErrors: boolean;
}) {
  const { t } = useTranslation('sharing');
  const { groups } = useConversationChoices();
  const clock = useClock();
  const check = checkDraft(draft, clock());
  const granteeError = showErrors && !check.ok && check.granteeError ? t(check.granteeError) : undefined;
  const expiryError = showErrors && !check.ok && check.expiryError ? t(check.expiryError) : undefined;
  const set = (patch: Partial<GrantDraft>) => onChange({ ...draft, ...patch });
  const reshareId = useId();
  return (
    <>
      <Field label={t('shareWith')}>
        {(id) => (
          <div className="preset-row">
            <Select
              id={id}
              value={draft.kind}
              onValueChange={(value) => set({ kind: value === 'group' ? 'group' : 'user' })}
              options={[
                { value: 'user', label: t('kindUser') },
                { value: 'group', label: t('kindGroup') },
              ]}
            />
            {draft.kind === 'user' ? (
              <p className="grantee-chosen" data-testid="grantee-chosen" aria-live="polite">
                {draft.userId ? t('sharingWith', { name: userLabel(draft.userId) }) : t('pickPerson')}
              </p>
            ) : (
              <Select
                aria-label={t('group')}
                value={draft.groupId}
                onValueChange={(value) => set({ groupId: value })}
                options={[
                  { value: '', label: groups.length ? t('pickGroup') : t('noGroups') },
                  ...groups.map((g) => ({ value: g.id, label: g.title })),
                ]}
              />
            )}
          </div>
        )}
      </Field>
      {draft.kind === 'user' ? (
        // The same people picker as chats: from the directory, by organisation, no raw ids to type.
        <PeoplePicker
          selected={draft.userId ? [draft.userId] : []}
          onToggle={(userId) => set({ userId })}
          multiple={false}
        />
      ) : null}
      {granteeError ? (
        <p className="field-error" role="alert">
          {granteeError}
        </p>
      ) : null}
      <Field label={t('expires')} hint={t('expiresHint')}>
        {(id) => (
          <div className="preset-row">
            <Select
              id={id}
              value={draft.preset}
              onValueChange={(value) => set({ preset: EXPIRY_PRESETS.find((p) => p === value) ?? '1d' })}
              options={EXPIRY_PRESETS.map((p) => ({ value: p, label: t(`preset.${p}`) }))}
              data-testid="expiry-preset"
            />
            {draft.preset === 'custom' ? (
              <Input
                type="datetime-local"
                aria-label={t('customExpiry')}
                value={draft.custom}
                onChange={(event) => set({ custom: event.target.value })}
              />
            ) : null}
          </div>
        )}
      </Field>
      {expiryError ? (
        <p className="field-error" role="alert">
          {expiryError}
        </p>
      ) : null}
      <div className="row">
        <Switch
          id={reshareId}
          checked={draft.canReshare}
          onCheckedChange={(checked) => set({ canReshare: checked })}
          aria-label={t('canReshare')}
        />
        <label htmlFor={reshareId}>{t('canReshare')}</label>
      </div>
      <p className="form-help">{draft.canReshare ? t('canReshareOn') : t('canReshareOff')}</p>
    </>
  );
}
