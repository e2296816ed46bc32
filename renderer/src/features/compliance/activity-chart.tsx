import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from 'recharts';
import type { AuditRecordView } from '../../../../electron/src/common/api';
import { Select } from '../../components/ui';
import { bucketActivity, type BucketUnit } from './bucketing';

/** Activity over time from the records fetched so far: accepted and refused, per hour or day. */
export function ActivityChart({
  records,
  unit,
  onUnitChange,
}: {
  readonly records: readonly AuditRecordView[];
  readonly unit: BucketUnit;
  readonly onUnitChange: (unit: BucketUnit) => void;
}) {
  const { t, i18n } = useTranslation('compliance');
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(720);
  useEffect(() => {
    const element = box.current;
    if (!element || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(280, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const buckets = bucketActivity(records, unit);
  const label = (start: number) =>
    new Date(start).toLocaleString(
      i18n.language,
      unit === 'day' ? { month: 'short', day: 'numeric' } : { month: 'short', day: 'numeric', hour: '2-digit' },
    );
  const data = buckets.map((b) => ({ name: label(b.start), ok: b.ok, denied: b.denied }));

  return (
    <section className="card chart-card" aria-labelledby="chart-title">
      <div className="card-title-row chart-title-row">
        <h2 id="chart-title" className="card-title">
          {t('chart.title')}
        </h2>
        <Select
          className="chart-unit"
          aria-label={t('chart.unit')}
          value={unit}
          onValueChange={(value) => onUnitChange(value === 'day' ? 'day' : 'hour')}
          options={[
            { value: 'hour', label: t('chart.hour') },
            { value: 'day', label: t('chart.day') },
          ]}
        />
      </div>
      <p className="form-help">{t('chart.help', { count: records.length })}</p>
      <div ref={box} className="chart-box" data-testid="activity-chart" data-buckets={buckets.length}>
        {data.length === 0 ? (
          <p className="muted">{t('chart.empty')}</p>
        ) : (
          <BarChart width={width} height={220} data={data} accessibilityLayer maxBarSize={56}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" tick={{ fontSize: 11 }} minTickGap={12} />
            <YAxis allowDecimals={false} width={36} tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend />
            <Bar
              dataKey="ok"
              name={t('chart.ok')}
              stackId="a"
              fill="#2f5bea"
              className="bar-ok"
              isAnimationActive={false}
            />
            <Bar
              dataKey="denied"
              name={t('chart.denied')}
              stackId="a"
              fill="#c81e1e"
              className="bar-denied"
              isAnimationActive={false}
            />
          </BarChart>
        )}
      </div>
    </section>
  );
}
