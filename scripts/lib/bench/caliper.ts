import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../../../network/src/paths';
import { CHAINCODE_NAME, CHANNEL, HOST, type Topology } from '../../../network/src/topology';
import { peerEndpoint } from '../identities';
import type { BenchPlan } from './setup';

// Hyperledger Caliper lives in bench/network with its own package.json and
// lock, never in the app's dependency tree. It is installed on first use and
// bound to the Fabric peer-gateway connector (@hyperledger/fabric-gateway).

export const BENCH_DIR = path.join(REPO_ROOT, 'bench', 'network');
const CALIPER_CLI = path.join(BENCH_DIR, 'node_modules', '@hyperledger', 'caliper-cli', 'caliper.js');
const BOUND_SDK = path.join(BENCH_DIR, 'node_modules', '@hyperledger', 'fabric-gateway', 'package.json');
/** Our bind list (a current fabric-gateway; see the file for why). */
const BIND_FILE = path.join(BENCH_DIR, 'caliper-bind.yaml');
export const CALIPER_SUT = 'fabric:gateway-1.11';

export interface Workload {
  /** Short name used in the results (A, B, C). */
  readonly key: string;
  readonly title: string;
  /** Caliper workload module, relative to bench/network. */
  readonly module: string;
}

export const WORKLOADS: readonly Workload[] = [
  { key: 'A', title: 'bench.Put (bare PutState, 1 KiB)', module: 'workloads/put-state.js' },
  { key: 'B', title: 'messages.PostMessage (1 KiB transient)', module: 'workloads/post-message.js' },
  { key: 'C', title: 'payments.Transfer (100 disjoint pairs)', module: 'workloads/transfer.js' },
];

export interface LoadSettings {
  readonly workers: number;
  /** Transactions kept in flight across all workers (bench/network/rate-control/closed-loop.js). */
  readonly inFlight: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
}

