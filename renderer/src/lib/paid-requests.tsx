import { createContext, useContext } from 'react';
import type { MessageView } from '../../../electron/src/common/api';

// Which payment requests of a conversation have been paid, and by whom: a
// payment answering a request names it (requestId), so both the requester
// and the payer see the request as paid, now and after a restart. The
// message list provides it; a request card reads it. Only a payment
// confirmed on the ledger counts, and it pays the request of the member it
// went to: a request is known by its sender and clientMessageId together.

export type PaidRequests = ReadonlyMap<
  string,
  { readonly payer: string; readonly outgoing: boolean; readonly amount: number }
>;

/** The key of a request message in PaidRequests: who asked, and their clientMessageId. */
export const requestKey = (requester: string, clientMessageId: string): string => `${requester}\n${clientMessageId}`;

const PaidRequestsContext = createContext<PaidRequests>(new Map());
export const PaidRequestsProvider = PaidRequestsContext.Provider;

export function usePaidRequests(): PaidRequests {
  return useContext(PaidRequestsContext);
}

/** Request id → who paid it, from the payment messages loaded (newer than any request they answer). */
export function paidRequestsOf(messages: readonly MessageView[]): PaidRequests {
  const paid = new Map<string, { payer: string; outgoing: boolean; amount: number }>();
  for (const m of messages) {
    if (m.content?.type === 'payment' && m.content.requestId && m.state !== 'failed' && m.ledgerConfirmed) {
      paid.set(requestKey(m.content.to, m.content.requestId), {
        payer: m.sender,
        outgoing: m.outgoing,
        amount: m.content.amount,
      });
    }
  }
  return paid;
}
