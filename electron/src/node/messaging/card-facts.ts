import { z } from 'zod';
import type { MessageContent } from '../../common/api';
import { getEscrow, paymentHistory } from '../payments';
import type { ClientSession } from '../session/client-session';
import type { Store } from '../store';

// A payment or escrow card states a ledger fact ("bob paid you 10"), but its
// content is whatever the sender wrote. A card is confirmed only when this
// user read the referenced payment or escrow on the ledger and its payer,
// payee and amount are the ones the card shows. The ledger's side (never the
// card's) is kept in the encrypted store: it cannot change once committed.

const FACT_PREFIX = 'ledger-fact:';

const factSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  amount: z.number().int(),
  /** Escrows only: the claim deadline. */
  deadline: z.number().int().optional(),
});
export type LedgerFact = z.infer<typeof factSchema>;

type CardContent = Extract<MessageContent, { type: 'payment' } | { type: 'escrow' }>;

export function isCard(content: MessageContent | undefined): content is CardContent {
  return content?.type === 'payment' || content?.type === 'escrow';
}

const factKey = (content: CardContent) =>
  `${FACT_PREFIX}${content.type}:${content.type === 'payment' ? content.paymentId : content.escrowId}`;

function readFact(store: Store, content: CardContent): LedgerFact | undefined {
  const raw = store.getSyncState(factKey(content));
  if (raw === null) return undefined;
  try {
    const parsed = factSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** What the ledger said about a payment or escrow this user is a party to (their own send, or a read). */
export function rememberFact(
  store: Store,
  content: Pick<CardContent, 'type'> & { paymentId?: string; escrowId?: string },
  fact: LedgerFact,
): void {
  const id = content.type === 'payment' ? content.paymentId : content.escrowId;
  if (!id) return;
  store.setSyncState(`${FACT_PREFIX}${content.type}:${id}`, JSON.stringify(factSchema.parse(fact)));
}

/** The card matches what the ledger recorded: the sender paid, to the named payee, this amount. */
export function isConfirmed(store: Store, content: CardContent, sender: string): boolean {
  const fact = readFact(store, content);
  if (!fact) return false;
  const same = fact.from === sender && fact.to === content.to && fact.amount === content.amount;
  return content.type === 'escrow' ? same && fact.deadline === content.deadline : same;
}

/** Only the payer and the payee can read a payment or escrow; anyone else cannot confirm it. */
export function canConfirm(content: CardContent, sender: string, me: string): boolean {
  return sender === me || content.to === me;
}

/**
 * Reads the referenced payment (this user's own history) or escrow from the
 * ledger and keeps what it says. False when there is nothing (a payment that
 * never happened) or this user is not a party.
 */
export async function lookUpFact(
  session: ClientSession,
  store: Store,
  content: CardContent,
  sender: string,
): Promise<boolean> {
  const me = session.userId;
  if (!canConfirm(content, sender, me)) return false;
  if (content.type === 'escrow') {
    const escrow = await getEscrow(session, { escrowId: content.escrowId });
    rememberFact(store, content, {
      from: escrow.from,
      to: escrow.to,
      amount: escrow.amount,
      deadline: escrow.deadline,
    });
    return true;
  }
  let cursor: string | undefined;
  do {
    const page = await paymentHistory(session, cursor !== undefined ? { cursor } : {});
    const entry = page.items.find((p) => p.paymentId === content.paymentId);
    if (entry && entry.counterparty !== undefined) {
      if (entry.kind === 'transfer-out') {
        rememberFact(store, content, { from: me, to: entry.counterparty, amount: entry.amount });
        return true;
      }
      if (entry.kind === 'transfer-in') {
        rememberFact(store, content, { from: entry.counterparty, to: me, amount: entry.amount });
        return true;
      }
    }
    cursor = page.next;
  } while (cursor !== undefined);
  return false;
}
