import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, GroupDetails, GroupPolicy, GroupRole, Result } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import { Icon } from '../../components/ui/icons';
import { displayName } from '../../lib/names';
import { Badge, Button, ConfirmDialog, Dialog, ErrorText, PeoplePicker, Select, useToast } from '../../components/ui';
import { PolicyFields } from './policy-fields';
import { formatTime } from '../../lib/format';

// Members, roles and policy of a group. Every control shown is one the
// caller's role allows (GroupDetails.allowedActions): nothing is offered
// only to be refused by the chaincode.

const ASSIGNABLE: readonly GroupRole[] = ['admin', 'member', 'reader'];

type Pending = { kind: 'remove'; userId: string } | { kind: 'transfer'; userId: string } | { kind: 'leave' } | null;

export function GroupDetailsPane({
  details,
  onChanged,
  onLeft,
  onClose,
}: {
  readonly details: GroupDetails;
  readonly onChanged: (details: GroupDetails) => void;
  readonly onLeft: () => void;
  readonly onClose: () => void;
}) {
  const { t, i18n } = useTranslation('groups');
  const api = useApi();
  const toast = useToast();
  const me = useSession().account?.userId;
  const can = (action: GroupDetails['allowedActions'][number]) => details.allowedActions.includes(action);
  const [error, setError] = useState<ApiError | null>(null);
  const [pending, setPending] = useState<Pending>(null);
  const [busy, setBusy] = useState(false);
  const [inviting, setInviting] = useState(false);
  const [invitees, setInvitees] = useState<string[]>([]);
  const [inviteRole, setInviteRole] = useState<GroupRole>('member');
  const [policy, setPolicy] = useState<GroupPolicy>(details.policy);
  const id = details.conversation.id;
  const policyDirty = JSON.stringify(policy) !== JSON.stringify(details.policy);

  const run = async (call: () => Promise<Result<GroupDetails>>, done?: string) => {
    setBusy(true);
    setError(null);
    const result = await call();
    setBusy(false);
    setPending(null);
    if (!result.ok) return setError(result.error);
    onChanged(result.value);
    setPolicy(result.value.policy);
    if (done) toast({ title: done, tone: 'success' });
  };

  const invite = async () => {
    setBusy(true);
    setError(null);
    let latest: GroupDetails | null = null;
    for (const userId of invitees) {
      const result = await api.addMember({ conversationId: id, userId, role: inviteRole });
      if (!result.ok) {
        setError(result.error);
        break;
      }
      latest = result.value;
    }
    setBusy(false);
    if (latest) {
      onChanged(latest);
      toast({ title: t('invited', { count: invitees.length }), tone: 'success' });
      setInviting(false);
      setInvitees([]);
    }
  };

  const leave = async () => {
    setBusy(true);
    const result = await api.leaveGroup({ conversationId: id });
    setBusy(false);
    setPending(null);
    if (!result.ok) return setError(result.error);
    onLeft();
  };

  const summary = details.conversation;

  return (
    <aside className="group-details stack" aria-label={t('detailsTitle')}>
      <div className="row">
        <h2>{t('detailsTitle')}</h2>
        <div className="spacer" />
        <Button variant="ghost" size="icon" aria-label={t('ui:close')} onClick={onClose}>
          ×
        </Button>
      </div>
      <ErrorText error={error} />

      <section className="stack" aria-labelledby="group-key">
        <h3 id="group-key">{t('encryption')}</h3>
        <p>
          <Badge tone="info">{t('epoch', { epoch: summary.epoch })}</Badge>
        </p>
        {details.epochChangedAt ? (
          <p className="field-hint">{t('epochChanged', { time: formatTime(details.epochChangedAt, i18n.language) })}</p>
        ) : null}
        {summary.rekeyRequired ? (
          <p className="banner banner-warning" role="status">
            <Icon name="warning" size={16} /> {t('rekeyRequired')}
          </p>
        ) : null}
      </section>

      <section className="stack" aria-labelledby="group-members">
        <div className="row">
          <h3 id="group-members">{t('membersCount', { count: details.members.length })}</h3>
          <div className="spacer" />
          {can('invite') ? (
            <Button size="sm" onClick={() => setInviting(true)} data-testid="invite">
              {t('invite')}
            </Button>
          ) : null}
        </div>
        <ul className="member-list">
          {details.members.map((member) => {
            const isMe = member.userId === me;
            const isOwner = member.role === 'owner';
            return (
              <li key={member.userId} className="member" data-user={member.userId}>
                <span className="member-name">
                  {displayName(member.userId)}
                  {isMe ? <span className="muted"> {t('you')}</span> : null}
                </span>
                {can('changeRole') && !isOwner && !isMe ? (
                  <Select
                    className="member-role"
                    aria-label={t('roleOf', { name: displayName(member.userId) })}
                    value={member.role}
                    disabled={busy}
                    onValueChange={(role) =>
                      void run(() =>
                        api.changeRole({ conversationId: id, userId: member.userId, role: role as GroupRole }),
                      )
                    }
                    options={ASSIGNABLE.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
                  />
                ) : (
                  <Badge tone={isOwner ? 'info' : 'neutral'}>{t(`roles.${member.role}`)}</Badge>
                )}
                {can('transferOwnership') && !isOwner && !isMe ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setPending({ kind: 'transfer', userId: member.userId })}
                  >
                    {t('makeOwner')}
                  </Button>
                ) : null}
                {can('remove') && !isOwner && !isMe ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    aria-label={t('removeMember', { name: displayName(member.userId) })}
                    onClick={() => setPending({ kind: 'remove', userId: member.userId })}
                  >
                    {t('remove')}
                  </Button>
                ) : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="stack">
        <PolicyFields policy={policy} onChange={setPolicy} disabled={!can('updatePolicy') || busy} />
        {can('updatePolicy') && policyDirty ? (
          <div className="row">
            <Button onClick={() => setPolicy(details.policy)}>{t('ui:cancel')}</Button>
            <Button
              variant="primary"
              busy={busy}
              onClick={() => void run(() => api.updatePolicy({ conversationId: id, policy }), t('policySaved'))}
            >
              {t('savePolicy')}
            </Button>
          </div>
        ) : null}
        {!can('updatePolicy') ? <p className="field-hint">{t('policyReadOnly')}</p> : null}
      </section>

      {can('leave') ? (
        <Button variant="danger" onClick={() => setPending({ kind: 'leave' })}>
          {t('leave')}
        </Button>
      ) : null}

      <Dialog
        open={inviting}
        onOpenChange={setInviting}
        title={t('inviteTitle', { title: summary.title })}
        description={t('inviteHint')}
        wide
        footer={
          <>
            <Select
              aria-label={t('inviteRole')}
              value={inviteRole}
              onValueChange={(r) => setInviteRole(r as GroupRole)}
              options={ASSIGNABLE.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
            />
            <Button onClick={() => setInviting(false)}>{t('ui:cancel')}</Button>
            <Button variant="primary" busy={busy} disabled={invitees.length === 0} onClick={() => void invite()}>
              {t('inviteConfirm', { count: invitees.length })}
            </Button>
          </>
        }
      >
        {inviting ? (
          <PeoplePicker
            multiple
            selected={invitees}
            exclude={details.members.map((m) => m.userId)}
            onToggle={(userId) =>
              setInvitees((list) => (list.includes(userId) ? list.filter((x) => x !== userId) : [...list, userId]))
            }
          />
        ) : null}
        <ErrorText error={error} />
      </Dialog>

      <ConfirmDialog
        open={pending !== null}
        onOpenChange={(open) => !open && setPending(null)}
        busy={busy}
        danger={pending?.kind !== 'transfer'}
        title={
          pending?.kind === 'remove'
            ? t('removeTitle', { name: displayName(pending.userId) })
            : pending?.kind === 'transfer'
              ? t('transferTitle', { name: displayName(pending.userId) })
              : t('leaveTitle')
        }
        description={
          pending?.kind === 'remove'
            ? t('removeBody')
            : pending?.kind === 'transfer'
              ? t('transferBody')
              : t('leaveBody')
        }
        confirmLabel={
          pending?.kind === 'remove' ? t('remove') : pending?.kind === 'transfer' ? t('makeOwner') : t('leave')
        }
        onConfirm={() => {
          if (pending?.kind === 'remove')
            void run(() => api.removeMember({ conversationId: id, userId: pending.userId }), t('removed'));
          else if (pending?.kind === 'transfer')
            void run(() => api.transferOwnership({ conversationId: id, userId: pending.userId }), t('transferred'));
          else void leave();
        }}
      />
    </aside>
  );
}
