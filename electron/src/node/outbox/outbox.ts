import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type BackoffPolicy, type Sleep, backoffDelay, sleep as realSleep } from '../ledger/backoff';
import { type LedgerErrorCode, isLedgerError } from '../ledger/errors';
import { StoreError } from '../store/errors';
import {
  type Attachment,
  type MessageState,
  type StoredMessage,
  attachmentsSchema,
  MAX_BODY_CHARS,
  relationFieldsSchema,
} from '../store/schemas';
import { type MessageRow, type Store, fileNamesOf, parseInput, relationColumns, toStoredMessage } from '../store/store';

// The durable outbox. enqueue() writes the message as `pending` in one
// SQLite transaction before any network I/O; a worker then sends each
// conversation's pending messages in order through the injected `send`.
// A message is sealed once (`prepare`) and the sealed bytes are kept, so a
// resend after a crash or a lost answer carries the same envelope and
// messages.PostMessage answers it as a replay: it can never post twice.
//
//   pending --endorsed--> endorsed --committed--> committed
//      \____________________\_______failed (permanent, or retries exhausted)
//   failed --retry()--> pending

export type OutboxFailureCode = LedgerErrorCode | 'PREPARE_FAILED' | 'KEY_CHANGED';

/**
 * Thrown by prepare or send: a member's keys changed after the user verified
 * them, and the user has not looked yet. The message fails with KEY_CHANGED
 * and nothing is posted; retry() sends it once the user acknowledged.
 */
export class HeldForKeyChange extends Error {
  readonly code = 'KEY_CHANGED' as const;
  override readonly name = 'HeldForKeyChange';
}

/** Worth another attempt: nothing was refused, the network or a race got in the way. */
export const RETRYABLE_CODES: ReadonlySet<string> = new Set<OutboxFailureCode>([
  'UNAVAILABLE',
  'MVCC_CONFLICT',
  'UNCERTAIN',
  'CLOSED',
]);
/**
 * Refusals that a fresh seal at the conversation's current epoch can cure.
 * PostMessage checks for a replay before the epoch, so such a refusal means
 * the message is not on the ledger and sealing new bytes cannot duplicate it.
 * The worker re-prepares once by itself; retry() re-prepares too.
 */
export const RESEAL_CODES: ReadonlySet<string> = new Set(['STALE_EPOCH', 'REKEY_REQUIRED']);

export const DEFAULT_OUTBOX_BACKOFF: BackoffPolicy = {
  maxAttempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  factor: 2,
};

export const CLIENT_MESSAGE_ID_BYTES = 16;

/** A fresh clientMessageId: 128 random bits, base64url (22 characters). */
export const newClientMessageId = (): string => randomBytes(CLIENT_MESSAGE_ID_BYTES).toString('base64url');

export const draftSchema = z.strictObject({
  conversationId: z.string().min(1).max(128),
  body: z.string().max(MAX_BODY_CHARS),
  /** Structured content's JSON, out of band of the text (see store schema 5). */
  contentJson: z.string().max(MAX_BODY_CHARS).optional(),
  attachments: attachmentsSchema.default([]),
  ...relationFieldsSchema.shape,
});
export type Draft = z.input<typeof draftSchema>;

/** An outgoing message as the send and prepare functions see it. */
export interface OutboxMessage extends StoredMessage {
  /** The sealed envelope from `prepare`, or null before it ran. */
  readonly payload: Uint8Array | null;
  /** Send attempts over the message's life, this one included. */
  readonly attempts: number;
}

export interface Prepared {
  /** The epoch the envelope was sealed under. */
  readonly epoch: number;
  readonly payload: Uint8Array;
}

export interface SendHooks {
  /** Call once the peers endorsed the post (before ordering). */
  onEndorsed(): void;
  /** Aborted when the outbox stops. */
  readonly signal: AbortSignal;
}

export interface SendResult {
  readonly txId: string;
  readonly blockNumber: number | bigint;
  /** The ledger's message id and time, when the answer carries them. */
  readonly messageId?: string;
  readonly sentAt?: number;
}

export type SendFunction = (message: OutboxMessage, hooks: SendHooks) => Promise<SendResult>;
export type PrepareFunction = (message: OutboxMessage) => Promise<Prepared>;