function runLogged(command: string, args: string[], cwd: string, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const keep = (chunk: Buffer) => {
      tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      tail.splice(0, Math.max(0, tail.length - 20));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else {
        for (const line of tail) log(`  ${line}`);
        reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}`));
      }
    });
  });
}

const bindSchema = z.object({
  sut: z.record(z.string(), z.record(z.string(), z.object({ packages: z.array(z.string()) }))),
});

/** The fabric-gateway version CALIPER_SUT binds, from the bind file. */
async function boundGatewayVersion(): Promise<string> {
  const [sut = '', sdk = ''] = CALIPER_SUT.split(':');
  const packages = bindSchema.parse(parse(await readFile(BIND_FILE, 'utf8'))).sut[sut]?.[sdk]?.packages ?? [];
  const version = packages.find((p) => p.startsWith('@hyperledger/fabric-gateway@'))?.split('@')[2];
  if (!version) throw new Error(`${BIND_FILE} binds no @hyperledger/fabric-gateway for ${CALIPER_SUT}`);
  return version;
}

async function installedVersion(packageJson: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(packageJson, 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/**
 * npm ci of bench/network on first use, then `caliper bind` whenever the
 * bound SDK is missing or another version (bound without saving, so
 * package.json and the lock stay as committed; npm ci removes the binding).
 */
export async function ensureCaliper(log: (line: string) => void): Promise<string> {
  if (!existsSync(CALIPER_CLI)) {
    log('installing Hyperledger Caliper into bench/network (npm ci, about a minute, first run only)');
    await runLogged('npm', ['ci', '--prefix', BENCH_DIR, '--no-audit', '--no-fund'], REPO_ROOT, log);
  }
  if ((await installedVersion(BOUND_SDK)) !== (await boundGatewayVersion())) {
    log(`binding Caliper to ${CALIPER_SUT} (${path.relative(REPO_ROOT, BIND_FILE)})`);
    await runLogged(
      process.execPath,
      [
        CALIPER_CLI,
        'bind',
        `--caliper-bind-sut=${CALIPER_SUT}`,
        `--caliper-bind-file=${BIND_FILE}`,
        `--caliper-bind-cwd=${BENCH_DIR}`,
        '--caliper-bind-args=--no-save',
      ],
      BENCH_DIR,
      log,
    );
  }
  const caliper = await installedVersion(path.join(path.dirname(CALIPER_CLI), 'package.json'));
  return `Caliper ${caliper ?? '?'} (peer-gateway connector, fabric-gateway ${(await installedVersion(BOUND_SDK)) ?? '?'})`;
}

/**
 * Caliper's network config (v2.0): one organisation per peer org, its peer's
 * gateway endpoint with the TLS root (server TLS only; the connector has no
 * mutual TLS and the peers do not ask for client certificates), and every
 * benchmark user as an identity of its org.
 */
async function networkConfig(dataDir: string, topology: Topology, plan: BenchPlan): Promise<object> {
  const organizations = [];
  for (const org of topology.peerOrgs) {
    const peer = topology.peers.find((p) => p.org === org.name);
    if (!peer) throw new Error(`no peer for ${org.name}`);
    const endpoint = await peerEndpoint(dataDir, topology, peer);
    organizations.push({
      mspid: org.mspId,
      identities: {
        certificates: plan.users
          .filter((u) => u.mspId === org.mspId)
          .map((u) => ({
            name: u.name,
            clientPrivateKey: { pem: u.privateKeyPem },
            clientSignedCert: { pem: u.certificatePem },
          })),
      },
      peers: [
        {
          endpoint: `${HOST}:${peer.port}`,
          tlsCACerts: { pem: endpoint.tlsRootPem },
          grpcOptions: { 'ssl-target-name-override': endpoint.hostOverride ?? peer.name },
        },
      ],
    });
  }
  return {
    name: 'ktalk-bench',
    version: '2.0.0',
    caliper: { blockchain: 'fabric', sutOptions: { mutualTls: false } },
    channels: [{ channelName: CHANNEL, contracts: [{ id: CHAINCODE_NAME }] }],
    organizations,
  };
}

/** Round labels in Caliper's order: a warm-up round (workload A, not reported), then A, B, C. */
export function roundLabels(): string[] {
  return ['warmup', ...WORKLOADS.map((w) => w.key)];
}

function benchConfig(load: LoadSettings, planFile: string, outDir: string): object {
  const round = (label: string, module: string, seconds: number) => ({
    label,
    txDuration: seconds,
    rateControl: { type: 'rate-control/closed-loop.js', opts: { transactionLoad: load.inFlight } },
    workload: { module, arguments: { plan: planFile, out: outDir } },
  });
  const first = WORKLOADS[0] as Workload;
  return {
    test: {
      name: 'ktalk-network',
      description: 'KTalk on a live two-org Fabric network: bare PutState, PostMessage, Transfer',
      workers: { number: load.workers },
      rounds: [
        round('warmup', first.module, load.warmupSeconds),
        ...WORKLOADS.map((w) => round(w.key, w.module, load.seconds)),
      ],
    },
  };
}

export interface CaliperRun {
  /** Caliper's own summary table, as it printed it. */
  readonly summary: string[];
  /** Failed transactions as Caliper's connector logged them: "<function>: <error> | <first detail>" → count. */
  readonly failures: ReadonlyMap<string, number>;
  readonly logFile: string;
}

/** Caliper's manager process group; killed by PID if the driver is interrupted. */
let running: ChildProcess | null = null;

export function stopCaliper(): void {
  if (running?.pid !== undefined && running.exitCode === null) {
    try {
      process.kill(-running.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

/** One Caliper run (manager + local worker processes) over every round; results land in outDir. */
export async function runCaliper(
  runDir: string,
  outDir: string,
  dataDir: string,
  topology: Topology,
  plan: BenchPlan,
  load: LoadSettings,
  log: (line: string) => void,
  onRound: (phase: 'start' | 'end', label: string, caliperPid: number | undefined) => void = () => undefined,
): Promise<CaliperRun> {
  const planFile = path.join(runDir, 'plan.json');
  const networkFile = path.join(runDir, 'network.json');
  const benchFile = path.join(runDir, 'benchmark.json');
  const logFile = path.join(runDir, 'caliper.log');
  const workloadPlan = {
    payloadBytes: 1024,
    users: plan.users.map((u) => ({ name: u.name, mspId: u.mspId, userId: u.userId })),
    groups: plan.groups,
    pairs: plan.pairs,
  };
  await writeFile(planFile, JSON.stringify(workloadPlan));
  await writeFile(networkFile, JSON.stringify(await networkConfig(dataDir, topology, plan)), { mode: 0o600 });
  await writeFile(benchFile, JSON.stringify(benchConfig(load, planFile, outDir)));

  const args = [
    CALIPER_CLI,
    'launch',
    'manager',
    `--caliper-workspace=${BENCH_DIR}`,
    `--caliper-networkconfig=${networkFile}`,
    `--caliper-benchconfig=${benchFile}`,
    '--caliper-flow-only-test',
    `--caliper-report-path=${path.join(runDir, 'report.html')}`,
    '--caliper-logging-formats-colorize-level=false',
  ];
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, args, { cwd: runDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running = child;
  const lines: string[] = [];
  const onLine = (line: string) => {
    out.write(`${line}\n`);
    lines.push(line);
    const round = /(Started|Finished) round (\d+) \(([^)]+)\)/.exec(line);
    if (round?.[3]) {
      onRound(round[1] === 'Started' ? 'start' : 'end', round[3], child.pid);
      if (round[1] === 'Started') log(`caliper: round ${round[2]} (${round[3]}) started`);
    }
  };
  createInterface({ input: child.stdout }).on('line', onLine);
  createInterface({ input: child.stderr }).on('line', onLine);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  running = null;
  await new Promise((resolve) => out.end(resolve));
  if (code !== 0) {
    throw new Error(`caliper exited with ${code}; last lines:\n${lines.slice(-25).join('\n')}\n(full log: ${logFile})`);
  }
  return { summary: summaryTable(lines), failures: failureReasons(lines), logFile };
}

/**
 * The peer-gateway connector keeps only "failed" in its result and logs the
 * reason: "Failed to perform submit transaction [fn] using arguments [...],
 * with error: <error>", then "Details:" and one "-  <peer>:<reason>" line per
 * peer. Counted by function, error and first detail, ports and numbers kept.
 */
function failureReasons(lines: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  lines.forEach((line, i) => {
    const failed = /Failed to perform submit transaction \[([^\]]+)\].* with error: (.*)$/.exec(line);
    if (!failed) return;
    const detail = lines[i + 1] === 'Details:' ? lines[i + 2]?.replace(/^-\s+/, '') : undefined;
    const key = `${failed[1]}: ${failed[2]}${detail ? ` | ${detail}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return counts;
}

/** The table after Caliper's "### All test results ###" (one row per round). */
function summaryTable(lines: string[]): string[] {
  let start = lines.length - 1;
  while (start >= 0 && !/All test results/.test(lines[start] ?? '')) start--;
  if (start < 0) return [];
  return lines
    .slice(start + 1)
    .filter((l) => /^\s*[|+]/.test(l))
    .map((l) => l.trim());
}
