import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { NetworkError } from './errors';

// Every process KTalk starts is recorded in <data>/pids/<name>.json and is
// stopped by that PID, after checking the PID still runs the same binary.

const recordSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  command: z.string(),
  logFile: z.string(),
  startedAt: z.string(),
});
export type ProcessRecord = z.infer<typeof recordSchema>;

export interface StartSpec {
  name: string;
  command: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const pidDir = (dataDir: string) => path.join(dataDir, 'pids');
export const logFileFor = (dataDir: string, name: string) => path.join(dataDir, 'logs', `${name}.log`);

export async function startProcess(dataDir: string, spec: StartSpec): Promise<ProcessRecord> {
  const logFile = logFileFor(dataDir, spec.name);
  await mkdir(path.dirname(logFile), { recursive: true });
  await mkdir(pidDir(dataDir), { recursive: true });
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    if (child.pid === undefined) throw new NetworkError(`could not start ${spec.name} (${spec.command})`);
    child.unref();
    const record: ProcessRecord = {
      name: spec.name,
      pid: child.pid,
      command: spec.command,
      logFile,
      startedAt: new Date().toISOString(),
    };
    await writeFile(path.join(pidDir(dataDir), `${spec.name}.json`), JSON.stringify(record, null, 2));
    return record;
  } finally {
    closeSync(fd);
  }
}

export async function readRecords(dataDir: string): Promise<ProcessRecord[]> {
  let files: string[];
  try {
    files = await readdir(pidDir(dataDir));
  } catch {
    return [];
  }
  const records: ProcessRecord[] = [];
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    const parsed = recordSchema.safeParse(JSON.parse(await readFile(path.join(pidDir(dataDir), file), 'utf8')));
    if (parsed.success) records.push(parsed.data);
  }
  return records;
}

/** True only if the PID is alive and still runs the recorded command. */
export async function isRunning(record: ProcessRecord): Promise<boolean> {
  try {
    process.kill(record.pid, 0);
  } catch {
    return false;
  }
  try {
    const cmdline = await readFile(`/proc/${record.pid}/cmdline`, 'utf8');
    return cmdline
      .split('\0')
      .some((part) => part === record.command || part.endsWith(`/${path.basename(record.command)}`));
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function stopProcess(dataDir: string, record: ProcessRecord, graceMs = 10_000): Promise<void> {
  if (await isRunning(record)) {
    // The process leads its own group (detached), so children go too.
    signal(record.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (Date.now() < deadline && (await isRunning(record))) await sleep(100);
    if (await isRunning(record)) signal(record.pid, 'SIGKILL');
    while (await isRunning(record)) await sleep(50);
  }
  // A leader can be gone while its children still hold ports and files: only
  // return once the whole group has exited, so an immediate `up` finds its
  // ports free.
  await waitForGroupExit(record.pid, graceMs);
  await rm(path.join(pidDir(dataDir), `${record.name}.json`), { force: true });
}

/**
 * True while a live (not zombie) process of the group led by `pid` exists.
 * Read from /proc: a zombie left for an init that does not reap still
 * answers kill(-pgid, 0), yet holds no ports or files.
 */
export async function processGroupAlive(pid: number): Promise<boolean> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return false;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

async function waitForGroupExit(pid: number, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while ((await processGroupAlive(pid)) && Date.now() < deadline) await sleep(50);
  if (!(await processGroupAlive(pid))) return;
  signal(pid, 'SIGKILL');
  const killDeadline = Date.now() + 5_000;
  while ((await processGroupAlive(pid)) && Date.now() < killDeadline) await sleep(50);
  if (await processGroupAlive(pid)) throw new NetworkError(`processes of group ${pid} did not exit after SIGKILL`);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

/** Stops in reverse start order: clients of a service go before the service. */
export async function stopAll(dataDir: string): Promise<ProcessRecord[]> {
  const records = (await readRecords(dataDir)).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  for (const record of records) await stopProcess(dataDir, record);
  return records;
}

export async function tailLog(file: string, lines = 20): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log yet)';
  }
}

/** Polls until `ready` says yes; on timeout or exit, fails with the process's log tail. */
export async function waitUntilReady(
  record: ProcessRecord,
  ready: () => Promise<boolean>,
  what: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await ready()) return;
    if (!(await isRunning(record))) {
      throw new NetworkError(
        `${record.name} exited while ${what}`,
        `see ${record.logFile}`,
        await tailLog(record.logFile),
      );
    }
    await sleep(250);
  }
  throw new NetworkError(
    `${record.name} not ready after ${timeoutMs / 1000} s (${what})`,
    `see ${record.logFile}`,
    await tailLog(record.logFile),
  );
}