export interface DeliveryStateChange {
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly state: MessageState;
  readonly previous: MessageState | null;
  readonly failureCode?: string;
  readonly failureMessage?: string;
  readonly txId?: string;
  readonly blockNumber?: number;
}
export type DeliveryListener = (change: DeliveryStateChange) => void;

export interface OutboxOptions {
  readonly store: Store;
  /** Our own user id: the sender of every outgoing message. */
  readonly sender: string;
  readonly send: SendFunction;
  /** Seals a message once; without it the body's UTF-8 bytes are sent as they are (tests). */
  readonly prepare?: PrepareFunction;
  readonly backoff?: BackoffPolicy;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

interface OutboxRow extends MessageRow {
  readonly payload: Buffer | null;
}

function failureOf(error: unknown): { code: OutboxFailureCode; message: string } {
  if (isLedgerError(error)) return { code: error.code, message: error.message };
  if (error instanceof HeldForKeyChange) return { code: error.code, message: error.message };
  return { code: 'FAILED', message: error instanceof Error ? error.message : String(error) };
}

const toOutboxMessage = (row: OutboxRow): OutboxMessage => ({
  ...toStoredMessage(row),
  payload: row.payload ? new Uint8Array(row.payload) : null,
  attempts: row.attempts,
});

export class Outbox {
  private readonly listeners = new Set<DeliveryListener>();
  private readonly lanes = new Map<string, Promise<void>>();
  private running = false;
  private abort = new AbortController();
  private readonly backoff: BackoffPolicy;

  constructor(private readonly options: OutboxOptions) {
    this.backoff = options.backoff ?? DEFAULT_OUTBOX_BACKOFF;
  }

  private get store(): Store {
    return this.options.store;
  }

