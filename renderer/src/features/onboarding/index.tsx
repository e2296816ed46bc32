import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError, ProfileSummary } from '../../../../electron/src/common/api';
import { useApi, useRefreshSession, useSession } from '../../api/context';
import { displayName } from '../../lib/names';
import { Button, ErrorText, Field, Input, Select, Spinner } from '../../components/ui';

// First run (choose a network, enroll), sign-in, and adding an account.

type Step = { kind: 'signIn' } | { kind: 'network' } | { kind: 'enroll'; profile: ProfileSummary };

const MIN_PASSPHRASE = 8;

function Frame({ title, hint, children }: { title: string; hint?: string; children: React.ReactNode }) {
  const { t } = useTranslation('onboarding');
  return (
    <div className="onboarding">
      <div className="onboarding-card card">
        <div className="onboarding-brand">
          <span className="rail-logo" aria-hidden="true">
            K
          </span>
          <div>
            <p className="onboarding-welcome">{t('welcome')}</p>
            <p className="muted">{t('tagline')}</p>
          </div>
        </div>
        <h1>{title}</h1>
        {hint ? <p className="muted">{hint}</p> : null}
        {children}
      </div>
    </div>
  );
}

function NetworkStep({ onChosen, onBack }: { onChosen: (profile: ProfileSummary) => void; onBack?: () => void }) {
  const { t } = useTranslation('onboarding');
  const api = useApi();
  const [profiles, setProfiles] = useState<ProfileSummary[] | null>(null);
  const [selected, setSelected] = useState<string>('dev');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const load = async () => {
    const result = await api.listProfiles();
    if (!result.ok) return setError(result.error);
    setProfiles(result.value);
    setSelected((current) =>
      result.value.some((p) => p.name === current) ? current : (result.value[0]?.name ?? current),
    );
  };
  useEffect(() => {
    void load();
  }, []);

  const importFile = async (file: File) => {
    setError(null);
    const name = file.name.replace(/\.json$/i, '').slice(0, 64) || 'imported';
    const result = await api.importProfile({ name, json: await file.text() });
    if (!result.ok) return setError(result.error);
    setNotice(t('imported', { name: result.value.name }));
    await load();
    setSelected(result.value.name);
  };

  const chosen = profiles?.find((p) => p.name === selected);
  return (
    <Frame title={t('chooseNetwork')} hint={t('networkHint')}>
      {!profiles && !error ? <Spinner /> : null}
      {profiles ? (
        <div className="choice-list" role="radiogroup" aria-label={t('chooseNetwork')}>
          {profiles.map((profile) => (
            <label key={profile.name} className="choice">
              <input
                type="radio"
                name="profile"
                value={profile.name}
                checked={selected === profile.name}
                onChange={() => setSelected(profile.name)}
              />
              <span className="choice-body">
                <strong>{profile.name}</strong>
                <span className="muted">
                  {t('channel', { channel: profile.channel })} · {profile.organizations.map((o) => o.name).join(', ')}
                </span>
              </span>
            </label>
          ))}
        </div>
      ) : null}
      <div>
        <input
          ref={fileInput}
          type="file"
          accept="application/json,.json"
          className="visually-hidden"
          aria-label={t('importProfile')}
          onChange={(event) => {
            const file = event.target.files?.[0];
            if (file) void importFile(file);
            event.target.value = '';
          }}
        />
        <Button variant="link" onClick={() => fileInput.current?.click()}>
          {t('importProfile')}
        </Button>
        <p className="field-hint">{t('importHint')}</p>
      </div>
      {notice ? (
        <p role="status" className="notice">
          {notice}
        </p>
      ) : null}
      <ErrorText error={error} />
      <div className="row">
        {onBack ? <Button onClick={onBack}>{t('back')}</Button> : null}
        <div className="spacer" />
        <Button variant="primary" disabled={!chosen} onClick={() => chosen && onChosen(chosen)}>
          {t('continue')}
        </Button>
      </div>
    </Frame>
  );
}

/** Checks the passphrase pair; null when fine. */
export function passphraseProblem(passphrase: string, repeat: string): 'passphraseShort' | 'passphraseMismatch' | null {
  if (passphrase.length < MIN_PASSPHRASE) return 'passphraseShort';
  if (passphrase !== repeat) return 'passphraseMismatch';
  return null;
}

