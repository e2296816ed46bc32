import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AccessRecord, ApiError } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';
import { Badge, Button, EmptyState, ErrorText, Spinner } from '../../components/ui';
import { userLabel } from '../../components/ui/user-id';
import { formatTime } from './format';
import { deniedReason, mergeAccessRecords, timelineCounts } from './timeline';

/** "Who accessed my data": every opening and every refused attempt on one item, live. */
export function AccessTimeline({ itemId }: { readonly itemId: string }) {
  const { t, i18n } = useTranslation('sharing');
  const api = useApi();
  const [records, setRecords] = useState<AccessRecord[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  // Once older pages are loaded, a refetch of the newest page keeps their cursor.
  const olderLoaded = useRef(false);

  const load = useCallback(
    async (cursor?: string) => {
      setLoading(true);
      const result = await api.accessHistory(cursor ? { itemId, cursor } : { itemId });
      setLoading(false);
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      setRecords((current) => mergeAccessRecords(current ?? [], result.value.items));
      if (cursor) olderLoaded.current = true;
      if (cursor || !olderLoaded.current) setNext(result.value.next);
    },
    [api, itemId],
  );

  useEffect(() => {
    olderLoaded.current = false;
    setRecords(null);
    setNext(undefined);
    void load();
  }, [load]);

  // An access or a refusal happened just now: fetch the newest page again.
  useApiEvent('access', (event) => {
    if (event.itemId === itemId) void load();
  });

  const counts = records ? timelineCounts(records) : null;
  return (
    <section className="card" aria-labelledby="timeline-title">
      <div className="card-title-row">
        <h3 id="timeline-title" className="card-title">
          {t('timeline.title')}
        </h3>
        <Button size="sm" variant="ghost" onClick={() => void load()} busy={loading}>
          {t('refresh')}
        </Button>
      </div>
      <p className="form-help">{t('timeline.help')}</p>
      {counts ? (
        <p className="timeline-summary" data-testid="timeline-summary">
          {t('timeline.summary', { ok: counts.ok, denied: counts.denied, people: counts.people })}
        </p>
      ) : null}
      <ErrorText error={error} onRetry={() => void load()} />
      {records === null && !error ? <Spinner /> : null}
      {records !== null && records.length === 0 ? <EmptyState title={t('timeline.empty')} /> : null}
      {records && records.length > 0 ? (
        <ol className="timeline" aria-label={t('timeline.title')} data-testid="access-timeline">
          {records.map((record) => (
            <li key={record.txId} className="timeline-entry" data-outcome={record.outcome}>
              <span className="timeline-dot" aria-hidden="true" />
              <div className="timeline-body">
                <div className="row">
                  <strong>{userLabel(record.accessor)}</strong>
                  <Badge tone={record.outcome === 'ok' ? 'success' : 'danger'}>
                    {record.outcome === 'ok' ? t('timeline.opened') : t('timeline.refused')}
                  </Badge>
                </div>
                {record.outcome === 'denied' ? (
                  <p className="timeline-reason">
                    {t(`denied.${deniedReason(record.code)}`, { code: record.code ?? '' })}
                  </p>
                ) : null}
                <time className="muted" dateTime={new Date(record.time).toISOString()}>
                  {formatTime(record.time, i18n.language)}
                </time>
              </div>
            </li>
          ))}
        </ol>
      ) : null}
      {next ? (
        <Button size="sm" onClick={() => void load(next)} busy={loading}>
          {t('timeline.older')}
        </Button>
      ) : null}
    </section>
  );
}
