import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CHANNEL } from '../../../network/src/topology';
import type { KTalkSession } from '../ktalk-session';
import type { Workload } from './caliper';
import { table } from './table';

// Per-transaction results: what Caliper's workers recorded (send and finish
// time, their verdict) joined with the validation code each transaction got
// in its block, read back from the peer's filtered block stream.

const recordSchema = z.object({
  id: z.string().nullable(),
  start: z.number(),
  end: z.number(),
  ok: z.boolean(),
  error: z.string().optional(),
});
export type TxRecord = z.infer<typeof recordSchema>;

/** Records by round index, from every worker's round<R>-worker<W>.jsonl. */
export async function readRecords(outDir: string): Promise<Map<number, TxRecord[]>> {
  const byRound = new Map<number, TxRecord[]>();
  for (const file of await readdir(outDir)) {
    const match = /^round(\d+)-worker\d+\.jsonl$/.exec(file);
    if (!match) continue;
    const round = Number(match[1]);
    const records = byRound.get(round) ?? [];
    for (const line of (await readFile(path.join(outDir, file), 'utf8')).split('\n')) {
      if (line.trim() !== '') records.push(recordSchema.parse(JSON.parse(line)));
    }
    byRound.set(round, records);
  }
  return byRound;
}

/** Fabric's TxValidationCode names (peer/transaction.proto) for the codes worth naming. */
const CODE_NAMES: Record<number, string> = {
  0: 'VALID',
  9: 'DUPLICATE_TXID',
  10: 'ENDORSEMENT_POLICY_FAILURE',
  11: 'MVCC_READ_CONFLICT',
  12: 'PHANTOM_READ_CONFLICT',
  17: 'EXPIRED_CHAINCODE',
  18: 'CHAINCODE_VERSION_CONFLICT',
  255: 'INVALID_OTHER_REASON',
};
export const codeName = (code: number): string => CODE_NAMES[code] ?? `code ${code}`;
const MVCC_CODES = new Set([11, 12]);

/** Validation code of every transaction in blocks first..last (inclusive). */
export async function validationCodes(
  session: KTalkSession,
  first: bigint,
  last: bigint,
): Promise<Map<string, number>> {
  const codes = new Map<string, number>();
  const network = session.connection.gateway.getNetwork(CHANNEL);
  const blocks = await network.getFilteredBlockEvents({ startBlock: first });
  try {
    for await (const block of blocks) {
      for (const tx of block.getFilteredTransactionsList()) codes.set(tx.getTxid(), tx.getTxValidationCode());
      if (BigInt(block.getNumber()) >= last) break;
    }
  } finally {
    blocks.close();
  }
  return codes;
}

export interface WorkloadResult {
  readonly workload: Workload;
  readonly submitted: number;
  readonly valid: number;
  /** In a block, but invalidated: count by code name. */
  readonly invalid: ReadonlyMap<string, number>;
  readonly invalidCount: number;
  readonly mvcc: number;
  readonly inBlocks: number;
  /** Never reached a block (endorsement refused, submit or commit-status timeout). */
  readonly notOrdered: number;
  /** Transactions where Caliper's verdict and the block disagree (should be 0). */
  readonly disagreements: number;
  readonly seconds: number;
  readonly tps: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function summarise(workload: Workload, records: readonly TxRecord[], codes: ReadonlyMap<string, number>) {
  const invalid = new Map<string, number>();
  const latencies: number[] = [];
  let valid = 0;
  let inBlocks = 0;
  let mvcc = 0;
  let disagreements = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  for (const r of records) {
    first = Math.min(first, r.start);
    last = Math.max(last, r.end);
    const code = r.id === null ? undefined : codes.get(r.id);
    if ((code === 0) !== r.ok) disagreements++;
    if (code === undefined) continue;
    inBlocks++;
    if (code === 0) {
      valid++;
      latencies.push(r.end - r.start);
    } else {
      invalid.set(codeName(code), (invalid.get(codeName(code)) ?? 0) + 1);
      if (MVCC_CODES.has(code)) mvcc++;
    }
  }
  latencies.sort((a, b) => a - b);
  const seconds = records.length > 0 ? (last - first) / 1000 : 0;
  const result: WorkloadResult = {
    workload,
    submitted: records.length,
    valid,
    invalid,
    invalidCount: inBlocks - valid,
    mvcc,
    inBlocks,
    notOrdered: records.length - inBlocks,
    disagreements,
    seconds,
    tps: seconds > 0 ? valid / seconds : 0,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    meanMs: latencies.length > 0 ? latencies.reduce((a, b) => a + b, 0) / latencies.length : Number.NaN,
  };
  return result;
}

const pct = (part: number, whole: number): string => (whole > 0 ? `${((100 * part) / whole).toFixed(2)}%` : 'n/a');

/** The results table, one row per workload, then the ratios to the baseline. */
export function formatResults(results: readonly WorkloadResult[]): string[] {
  const header = [
    'workload',
    'sent',
    'valid',
    'committed TPS',
    'p50 ms',
    'p99 ms',
    'mean ms',
    'invalidated',
    'MVCC',
    'not ordered',
  ];
  const rows = results.map((r) => [
    `${r.workload.key} ${r.workload.title}`,
    String(r.submitted),
    String(r.valid),
    r.tps.toFixed(1),
    r.p50Ms.toFixed(0),
    r.p99Ms.toFixed(0),
    r.meanMs.toFixed(0),
    `${r.invalidCount} (${pct(r.invalidCount, r.inBlocks)})`,
    `${r.mvcc} (${pct(r.mvcc, r.inBlocks)})`,
    String(r.notOrdered),
  ]);
  const out = table(header, rows);
  for (const r of results) {
    if (r.invalid.size > 0) {
      out.push(`${r.workload.key}: invalidated by code: ${[...r.invalid].map(([c, n]) => `${c} ${n}`).join(', ')}`);
    }
    if (r.disagreements > 0) {
      out.push(`${r.workload.key}: ${r.disagreements} transactions where Caliper's verdict and the block disagree`);
    }
  }
  const base = results.find((r) => r.workload.key === 'A');
  if (base && base.tps > 0) {
    const ratio = (key: string) => {
      const r = results.find((x) => x.workload.key === key);
      return r ? (r.tps / base.tps).toFixed(2) : 'n/a';
    };
    out.push('');
    out.push(`B/A = ${ratio('B')} (goal ≥ 0.9)    C/A = ${ratio('C')}    (committed TPS ratios)`);
  }
  return out;
}