  /** Every state change of an outgoing message; returns the unsubscribe function. */
  onStateChange(listener: DeliveryListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: DeliveryStateChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A listener's failure must not stop delivery.
      }
    }
  }

  /**
   * Stores the message as pending (one transaction, before any network I/O)
   * and returns its clientMessageId; the worker sends it when running.
   */
  enqueue(draft: Draft): string {
    const d = parseInput(draftSchema, draft, 'draft');
    const clientMessageId = newClientMessageId();
    const sentAt = this.store.now();
    this.store.db.transaction(() => {
      const conversation = this.store.requireConversation(d.conversationId);
      this.store
        .prepare(
          `INSERT INTO messages (conversationId, clientMessageId, sender, sentAt, body, contentJson, attachments,
             fileNames, state, epoch, verified, direction, relType, relTo, relKey, relOn, threadRoot)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, 1, 'out', ?, ?, ?, ?, ?)`,
        )
        .run(
          d.conversationId,
          clientMessageId,
          this.options.sender,
          sentAt,
          d.body,
          d.contentJson ?? null,
          JSON.stringify(d.attachments satisfies Attachment[]),
          fileNamesOf(d.attachments),
          conversation.epoch,
          ...Object.values(relationColumns(d)),
        );
      if (d.relType !== 'reaction') this.store.touchConversation(d.conversationId, sentAt, 0);
    })();
    this.emit({ conversationId: d.conversationId, clientMessageId, state: 'pending', previous: null });
    if (this.running) this.ensureLane(d.conversationId);
    return clientMessageId;
  }

  /** Puts a failed message back to pending; messages refused for their epoch are sealed again. */
  retry(clientMessageId: string): void {
    const row = this.findOwn(clientMessageId);
    if (!row) throw new StoreError('NOT_FOUND', `no outgoing message ${clientMessageId}`);
    if (row.state !== 'failed')
      throw new StoreError('BAD_STATE', `message ${clientMessageId} is ${row.state}, not failed`);
    const reseal = row.failureCode !== null && RESEAL_CODES.has(row.failureCode);
    this.store
      .prepare(
        `UPDATE messages SET state = 'pending', failureCode = NULL, failureMessage = NULL,
           payload = CASE WHEN ? THEN NULL ELSE payload END
         WHERE id = ? AND state = 'failed'`,
      )
      .run(reseal ? 1 : 0, row.id);
    this.emit({ conversationId: row.conversationId, clientMessageId, state: 'pending', previous: 'failed' });
    if (this.running) this.ensureLane(row.conversationId);
  }

  /** Sends again every message held for a key change (a member still unacknowledged holds it again). */
  retryHeld(): number {
    const ids = this.store
      .prepare(
        `SELECT clientMessageId FROM messages WHERE sender = ? AND direction = 'out' AND state = 'failed'
           AND failureCode = 'KEY_CHANGED' ORDER BY id`,
      )
      .pluck()
      .all(this.options.sender) as string[];
    for (const id of ids) this.retry(id);
    return ids.length;
  }

  /** Starts the worker: messages left pending or endorsed by an earlier process are sent again. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abort = new AbortController();
    const conversations = this.store
      .prepare(`SELECT DISTINCT conversationId FROM messages WHERE state IN ('pending', 'endorsed') AND sender = ?`)
      .pluck()
      .all(this.options.sender) as string[];
    for (const conversationId of conversations) this.ensureLane(conversationId);
  }

  /** Stops after the sends in flight settle (their results are still recorded). */
  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.allSettled([...this.lanes.values()]);
  }

  /** Resolves when nothing is pending or being sent (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.lanes.size > 0) await Promise.allSettled([...this.lanes.values()]);
  }

  /** Outgoing messages not yet committed or failed. */
  pendingCount(): number {
    return this.store
      .prepare(`SELECT count(*) FROM messages WHERE state IN ('pending', 'endorsed') AND sender = ?`)
      .pluck()
      .get(this.options.sender) as number;
  }

  private findOwn(clientMessageId: string): OutboxRow | undefined {
    return this.store
      .prepare(`SELECT * FROM messages WHERE clientMessageId = ? AND sender = ? AND direction = 'out'`)
      .get(String(clientMessageId), this.options.sender) as OutboxRow | undefined;
  }

  private nextInLane(conversationId: string): OutboxRow | undefined {
    return this.store
      .prepare(
        `SELECT * FROM messages WHERE conversationId = ? AND state IN ('pending', 'endorsed') AND sender = ?
         ORDER BY id LIMIT 1`,
      )
      .get(conversationId, this.options.sender) as OutboxRow | undefined;
  }

  private reread(id: number): OutboxRow | undefined {
    return this.store.prepare('SELECT * FROM messages WHERE id = ?').get(id) as OutboxRow | undefined;
  }

  /** One lane per conversation: its messages go out one after another, in enqueue order. */
  private ensureLane(conversationId: string): void {
    if (this.lanes.has(conversationId)) return;
    const lane = (async () => {
      // Yield once so the caller's enqueue returns before any send starts.
      await Promise.resolve();
      for (;;) {
        // No await between this read and the delete: an enqueue cannot slip in unseen.
        const row = this.running ? this.nextInLane(conversationId) : undefined;
        if (!row) {
          this.lanes.delete(conversationId);
          return;
        }
        await this.deliver(row);
      }
    })();
    this.lanes.set(conversationId, lane);
  }

  /** Moves a row from one of `from` to `to`; false when it was elsewhere already (another path got there). */
  private transition(
    row: OutboxRow,
    from: readonly MessageState[],
    to: MessageState,
    fields: {
      failureCode?: string;
      failureMessage?: string;
      txId?: string;
      blockNumber?: number;
      messageId?: string;
      sentAt?: number;
    } = {},
  ): boolean {
    const current = this.reread(row.id);
    if (!current || !from.includes(current.state)) return false;
    this.store
      .prepare(
        `UPDATE messages SET state = @to, failureCode = @failureCode, failureMessage = @failureMessage,
           txId = coalesce(@txId, txId), blockNumber = coalesce(@blockNumber, blockNumber),
           messageId = coalesce(@messageId, messageId), sentAt = coalesce(@sentAt, sentAt)
         WHERE id = @id AND state = @state`,
      )
      .run({
        id: row.id,
        state: current.state,
        to,
        failureCode: fields.failureCode ?? null,
        failureMessage: fields.failureMessage ?? null,
        txId: fields.txId ?? null,
        blockNumber: fields.blockNumber ?? null,
        messageId: fields.messageId ?? null,
        sentAt: fields.sentAt ?? null,
      });
    if (current.state !== to) {
      this.emit({
        conversationId: row.conversationId,
        clientMessageId: row.clientMessageId,
        state: to,
        previous: current.state,
        ...(fields.failureCode ? { failureCode: fields.failureCode } : {}),
        ...(fields.failureMessage ? { failureMessage: fields.failureMessage } : {}),
        ...(fields.txId ? { txId: fields.txId } : {}),
        ...(fields.blockNumber !== undefined ? { blockNumber: fields.blockNumber } : {}),
      });
    }
    return true;
  }

  private fail(row: OutboxRow, code: string, message: string): void {
    this.transition(row, ['pending', 'endorsed'], 'failed', {
      failureCode: code,
      failureMessage: message.slice(0, 2000),
    });
  }

  /** Sends one message until it is committed or failed, or the outbox stops. */
  private async deliver(first: OutboxRow): Promise<void> {
    const signal = this.abort.signal;
    let row = first;
    let resealed = false;
    for (let attempt = 1; this.running; attempt++) {
      if (row.payload === null) {
        try {
          const prepared = this.options.prepare
            ? await this.options.prepare(toOutboxMessage(row))
            : { epoch: row.epoch, payload: new Uint8Array(Buffer.from(row.body ?? '', 'utf8')) };
          this.store
            .prepare(
              `UPDATE messages SET payload = ?, epoch = ? WHERE id = ? AND payload IS NULL AND state IN ('pending', 'endorsed')`,
            )
            .run(Buffer.from(prepared.payload), prepared.epoch, row.id);
        } catch (error) {
          if (signal.aborted) return;
          // Sealing reads the ledger (the conversation's epoch): its refusal is final and keeps
          // its code (a removed member's FORBIDDEN), a transport failure is retried like a send.
          const failure =
            isLedgerError(error) || error instanceof HeldForKeyChange
              ? failureOf(error)
              : { code: 'PREPARE_FAILED', message: failureOf(error).message };
          if (!RETRYABLE_CODES.has(failure.code) || attempt >= this.backoff.maxAttempts) {
            this.fail(row, failure.code, failure.message);
            return;
          }
          await this.pause(attempt, signal);
          continue;
        }
      }
      this.store.prepare('UPDATE messages SET attempts = attempts + 1 WHERE id = ?').run(row.id);
      const fresh = this.reread(row.id);
      if (!fresh || (fresh.state !== 'pending' && fresh.state !== 'endorsed')) return;
      row = fresh;
      try {
        const result = await this.options.send(toOutboxMessage(row), {
          onEndorsed: () => {
            this.transition(row, ['pending'], 'endorsed');
          },
          signal,
        });
        this.transition(row, ['pending', 'endorsed', 'failed'], 'committed', {
          txId: result.txId,
          blockNumber: Number(result.blockNumber),
          ...(result.messageId !== undefined ? { messageId: result.messageId } : {}),
          ...(result.sentAt !== undefined ? { sentAt: result.sentAt } : {}),
        });
        return;
      } catch (error) {
        // Stopping: leave the row pending/endorsed for the next start.
        if (signal.aborted) return;
        const failure = failureOf(error);
        if (RESEAL_CODES.has(failure.code) && !resealed) {
          // The new seal is stored before it is sent, like the first one.
          resealed = true;
          this.store
            .prepare(`UPDATE messages SET payload = NULL WHERE id = ? AND state IN ('pending', 'endorsed')`)
            .run(row.id);
          const again = this.reread(row.id);
          if (!again) return;
          row = again;
          continue;
        }
        if (!RETRYABLE_CODES.has(failure.code) || attempt >= this.backoff.maxAttempts) {
          this.fail(row, failure.code, failure.message);
          return;
        }
        await this.pause(attempt, signal);
      }
    }
  }

  private async pause(attempt: number, signal: AbortSignal): Promise<void> {
    await (this.options.sleep ?? realSleep)(
      backoffDelay(attempt, this.backoff, this.options.random ?? Math.random),
      signal,
    );
  }
}
