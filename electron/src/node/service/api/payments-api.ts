import { rememberFact } from '../../messaging/card-facts';
import * as payments from '../../payments';
import type { AppSession } from '../session';
import type { Handlers } from './handlers';

// Credits and escrow on the ledger; a payment or escrow made from a chat
// is also posted there as a card. The committed transfer is the ledger
// fact the card states, so this side's card is confirmed by it at once.

export const paymentsApi = (app: AppSession) => {
  const session = () => app.need().session;
  return {
    getBalance: async () => payments.getBalance(session()),
    sendPayment: async (input) => {
      const { session, store, messenger } = app.need();
      const record = await payments.sendPayment(session, input);
      const { paymentId } = record;
      const { to, amount, memo, conversationId, requestId } = input;
      rememberFact(store, { type: 'payment', paymentId }, { from: session.userId, to, amount });
      if (conversationId) {
        const request = requestId !== undefined ? { requestId } : {};
        messenger.sendContent(conversationId, { type: 'payment', paymentId, amount, memo, to, ...request });
      }
      return record;
    },
    requestPayment: async ({ conversationId, amount, memo }) =>
      app.need().messenger.sendContent(conversationId, { type: 'payment-request', amount, memo }),
    paymentHistory: async (input) => payments.paymentHistory(session(), input),
    createEscrow: async (input) => {
      const { session, store, messenger, escrows } = app.need();
      const escrow = await payments.createEscrow(session, input);
      escrows.watch(escrow);
      const { escrowId, from, to, amount, deadline } = escrow;
      rememberFact(store, { type: 'escrow', escrowId }, { from, to, amount, deadline });
      if (input.conversationId) {
        messenger.sendContent(input.conversationId, { type: 'escrow', escrowId, amount, deadline, to });
      }
      return escrow;
    },
    settleEscrow: async (input) => payments.settleEscrow(session(), input),
    getEscrow: async (input) => payments.getEscrow(session(), input),
    mint: async (input) => payments.mint(session(), input),
  } satisfies Handlers<
    | 'getBalance'
    | 'sendPayment'
    | 'requestPayment'
    | 'paymentHistory'
    | 'createEscrow'
    | 'settleEscrow'
    | 'getEscrow'
    | 'mint'
  >;
};
