import {
  type ChaincodeEvent,
  type Checkpoint,
  type Checkpointer,
  type CloseableAsyncIterable,
  checkpointers,
} from '@hyperledger/fabric-gateway';
import type { ConnectionProfile } from '../../common/connection-profile';
import type { GatewayConnection } from '../fabric/gateway';
import { type BackoffPolicy, type Sleep, backoffDelay, sleep as realSleep } from './backoff';

// Chaincode events, resumable. The checkpoint names the last event the
// handler finished; it is written only after the handler returns, so after a
// crash, a lost connection or a restart the stream resumes right after it:
// nothing missed, nothing handled twice (a crash between the handler and the
// checkpoint write replays that one event: handlers should be idempotent on
// the transaction id). A broken stream is reopened by itself with backoff.

export type SyncStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

/** Where events come from; `chaincodeEventSource` is the real one. */
export interface EventSource {
  /** Waits until the connection is usable (rejects after `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  /** Events after the checkpoint's position, or from `startBlock`/the next block when it has none. */
  open(checkpoint: Checkpoint): Promise<CloseableAsyncIterable<ChaincodeEvent>>;
}

export interface EventSyncOptions {
  /** Reconnect backoff; `maxAttempts` is ignored (it retries until closed). */
  readonly backoff?: Omit<BackoffPolicy, 'maxAttempts'>;
  readonly readyTimeoutMs?: number;
  readonly onStatus?: (status: SyncStatus) => void;
  /** A stream or handler failure; the sync goes on reconnecting. */
  readonly onError?: (error: unknown) => void;
  readonly sleep?: Sleep;
}

export interface EventSync {
  readonly status: SyncStatus;
  /** Stops the stream and waits for the running handler to finish. */
  close(): Promise<void>;
}

export const DEFAULT_RECONNECT_BACKOFF = { baseDelayMs: 250, maxDelayMs: 10_000, factor: 2 } as const;

export function syncEvents(
  source: EventSource,
  checkpointer: Checkpointer,
  handler: (event: ChaincodeEvent) => Promise<void>,
  options: EventSyncOptions = {},
): EventSync {
  const policy: BackoffPolicy = { ...(options.backoff ?? DEFAULT_RECONNECT_BACKOFF), maxAttempts: Infinity };
  const sleep = options.sleep ?? realSleep;
  const stop = new AbortController();
  let status: SyncStatus = 'connecting';
  let stream: CloseableAsyncIterable<ChaincodeEvent> | undefined;

  const setStatus = (next: SyncStatus) => {
    if (status === next || status === 'closed') return;
    status = next;
    options.onStatus?.(next);
  };

  /** An event at or before the checkpoint was handled already (belt and braces: the peer skips them). */
  const handledAlready = (event: ChaincodeEvent): boolean => {
    const block = checkpointer.getBlockNumber();
    const txId = checkpointer.getTransactionId();
    if (block === undefined) return false;
    return event.blockNumber < block || (event.blockNumber === block && event.transactionId === txId);
  };

  const run = async () => {
    for (let failures = 0; !stop.signal.aborted;) {
      try {
        await source.ready(options.readyTimeoutMs ?? 10_000);
        if (stop.signal.aborted) break;
        stream = await source.open(checkpointer);
        setStatus('connected');
        for await (const event of stream) {
          if (stop.signal.aborted) break;
          if (handledAlready(event)) continue;
          await handler(event);
          await checkpointer.checkpointChaincodeEvent(event);
          failures = 0;
        }
      } catch (error) {
        if (!stop.signal.aborted) options.onError?.(error);
      } finally {
        stream?.close();
        stream = undefined;
      }
      if (stop.signal.aborted) break;
      // A stream that ends without error (peer shutting down) is reconnected the same way.
      setStatus('reconnecting');
      failures++;
      await sleep(backoffDelay(failures, policy), stop.signal);
    }
  };
  const done = run();

  return {
    get status() {
      return status;
    },
    async close() {
      stop.abort();
      stream?.close();
      await done;
      setStatus('closed');
    },
  };
}

/** Events of the profile's chaincode through the connection's peer. */
export function chaincodeEventSource(
  connection: GatewayConnection,
  profile: ConnectionProfile,
  startBlock?: bigint,
): EventSource {
  const network = connection.gateway.getNetwork(profile.channel);
  return {
    ready: (timeoutMs) =>
      new Promise((resolve, reject) =>
        connection.client.waitForReady(Date.now() + timeoutMs, (error) => (error ? reject(error) : resolve())),
      ),
    open: (checkpoint) =>
      network.getChaincodeEvents(profile.chaincode, {
        checkpoint,
        ...(startBlock !== undefined ? { startBlock } : {}),
      }),
  };
}

/**
 * Syncs the profile's chaincode events with the checkpoint kept in
 * `checkpointFile` (fabric-gateway's file checkpointer). Without a checkpoint
 * yet it starts at `startBlock`, else at the next block.
 */
export async function syncWithFileCheckpoint(
  connection: GatewayConnection,
  profile: ConnectionProfile,
  checkpointFile: string,
  handler: (event: ChaincodeEvent) => Promise<void>,
  options: EventSyncOptions & { readonly startBlock?: bigint } = {},
): Promise<EventSync> {
  const checkpointer = await checkpointers.file(checkpointFile);
  return syncEvents(chaincodeEventSource(connection, profile, options.startBlock), checkpointer, handler, options);
}
