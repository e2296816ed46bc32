import { useTranslation } from 'react-i18next';
import type { RevokeReport } from '../../../../electron/src/common/api';
import { Button } from '../../components/ui';
import { userLabel } from '../../components/ui/user-id';
import { revokeComplete, revokeSteps } from '../../lib/roles';

/** What the revocation did, one step per line, with what a missing step means. */
export function RevokeReportView({ report, onClose }: { readonly report: RevokeReport; readonly onClose: () => void }) {
  const { t } = useTranslation('admin');
  const complete = revokeComplete(report);
  return (
    <section
      className={complete ? 'card revoke-report' : 'card revoke-report revoke-report-partial'}
      aria-labelledby="revoke-report-title"
      data-testid="revoke-report"
      role="status"
    >
      <h2 id="revoke-report-title" className="card-title">
        {complete
          ? t('report.complete', { name: userLabel(report.userId) })
          : t('report.partial', { name: userLabel(report.userId) })}
      </h2>
      <ol className="step-list">
        {revokeSteps(report).map((step) => (
          <li key={step.key} data-step={step.key} data-done={step.done}>
            <span className="step-mark" data-done={step.done} aria-hidden="true">
              {step.done ? '✓' : '!'}
            </span>
            <span>
              <strong>{t(`report.${step.key}.title`)}</strong>
              <br />
              <span className="muted">
                {step.done ? t(`report.${step.key}.done`) : t(`report.${step.key}.missing`)}
              </span>
            </span>
          </li>
        ))}
      </ol>
      {complete ? null : <p className="form-help">{t('report.retry')}</p>}
      <div className="form-actions">
        <Button onClick={onClose}>{t('report.close')}</Button>
      </div>
    </section>
  );
}
