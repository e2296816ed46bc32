import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { openStore } from './open';

// Benchmark pieces for scripts/bench-client.ts (performance goals live in
// benchmarks, not in unit tests): a temporary encrypted store holding one
// conversation of 100,000 messages, timed for what the UI does most:
// opening the store and showing the newest 50 messages, and a search.

export const OPEN_GOAL_MS = 300;

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

export interface StoreBenchResult {
  readonly messages: number;
  readonly fileBytes: number;
  readonly fillMs: number;
  /** openStore (key, checks, migrations) + the first page of 50, newest first. */
  readonly openFirstPage: Timing;
  /** A word in about 1 of 100 messages, 50 newest hits with snippets. */
  readonly searchRare: Timing;
  /** A word in about 1 of 4 messages, 50 newest hits with snippets. */
  readonly searchCommon: Timing;
}

const WORDS = (
  'the meeting report budget review quarter plan team update draft contract client invoice ' +
  'schedule launch design test release agenda notes call follow deadline office travel'
).split(' ');

function timing(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? (sorted[mid] ?? NaN) : ((sorted[mid - 1] ?? NaN) + (sorted[mid] ?? NaN)) / 2;
  return { medianMs: median, minMs: sorted[0] ?? NaN, maxMs: sorted[sorted.length - 1] ?? NaN, runs: sorted.length };
}

function bodyOf(n: number): string {
  const words: string[] = [];
  let x = (n * 2654435761) >>> 0;
  for (let i = 0; i < 12; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    words.push(WORDS[x % WORDS.length] ?? 'word');
  }
  if (n % 100 === 7) words.push('zebrafish');
  if (n % 4 === 1) words.push('lunch');
  return `${words.join(' ')} #${n}`;
}

export async function benchStore(options: { messages?: number; runs?: number } = {}): Promise<StoreBenchResult> {
  const messages = options.messages ?? 100_000;
  const runs = options.runs ?? 7;
  const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-store-bench-'));
  const file = path.join(dir, 'bench.db');
  const key = new Uint8Array(randomBytes(32));
  try {
    const fillStart = performance.now();
    const store = openStore({ file, key });
    // Only the fill skips fsync (it is not what is measured); the timed opens use the store's settings.
    store.db.pragma('synchronous = OFF');
    store.upsertConversation({ id: 'bench', kind: 'group', title: 'Bench' });
    store.upsertConversation({ id: 'other', kind: 'direct', title: 'Other' });
    const batch = store.db.transaction((from: number, to: number) => {
      for (let n = from; n < to; n++) {
        store.upsertMessage({
          conversationId: n % 50 === 0 ? 'other' : 'bench',
          clientMessageId: `m${n}`,
          sender: n % 3 === 0 ? 'Org1MSP::alice' : 'Org2MSP::bob',
          sentAt: 1_700_000_000_000 + n * 1_000,
          body: bodyOf(n),
          epoch: 1,
          verified: true,
        });
      }
    });
    for (let from = 0; from < messages; from += 10_000) batch(from, Math.min(messages, from + 10_000));
    store.close();
    const fillMs = performance.now() - fillStart;
    const fileBytes = (await stat(file)).size;

    const open: number[] = [];
    for (let run = 0; run < runs; run++) {
      const start = performance.now();
      const opened = openStore({ file, key });
      const page = opened.pageMessages({ conversationId: 'bench', limit: 50 });
      open.push(performance.now() - start);
      if (page.messages.length !== 50) throw new Error('the first page is not 50 messages');
      opened.close();
    }

    const reader = openStore({ file, key });
    const search = (text: string): number[] => {
      const samples: number[] = [];
      for (let run = 0; run < runs; run++) {
        const start = performance.now();
        const hits = reader.search({ text, limit: 50 });
        samples.push(performance.now() - start);
        if (hits.length === 0) throw new Error(`no hits for ${text}`);
      }
      return samples;
    };
    const searchRare = timing(search('zebrafish'));
    const searchCommon = timing(search('lunch'));
    reader.close();
    return { messages, fileBytes, fillMs, openFirstPage: timing(open), searchRare, searchCommon };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
