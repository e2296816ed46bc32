import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, Contact, ProfileSummary } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import { Avatar } from './avatar';
import { Badge } from './badge';
import { Button } from './button';
import { ErrorText } from './error-text';
import { Input } from './input';
import { Select } from './select';
import { Spinner } from './spinner';

// People from the chaincode directory, one organization at a time (paged).
// The one people picker: starting a chat (pick one), building or extending a
// group (pick many), and choosing whom to share with.

export function PeoplePicker({
  selected,
  onToggle,
  exclude = [],
  multiple,
}: {
  readonly selected: readonly string[];
  readonly onToggle: (userId: string) => void;
  readonly exclude?: readonly string[];
  readonly multiple: boolean;
}) {
  const { t } = useTranslation('ui');
  const api = useApi();
  const session = useSession();
  const [orgs, setOrgs] = useState<ProfileSummary['organizations']>([]);
  const [mspId, setMspId] = useState(session.account?.mspId ?? '');
  const [contacts, setContacts] = useState<Contact[] | null>(null);
  const [next, setNext] = useState<string | undefined>();
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    void api.listProfiles().then((result) => {
      if (!result.ok) return setError(result.error);
      const profile = result.value.find((p) => p.name === session.account?.profile) ?? result.value[0];
      setOrgs(profile?.organizations ?? []);
    });
  }, [api, session.account?.profile]);

  const load = async (cursor?: string) => {
    const result = await api.listDirectory({ mspId, ...(cursor ? { cursor } : {}) });
    if (!result.ok) return setError(result.error);
    setError(null);
    setContacts((current) => [...(cursor ? (current ?? []) : []), ...result.value.items]);
    setNext(result.value.next);
  };
  useEffect(() => {
    setContacts(null);
    if (mspId) void load();
    // Reload only when the organization changes (load reads mspId from this render).
  }, [mspId]);

  const me = session.account?.userId;
  const shown = (contacts ?? []).filter(
    (c) =>
      c.userId !== me &&
      !exclude.includes(c.userId) &&
      c.enrollmentId.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  return (
    <div className="picker stack">
      <div className="row">
        {orgs.length > 1 ? (
          <Select
            aria-label={t('picker.organization')}
            value={mspId}
            onValueChange={setMspId}
            options={orgs.map((o) => ({ value: o.mspId, label: o.name }))}
          />
        ) : null}
        <Input
          type="search"
          placeholder={t('picker.filter')}
          aria-label={t('picker.filter')}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </div>
      <ErrorText error={error} />
      {contacts === null && !error ? <Spinner /> : null}
      <ul
        className="picker-list"
        aria-label={t('picker.people')}
        aria-multiselectable={multiple || undefined}
        role="listbox"
      >
        {shown.map((contact) => {
          const isSelected = selected.includes(contact.userId);
          const disabled = contact.status === 'disabled';
          return (
            <li
              key={contact.userId}
              role="option"
              aria-selected={isSelected}
              aria-disabled={disabled || undefined}
              tabIndex={disabled ? -1 : 0}
              className="picker-item"
              data-user={contact.userId}
              onClick={() => !disabled && onToggle(contact.userId)}
              onKeyDown={(event) => {
                if (!disabled && (event.key === 'Enter' || event.key === ' ')) {
                  event.preventDefault();
                  onToggle(contact.userId);
                }
              }}
            >
              <Avatar name={contact.enrollmentId} size="sm" />
              <span className="picker-name">{contact.enrollmentId}</span>
              {disabled ? <Badge tone="danger">{t('picker.disabled')}</Badge> : null}
              {contact.keyChanged ? <Badge tone="warning">{t('picker.keyChanged')}</Badge> : null}
              {multiple ? (
                <span className="picker-check" aria-hidden="true">
                  {isSelected ? '✓' : ''}
                </span>
              ) : null}
            </li>
          );
        })}
        {contacts && shown.length === 0 ? <li className="muted picker-empty">{t('picker.nobody')}</li> : null}
      </ul>
      {next ? (
        <Button variant="link" onClick={() => void load(next)}>
          {t('picker.more')}
        </Button>
      ) : null}
    </div>
  );
}
