import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EscrowInfo, PaymentRecord } from '../../../../electron/src/common/api';
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
  Tabs,
  TabsContent,
  TabsList,
  TabsTrigger,
  useToast,
} from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { USER_ID_PATTERN, userLabel } from '../../components/ui/user-id';
import { resolveExpiry, toLocalInputValue, type ExpiryPreset } from '../../lib/expiry';
import { AmountField } from './amount-field';
import { Credits } from './credits';
import { allowedEscrowActions, MAX_ESCROW_MS, MIN_ESCROW_MS, type EscrowAction } from './escrow-rules';
import { formatCredits, parseCredits } from './money';
import { useBalance } from './use-balance';
import { useConversations } from './use-conversations';
import { useClock } from '../../lib/clock';
import { formatTime } from '../../lib/format';

export function PaymentsPage() {
  const { t } = useTranslation('payments');
  const session = useSession();
  const { balance, error, refresh } = useBalance();
  const treasury = session.account?.treasury ?? false;
  return (
    <section className="feature-page pay-page" aria-labelledby="payments-title">
      <header className="feature-header">
        <h1 id="payments-title">{t('title')}</h1>
        <p className="feature-lede">{t('lede')}</p>
      </header>
      <div className="pay-balance" aria-live="polite">
        <span className="pay-balance-label">{t('balance')}</span>
        <span className="pay-balance-value" data-testid="balance">
          {balance === null ? <Spinner /> : <Credits minor={balance} />}
        </span>
        <Button size="sm" variant="ghost" onClick={() => void refresh()} data-testid="balance-refresh">
          {t('history.refresh')}
        </Button>
        <ErrorText error={error} onRetry={() => void refresh()} />
      </div>
      <Tabs defaultValue="send" className="pay-tabs">
        <TabsList aria-label={t('title')}>
          <TabsTrigger value="send">{t('tabs.send')}</TabsTrigger>
          <TabsTrigger value="request">{t('tabs.request')}</TabsTrigger>
          <TabsTrigger value="escrow">{t('tabs.escrow')}</TabsTrigger>
          <TabsTrigger value="history">{t('tabs.history')}</TabsTrigger>
          {treasury ? <TabsTrigger value="mint">{t('tabs.mint')}</TabsTrigger> : null}
        </TabsList>
        <TabsContent value="send">
          <SendForm balance={balance} />
        </TabsContent>
        <TabsContent value="request">
          <RequestForm />
        </TabsContent>
        <TabsContent value="escrow">
          <EscrowPanel />
        </TabsContent>
        <TabsContent value="history">
          <PaymentHistory />
        </TabsContent>
        {treasury ? (
          <TabsContent value="mint">
            <MintForm me={session.account?.userId ?? ''} />
          </TabsContent>
        ) : null}
      </Tabs>
    </section>
  );
}

function RecipientField({
  value,
  onChange,
  showError,
}: {
  value: string;
  onChange: (v: string) => void;
  showError: boolean;
}) {
  const { t } = useTranslation('payments');
  const { peers } = useConversations();
  const invalid = showError && !USER_ID_PATTERN.test(value.trim());
  return (
    <Field label={t('to')} hint={invalid ? t('recipientError') : t('recipientHint')}>
      {(id, describedBy) => (
        <>
          <Input
            id={id}
            list={`${id}-peers`}
            value={value}
            placeholder="Org2MSP::bob"
            autoComplete="off"
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy}
            onChange={(event) => onChange(event.target.value)}
          />
          <datalist id={`${id}-peers`}>
            {peers.map((peer) => (
              <option key={peer} value={peer}>
                {userLabel(peer)}
              </option>
            ))}
          </datalist>
        </>
      )}
    </Field>
  );
}

function ConversationField({
  value,
  onChange,
  required,
}: {
  value: string;
  onChange: (v: string) => void;
  required: boolean;
}) {
  const { t } = useTranslation('payments');
  const { conversations } = useConversations();
  const options = [
    ...(required ? [] : [{ value: '', label: t('noConversation') }]),
    ...conversations.map((c) => ({ value: c.id, label: c.title })),
  ];
  return (
    <Field label={t('conversation')} hint={required ? t('conversationRequired') : t('conversationHint')}>
      {(id, describedBy) => (
        <Select id={id} value={value} onValueChange={onChange} options={options} aria-describedby={describedBy} />
      )}
    </Field>
  );
}

