import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GrantInfo, Grantee, SharedItem } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import {
  Badge,
  Button,
  ConfirmDialog,
  ErrorText,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { userLabel } from '../../components/ui/user-id';
import { AccessTimeline } from './access-timeline';
import { formatBytes, formatTime } from './format';
import { checkDraft, emptyDraft, GranteeFields, type GrantDraft } from './grantee-fields';
import { useClock } from '../../lib/clock';

const STATE_TONE = { active: 'success', revoked: 'danger', expired: 'warning' } as const;

/** One of my items: who has access (revoke, add), and who accessed it. */
export function ItemDetails({ item }: { readonly item: SharedItem }) {
  const { t, i18n } = useTranslation('sharing');
  const api = useApi();
  const toast = useToast();
  const [grants, setGrants] = useState<GrantInfo[] | null>(null);
  const load = useCall();
  const runLoad = load.run;
  const revoke = useCall();
  const [revoking, setRevoking] = useState<GrantInfo | null>(null);
  const [groupTitles, setGroupTitles] = useState<Map<string, string>>(new Map());

  const reload = useCallback(async () => {
    const result = await runLoad(() => api.listGrants({ itemId: item.itemId }));
    if (result.ok) setGrants(result.value);
  }, [api, item.itemId, runLoad]);

  useEffect(() => {
    setGrants(null);
    void reload();
  }, [reload]);

  useEffect(() => {
    void api.listConversations().then((result) => {
      if (result.ok)
        setGroupTitles(new Map(result.value.filter((c) => c.kind === 'group').map((c) => [c.id, c.title])));
    });
  }, [api]);

  const granteeLabel = (grantee: Grantee) =>
    grantee.kind === 'user'
      ? userLabel(grantee.userId)
      : t('groupGrantee', { title: groupTitles.get(grantee.groupId) ?? grantee.groupId });

  const confirmRevoke = async () => {
    if (!revoking) return;
    const target = revoking;
    const result = await revoke.run(() => api.revokeGrant({ itemId: item.itemId, grantId: target.grantId }));
    setRevoking(null);
    if (result.ok) {
      toast({ tone: 'success', title: t('revoked', { name: granteeLabel(target.grantee) }) });
      await reload();
    }
  };

  return (
    <div className="form-stack" data-testid="item-details">
      <section className="card" aria-labelledby="item-title">
        <h2 id="item-title" className="card-title">
          {item.name}
        </h2>
        <dl className="details-list">
          <dt>{t('size')}</dt>
          <dd>{formatBytes(item.size, i18n.language)}</dd>
          <dt>{t('type')}</dt>
          <dd>{item.mimeType}</dd>
          <dt>{t('created')}</dt>
          <dd>{formatTime(item.createdAt, i18n.language)}</dd>
          <dt>{t('itemId')}</dt>
          <dd>
            <code className="mono" data-testid="item-id">
              {item.itemId}
            </code>{' '}
            <Button size="sm" variant="link" onClick={() => void navigator.clipboard?.writeText(item.itemId)}>
              {t('copy')}
            </Button>
          </dd>
        </dl>
        <p className="form-help">{t('itemIdHelp')}</p>
      </section>

      <section className="card" aria-labelledby="grants-title">
        <div className="card-title-row">
          <h3 id="grants-title" className="card-title">
            {t('grants.title')}
          </h3>
        </div>
        <ErrorText error={load.error} onRetry={() => void reload()} />
        <ErrorText error={revoke.error} />
        {grants === null && !load.error ? <Spinner /> : null}
        {grants && grants.length === 0 ? <p className="muted">{t('grants.none')}</p> : null}
        {grants && grants.length > 0 ? (
          <Table aria-label={t('grants.title')} data-testid="grants-table">
            <THead>
              <Tr>
                <Th>{t('grants.who')}</Th>
                <Th>{t('grants.until')}</Th>
                <Th>{t('grants.reshare')}</Th>
                <Th>{t('grants.state')}</Th>
                <Th>
                  <span className="visually-hidden">{t('grants.actions')}</span>
                </Th>
              </Tr>
            </THead>
            <TBody>
              {grants.map((grant) => (
                <Tr key={grant.grantId} data-state={grant.state}>
                  <Td>
                    {granteeLabel(grant.grantee)}
                    {grant.grantor !== item.owner ? (
                      <span className="muted"> · {t('grants.via', { name: userLabel(grant.grantor) })}</span>
                    ) : null}
                  </Td>
                  <Td>{formatTime(grant.expiresAt, i18n.language)}</Td>
                  <Td>{grant.canReshare ? t('yes') : t('no')}</Td>
                  <Td>
                    <Badge tone={STATE_TONE[grant.state]}>{t(`grantState.${grant.state}`)}</Badge>
                  </Td>
                  <Td>
                    {grant.state === 'active' ? (
                      <Button size="sm" variant="danger" onClick={() => setRevoking(grant)}>
                        {t('revoke')}
                      </Button>
                    ) : null}
                  </Td>
                </Tr>
              ))}
            </TBody>
          </Table>
        ) : null}
        <AddGrant itemId={item.itemId} onAdded={() => void reload()} />
      </section>

      <AccessTimeline itemId={item.itemId} />

      <ConfirmDialog
        open={revoking !== null}
        onOpenChange={(open) => (open ? undefined : setRevoking(null))}
        title={t('revokeTitle')}
        description={t('revokeExplain', { name: revoking ? granteeLabel(revoking.grantee) : '', item: item.name })}
        confirmLabel={t('revoke')}
        danger
        busy={revoke.pending}
        onConfirm={() => void confirmRevoke()}
      />
    </div>
  );
}

function AddGrant({ itemId, onAdded }: { readonly itemId: string; readonly onAdded: () => void }) {
  const { t } = useTranslation('sharing');
  const api = useApi();
  const call = useCall();
  const [open, setOpen] = useState(false);
  const clock = useClock();
  const [draft, setDraft] = useState<GrantDraft>(() => emptyDraft(clock()));
  const [tried, setTried] = useState(false);

  const submit = async () => {
    setTried(true);
    const check = checkDraft(draft, clock());
    if (!check.ok) return;
    const result = await call.run(() =>
      api.grantAccess({ itemId, grantee: check.grantee, expiresAt: check.expiresAt, canReshare: check.canReshare }),
    );
    if (result.ok) {
      setOpen(false);
      setTried(false);
      setDraft(emptyDraft(clock()));
      onAdded();
    }
  };

  if (!open) {
    return (
      <div className="form-actions add-grant-open">
        <Button onClick={() => setOpen(true)}>{t('grants.add')}</Button>
      </div>
    );
  }
  return (
    <form
      className="form-stack add-grant"
      aria-label={t('grants.add')}
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <GranteeFields draft={draft} onChange={setDraft} showErrors={tried} />
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button onClick={() => setOpen(false)}>{t('cancel')}</Button>
        <Button type="submit" variant="primary" busy={call.pending}>
          {t('grants.addAction')}
        </Button>
      </div>
    </form>
  );
}
