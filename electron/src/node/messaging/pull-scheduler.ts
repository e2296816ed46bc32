// Fair pulls (issue 14, item 3). Events only say "look again at this
// conversation"; reading it is the work. Left to run as events come, one
// member who floods a conversation (or opens many) keeps the client busy on
// their backlog while every other conversation waits. So:
//
// - at most one pending pull per conversation: requests while one is queued
//   join it; requests while it runs ask for ONE more pull after it;
// - a pull runs in bounded turns (one page each); a conversation with more to
//   read goes back to the end of the catch-up queue;
// - live requests (an event just named the conversation) run before catch-up
//   turns, so a flooded conversation's backlog never delays another
//   conversation's new message by more than one turn;
// - both queues take turns round-robin by fairness key (the other member of
//   a direct conversation, else the conversation itself), so one sender with
//   many direct conversations gets one turn per round, not one per conversation.
//
// One worker runs the turns: the order of work is deterministic given the
// order of requests, which is what the tests assert on (no clocks).

export type PullPriority = 'live' | 'catch-up';

/** One finished turn, for observers (tests, diagnostics). */
export interface PullTurn {
  readonly conversationId: string;
  readonly priority: PullPriority;
  /** Records this turn read. */
  readonly records: number;
  /** The pull reached the end of the conversation. */
  readonly done: boolean;
}

export interface PullSchedulerOptions<C> {
  /** One bounded step of a pull; `cursor` is what the previous step returned (undefined: start). */
  turn(conversationId: string, cursor: C | undefined): Promise<{ readonly records: number; readonly next?: C }>;
  /** Whose work this conversation counts as (for round-robin). */
  fairnessKey(conversationId: string): string;
  onTurn?(turn: PullTurn): void;
  /** A request joined one already pending (counted by tests: one pull per conversation, not one per event). */
  onCoalesced?(conversationId: string): void;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Entry<C> {
  queued: PullPriority | null;
  running: boolean;
  /** Set once the pull has read its first page: later requests need a fresh pull after it. */
  cursor: C | undefined;
  started: boolean;
  again: PullPriority | null;
  waiters: Waiter[];
  nextWaiters: Waiter[];
}

/** Round-robin over fairness keys, FIFO within a key. */
class FairQueue {
  private readonly byKey = new Map<string, string[]>();

  get size(): number {
    let n = 0;
    for (const ids of this.byKey.values()) n += ids.length;
    return n;
  }

  push(key: string, conversationId: string): void {
    const ids = this.byKey.get(key);
    if (ids) ids.push(conversationId);
    else this.byKey.set(key, [conversationId]);
  }

  remove(conversationId: string): void {
    for (const [key, ids] of this.byKey) {
      const at = ids.indexOf(conversationId);
      if (at < 0) continue;
      ids.splice(at, 1);
      if (ids.length === 0) this.byKey.delete(key);
      return;
    }
  }

  /** The first key's first conversation; that key moves to the back. */
  shift(): string | undefined {
    const first = this.byKey.entries().next();
    if (first.done) return undefined;
    const [key, ids] = first.value;
    const id = ids.shift();
    this.byKey.delete(key);
    if (ids.length > 0) this.byKey.set(key, ids);
    return id;
  }

  list(): string[] {
    return [...this.byKey.values()].flat();
  }
}

export class PullScheduler<C> {
  private readonly entries = new Map<string, Entry<C>>();
  private readonly live = new FairQueue();
  private readonly catchUp = new FairQueue();
  private working = false;
  private current: string | undefined;
  private holds = 0;

  constructor(private readonly options: PullSchedulerOptions<C>) {}

  /** Resolves once a pull that started after this call has read the conversation to its end. */
  request(conversationId: string, priority: PullPriority): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter = { resolve, reject };
      const entry = this.entries.get(conversationId);
      if (!entry) {
        this.entries.set(conversationId, {
          queued: null,
          running: false,
          cursor: undefined,
          started: false,
          again: null,
          waiters: [waiter],
          nextWaiters: [],
        });
        this.enqueue(conversationId, priority);
      } else if (!entry.running && !entry.started) {
        // Queued and not begun: this request is served by that pull.
        entry.waiters.push(waiter);
        if (priority === 'live' && entry.queued === 'catch-up') {
          this.catchUp.remove(conversationId);
          this.enqueue(conversationId, 'live');
        }
        this.options.onCoalesced?.(conversationId);
      } else {
        // Begun: what it already read may predate the request, so one more pull follows it.
        if (entry.again !== null) this.options.onCoalesced?.(conversationId);
        entry.again = entry.again === 'live' || priority === 'live' ? 'live' : 'catch-up';
        entry.nextWaiters.push(waiter);
      }
      this.kick();
    });
  }

  /** Conversations waiting, in the order each queue would serve them, and the one whose turn runs. */
  pending(): { readonly live: string[]; readonly catchUp: string[]; readonly running: string[] } {
    return { live: this.live.list(), catchUp: this.catchUp.list(), running: this.current ? [this.current] : [] };
  }

  /** Nothing queued and no turn running. */
  get idle(): boolean {
    return this.current === undefined && this.live.size + this.catchUp.size === 0;
  }

  /** Stops starting turns until the returned release is called (a turn under way finishes). For tests. */
  hold(): () => void {
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.kick();
    };
  }

  private enqueue(conversationId: string, priority: PullPriority): void {
    const entry = this.entries.get(conversationId);
    if (!entry) return;
    entry.queued = priority;
    (priority === 'live' ? this.live : this.catchUp).push(this.options.fairnessKey(conversationId), conversationId);
  }

  private kick(): void {
    if (this.working || this.holds > 0) return;
    this.working = true;
    void this.work().finally(() => {
      this.working = false;
      if (this.holds === 0 && this.live.size + this.catchUp.size > 0) this.kick();
    });
  }

  private async work(): Promise<void> {
    while (this.holds === 0) {
      const conversationId = this.live.shift() ?? this.catchUp.shift();
      if (conversationId === undefined) return;
      const entry = this.entries.get(conversationId);
      if (!entry) continue;
      const priority = entry.queued ?? 'catch-up';
      entry.queued = null;
      entry.running = true;
      entry.started = true;
      this.current = conversationId;
      try {
        const { records, next } = await this.options.turn(conversationId, entry.cursor);
        this.current = undefined;
        entry.running = false;
        this.options.onTurn?.({ conversationId, priority, records, done: next === undefined });
        if (next !== undefined) {
          entry.cursor = next;
          this.enqueue(conversationId, 'catch-up');
          continue;
        }
        this.finish(conversationId, entry, (w) => w.resolve());
      } catch (error) {
        this.current = undefined;
        entry.running = false;
        this.finish(conversationId, entry, (w) => w.reject(error));
      }
    }
  }

  /** The pull ended: its waiters are answered; a request made meanwhile starts a fresh pull. */
  private finish(conversationId: string, entry: Entry<C>, answer: (w: Waiter) => void): void {
    for (const w of entry.waiters) answer(w);
    if (entry.again === null) {
      this.entries.delete(conversationId);
      return;
    }
    const priority = entry.again;
    Object.assign(entry, {
      cursor: undefined,
      started: false,
      again: null,
      waiters: entry.nextWaiters,
      nextWaiters: [],
    });
    this.enqueue(conversationId, priority);
  }
}
