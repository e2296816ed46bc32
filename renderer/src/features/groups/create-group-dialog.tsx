import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ConversationSummary, GroupPolicy } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { displayName } from '../../lib/names';
import { Badge, Button, Dialog, ErrorText, Field, Input, PeoplePicker } from '../../components/ui';
import { DEFAULT_POLICY, PolicyFields } from './policy-fields';

export function CreateGroupDialog({
  open,
  onOpenChange,
  onCreated,
}: {
  readonly open: boolean;
  readonly onOpenChange: (open: boolean) => void;
  readonly onCreated: (conversation: ConversationSummary) => void;
}) {
  const { t } = useTranslation('groups');
  const api = useApi();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [policy, setPolicy] = useState<GroupPolicy>(DEFAULT_POLICY);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const reset = () => {
    setTitle('');
    setMembers([]);
    setPolicy(DEFAULT_POLICY);
    setError(null);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    setBusy(true);
    const result = await api.createGroup({ title: title.trim(), members, policy });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    reset();
    onOpenChange(false);
    onCreated(result.value);
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange} title={t('newGroup')} description={t('newGroupHint')} wide>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <Field label={t('groupTitle')}>
          {(id) => (
            <Input
              id={id}
              name="title"
              required
              maxLength={120}
              value={title}
              onChange={(e) => setTitle(e.target.value)}
            />
          )}
        </Field>
        <div className="stack">
          <span className="label">{t('members')}</span>
          {members.length ? (
            <div className="row wrap" aria-live="polite">
              {members.map((m) => (
                <Badge key={m} tone="info">
                  {displayName(m)}
                </Badge>
              ))}
            </div>
          ) : (
            <p className="field-hint">{t('pickMembers')}</p>
          )}
          {open ? (
            <PeoplePicker
              multiple
              selected={members}
              onToggle={(id) =>
                setMembers((list) => (list.includes(id) ? list.filter((m) => m !== id) : [...list, id]))
              }
            />
          ) : null}
        </div>
        <PolicyFields policy={policy} onChange={setPolicy} />
        <ErrorText error={error} />
        <div className="dialog-footer">
          <Button onClick={() => onOpenChange(false)}>{t('ui:cancel')}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!title.trim()}>
            {t('create')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
