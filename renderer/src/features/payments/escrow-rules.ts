import { CLOCK_SKEW_MS, MAX_ESCROW_MS } from '@ktalk/protocol/limits';
import type { EscrowInfo } from '../../../../electron/src/common/api';

// Mirrors the chaincode's rules so the UI offers only what would succeed:
// the sender may release while open; the recipient may claim until a clock
// skew before the deadline; the sender may refund from then on (closing the
// escrow is what stops a claim endorsed earlier and held back from settling
// late), the recipient a skew after the deadline.
export { CLOCK_SKEW_MS, MAX_ESCROW_MS };

export type EscrowAction = 'release' | 'claim' | 'refund';

export function allowedEscrowActions(escrow: EscrowInfo, me: string, now: number): EscrowAction[] {
  if (escrow.state !== 'open') return [];
  const actions: EscrowAction[] = [];
  if (me === escrow.from) actions.push('release');
  if (me === escrow.to && now < escrow.deadline - CLOCK_SKEW_MS) actions.push('claim');
  const claimsClosed = now >= escrow.deadline - CLOCK_SKEW_MS;
  if ((me === escrow.from && claimsClosed) || (me === escrow.to && now >= escrow.deadline + CLOCK_SKEW_MS)) {
    actions.push('refund');
  }
  return actions;
}

/** Escrows must run at least two skews (plus time to sign) and at most the protocol's longest (the chaincode refuses otherwise). */
export const MIN_ESCROW_MS = 2 * CLOCK_SKEW_MS + 30_000;
