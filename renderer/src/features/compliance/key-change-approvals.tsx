import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Contact } from '../../../../electron/src/common/api';
import { useApi, useApiEvent, useSession } from '../../api/context';
import { Button, ErrorText, useToast } from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { userLabel } from '../../components/ui/user-id';
import { formatTime } from '../../lib/format';

// Key continuity's second party: a user's new keys published without their
// current ones (a lost device, or someone who re-enrolled them) wait for the
// recovery period unless the org's compliance officer approves them after
// checking with the person, out of band, that the change is theirs.

export function KeyChangeApprovals() {
  const { t, i18n } = useTranslation('compliance');
  const api = useApi();
  const session = useSession();
  const toast = useToast();
  const list = useCall();
  const approve = useCall();
  const runList = list.run;
  const [pending, setPending] = useState<Contact[] | null>(null);
  const mspId = session.account?.mspId;
  const me = session.account?.userId;

  const load = useCallback(async () => {
    if (!mspId) return;
    const found: Contact[] = [];
    let cursor: string | undefined;
    do {
      const page = await runList(() => api.listDirectory({ mspId, ...(cursor ? { cursor } : {}) }));
      if (!page.ok) return;
      found.push(...page.value.items.filter((c) => c.pendingKeyChange && c.userId !== me));
      cursor = page.value.next;
    } while (cursor);
    setPending(found);
  }, [api, runList, mspId, me]);

  useEffect(() => {
    void load();
  }, [load]);
  useApiEvent('contactKeyPending', () => void load());
  useApiEvent('contactKeyPendingEnded', () => void load());

  const onApprove = async (userId: string) => {
    const result = await approve.run(() => api.approveKeyChange({ userId }));
    if (!result.ok) return;
    toast({ tone: 'success', title: t('keyChanges.approved', { name: userLabel(userId) }) });
    await load();
  };

  // Shown first on the page, and only while something waits for the officer.
  if (!list.error && !approve.error && (!pending || pending.length === 0)) return null;
  return (
    <section className="card stack" aria-labelledby="key-changes-title" data-testid="key-change-approvals">
      <h2 id="key-changes-title">{t('keyChanges.title')}</h2>
      <p className="field-hint">{t('keyChanges.hint')}</p>
      <ErrorText error={list.error ?? approve.error} onRetry={() => void load()} />
      {pending?.map((c) => (
        <div key={c.userId} className="row key-change-row" data-testid="key-change-request">
          <div className="grow">
            <strong>{userLabel(c.userId)}</strong>
            <div className="muted">
              {t('keyChanges.requested', {
                requested: formatTime(c.pendingKeyChange?.requestedAt ?? 0, i18n.language),
                effective: formatTime(c.pendingKeyChange?.effectiveAt ?? 0, i18n.language),
              })}
            </div>
          </div>
          <Button variant="primary" busy={approve.pending} onClick={() => void onApprove(c.userId)}>
            {t('keyChanges.approve')}
          </Button>
        </div>
      ))}
    </section>
  );
}
