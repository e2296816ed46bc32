import { StatusCode } from '@hyperledger/fabric-gateway';
import { type BackoffPolicy, DEFAULT_SUBMIT_BACKOFF, type Sleep, backoffDelay, sleep as realSleep } from './backoff';
import { classifyDeliveryError, classifyEndorseError, isRetryableValidationCode } from './classify';
import { LedgerError, gatewayErrorText } from './errors';

// Submit with retries. The three phases of a Fabric submit fail differently:
//  - endorse: nothing is written yet; transient failures get a new proposal,
//    chaincode refusals (`CODE: ...`) are final.
//  - submit (hand-over to the orderer) and commit status: the transaction may
//    already be ordered, so only the same signed transaction is resent or
//    re-queried; it cannot commit twice.
//  - validation: MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT mean the
//    transaction wrote nothing; a new proposal re-reads the state.
// So every retry here is safe for any transaction. PostMessage is safe even
// across new proposals: a second post with the same clientMessageId answers
// the original message and writes nothing (`replayed: true`), and two
// racing copies collide on the message key, the loser re-running as a replay.

/** The parts of fabric-gateway's Proposal → Transaction → SubmittedTransaction a submit uses. */
export interface EndorsableProposal {
  getTransactionId(): string;
  endorse(): Promise<SubmittableTransaction>;
}
export interface SubmittableTransaction {
  submit(): Promise<CommittingTransaction>;
}
export interface CommittingTransaction {
  getResult(): Uint8Array;
  getStatus(): Promise<{ readonly code: number; readonly successful: boolean; readonly blockNumber: bigint }>;
}

export interface SubmitOptions {
  readonly backoff?: BackoffPolicy;
  readonly sleep?: Sleep;
  /** Called once the peers endorsed an attempt, before it goes to the orderer. */
  readonly onEndorsed?: (transactionId: string) => void;
  /** Called before each retry (logging, metrics). */
  readonly onRetry?: (info: { readonly retry: number; readonly reason: string; readonly delayMs: number }) => void;
}

export interface Committed {
  readonly result: Uint8Array;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  /** Attempts used, the first included. */
  readonly attempts: number;
}

const statusName = (code: number): string =>
  Object.entries(StatusCode).find(([, value]) => value === code)?.[0] ?? `code ${code}`;

/** Endorses, submits and waits for the commit of `newProposal()`, retrying as described above. */
export async function submitWithRetry(
  newProposal: () => EndorsableProposal,
  options: SubmitOptions = {},
): Promise<Committed> {
  const policy = options.backoff ?? DEFAULT_SUBMIT_BACKOFF;
  const sleep = options.sleep ?? realSleep;
  let attempts = 1;
  let transactionId = '';

  /** Waits before the next attempt, or throws `exhausted` when none is left. */
  const retry = async (reason: string, exhausted: () => LedgerError): Promise<void> => {
    if (attempts >= policy.maxAttempts) throw exhausted();
    const delayMs = backoffDelay(attempts, policy);
    options.onRetry?.({ retry: attempts, reason, delayMs });
    attempts++;
    await sleep(delayMs);
  };
  const fail = (code: LedgerError['code'], text: string, cause?: unknown) => () =>
    new LedgerError(code, `${text} (attempt ${attempts})`, { transactionId, attempts, cause });

  for (;;) {
    const proposal = newProposal();
    transactionId = proposal.getTransactionId();

    let transaction: SubmittableTransaction;
    try {
      transaction = await proposal.endorse();
    } catch (error) {
      const verdict = classifyEndorseError(error);
      const text = `endorse: ${gatewayErrorText(error)}`;
      if (verdict.kind === 'refused')
        throw new LedgerError(verdict.code, text, { transactionId, attempts, cause: error });
      if (verdict.kind === 'denied')
        throw new LedgerError('ACCESS_DENIED', text, { transactionId, attempts, cause: error });
      if (verdict.kind === 'fatal') throw fail('FAILED', text, error)();
      await retry(text, fail('UNAVAILABLE', text, error));
      continue;
    }

    options.onEndorsed?.(transactionId);
    const submitted = await deliver(() => transaction.submit(), 'submit', retry, fail);
    const status = await deliver(() => submitted.getStatus(), 'commit status', retry, fail);
    if (status.successful) {
      return { result: submitted.getResult(), transactionId, blockNumber: status.blockNumber, attempts };
    }
    const text = `${transactionId} committed as ${statusName(status.code)}`;
    if (!isRetryableValidationCode(status.code)) throw fail('INVALID_TRANSACTION', text)();
    await retry(text, fail('MVCC_CONFLICT', text));
  }
}

/** Runs a phase that must reuse the same transaction; a failure after every retry leaves it UNCERTAIN. */
async function deliver<T>(
  step: () => Promise<T>,
  phase: string,
  retry: (reason: string, exhausted: () => LedgerError) => Promise<void>,
  fail: (code: LedgerError['code'], text: string, cause?: unknown) => () => LedgerError,
): Promise<T> {
  for (;;) {
    try {
      return await step();
    } catch (error) {
      const text = `${phase}: ${gatewayErrorText(error)}`;
      // The orderer may have it: never report a plain failure, the caller must check the id.
      if (classifyDeliveryError(error).kind === 'fatal') throw fail('UNCERTAIN', text, error)();
      await retry(text, fail('UNCERTAIN', text, error));
    }
  }
}
