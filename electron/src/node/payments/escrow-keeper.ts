import type { EscrowInfo } from '../../common/api';
import type { ClientSession } from '../session/client-session';
import { getEscrow, historyPage, settleEscrow } from './service';

// The sender's side of an escrow deadline. Fabric validates no chaincode
// time, so a claim endorsed just before claims close could be held and
// submitted later; what invalidates it is the sender's refund, which the
// chaincode accepts from the very stamp it refuses claims at and which
// writes the escrow the claim read. While signed in, this device refunds
// each of the user's open escrows at that moment, so a held claim cannot
// settle late without anyone acting.

/** payments.ClaimEscrow refuses from `deadline − 60 s`; the sender's refund is accepted from then. */
const CLAIMS_CLOSE_BEFORE_DEADLINE_MS = 60_000;
/** A little after that stamp, so the proposal is surely inside the refund window. */
const MARGIN_MS = 1_000;
/** setTimeout's longest delay; a later moment is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface KeeperClock {
  now(): number;
  setTimer(callback: () => void, delayMs: number): { cancel(): void };
}

const systemClock: KeeperClock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface EscrowLedger {
  escrow(escrowId: string): Promise<EscrowInfo>;
  refund(escrowId: string): Promise<EscrowInfo>;
  /** The ids of escrows in the user's history that they funded. */
  fundedEscrowIds(): Promise<string[]>;
}

export function sessionEscrowLedger(session: ClientSession): EscrowLedger {
  return {
    escrow: (escrowId) => getEscrow(session, { escrowId }),
    refund: (escrowId) => settleEscrow(session, { escrowId, action: 'refund' }),
    fundedEscrowIds: async () => {
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await historyPage(session, cursor);
        for (const entry of page.entries) if (entry.kind === 'escrow-out' && entry.escrowId) ids.push(entry.escrowId);
        cursor = page.next;
      } while (cursor);
      return ids;
    },
  };
}

export class EscrowKeeper {
  private readonly timers = new Map<string, { cancel(): void }>();
  private stopped = false;

  constructor(
    private readonly userId: string,
    private readonly ledger: EscrowLedger,
    private readonly clock: KeeperClock = systemClock,
    /** A refund that failed for a reason other than the escrow having settled. */
    private readonly onRefundFailed: (escrowId: string, error: unknown) => void = () => undefined,
  ) {}

  /** Looks for this user's open escrows (from another session or device) and watches each. */
  async start(): Promise<void> {
    for (const escrowId of await this.ledger.fundedEscrowIds()) {
      if (this.stopped) return;
      if (this.timers.has(escrowId)) continue;
      this.watch(await this.ledger.escrow(escrowId));
    }
  }

  /** Schedules the refund of an open escrow this user funded; anything else is ignored. */
  watch(escrow: EscrowInfo): void {
    if (this.stopped || escrow.from !== this.userId || escrow.state !== 'open') return;
    this.timers.get(escrow.escrowId)?.cancel();
    const at = escrow.deadline - CLAIMS_CLOSE_BEFORE_DEADLINE_MS + MARGIN_MS;
    const delay = Math.max(0, at - this.clock.now());
    const step = Math.min(delay, MAX_TIMER_MS);
    const timer = this.clock.setTimer(() => {
      this.timers.delete(escrow.escrowId);
      if (step < delay) this.watch(escrow);
      else void this.refund(escrow.escrowId);
    }, step);
    this.timers.set(escrow.escrowId, timer);
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) timer.cancel();
    this.timers.clear();
  }

  /** Pending refunds, for tests and status. */
  get watching(): number {
    return this.timers.size;
  }

  private async refund(escrowId: string): Promise<void> {
    if (this.stopped) return;
    try {
      // Released or claimed in time: nothing to do.
      if ((await this.ledger.escrow(escrowId)).state !== 'open') return;
      await this.ledger.refund(escrowId);
    } catch (error) {
      this.onRefundFailed(escrowId, error);
    }
  }
}