function SendForm({ balance }: { balance: number | null }) {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const toast = useToast();
  const call = useCall();
  const [to, setTo] = useState('');
  const [amountText, setAmountText] = useState('');
  const [memo, setMemo] = useState('');
  const [conversationId, setConversationId] = useState('');
  const [tried, setTried] = useState(false);
  const parsed = parseCredits(amountText);
  const over = parsed.ok && balance !== null && parsed.minor > balance;

  const submit = async () => {
    setTried(true);
    if (!parsed.ok || !USER_ID_PATTERN.test(to.trim()) || over) return;
    const amount = parsed.minor;
    const result = await call.run(() =>
      api.sendPayment({ to: to.trim(), amount, memo: memo.trim(), ...(conversationId ? { conversationId } : {}) }),
    );
    if (result.ok) {
      toast({
        tone: 'success',
        title: t('sentToast', { amount: formatCredits(amount, i18n.language), name: userLabel(to.trim()) }),
      });
      setAmountText('');
      setMemo('');
      setTried(false);
    }
  };

  return (
    <form
      className="pay-form card"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <RecipientField value={to} onChange={setTo} showError={tried} />
      <AmountField value={amountText} onChange={setAmountText} showError={tried} />
      <Field label={t('memo')} hint={t('memoHint')}>
        {(id) => <Input id={id} maxLength={280} value={memo} onChange={(event) => setMemo(event.target.value)} />}
      </Field>
      <ConversationField value={conversationId} onChange={setConversationId} required={false} />
      {over ? (
        <p className="pay-warning" role="alert">
          {t('overBalance')} {balance !== null ? <Credits minor={balance} /> : null}
        </p>
      ) : null}
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={call.pending}>
          {t('sendAction')}
        </Button>
      </div>
    </form>
  );
}

function RequestForm() {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const toast = useToast();
  const call = useCall();
  const { conversations } = useConversations();
  const [picked, setPicked] = useState('');
  const [amountText, setAmountText] = useState('');
  const [memo, setMemo] = useState('');
  const [tried, setTried] = useState(false);
  const conversationId = picked || conversations[0]?.id || '';
  const parsed = parseCredits(amountText);

  const submit = async () => {
    setTried(true);
    if (!parsed.ok || !conversationId) return;
    const amount = parsed.minor;
    const result = await call.run(() => api.requestPayment({ conversationId, amount, memo: memo.trim() }));
    if (result.ok) {
      toast({ tone: 'success', title: t('composer.requested', { amount: formatCredits(amount, i18n.language) }) });
      setAmountText('');
      setMemo('');
      setTried(false);
    }
  };

  if (conversations.length === 0) {
    return <EmptyState title={t('noConversations')}>{t('noConversationsHelp')}</EmptyState>;
  }
  return (
    <form
      className="pay-form card"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <p className="form-help">{t('composer.requestHelp')}</p>
      <ConversationField value={conversationId} onChange={setPicked} required />
      <AmountField value={amountText} onChange={setAmountText} showError={tried} />
      <Field label={t('memo')} hint={t('memoHint')}>
        {(id) => <Input id={id} maxLength={280} value={memo} onChange={(event) => setMemo(event.target.value)} />}
      </Field>
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={call.pending}>
          {t('composer.requestAction')}
        </Button>
      </div>
    </form>
  );
}

const ESCROW_PRESETS: readonly ExpiryPreset[] = ['1h', '1d', '7d', 'custom'];

