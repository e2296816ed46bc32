import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VerifyReport } from '../../../../electron/src/common/api';
import { useApi } from '../../api/context';
import { Badge, Button, ErrorText, Table, TBody, Td, Th, THead, Tr } from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { formatTime } from '../../lib/format';

/** Checks an exported JSON file against the ledger: every record, and the hash chain. */
export function VerifyPanel({ lastExport }: { readonly lastExport: { name: string; content: string } | null }) {
  const { t, i18n } = useTranslation('compliance');
  const api = useApi();
  const call = useCall();
  const input = useRef<HTMLInputElement>(null);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [source, setSource] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);

  const verify = async (name: string, content: string) => {
    setReport(null);
    setSource(name);
    const result = await call.run(() => api.auditVerify({ content }));
    if (result.ok) setReport(result.value);
  };

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setFileError(null);
    const content = await file.text();
    if (content.trim().length < 2) {
      setFileError(t('verify.emptyFile'));
      return;
    }
    await verify(file.name, content);
    if (input.current) input.current.value = '';
  };

  const failed = report ? report.records.filter((r) => !r.ok).length : 0;
  return (
    <section className="card form-stack" aria-labelledby="verify-title">
      <h2 id="verify-title" className="card-title">
        {t('verify.title')}
      </h2>
      <p className="form-help">{t('verify.help')}</p>
      <div className="row">
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          aria-label={t('verify.choose')}
          onChange={(event) => void pick(event.target.files?.[0])}
          data-testid="verify-file-input"
        />
        <Button variant="primary" busy={call.pending} onClick={() => input.current?.click()}>
          {t('verify.choose')}
        </Button>
        {lastExport ? (
          <Button busy={call.pending} onClick={() => void verify(lastExport.name, lastExport.content)}>
            {t('verify.last', { name: lastExport.name })}
          </Button>
        ) : null}
      </div>
      {fileError ? (
        <p className="field-error" role="alert">
          {fileError}
        </p>
      ) : null}
      <ErrorText error={call.error} />
      {report ? (
        <div className="form-stack" data-testid="verify-report" data-ok={report.ok}>
          <div className={report.ok ? 'verdict verdict-ok' : 'verdict verdict-bad'} role="status">
            <strong>{report.ok ? t('verify.allGood') : t('verify.problems')}</strong>
            <span>
              {t('verify.summary', {
                file: source ?? '',
                total: report.records.length,
                passed: report.records.length - failed,
                failed,
              })}
            </span>
          </div>
          <VerdictLine
            testId="verify-chain"
            verdict={report.chain}
            label={report.chain.ok ? t('verify.chainOk') : t('verify.chainBad')}
            detail={t('verify.chainDetail', { block: report.chain.trustedBlock })}
          />
          <VerdictLine
            testId="verify-attestation"
            verdict={report.attestation}
            label={report.attestation.ok ? t('verify.attestedOk') : t('verify.attestedBad')}
            detail={
              report.attestation.ok && report.attestation.exporter && report.attestation.exportedAt !== undefined
                ? t('verify.attestedDetail', {
                    exporter: report.attestation.exporter,
                    time: formatTime(report.attestation.exportedAt, i18n.language),
                  })
                : null
            }
          />
          <VerdictLine
            testId="verify-completeness"
            verdict={report.completeness}
            label={report.completeness.ok ? t('verify.completeOk') : t('verify.completeBad')}
            detail={report.completeness.ok ? t('verify.completeDetail') : null}
          />
          {report.records.length > 0 ? (
            <Table aria-label={t('verify.records')}>
              <THead>
                <Tr>
                  <Th>{t('verify.result')}</Th>
                  <Th>{t('table.tx')}</Th>
                  <Th>{t('verify.block')}</Th>
                  <Th>{t('verify.reason')}</Th>
                </Tr>
              </THead>
              <TBody>
                {[...report.records]
                  .sort((a, b) => Number(a.ok) - Number(b.ok))
                  .map((record) => (
                    <Tr key={`${record.txId}:${record.seq}`} data-ok={record.ok}>
                      <Td>
                        <Badge tone={record.ok ? 'success' : 'danger'}>
                          {record.ok ? t('verify.pass') : t('verify.fail')}
                        </Badge>
                      </Td>
                      <Td className="mono">
                        {record.txId.slice(0, 16)}…#{record.seq}
                      </Td>
                      <Td>{record.blockNumber ?? '—'}</Td>
                      <Td>{record.ok ? '' : (record.reason ?? t('verify.noReason'))}</Td>
                    </Tr>
                  ))}
              </TBody>
            </Table>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

/** One whole-export verdict (chain, attestation, completeness): a badge, what it covered, and why it failed. */
function VerdictLine({
  testId,
  verdict,
  label,
  detail,
}: {
  readonly testId: string;
  readonly verdict: { readonly ok: boolean; readonly reason?: string };
  readonly label: string;
  readonly detail: string | null;
}) {
  return (
    <div className="verdict-chain" data-testid={testId} data-ok={verdict.ok}>
      <Badge tone={verdict.ok ? 'success' : 'danger'}>{label}</Badge> {detail}
      {verdict.reason ? <p className="verify-reason">{verdict.reason}</p> : null}
    </div>
  );
}
