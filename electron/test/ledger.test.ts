import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChaincodeEvent, Checkpoint, Checkpointer, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import {
  type CommittingTransaction,
  type EndorsableProposal,
  type EventSource,
  type SyncStatus,
  backoffDelay,
  chaincodeErrorCode,
  classifyDeliveryError,
  classifyEndorseError,
  LedgerError,
  isLedgerError,
  refinedApiCode,
  submitWithRetry,
  syncEvents,
} from '../src/node/ledger';
import { apiFailure } from '../src/node/messaging/delivery-failure';
import { toApiError } from '../src/node/service/api-errors';

// The ledger layer against stand-ins for the gateway: which failures are
// retried and how, and when the event checkpoint moves.

/** A gateway-like error: gRPC code, message, per-peer details. */
const gatewayError = (code: number, message: string, details: string[] = []) =>
  Object.assign(new Error(message), {
    code,
    details: details.map((m) => ({ address: 'peer', mspId: 'Org1MSP', message: m })),
  });

const refusal = (code: string) =>
  gatewayError(10, 'failed to endorse transaction, see attached details for more info', [
    `chaincode response 500, ${code}: nope`,
  ]);

type Step = { endorse?: unknown; submit?: unknown[]; status?: unknown[]; code?: number };

/** Proposals that play the given steps in turn and count what was called. */
function scripted(steps: Step[]) {
  const calls = { proposals: 0, submits: 0, statuses: 0 };
  let index = 0;
  const next = (): EndorsableProposal => {
    const step = steps[Math.min(index++, steps.length - 1)] ?? {};
    const txId = `tx${++calls.proposals}`;
    const submitFailures = [...(step.submit ?? [])];
    const statusFailures = [...(step.status ?? [])];
    const committing: CommittingTransaction = {
      getResult: () => Buffer.from(`"${txId}"`),
      async getStatus() {
        calls.statuses++;
        const failure = statusFailures.shift();
        if (failure) throw failure;
        const code = step.code ?? 0;
        return { code, successful: code === 0, blockNumber: 7n };
      },
    };
    return {
      getTransactionId: () => txId,
      async endorse() {
        if (step.endorse) throw step.endorse;
        return {
          async submit() {
            calls.submits++;
            const failure = submitFailures.shift();
            if (failure) throw failure;
            return committing;
          },
        };
      },
    };
  };
  return { next, calls };
}

const noSleep = async () => {};
/** Yields to timers, so a retry loop cannot starve the test. */
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));
const policy = { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 40, factor: 2 };

describe('retry classification', () => {
  it('reads the chaincode code from the details, never from unrelated text', () => {
    assert.equal(chaincodeErrorCode(refusal('FORBIDDEN')), 'FORBIDDEN');
    assert.equal(chaincodeErrorCode(gatewayError(14, 'connection refused')), null);
    assert.equal(chaincodeErrorCode(new Error('FORBIDDENX: no')), null);
  });

  it('retries unreachable or slow endorsers and "no combination of peers", never a refusal', () => {
    assert.deepEqual(classifyEndorseError(gatewayError(14, 'unavailable')), { kind: 'transient' });
    assert.deepEqual(classifyEndorseError(gatewayError(4, 'deadline')), { kind: 'transient' });
    assert.deepEqual(
      classifyEndorseError(
        gatewayError(2, 'no combination of peers can be derived which satisfy the endorsement policy'),
      ),
      { kind: 'transient' },
    );
    // Peers a block apart, and a restarted peer without gossip members yet.
    assert.deepEqual(
      classifyEndorseError(
        gatewayError(10, 'failed to collect enough transaction endorsements', [
          'ProposalResponsePayloads do not match',
        ]),
      ),
      { kind: 'transient' },
    );
    assert.deepEqual(
      classifyEndorseError(
        gatewayError(10, 'failed to endorse', [
          'failed to distribute private collection, txID x: know of only 0 eligible peers',
        ]),
      ),
      { kind: 'transient' },
    );
    assert.deepEqual(classifyEndorseError(refusal('BAD_INPUT')), { kind: 'refused', code: 'BAD_INPUT' });
    // A refusal that travelled with UNAVAILABLE is still a refusal.
    assert.deepEqual(classifyEndorseError(gatewayError(14, 'x', ['FORBIDDEN: no'])), {
      kind: 'refused',
      code: 'FORBIDDEN',
    });
    assert.deepEqual(classifyEndorseError(gatewayError(3, 'invalid argument')), { kind: 'fatal' });
    assert.deepEqual(classifyDeliveryError(gatewayError(14, 'orderer down')), { kind: 'transient' });
    assert.deepEqual(classifyDeliveryError(gatewayError(3, 'bad envelope')), { kind: 'fatal' });
  });

  it('backoff grows exponentially and never exceeds the cap', () => {
    const p = { maxAttempts: 100, baseDelayMs: 100, maxDelayMs: 2_000, factor: 2 };
    assert.equal(
      backoffDelay(1, p, () => 1),
      100,
    );
    assert.equal(
      backoffDelay(2, p, () => 1),
      200,
    );
    assert.equal(
      backoffDelay(3, p, () => 0),
      200,
    );
    for (let retry = 1; retry < 60; retry++) {
      assert.ok(backoffDelay(retry, p, () => 1) <= 2_000);
      assert.ok(backoffDelay(retry, p, () => 0) >= Math.min(2_000, 100 * 2 ** (retry - 1)) / 2);
    }
  });
});

