import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EscrowInfo, MessageContent, MessageView } from '../../../../electron/src/common/api';
import { useApi, useSession } from '../../api/context';
import { Badge, Button, ConfirmDialog, ErrorText } from '../../components/ui';
import { useCall } from '../../components/ui/use-call';
import { userLabel } from '../../components/ui/user-id';
import { Credits } from './credits';
import { allowedEscrowActions, type EscrowAction } from './escrow-rules';
import { formatCredits } from './money';
import { useClock } from '../../lib/clock';
import { formatTime } from '../../lib/format';
import { requestKey, usePaidRequests } from '../../lib/paid-requests';

type PaymentContent = Exclude<MessageContent, { type: 'text' }>;

export interface PaymentMessageProps {
  readonly content: MessageContent;
  /** The message carrying it: who asked (to pay a request), which conversation, whether it is mine. */
  readonly message?: Pick<
    MessageView,
    'sender' | 'outgoing' | 'conversationId' | 'clientMessageId' | 'ledgerConfirmed'
  >;
}

/** Renders payment, payment-request and escrow content inside the chat; text renders nothing here. */
export function PaymentMessage({ content, message }: PaymentMessageProps) {
  switch (content.type) {
    case 'text':
      return null;
    case 'payment':
      return <PaymentCard content={content} message={message} />;
    case 'payment-request':
      return <RequestCard content={content} message={message} />;
    case 'escrow':
      return <EscrowCard content={content} message={message} />;
    default: {
      const unknown: never = content;
      return unknown;
    }
  }
}

function useMe(): string {
  return useSession().account?.userId ?? '';
}

function PaymentCard({
  content,
  message,
}: {
  readonly content: Extract<PaymentContent, { type: 'payment' }>;
  readonly message: PaymentMessageProps['message'];
}) {
  const { t } = useTranslation('payments');
  const me = useMe();
  const toMe = content.to === me;
  const from = message?.sender;
  const line = toMe
    ? t('message.receivedFrom', { name: from ? userLabel(from) : t('someone') })
    : t('message.sentTo', { name: userLabel(content.to) });
  // Completed only once this app found the payment on the ledger as the card states it.
  const confirmed = message?.ledgerConfirmed === true;
  return (
    <div
      className="pay-card"
      data-kind="payment"
      data-testid="payment-message"
      data-confirmed={confirmed ? 'true' : 'false'}
    >
      <div className="pay-card-head">
        <span className="pay-card-kind">{t('message.payment')}</span>
        {confirmed ? (
          <Badge tone="success">{t('message.done')}</Badge>
        ) : (
          <Badge tone="warning">{t('message.unconfirmed')}</Badge>
        )}
      </div>
      {confirmed ? null : (
        <p className="pay-card-memo" data-testid="payment-unconfirmed">
          {t('message.unconfirmedHint')}
        </p>
      )}
      <p className="pay-card-amount">
        <Credits minor={content.amount} />
      </p>
      <p className="pay-card-line">{line}</p>
      {content.memo ? <p className="pay-card-memo">“{content.memo}”</p> : null}
    </div>
  );
}

function RequestCard({
  content,
  message,
}: {
  readonly content: Extract<PaymentContent, { type: 'payment-request' }>;
  readonly message: PaymentMessageProps['message'];
}) {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const call = useCall();
  const [confirming, setConfirming] = useState(false);
  const [paidHere, setPaidHere] = useState(false);
  // Paid as the conversation shows it (the payment names this request), or just now from this card.
  const paidRequests = usePaidRequests();
  const answer = message ? paidRequests.get(requestKey(message.sender, message.clientMessageId)) : undefined;
  const paidBy = answer?.amount === content.amount ? answer : undefined;
  const paid = paidBy !== undefined || paidHere;
  const requester = message?.sender;
  const mine = message?.outgoing ?? false;
  const canPay = !mine && requester !== undefined && !paid;

  const pay = async () => {
    if (!requester) return;
    const result = await call.run(() =>
      api.sendPayment({
        to: requester,
        amount: content.amount,
        memo: content.memo,
        ...(message?.conversationId ? { conversationId: message.conversationId } : {}),
        ...(message?.clientMessageId ? { requestId: message.clientMessageId } : {}),
      }),
    );
    setConfirming(false);
    if (result.ok) setPaidHere(true);
  };

  return (
    <div className="pay-card" data-kind="payment-request" data-testid="payment-request-message">
      <div className="pay-card-head">
        <span className="pay-card-kind">{t('message.request')}</span>
        {paid ? <Badge tone="success">{t('message.paid')}</Badge> : null}
      </div>
      <p className="pay-card-amount">
        <Credits minor={content.amount} />
      </p>
      <p className="pay-card-line">
        {mine
          ? t('message.youRequested')
          : t('message.requestedBy', { name: requester ? userLabel(requester) : t('someone') })}
      </p>
      {content.memo ? <p className="pay-card-memo">“{content.memo}”</p> : null}
      {paid ? (
        <p className="pay-card-line" data-testid="request-paid-by">
          {paidBy && !paidBy.outgoing ? t('message.paidBy', { name: userLabel(paidBy.payer) }) : t('message.youPaid')}
        </p>
      ) : null}
      {canPay ? (
        <Button variant="primary" size="sm" onClick={() => setConfirming(true)}>
          {t('message.pay')}
        </Button>
      ) : null}
      <ErrorText error={call.error} />
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title={t('message.payConfirmTitle')}
        description={t('message.payConfirm', {
          amount: formatCredits(content.amount, i18n.language),
          name: requester ? userLabel(requester) : '',
        })}
        confirmLabel={t('message.pay')}
        busy={call.pending}
        onConfirm={() => void pay()}
      />
    </div>
  );
}

