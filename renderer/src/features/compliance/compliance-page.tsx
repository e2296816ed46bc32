import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFilter, AuditRecordView } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import {
  Badge,
  Button,
  EmptyState,
  ErrorText,
  Field,
  Input,
  Select,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
  useToast,
} from '../../components/ui';
import { downloadText } from '../../components/ui/download';
import { useCall } from '../../components/ui/use-call';
import { userLabel } from '../../components/ui/user-id';
import { hasRole } from '../../lib/roles';
import { toLocalInputValue } from '../../lib/expiry';
import { ActivityChart } from './activity-chart';
import { chooseUnit, type BucketUnit } from './bucketing';
import { EXPORT_MIME, exportFileName } from './export-file';
import { actionKey, checkFilter, KNOWN_ACTIONS, type FilterDraft, type FilterField } from './filter';
import { KeyChangeApprovals } from './key-change-approvals';
import { VerifyPanel } from './verify-panel';
import { useClock } from '../../lib/clock';
import { formatTime } from '../../lib/format';

const PAGE_SIZE = 50;
const WEEK = 7 * 24 * 3600_000;

/** The audit trail for compliance officers. No message content exists here, by design. */
export function CompliancePage() {
  const { t } = useTranslation('compliance');
  const session = useSession();
  if (!hasRole(session, 'compliance')) {
    return (
      <section className="feature-page" aria-labelledby="compliance-title">
        <h1 id="compliance-title">{t('title')}</h1>
        <EmptyState title={t('complianceOnly')}>{t('complianceOnlyHelp')}</EmptyState>
      </section>
    );
  }
  return <AuditTrail />;
}

function initialDraft(now: number): FilterDraft {
  return {
    from: toLocalInputValue(now - WEEK),
    to: '',
    actor: '',
    action: '',
    target: '',
    outcome: '',
  };
}

