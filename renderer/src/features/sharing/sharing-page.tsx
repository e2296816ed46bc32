import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, SharedItem } from '../../../../electron/src/common/api';
import { useApi, useApiEvent } from '../../api/context';
import { EmptyState, ErrorText, Spinner, useToast } from '../../components/ui';
import { formatBytes, formatTime } from './format';
import { ItemDetails } from './item-details';
import { OpenShared } from './open-shared';
import { ShareForm } from './share-form';

export function SharingPage() {
  const { t, i18n } = useTranslation('sharing');
  const api = useApi();
  const toast = useToast();
  const [items, setItems] = useState<SharedItem[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());

  const reload = useCallback(async () => {
    const result = await api.listMyItems();
    if (result.ok) {
      const sorted = [...result.value].sort((a, b) => b.createdAt - a.createdAt);
      setItems(sorted);
      // The newest item is open by default, so its access timeline is one glance away.
      setSelected((current) => current ?? sorted[0]?.itemId ?? null);
      setError(null);
    } else setError(result.error);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Someone opened (or was refused) one of my items: mark it in the list.
  useApiEvent('access', (event) => {
    if (event.itemId !== selected) setFresh((current) => new Set(current).add(event.itemId));
  });

  const onShared = (item: SharedItem) => {
    toast({ tone: 'success', title: t('shared', { name: item.name }) });
    setItems((current) => [item, ...(current ?? []).filter((i) => i.itemId !== item.itemId)]);
    setSelected(item.itemId);
  };

  const current = items?.find((item) => item.itemId === selected) ?? null;
  return (
    <section className="feature-page sharing-page" aria-labelledby="sharing-title">
      <header className="feature-header">
        <h1 id="sharing-title">{t('title')}</h1>
        <p className="feature-lede">{t('lede')}</p>
      </header>
      <div className="feature-grid">
        <div className="form-stack">
          <OpenShared />
          <ShareForm onShared={onShared} />
        </div>
        <div className="form-stack">
          <section className="card" aria-labelledby="items-title">
            <h2 id="items-title" className="card-title">
              {t('myItems')}
            </h2>
            <ErrorText error={error} onRetry={() => void reload()} />
            {items === null && !error ? <Spinner /> : null}
            {items && items.length === 0 ? <EmptyState title={t('noItems')}>{t('noItemsHelp')}</EmptyState> : null}
            {items && items.length > 0 ? (
              <ul className="item-list" aria-label={t('myItems')} data-testid="my-items">
                {items.map((item) => (
                  <li key={item.itemId}>
                    <button
                      type="button"
                      className="item-row"
                      aria-current={item.itemId === selected ? 'true' : undefined}
                      onClick={() => {
                        setSelected(item.itemId);
                        setFresh((set) => {
                          const next = new Set(set);
                          next.delete(item.itemId);
                          return next;
                        });
                      }}
                    >
                      <span className="item-name">{item.name}</span>
                      <span className="muted">
                        {formatBytes(item.size, i18n.language)} · {formatTime(item.createdAt, i18n.language)}
                      </span>
                      {fresh.has(item.itemId) ? (
                        <span className="item-fresh" aria-label={t('newActivity')}>
                          ●
                        </span>
                      ) : null}
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
          </section>
          {current ? <ItemDetails key={current.itemId} item={current} /> : null}
          {items && items.length > 0 && !current ? <p className="muted">{t('pickItem')}</p> : null}
        </div>
      </div>
    </section>
  );
}
