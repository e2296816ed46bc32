import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, IdentityRow, RevokeReport, Role } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import {
  Badge,
  Button,
  EmptyState,
  ErrorText,
  Field,
  Input,
  Select,
  Spinner,
  Table,
  TBody,
  Td,
  Th,
  THead,
  Tr,
} from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { RevokeDialog } from './revoke-dialog';
import { RevokeReportView } from './revoke-report';
import { hasRole } from '../../lib/roles';
import { SecretReveal } from './secret-reveal';

const ENROLLMENT_ID = /^[a-z][a-z0-9._-]{1,63}$/;
const ROLES: readonly Role[] = ['staff', 'admin', 'compliance'];

interface Revealed {
  readonly enrollmentId: string;
  readonly secret: string;
  readonly reissued: boolean;
}

/** Administration; refuses to render its tools for anyone but an admin. */
export function AdminPage() {
  const { t } = useTranslation('admin');
  const session = useSession();
  if (!hasRole(session, 'admin')) {
    return (
      <section className="feature-page" aria-labelledby="admin-title">
        <h1 id="admin-title">{t('title')}</h1>
        <EmptyState title={t('adminsOnly')}>{t('adminsOnlyHelp')}</EmptyState>
      </section>
    );
  }
  return <AdminTools mspId={session.account?.mspId ?? ''} me={session.account?.enrollmentId ?? ''} />;
}

