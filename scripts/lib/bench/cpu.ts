import { readFileSync, readdirSync } from 'node:fs';
import type { ProcessRecord } from '../../../network/src/processes';
import { table } from './table';

// Where the CPU goes, per workload: user+system CPU time of every network
// process (by its PID record) and of Caliper's processes, read from
// /proc/<pid>/stat at the start and end of each Caliper round. Linux only;
// elsewhere the table is left out.

/** Clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS = 100;

export type CpuGroup = 'peers' | 'chaincode' | 'orderers' | 'CAs' | 'Caliper' | 'other';
/** "other": the rest of the machine's busy time (kernel, this driver, anything else running). */
export const CPU_GROUPS: readonly CpuGroup[] = ['peers', 'chaincode', 'orderers', 'CAs', 'Caliper', 'other'];

interface Stat {
  readonly ppid: number;
  /** utime + stime, in seconds. */
  readonly cpu: number;
}

function stat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS };
  } catch {
    return null;
  }
}

function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) parents.set(Number(entry), s.ppid);
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        out.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

const groupOf = (name: string): CpuGroup =>
  name.startsWith('chaincode-')
    ? 'chaincode'
    : name.startsWith('peer')
      ? 'peers'
      : name.startsWith('orderer')
        ? 'orderers'
        : 'CAs';

export interface CpuSample {
  /** CPU seconds so far of every process we account for, by PID. */
  readonly byPid: ReadonlyMap<number, { readonly group: CpuGroup; readonly cpu: number }>;
  /** Busy CPU seconds of the whole machine since boot. */
  readonly machine: number;
}

/**
 * A synchronous snapshot (taken the moment Caliper reports a round's start or
 * end, before its workers can exit): the network's recorded processes and
 * Caliper's process tree. Null off Linux.
 */
export function sampleCpu(network: readonly ProcessRecord[], caliperPid: number | undefined): CpuSample | null {
  if (process.platform !== 'linux') return null;
  const byPid = new Map<number, { group: CpuGroup; cpu: number }>();
  const add = (group: CpuGroup, pid: number) => {
    const s = stat(pid);
    if (s) byPid.set(pid, { group, cpu: s.cpu });
  };
  if (caliperPid !== undefined) for (const pid of [caliperPid, ...descendants(caliperPid)]) add('Caliper', pid);
  for (const record of network) add(groupOf(record.name), record.pid);
  return { byPid, machine: machineBusySeconds() };
}

/** Busy CPU seconds of the whole machine since boot (/proc/stat: all but idle and iowait). */
function machineBusySeconds(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
  return (total - (fields[3] ?? 0) - (fields[4] ?? 0)) / TICKS;
}

/**
 * CPU seconds per group between two samples, process by process (one that
 * started in between counts from zero); "other" is the rest of the machine's
 * busy time, including any process that exited in between.
 */
export function cpuBetween(start: CpuSample, end: CpuSample): Map<CpuGroup, number> {
  const groups = new Map<CpuGroup, number>(CPU_GROUPS.map((g) => [g, 0]));
  let ours = 0;
  for (const [pid, { group, cpu }] of end.byPid) {
    const delta = Math.max(0, cpu - (start.byPid.get(pid)?.cpu ?? 0));
    groups.set(group, (groups.get(group) ?? 0) + delta);
    ours += delta;
  }
  groups.set('other', Math.max(0, end.machine - start.machine - ours));
  return groups;
}

export interface RoundCpu {
  readonly cpu: ReadonlyMap<CpuGroup, number>;
  readonly wallSeconds: number;
}

export interface CpuRow {
  readonly key: string;
  readonly valid: number;
  readonly round: RoundCpu;
}

/** CPU milliseconds per valid transaction by group, and how busy the machine's cores were (all groups). */
export function formatCpu(rows: readonly CpuRow[], cores: number): string[] {
  const header = ['workload', ...CPU_GROUPS, 'total', 'cores busy'];
  const body = rows.map(({ key, valid, round }) => {
    const total = CPU_GROUPS.reduce((sum, g) => sum + (round.cpu.get(g) ?? 0), 0);
    const perTx = (seconds: number) => (valid > 0 ? ((1000 * seconds) / valid).toFixed(2) : 'n/a');
    const busy = round.wallSeconds > 0 ? `${((100 * total) / (round.wallSeconds * cores)).toFixed(0)}%` : 'n/a';
    return [key, ...CPU_GROUPS.map((g) => perTx(round.cpu.get(g) ?? 0)), perTx(total), busy];
  });
  return table(header, body);
}