function EscrowCard({
  content,
  message,
}: {
  readonly content: Extract<PaymentContent, { type: 'escrow' }>;
  readonly message: PaymentMessageProps['message'];
}) {
  const { t, i18n } = useTranslation('payments');
  const api = useApi();
  const me = useMe();
  const call = useCall();
  const [escrow, setEscrow] = useState<EscrowInfo | null>(null);
  const clock = useClock();
  const [now, setNow] = useState(() => clock());

  useEffect(() => {
    let live = true;
    void api.getEscrow({ escrowId: content.escrowId }).then((result) => {
      if (live && result.ok) setEscrow(result.value);
    });
    // Claim/refund windows open and close with time; re-check each half minute.
    const timer = setInterval(() => setNow(clock()), 30_000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [api, content.escrowId]);

  // The card states the sender holds this for `to`: only a ledger read saying so confirms it.
  const confirmed =
    escrow !== null &&
    (message === undefined || escrow.from === message.sender) &&
    escrow.to === content.to &&
    escrow.amount === content.amount &&
    escrow.deadline === content.deadline;
  // Unconfirmed, the card shows only its own claim (never the state of an escrow it does not match).
  const shown: EscrowInfo = (confirmed ? escrow : null) ?? {
    escrowId: content.escrowId,
    from: '',
    to: content.to,
    amount: content.amount,
    deadline: content.deadline,
    state: 'open',
  };
  const actions = escrow && confirmed ? allowedEscrowActions(escrow, me, now) : [];

  const settle = async (action: EscrowAction) => {
    const result = await call.run(() => api.settleEscrow({ escrowId: content.escrowId, action }));
    if (result.ok) setEscrow(result.value);
  };

  return (
    <div
      className="pay-card"
      data-kind="escrow"
      data-testid="escrow-message"
      data-confirmed={confirmed ? 'true' : 'false'}
    >
      <div className="pay-card-head">
        <span className="pay-card-kind">{t('message.escrow')}</span>
        {confirmed ? (
          <Badge tone={shown.state === 'open' ? 'info' : shown.state === 'refunded' ? 'warning' : 'success'}>
            {t(`escrowState.${shown.state}`)}
          </Badge>
        ) : (
          <Badge tone="warning">{t('message.unconfirmed')}</Badge>
        )}
      </div>
      {confirmed ? null : (
        <p className="pay-card-memo" data-testid="escrow-unconfirmed">
          {t('message.escrowUnconfirmedHint')}
        </p>
      )}
      <p className="pay-card-amount">
        <Credits minor={shown.amount} />
      </p>
      {shown.state === 'open' ? (
        <>
          <p className="pay-card-line">
            {shown.to === me ? t('message.escrowForYou') : t('message.escrowFor', { name: userLabel(shown.to) })}
          </p>
          <p className="pay-card-memo">{t('message.deadline', { time: formatTime(shown.deadline, i18n.language) })}</p>
        </>
      ) : (
        <p className="pay-card-line">{t(`escrowDone.${shown.state}`)}</p>
      )}
      {shown.memo ? (
        <p className="pay-card-memo" data-testid="escrow-memo">
          “{shown.memo}”
        </p>
      ) : null}
      {actions.length > 0 ? (
        <div className="pay-card-actions">
          {actions.map((action) => (
            <Button
              key={action}
              size="sm"
              variant={action === 'refund' ? 'secondary' : 'primary'}
              busy={call.pending}
              onClick={() => void settle(action)}
            >
              {t(`escrowAction.${action}`)}
            </Button>
          ))}
        </div>
      ) : null}
      <ErrorText error={call.error} />
    </div>
  );
}