function AdminTools({ mspId, me }: { readonly mspId: string; readonly me: string }) {
  const { t } = useTranslation('admin');
  const api = useApi();
  const [rows, setRows] = useState<IdentityRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [revoking, setRevoking] = useState<IdentityRow | null>(null);
  const [report, setReport] = useState<RevokeReport | null>(null);
  const reissue = useCall();

  const reload = useCallback(async () => {
    const result = await api.adminListIdentities();
    if (result.ok) {
      setRows([...result.value].sort((a, b) => a.enrollmentId.localeCompare(b.enrollmentId)));
      setError(null);
    } else setError(result.error);
  }, [api]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const onReissue = async (row: IdentityRow) => {
    const result = await reissue.run(() => api.adminReissueSecret({ enrollmentId: row.enrollmentId }));
    if (result.ok) setRevealed({ ...result.value, reissued: true });
  };

  return (
    <section className="feature-page admin-page" aria-labelledby="admin-title">
      <header className="feature-header">
        <h1 id="admin-title">{t('title')}</h1>
        <p className="feature-lede">{t('lede', { org: mspId })}</p>
      </header>
      <RegisterForm
        onRegistered={(value) => {
          setRevealed({ ...value, reissued: false });
          void reload();
        }}
      />
      {report ? <RevokeReportView report={report} onClose={() => setReport(null)} /> : null}
      <section className="card" aria-labelledby="identities-title">
        <div className="card-title-row">
          <h2 id="identities-title" className="card-title">
            {t('identities.title')}
          </h2>
          <Button size="sm" variant="ghost" onClick={() => void reload()}>
            {t('refresh')}
          </Button>
        </div>
        <p className="form-help">{t('identities.help')}</p>
        <ErrorText error={error} onRetry={() => void reload()} />
        <ErrorText error={reissue.error} />
        {rows === null && !error ? <Spinner /> : null}
        {rows && rows.length === 0 ? <EmptyState title={t('identities.empty')} /> : null}
        {rows && rows.length > 0 ? (
          <Table aria-label={t('identities.title')} data-testid="identities-table">
            <THead>
              <Tr>
                <Th>{t('identities.user')}</Th>
                <Th>{t('identities.role')}</Th>
                <Th>{t('identities.type')}</Th>
                <Th>{t('identities.ca')}</Th>
                <Th>{t('identities.directory')}</Th>
                <Th>
                  <span className="visually-hidden">{t('identities.actions')}</span>
                </Th>
              </Tr>
            </THead>
            <TBody>
              {rows.map((row) => {
                // A revocation that stopped half-way can be finished.
                // Never yourself: that would lock the last admin out in one click.
                const revocable = row.enrollmentId !== me && (row.caState === 'active' || row.directory === 'active');
                return (
                  <Tr key={row.enrollmentId} data-enrollment-id={row.enrollmentId}>
                    <Td>
                      <strong>{row.enrollmentId}</strong>
                      <br />
                      <span className="muted mono">{row.userId}</span>
                    </Td>
                    <Td>{row.role ? t(`role.${row.role}`) : t('role.none')}</Td>
                    <Td>{row.type}</Td>
                    <Td>
                      <Badge tone={row.caState === 'active' ? 'success' : 'danger'}>
                        {t(`caState.${row.caState}`)}
                      </Badge>
                    </Td>
                    <Td>
                      <Badge
                        tone={
                          row.directory === 'active' ? 'success' : row.directory === 'disabled' ? 'danger' : 'neutral'
                        }
                      >
                        {t(`directory.${row.directory}`)}
                      </Badge>
                    </Td>
                    <Td>
                      <div className="row">
                        {row.caState === 'active' ? (
                          <Button size="sm" onClick={() => void onReissue(row)} busy={reissue.pending}>
                            {t('reissue')}
                          </Button>
                        ) : null}
                        {revocable ? (
                          <Button size="sm" variant="danger" onClick={() => setRevoking(row)}>
                            {row.caState === 'active' ? t('revoke.action') : t('revoke.finish')}
                          </Button>
                        ) : null}
                      </div>
                    </Td>
                  </Tr>
                );
              })}
            </TBody>
          </Table>
        ) : null}
      </section>
      {revealed ? (
        <SecretReveal
          enrollmentId={revealed.enrollmentId}
          secret={revealed.secret}
          reissued={revealed.reissued}
          onDone={() => setRevealed(null)}
        />
      ) : null}
      {revoking ? (
        <RevokeDialog
          identity={revoking}
          onClose={() => setRevoking(null)}
          onRevoked={(value) => {
            setRevoking(null);
            setReport(value);
            void reload();
          }}
        />
      ) : null}
    </section>
  );
}

function RegisterForm({
  onRegistered,
}: {
  readonly onRegistered: (value: { enrollmentId: string; secret: string }) => void;
}) {
  const { t } = useTranslation('admin');
  const api = useApi();
  const call = useCall();
  const [enrollmentId, setEnrollmentId] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const [tried, setTried] = useState(false);
  const valid = ENROLLMENT_ID.test(enrollmentId.trim());

  const submit = async () => {
    setTried(true);
    if (!valid) return;
    const result = await call.run(() => api.adminRegister({ enrollmentId: enrollmentId.trim(), role }));
    if (result.ok) {
      onRegistered(result.value);
      setEnrollmentId('');
      setTried(false);
    }
  };

  return (
    <form
      className="card form-stack"
      aria-labelledby="register-title"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <h2 id="register-title" className="card-title">
        {t('register.title')}
      </h2>
      <p className="form-help">{t('register.help')}</p>
      <div className="register-row">
        <Field label={t('register.id')} hint={tried && !valid ? t('register.idError') : t('register.idHint')}>
          {(id, describedBy) => (
            <Input
              id={id}
              value={enrollmentId}
              autoComplete="off"
              aria-invalid={tried && !valid ? true : undefined}
              aria-describedby={describedBy}
              onChange={(event) => setEnrollmentId(event.target.value)}
              data-testid="register-id"
            />
          )}
        </Field>
        <Field label={t('register.role')}>
          {(id) => (
            <Select
              id={id}
              value={role}
              onValueChange={(value) => setRole(ROLES.find((r) => r === value) ?? 'staff')}
              options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))}
              data-testid="register-role"
            />
          )}
        </Field>
      </div>
      <p className="form-help">{t(`roleHelp.${role}`)}</p>
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={call.pending} data-testid="register-submit">
          {t('register.action')}
        </Button>
      </div>
    </form>
  );
}