describe('submitWithRetry', () => {
  it('retries an MVCC conflict with a new proposal and returns the committed one', async () => {
    const { next, calls } = scripted([{ code: 11 }, { code: 12 }, {}]);
    const delays: number[] = [];
    const done = await submitWithRetry(next, {
      backoff: policy,
      sleep: noSleep,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    assert.equal(done.transactionId, 'tx3');
    assert.equal(done.attempts, 3);
    assert.equal(calls.proposals, 3);
    assert.ok(delays.every((d) => d <= policy.maxDelayMs));
  });

  it("the peers' refusal of a revoked identity is final (ACCESS_DENIED), never retried as a network failure", async () => {
    // As the peer answers a proposal signed with a certificate on the channel's CRL: no chaincode ran.
    const revoked = gatewayError(10, 'failed to endorse transaction, see attached details for more info', [
      'access denied: channel [ktalk] creator org unknown, creator is malformed',
    ]);
    assert.deepEqual(classifyEndorseError(revoked), { kind: 'denied' });
    assert.deepEqual(classifyEndorseError(gatewayError(7, 'permission denied')), { kind: 'denied' });
    const { next, calls } = scripted([{ endorse: revoked }]);
    await assert.rejects(submitWithRetry(next, { backoff: policy, sleep: noSleep }), (e: unknown) =>
      isLedgerError(e, 'ACCESS_DENIED'),
    );
    assert.equal(calls.proposals, 1);
  });

  it('a refusal keeps its cause in the API: not a member, a revoked or an expired certificate', () => {
    const notMember = 'groups.GetGroup: chaincode response 500, FORBIDDEN: not a member of g-1';
    assert.equal(refinedApiCode('FORBIDDEN', notMember), 'NOT_MEMBER');
    assert.equal(refinedApiCode('FORBIDDEN', 'FORBIDDEN: recipient is not a member of the conversation'), null);
    assert.equal(refinedApiCode('FORBIDDEN', 'FORBIDDEN: readers cannot post'), null);
    assert.equal(refinedApiCode('ACCESS_DENIED', 'access denied: creator org unknown'), 'CERT_REVOKED');
    assert.equal(refinedApiCode('ACCESS_DENIED', 'the certificate has expired'), 'CERT_EXPIRED');
    assert.equal(toApiError(new LedgerError('FORBIDDEN', notMember)).code, 'NOT_MEMBER');
    assert.equal(toApiError(new LedgerError('ACCESS_DENIED', 'access denied')).code, 'CERT_REVOKED');
    assert.equal(toApiError(new LedgerError('UNAVAILABLE', 'connection refused')).code, 'NETWORK_UNAVAILABLE');
    // What a failed message shows: the refusal's cause, "network" only for transport failures.
    assert.equal(apiFailure('FORBIDDEN', notMember), 'NOT_MEMBER');
    assert.equal(apiFailure('ACCESS_DENIED', 'access denied'), 'CERT_REVOKED');
    assert.equal(apiFailure('PREPARE_FAILED', 'bad attachment'), 'INTERNAL');
    assert.equal(apiFailure('UNAVAILABLE', 'connection refused'), 'NETWORK_UNAVAILABLE');
  });

  it('never retries a chaincode refusal', async () => {
    const { next, calls } = scripted([{ endorse: refusal('INSUFFICIENT_FUNDS') }]);
    await assert.rejects(submitWithRetry(next, { backoff: policy, sleep: noSleep }), (e: unknown) =>
      isLedgerError(e, 'INSUFFICIENT_FUNDS'),
    );
    assert.equal(calls.proposals, 1);
  });

  it('retries unavailable endorsers with new proposals, up to the cap', async () => {
    const { next, calls } = scripted([{ endorse: gatewayError(14, 'connection refused') }]);
    await assert.rejects(submitWithRetry(next, { backoff: policy, sleep: noSleep }), (e: unknown) =>
      isLedgerError(e, 'UNAVAILABLE'),
    );
    assert.equal(calls.proposals, policy.maxAttempts);
  });

  it('resends the same transaction when the hand-over to the orderer fails, and re-asks the commit status', async () => {
    const { next, calls } = scripted([
      { submit: [gatewayError(14, 'orderer'), gatewayError(4, 'slow')], status: [gatewayError(14, 'status')] },
    ]);
    const done = await submitWithRetry(next, { backoff: policy, sleep: noSleep });
    assert.equal(calls.proposals, 1, 'no new transaction id once it may be ordered');
    assert.equal(calls.submits, 3);
    assert.equal(calls.statuses, 2);
    assert.equal(done.transactionId, 'tx1');
  });

  it('an orderer that stays away leaves the transaction UNCERTAIN, naming its id', async () => {
    const { next } = scripted([{ submit: Array.from({ length: 10 }, () => gatewayError(14, 'orderer')) }]);
    await assert.rejects(
      submitWithRetry(next, { backoff: policy, sleep: noSleep }),
      (e: unknown) => isLedgerError(e, 'UNCERTAIN') && e.details.transactionId === 'tx1',
    );
  });

  it('another invalidation is final; endless conflicts end in MVCC_CONFLICT', async () => {
    await assert.rejects(
      submitWithRetry(scripted([{ code: 10 }]).next, { backoff: policy, sleep: noSleep }),
      (e: unknown) => isLedgerError(e, 'INVALID_TRANSACTION'),
    );
    const { next, calls } = scripted([{ code: 11 }]);
    await assert.rejects(submitWithRetry(next, { backoff: policy, sleep: noSleep }), (e: unknown) =>
      isLedgerError(e, 'MVCC_CONFLICT'),
    );
    assert.equal(calls.proposals, policy.maxAttempts);
  });
});

/** A checkpointer in memory that logs its writes. */
function memoryCheckpointer(log: string[]): Checkpointer {
  let block: bigint | undefined;
  let txId: string | undefined;
  return {
    getBlockNumber: () => block,
    getTransactionId: () => txId,
    async checkpointBlock(b) {
      block = b + 1n;
      txId = undefined;
    },
    async checkpointTransaction(b, t) {
      block = b;
      txId = t;
      log.push(`checkpoint ${t}`);
    },
    async checkpointChaincodeEvent(event) {
      await this.checkpointTransaction(event.blockNumber, event.transactionId);
    },
  };
}

const event = (block: number, txId: string): ChaincodeEvent => ({
  blockNumber: BigInt(block),
  transactionId: txId,
  chaincodeName: 'ktalk',
  eventName: 'messages.MessagePosted',
  payload: new Uint8Array(),
});

/** A ledger of events; each open() serves those after the checkpoint, then fails or hangs as told. */
function fakeSource(events: ChaincodeEvent[], plan: Array<'fail-after-2' | 'hang'>) {
  let opens = 0;
  const source: EventSource = {
    async ready() {},
    async open(checkpoint: Checkpoint): Promise<CloseableAsyncIterable<ChaincodeEvent>> {
      const mode = plan[Math.min(opens++, plan.length - 1)];
      const block = checkpoint.getBlockNumber();
      const after = checkpoint.getTransactionId();
      let rest = events.filter((e) => block === undefined || e.blockNumber >= block);
      if (after) rest = rest.slice(rest.findIndex((e) => e.transactionId === after) + 1);
      let closed = false;
      let wake = () => {};
      const close = () => {
        closed = true;
        wake();
      };
      return {
        close,
        [Symbol.dispose]: close,
        async *[Symbol.asyncIterator]() {
          let served = 0;
          for (const e of rest) {
            if (closed) return;
            if (mode === 'fail-after-2' && served === 2) throw Object.assign(new Error('stream broke'), { code: 14 });
            served++;
            yield e;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        },
      };
    },
  };
  return { source, opens: () => opens };
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(check(), 'condition never met');
};

describe('syncEvents', () => {
  const ledger = [event(1, 'a'), event(1, 'b'), event(2, 'c'), event(3, 'd'), event(3, 'e')];

  it('writes the checkpoint only after the handler finished, and reconnects from it: each event once', async () => {
    const log: string[] = [];
    const statuses: SyncStatus[] = [];
    const { source, opens } = fakeSource(ledger, ['fail-after-2', 'fail-after-2', 'hang']);
    const sync = syncEvents(
      source,
      memoryCheckpointer(log),
      async (e) => {
        log.push(`start ${e.transactionId}`);
        await new Promise((r) => setTimeout(r, 1));
        log.push(`end ${e.transactionId}`);
      },
      { sleep: tick, onStatus: (s) => statuses.push(s) },
    );
    await until(() => log.includes('checkpoint e'));
    await sync.close();
    assert.deepEqual(
      log,
      ['a', 'b', 'c', 'd', 'e'].flatMap((t) => [`start ${t}`, `end ${t}`, `checkpoint ${t}`]),
    );
    assert.equal(opens(), 3);
    assert.deepEqual(statuses, ['connected', 'reconnecting', 'connected', 'reconnecting', 'connected', 'closed']);
    assert.equal(sync.status, 'closed');
  });

  it('a failing handler leaves the checkpoint where it was and gets the event again', async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const { source } = fakeSource(ledger, ['hang']);
    let failOnce = true;
    const seen: string[] = [];
    const sync = syncEvents(
      source,
      memoryCheckpointer(log),
      async (e) => {
        if (e.transactionId === 'c' && failOnce) {
          failOnce = false;
          throw new Error('handler failed');
        }
        seen.push(e.transactionId);
      },
      { sleep: tick, onError: (error) => errors.push(error) },
    );
    await until(() => seen.includes('e'));
    await sync.close();
    assert.deepEqual(seen, ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(log, ['checkpoint a', 'checkpoint b', 'checkpoint c', 'checkpoint d', 'checkpoint e']);
    assert.equal(errors.length, 1);
  });

  it('keeps retrying a source that is down, and close() stops it', async () => {
    let tries = 0;
    const statuses: SyncStatus[] = [];
    const sync = syncEvents(
      {
        async ready() {
          tries++;
          throw new Error('Failed to connect before the deadline');
        },
        open: () => Promise.reject(new Error('unreachable')),
      },
      memoryCheckpointer([]),
      async () => {},
      { sleep: tick, onStatus: (s) => statuses.push(s) },
    );
    await until(() => tries >= 5);
    assert.equal(sync.status, 'reconnecting');
    await sync.close();
    assert.deepEqual(statuses, ['reconnecting', 'closed']);
  });
});
