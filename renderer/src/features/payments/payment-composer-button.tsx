import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useApi } from '../../api/context';
import { Icon } from '../../components/ui/icons';
import {
  Button,
  Dialog,
  ErrorText,
  Field,
  Input,
  Select,
  Tabs,
  TabsList,
  TabsTrigger,
  useToast,
} from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { userLabel } from '../../components/ui/user-id';
import { AmountField } from './amount-field';
import { Credits } from './credits';
import { formatCredits, parseCredits } from './money';
import { useBalance } from './use-balance';

type Mode = 'send' | 'request';

export interface PaymentComposerButtonProps {
  readonly conversationId: string;
  /** The other members (a direct chat has one); a payment goes to one of them. */
  readonly peerUserIds: readonly string[];
  readonly disabled?: boolean;
}

/** The chat composer's "Pay" button: send credits to a member, or ask the conversation for them. */
export function PaymentComposerButton({ conversationId, peerUserIds, disabled }: PaymentComposerButtonProps) {
  const { t } = useTranslation('payments');
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="ghost"
        size="icon"
        aria-label={t('composer.open')}
        title={t('composer.open')}
        disabled={disabled}
        onClick={() => setOpen(true)}
        data-testid="payment-composer-button"
      >
        <Icon name="payments" />
      </Button>
      {open ? (
        <PaymentComposerDialog
          conversationId={conversationId}
          peerUserIds={peerUserIds}
          onClose={() => setOpen(false)}
        />
      ) : null}
    </>
  );
}

function PaymentComposerDialog({
  conversationId,
  peerUserIds,
  onClose,
}: {
  readonly conversationId: string;
  readonly peerUserIds: readonly string[];
  readonly onClose: () => void;
}) {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const toast = useToast();
  const { balance } = useBalance();
  const call = useCall();
  const [mode, setMode] = useState<Mode>('send');
  const [to, setTo] = useState(peerUserIds[0] ?? '');
  const [amountText, setAmountText] = useState('');
  const [memo, setMemo] = useState('');
  const [tried, setTried] = useState(false);

  const parsed = parseCredits(amountText);
  const overBalance = mode === 'send' && parsed.ok && balance !== null && parsed.minor > balance;

  const submit = async () => {
    setTried(true);
    if (!parsed.ok || (mode === 'send' && !to) || overBalance) return;
    const amount = parsed.minor;
    const result =
      mode === 'send'
        ? await call.run(() => api.sendPayment({ to, amount, memo: memo.trim(), conversationId }))
        : await call.run(() => api.requestPayment({ conversationId, amount, memo: memo.trim() }));
    if (!result.ok) return;
    const shown = formatCredits(amount, i18n.language);
    toast({
      tone: 'success',
      title: mode === 'send' ? t('composer.sent', { amount: shown }) : t('composer.requested', { amount: shown }),
    });
    onClose();
  };

  return (
    <Dialog
      open
      onOpenChange={(next) => (next ? undefined : onClose())}
      title={t('composer.title')}
      description={mode === 'send' ? t('composer.sendHelp') : t('composer.requestHelp')}
      footer={
        <>
          <Button onClick={onClose}>{t('cancel')}</Button>
          <Button variant="primary" busy={call.pending} onClick={() => void submit()} data-testid="payment-submit">
            {mode === 'send' ? t('composer.sendAction') : t('composer.requestAction')}
          </Button>
        </>
      }
    >
      <form
        className="pay-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Tabs value={mode} onValueChange={(value) => setMode(value === 'request' ? 'request' : 'send')}>
          <TabsList aria-label={t('composer.mode')}>
            <TabsTrigger value="send">{t('composer.send')}</TabsTrigger>
            <TabsTrigger value="request">{t('composer.request')}</TabsTrigger>
          </TabsList>
        </Tabs>
        {mode === 'send' ? (
          peerUserIds.length > 1 ? (
            <Field label={t('to')}>
              {(id) => (
                <Select
                  id={id}
                  value={to}
                  onValueChange={setTo}
                  options={peerUserIds.map((userId) => ({ value: userId, label: userLabel(userId) }))}
                />
              )}
            </Field>
          ) : (
            <p className="pay-recipient">
              {to ? t('composer.toPerson', { name: userLabel(to) }) : t('composer.noPeer')}
            </p>
          )
        ) : null}
        <AmountField value={amountText} onChange={setAmountText} showError={tried} autoFocus />
        <Field label={t('memo')} hint={t('memoHint')}>
          {(id, describedBy) => (
            <Input
              id={id}
              maxLength={280}
              value={memo}
              aria-describedby={describedBy}
              onChange={(event) => setMemo(event.target.value)}
            />
          )}
        </Field>
        {mode === 'send' && balance !== null ? (
          <p
            className={overBalance ? 'pay-balance-line pay-warning' : 'pay-balance-line'}
            role={overBalance ? 'alert' : undefined}
          >
            {overBalance ? t('overBalance') : t('yourBalance')} <Credits minor={balance} />
          </p>
        ) : null}
        <ErrorText error={call.error} />
        <button type="submit" hidden aria-hidden="true" tabIndex={-1} />
      </form>
    </Dialog>
  );
}