function EnrollStep({ profile, onBack }: { profile: ProfileSummary; onBack: () => void }) {
  const { t } = useTranslation('onboarding');
  const api = useApi();
  const session = useSession();
  const refresh = useRefreshSession();
  const [mspId, setMspId] = useState(profile.organizations[0]?.mspId ?? '');
  const [enrollmentId, setEnrollmentId] = useState('');
  const [secret, setSecret] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [repeat, setRepeat] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const needsPassphrase = !session.keychain;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const check = needsPassphrase ? passphraseProblem(passphrase, repeat) : null;
    setProblem(check ? t(check) : null);
    if (check || !enrollmentId.trim() || !secret) return;
    setBusy(true);
    const result = await api.enroll({
      profile: profile.name,
      mspId,
      enrollmentId: enrollmentId.trim(),
      secret,
      ...(needsPassphrase ? { passphrase } : {}),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    await refresh();
  };

  return (
    <Frame title={t('enrollTitle')} hint={t('enrollHint')}>
      <form className="stack" onSubmit={(e) => void submit(e)} aria-busy={busy}>
        <Field label={t('organization')}>
          {(id) => (
            <Select
              id={id}
              value={mspId}
              onValueChange={setMspId}
              options={profile.organizations.map((o) => ({ value: o.mspId, label: `${o.name} (${o.mspId})` }))}
            />
          )}
        </Field>
        <Field label={t('userId')}>
          {(id) => (
            <Input
              id={id}
              name="enrollmentId"
              autoComplete="username"
              required
              value={enrollmentId}
              onChange={(e) => setEnrollmentId(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('secret')}>
          {(id) => (
            <Input
              id={id}
              name="secret"
              type="password"
              autoComplete="one-time-code"
              required
              value={secret}
              onChange={(e) => setSecret(e.target.value)}
            />
          )}
        </Field>
        {needsPassphrase ? (
          <>
            <Field label={t('passphrase')} hint={t('passphraseHint')}>
              {(id, hint) => (
                <Input
                  id={id}
                  name="passphrase"
                  type="password"
                  autoComplete="new-password"
                  aria-describedby={hint}
                  value={passphrase}
                  onChange={(e) => setPassphrase(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('passphraseRepeat')}>
              {(id) => (
                <Input
                  id={id}
                  name="passphraseRepeat"
                  type="password"
                  autoComplete="new-password"
                  value={repeat}
                  onChange={(e) => setRepeat(e.target.value)}
                />
              )}
            </Field>
          </>
        ) : null}
        {problem ? (
          <p className="error-text" role="alert">
            {problem}
          </p>
        ) : null}
        <ErrorText error={error} />
        {error?.code === 'WRONG_SECRET' && profile.organizations.length > 1 ? (
          // The CA of the organisation picked refuses an id it never registered: often the wrong one was picked.
          <p className="form-help" data-testid="check-organization">
            {t('checkOrganization', {
              name: profile.organizations.find((o) => o.mspId === mspId)?.name ?? mspId,
            })}
          </p>
        ) : null}
        <div className="row">
          <Button onClick={onBack}>{t('back')}</Button>
          <div className="spacer" />
          {busy ? <span className="muted">{t('enrolling')}</span> : null}
          <Button type="submit" variant="primary" busy={busy}>
            {t('enroll')}
          </Button>
        </div>
      </form>
    </Frame>
  );
}

function SignInStep({ onAdd }: { onAdd: () => void }) {
  const { t } = useTranslation('onboarding');
  const api = useApi();
  const session = useSession();
  const refresh = useRefreshSession();
  const [accountId, setAccountId] = useState(session.accounts[0]?.accountId ?? '');
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    // No account listed (a wallet written before the account index): the service opens the one used last.
    const result = await api.signIn({
      ...(accountId ? { accountId } : {}),
      ...(session.keychain ? {} : { passphrase }),
    });
    setBusy(false);
    if (!result.ok) return setError(result.error);
    await refresh();
  };

  return (
    <Frame title={t('signInTitle')} hint={t(session.keychain ? 'signInHint' : 'signInPassphraseHint')}>
      <form className="stack" onSubmit={(e) => void submit(e)}>
        <div className="choice-list" role="radiogroup" aria-label={t('signInHint')}>
          {session.accounts.map((account) => (
            <label key={account.accountId} className="choice">
              <input
                type="radio"
                name="account"
                value={account.accountId}
                checked={accountId === account.accountId}
                onChange={() => setAccountId(account.accountId)}
              />
              <span className="choice-body">
                <strong>{displayName(account.userId)}</strong>
                <span className="muted">
                  {t('accountLabel', { user: account.enrollmentId, profile: account.profile })}
                </span>
              </span>
            </label>
          ))}
        </div>
        {session.keychain ? null : (
          <Field label={t('passphrase')}>
            {(id) => (
              <Input
                id={id}
                name="passphrase"
                type="password"
                autoComplete="current-password"
                value={passphrase}
                onChange={(e) => setPassphrase(e.target.value)}
              />
            )}
          </Field>
        )}
        <ErrorText error={error} />
        <div className="row">
          <Button variant="link" onClick={onAdd}>
            {t('addAccount')}
          </Button>
          <div className="spacer" />
          <Button
            type="submit"
            variant="primary"
            busy={busy}
            disabled={(session.accounts.length > 0 && !accountId) || (!session.keychain && !passphrase)}
          >
            {t('signIn')}
          </Button>
        </div>
      </form>
    </Frame>
  );
}

export function OnboardingPage() {
  const session = useSession();
  // Decided by the state, not the list: a locked wallet is 'signed-out' even when it cannot list its accounts.
  const hasAccounts = session.state === 'signed-out';
  const [step, setStep] = useState<Step>(hasAccounts ? { kind: 'signIn' } : { kind: 'network' });
  switch (step.kind) {
    case 'signIn':
      return <SignInStep onAdd={() => setStep({ kind: 'network' })} />;
    case 'network':
      return (
        <NetworkStep
          onChosen={(profile) => setStep({ kind: 'enroll', profile })}
          onBack={hasAccounts ? () => setStep({ kind: 'signIn' }) : undefined}
        />
      );
    case 'enroll':
      return <EnrollStep profile={step.profile} onBack={() => setStep({ kind: 'network' })} />;
    default: {
      const never: never = step;
      return never;
    }
  }
}