function AuditTrail() {
  const { t, i18n } = useTranslation('compliance');
  const api = useApi();
  const toast = useToast();
  const query = useCall();
  const exporting = useCall();
  const clock = useClock();
  const [draft, setDraft] = useState<FilterDraft>(() => initialDraft(clock()));
  const [errors, setErrors] = useState<FilterField[]>([]);
  const [applied, setApplied] = useState<AuditFilter | null>(null);
  const [records, setRecords] = useState<AuditRecordView[]>([]);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [unit, setUnit] = useState<BucketUnit>('hour');
  const [lastExport, setLastExport] = useState<{ name: string; content: string } | null>(null);

  const set = (patch: Partial<FilterDraft>) => setDraft((d) => ({ ...d, ...patch }));

  const search = async () => {
    const check = checkFilter(draft, clock());
    if (!check.ok) {
      setErrors(check.errors);
      return;
    }
    setErrors([]);
    const filter = check.filter;
    const result = await query.run(() => api.auditQuery({ ...filter, pageSize: PAGE_SIZE }));
    if (!result.ok) return;
    setApplied(filter);
    setRecords(result.value.items);
    setNext(result.value.next);
    setUnit(chooseUnit(filter.from, filter.to));
  };

  // The last week is shown right away; filters narrow it from there.
  useEffect(() => {
    void search();
    // Once, on opening the page.
  }, []);

  const more = async () => {
    if (!applied || !next) return;
    const cursor = next;
    const result = await query.run(() => api.auditQuery({ ...applied, cursor, pageSize: PAGE_SIZE }));
    if (!result.ok) return;
    setRecords((current) => {
      const seen = new Set(current.map((r) => `${r.txId}:${r.seq}`));
      return [...current, ...result.value.items.filter((r) => !seen.has(`${r.txId}:${r.seq}`))];
    });
    setNext(result.value.next);
  };

  const exportAs = async (format: 'csv' | 'json') => {
    if (!applied) return;
    const filter = applied;
    const result = await exporting.run(() => api.auditExport({ ...filter, format }));
    if (!result.ok) return;
    const name = exportFileName(result.value, clock());
    downloadText(result.value.content, name, EXPORT_MIME[format]);
    if (format === 'json') setLastExport({ name, content: result.value.content });
    toast({ tone: 'success', title: t('export.done', { name, count: result.value.records }) });
  };

  const fieldError = (field: FilterField) => (errors.includes(field) ? t(`filterError.${field}`) : undefined);
  const actionName = (action: string) => t(actionKey(action), { defaultValue: action });

  return (
    <section className="feature-page compliance-page" aria-labelledby="compliance-title">
      <header className="feature-header">
        <h1 id="compliance-title">{t('title')}</h1>
        <p className="feature-lede">{t('lede')}</p>
      </header>
      <KeyChangeApprovals />

      <form
        className="card audit-filters"
        aria-label={t('filters')}
        onSubmit={(event) => {
          event.preventDefault();
          void search();
        }}
      >
        <Field label={t('from')} hint={fieldError('from') ?? fieldError('range')}>
          {(id) => (
            <Input
              id={id}
              type="datetime-local"
              value={draft.from}
              aria-invalid={errors.includes('from') || errors.includes('range') || undefined}
              onChange={(event) => set({ from: event.target.value })}
              data-testid="filter-from"
            />
          )}
        </Field>
        <Field label={t('to')} hint={fieldError('to') ?? (draft.to ? undefined : t('toNow'))}>
          {(id) => (
            <Input
              id={id}
              type="datetime-local"
              value={draft.to}
              aria-invalid={errors.includes('to') || undefined}
              onChange={(event) => set({ to: event.target.value })}
              data-testid="filter-to"
            />
          )}
        </Field>
        <Field label={t('actor')} hint={fieldError('actor')}>
          {(id) => (
            <Input
              id={id}
              placeholder="Org1MSP::alice"
              value={draft.actor}
              aria-invalid={errors.includes('actor') || undefined}
              onChange={(event) => set({ actor: event.target.value })}
              data-testid="filter-actor"
            />
          )}
        </Field>
        <Field label={t('action')} hint={fieldError('action')}>
          {(id) => (
            <>
              <Input
                id={id}
                list={`${id}-actions`}
                placeholder="message.post"
                value={draft.action}
                aria-invalid={errors.includes('action') || undefined}
                onChange={(event) => set({ action: event.target.value })}
                data-testid="filter-action"
              />
              <datalist id={`${id}-actions`}>
                {KNOWN_ACTIONS.map((action) => (
                  <option key={action} value={action}>
                    {actionName(action)}
                  </option>
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field label={t('target')} hint={fieldError('target')}>
          {(id) => (
            <Input
              id={id}
              value={draft.target}
              onChange={(event) => set({ target: event.target.value })}
              data-testid="filter-target"
            />
          )}
        </Field>
        <Field label={t('outcome')}>
          {(id) => (
            <Select
              id={id}
              value={draft.outcome}
              onValueChange={(value) => set({ outcome: value === 'ok' || value === 'denied' ? value : '' })}
              options={[
                { value: '', label: t('outcomeAny') },
                { value: 'ok', label: t('outcomeOk') },
                { value: 'denied', label: t('outcomeDenied') },
              ]}
            />
          )}
        </Field>
        <div className="audit-filter-actions">
          <Button type="submit" variant="primary" busy={query.pending} data-testid="audit-search">
            {t('search')}
          </Button>
          <Button
            onClick={() => {
              setDraft(initialDraft(clock()));
              setErrors([]);
            }}
          >
            {t('reset')}
          </Button>
        </div>
      </form>
      <ErrorText error={query.error} />

      {applied ? (
        <>
          <ActivityChart records={records} unit={unit} onUnitChange={setUnit} />
          <section className="card" aria-labelledby="trail-title">
            <div className="card-title-row">
              <h2 id="trail-title" className="card-title">
                {t('trail', { count: records.length })}
              </h2>
              <div className="row">
                <Button
                  size="sm"
                  busy={exporting.pending}
                  onClick={() => void exportAs('csv')}
                  data-testid="export-csv"
                >
                  {t('export.csv')}
                </Button>
                <Button
                  size="sm"
                  busy={exporting.pending}
                  onClick={() => void exportAs('json')}
                  data-testid="export-json"
                >
                  {t('export.json')}
                </Button>
              </div>
            </div>
            <p className="form-help">{t('export.help')}</p>
            <ErrorText error={exporting.error} />
            {records.length === 0 ? (
              <EmptyState title={t('empty')}>{t('emptyHelp')}</EmptyState>
            ) : (
              <Table aria-label={t('trailLabel')} data-testid="audit-table">
                <THead>
                  <Tr>
                    <Th>{t('table.time')}</Th>
                    <Th>{t('table.actor')}</Th>
                    <Th>{t('table.action')}</Th>
                    <Th>{t('table.target')}</Th>
                    <Th>{t('table.outcome')}</Th>
                    <Th>{t('table.tx')}</Th>
                  </Tr>
                </THead>
                <TBody>
                  {newestFirst(records).map((record) => (
                    <Tr key={`${record.txId}:${record.seq}`} data-action={record.action} data-actor={record.actor}>
                      <Td>
                        {formatTime(record.time, i18n.language)}
                        {record.edge ? (
                          <>
                            {' '}
                            <Badge tone="warning" title={t('edgeHelp')}>
                              {t('edge')}
                            </Badge>
                          </>
                        ) : null}
                      </Td>
                      <Td>{userLabel(record.actor)}</Td>
                      <Td>
                        {actionName(record.action)}
                        <br />
                        <span className="muted mono">{record.action}</span>
                      </Td>
                      <Td className="mono audit-target">{record.target}</Td>
                      <Td>
                        <Badge tone={record.outcome === 'denied' ? 'danger' : 'success'}>
                          {record.outcome === 'denied' ? t('outcomeDenied') : t('outcomeOk')}
                        </Badge>
                      </Td>
                      <Td className="mono" title={record.txId}>
                        {record.txId.slice(0, 10)}…
                      </Td>
                    </Tr>
                  ))}
                </TBody>
              </Table>
            )}
            {next ? (
              <div className="form-actions">
                <Button onClick={() => void more()} busy={query.pending} data-testid="audit-more">
                  {t('more')}
                </Button>
              </div>
            ) : null}
          </section>
        </>
      ) : (
        <p className="muted">{t('start')}</p>
      )}
      <VerifyPanel lastExport={lastExport} />
    </section>
  );
}

/** The trail as people read it: the latest first (the ledger pages oldest first; the block order breaks ties). */
function newestFirst(records: readonly AuditRecordView[]): AuditRecordView[] {
  return records
    .map((record, index) => ({ record, index }))
    .sort((a, b) => b.record.time - a.record.time || b.index - a.index)
    .map((x) => x.record);
}