function EscrowPanel() {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const me = useSession().account?.userId ?? '';
  const create = useCall();
  const lookup = useCall();
  const [to, setTo] = useState('');
  const [amountText, setAmountText] = useState('');
  const [memo, setMemo] = useState('');
  const [preset, setPreset] = useState<ExpiryPreset>('1d');
  const clock = useClock();
  const [custom, setCustom] = useState(() => toLocalInputValue(clock() + 24 * 3600_000));
  const [conversationId, setConversationId] = useState('');
  const [tried, setTried] = useState(false);
  const [escrowId, setEscrowId] = useState('');
  const [escrow, setEscrow] = useState<EscrowInfo | null>(null);
  const parsed = parseCredits(amountText);
  const deadline = resolveExpiry(preset, clock(), custom);
  const deadlineError = !deadline.ok
    ? t(`deadlineError.${deadline.error}`)
    : deadline.expiresAt - clock() < MIN_ESCROW_MS
      ? t('deadlineError.tooSoon')
      : deadline.expiresAt - clock() > MAX_ESCROW_MS
        ? t('deadlineError.tooFar')
        : null;

  const submit = async () => {
    setTried(true);
    if (!parsed.ok || !USER_ID_PATTERN.test(to.trim()) || !deadline.ok || deadlineError) return;
    const amount = parsed.minor;
    const result = await create.run(() =>
      api.createEscrow({
        to: to.trim(),
        amount,
        deadline: deadline.expiresAt,
        memo: memo.trim(),
        ...(conversationId ? { conversationId } : {}),
      }),
    );
    if (result.ok) {
      setEscrow(result.value);
      setEscrowId(result.value.escrowId);
      setAmountText('');
      setMemo('');
      setTried(false);
    }
  };

  const find = async () => {
    const id = escrowId.trim();
    if (!id) return;
    const result = await lookup.run(() => api.getEscrow({ escrowId: id }));
    setEscrow(result.ok ? result.value : null);
  };

  const settle = async (action: EscrowAction) => {
    if (!escrow) return;
    const result = await lookup.run(() => api.settleEscrow({ escrowId: escrow.escrowId, action }));
    if (result.ok) setEscrow(result.value);
  };

  return (
    <div className="pay-escrow">
      <form
        className="pay-form card"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h2 className="card-title">{t('escrow.create')}</h2>
        <p className="form-help">{t('escrow.help')}</p>
        <RecipientField value={to} onChange={setTo} showError={tried} />
        <AmountField value={amountText} onChange={setAmountText} showError={tried} />
        <Field label={t('escrow.deadline')} hint={tried && deadlineError ? deadlineError : t('escrow.deadlineHint')}>
          {(id) => (
            <div className="preset-row">
              <Select
                id={id}
                value={preset}
                onValueChange={(value) => setPreset(ESCROW_PRESETS.find((p) => p === value) ?? '1d')}
                options={ESCROW_PRESETS.map((p) => ({ value: p, label: t(`preset.${p}`) }))}
              />
              {preset === 'custom' ? (
                <Input
                  type="datetime-local"
                  aria-label={t('escrow.customDeadline')}
                  value={custom}
                  onChange={(event) => setCustom(event.target.value)}
                />
              ) : null}
            </div>
          )}
        </Field>
        <Field label={t('memo')} hint={t('memoHint')}>
          {(id) => <Input id={id} maxLength={280} value={memo} onChange={(event) => setMemo(event.target.value)} />}
        </Field>
        <ConversationField value={conversationId} onChange={setConversationId} required={false} />
        <ErrorText error={create.error} />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={create.pending}>
            {t('escrow.createAction')}
          </Button>
        </div>
      </form>
      <div className="card">
        <h2 className="card-title">{t('escrow.lookup')}</h2>
        <form
          className="inline-form"
          onSubmit={(event) => {
            event.preventDefault();
            void find();
          }}
        >
          <Input
            aria-label={t('escrow.id')}
            placeholder={t('escrow.id')}
            value={escrowId}
            onChange={(event) => setEscrowId(event.target.value)}
          />
          <Button type="submit" busy={lookup.pending}>
            {t('escrow.find')}
          </Button>
        </form>
        <ErrorText error={lookup.error} />
        {escrow ? (
          <dl className="pay-escrow-details" data-testid="escrow-details">
            <dt>{t('escrow.id')}</dt>
            <dd className="mono">{escrow.escrowId}</dd>
            <dt>{t('escrow.state')}</dt>
            <dd>
              <Badge tone={escrow.state === 'open' ? 'info' : 'success'}>{t(`escrowState.${escrow.state}`)}</Badge>
            </dd>
            <dt>{t('amount')}</dt>
            <dd>
              <Credits minor={escrow.amount} />
            </dd>
            <dt>{t('from')}</dt>
            <dd>{userLabel(escrow.from)}</dd>
            <dt>{t('to')}</dt>
            <dd>{userLabel(escrow.to)}</dd>
            <dt>{t('escrow.deadline')}</dt>
            <dd>{formatTime(escrow.deadline, i18n.language)}</dd>
            {escrow.memo ? (
              <>
                <dt>{t('memo')}</dt>
                <dd>{escrow.memo}</dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {escrow ? (
          <div className="pay-card-actions">
            {allowedEscrowActions(escrow, me, clock()).map((action) => (
              <Button key={action} variant="primary" busy={lookup.pending} onClick={() => void settle(action)}>
                {t(`escrowAction.${action}`)}
              </Button>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** "+1.00", "−1.00", or the bare amount for a notice that moved nothing (its delta is 0). */
function signedAmount(record: PaymentRecord, language: string): { text: string; direction: 'in' | 'out' | 'none' } {
  const amount = formatCredits(record.amount, language);
  if (record.delta > 0) return { text: `+${amount}`, direction: 'in' };
  if (record.delta < 0) return { text: `−${amount}`, direction: 'out' };
  return { text: amount, direction: 'none' };
}

function PaymentHistory() {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const call = useCall();
  const [records, setRecords] = useState<PaymentRecord[] | null>(null);
  const [next, setNext] = useState<string | undefined>(undefined);

  const load = async (cursor?: string) => {
    const result = await call.run(() => api.paymentHistory(cursor ? { cursor } : {}));
    if (!result.ok) return;
    setRecords((current) => {
      const key = (r: PaymentRecord) => `${r.paymentId}:${r.kind}`;
      const merged = new Map((cursor ? (current ?? []) : []).map((r) => [key(r), r]));
      for (const r of result.value.items) merged.set(key(r), r);
      return [...merged.values()].sort((a, b) => b.time - a.time);
    });
    setNext(result.value.next);
  };

  useEffect(() => {
    void load();
    // Only on mount; "Refresh" and "Load more" call load themselves.
  }, []);

  return (
    <div className="card pay-history">
      <div className="card-title-row">
        <h2 className="card-title">{t('history.title')}</h2>
        <Button size="sm" variant="ghost" onClick={() => void load()} busy={call.pending}>
          {t('history.refresh')}
        </Button>
      </div>
      <ErrorText error={call.error} onRetry={() => void load()} />
      {records !== null && records.length === 0 ? <EmptyState title={t('history.empty')} /> : null}
      {records && records.length > 0 ? (
        <ul className="pay-history-list" aria-label={t('history.title')}>
          {records.map((record) => {
            const amount = signedAmount(record, i18n.language);
            return (
              <li key={`${record.paymentId}:${record.kind}`} className="pay-history-row" data-kind={record.kind}>
                <span className={`pay-${amount.direction}`} data-testid="history-amount">
                  {amount.text}
                </span>
                <span className="pay-history-what">
                  {t(`kind.${record.kind}`, { defaultValue: t('kind.other') })}
                  {record.counterparty ? ` · ${userLabel(record.counterparty)}` : ''}
                  {record.memo ? <span className="pay-card-memo"> “{record.memo}”</span> : null}
                </span>
                <time dateTime={new Date(record.time).toISOString()}>{formatTime(record.time, i18n.language)}</time>
              </li>
            );
          })}
        </ul>
      ) : null}
      {next ? (
        <Button onClick={() => void load(next)} busy={call.pending}>
          {t('history.more')}
        </Button>
      ) : null}
    </div>
  );
}

function MintForm({ me }: { me: string }) {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const toast = useToast();
  const call = useCall();
  const [to, setTo] = useState(me);
  const [amountText, setAmountText] = useState('');
  const [tried, setTried] = useState(false);
  const parsed = parseCredits(amountText);
  const submit = async () => {
    setTried(true);
    if (!parsed.ok || !USER_ID_PATTERN.test(to.trim())) return;
    const amount = parsed.minor;
    const result = await call.run(() => api.mint({ to: to.trim(), amount }));
    if (result.ok) {
      toast({
        tone: 'success',
        title: t('mint.done', { amount: formatCredits(amount, i18n.language), name: userLabel(to.trim()) }),
      });
      setAmountText('');
      setTried(false);
    }
  };
  return (
    <form
      className="pay-form card"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      <p className="form-help">{t('mint.help')}</p>
      <RecipientField value={to} onChange={setTo} showError={tried} />
      <AmountField value={amountText} onChange={setAmountText} showError={tried} />
      <ErrorText error={call.error} />
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={call.pending}>
          {t('mint.action')}
        </Button>
      </div>
    </form>
  );
}
