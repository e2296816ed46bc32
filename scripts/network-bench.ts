import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_BATCH_TIMEOUT } from '../network/src/config/configtx';
import { NetworkError } from '../network/src/errors';
import { up } from '../network/src/network';
import type { Topology } from '../network/src/topology';
import {
  CALIPER_SUT,
  type CaliperRun,
  type LoadSettings,
  WORKLOADS,
  ensureCaliper,
  roundLabels,
  runCaliper,
  stopCaliper,
} from './lib/bench/caliper';
import { type CpuRow, formatCpu } from './lib/bench/cpu';
import { type PeerRound, formatPeerMetrics } from './lib/bench/peer-metrics';
import { type WorkloadResult, formatResults, readRecords, summarise, validationCodes } from './lib/bench/results';
import { RoundSampler } from './lib/bench/round-sampler';
import { type BenchUser, PeerClients, markBlock, setUp } from './lib/bench/setup';
import { stopStragglers } from './lib/bench/stragglers';
import { devIdentity } from './lib/identities';
import { type LiveNetwork, liveNetwork } from './test/support/live-network';

// npm run bench:network — the live network under load from Hyperledger
// Caliper. One isolated network (own data dir and port range, stopped by PID
// and deleted at the end), one Caliper run, three workloads:
//   A  bench.Put: one bare PutState (the baseline; KTALK_BENCH_CONTRACT=on)
//   B  messages.PostMessage, 1 KiB ciphertext in transient data, 100 groups of 5
//   C  payments.Transfer between 100 disjoint pairs
// Caliper generates the load and prints its own table (TPS, avg/max
// latency). Percentiles and validation codes it cannot give: its workers
// record every transaction (bench/network/workloads/recording-workload.js)
// and this driver joins those records with each transaction's validation
// code from the committed blocks between two marker transactions.
//
// Options: --seconds N (per workload, default 30), --warmup N (default 10),
// --workers N (Caliper workers, default 2), --in-flight N (transactions kept
// in flight across all workers, default 64: below the 100 transfer pairs, so
// C never needs two transfers of one pair in flight).

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} needs a positive integer`);
  return value;
}

function machine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const gib = (os.totalmem() / 2 ** 30).toFixed(1);
  return `${cpus.length} × ${model} (${os.arch()}), ${gib} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}`;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

interface Report {
  readonly topology: Topology;
  readonly caliper: string;
  readonly load: LoadSettings;
  readonly setup: string;
  readonly run: CaliperRun;
  readonly blocks: readonly [bigint, bigint];
  readonly results: readonly WorkloadResult[];
  readonly cpuRows: readonly CpuRow[];
  readonly peerRows: readonly PeerRound[];
}

function printReport(report: Report): void {
  const { topology, load, run, results } = report;
  const orgs = topology.peerOrgs.length;
  console.log('');
  console.log('=== KTalk network benchmark ===');
  console.log(`machine   ${machine()}`);
  console.log(
    `network   ${orgs} orgs × 1 peer (MAJORITY endorsement: every write endorsed by both), ` +
      `${topology.orderers.length} Raft orderers, BatchTimeout ${DEFAULT_BATCH_TIMEOUT}, all on this machine`,
  );
  console.log(
    `load      ${report.caliper} [${CALIPER_SUT}], ${load.workers} local workers, closed loop of ${load.inFlight} ` +
      `transactions in flight, ${load.seconds} s per workload after a ${load.warmupSeconds} s warm-up`,
  );
  console.log(`setup     ${report.setup}`);
  console.log('');
  console.log("Caliper's report (Succ/Fail as Caliper saw them, latency in seconds):");
  for (const line of run.summary) console.log(`  ${line}`);
  console.log('');
  console.log(
    `Per transaction (workers' records joined with validation codes from blocks ${report.blocks[0]}..${report.blocks[1]}; ` +
      'latency = submit → commit status, valid transactions only):',
  );
  for (const line of formatResults(results)) console.log(`  ${line}`);
  if (run.failures.size > 0) {
    console.log('');
    console.log("Failures as Caliper's connector logged them (all rounds):");
    for (const [reason, count] of run.failures) console.log(`  ${count} × ${reason}`);
  }
  if (report.cpuRows.length > 0) {
    console.log('');
    console.log(
      'CPU ms per valid transaction by process group (user+system over the whole round incl. its drain; ' +
        '"other" is everything else on the machine, kernel included — high means the figures are disturbed):',
    );
    for (const line of formatCpu(report.cpuRows, os.cpus().length)) console.log(`  ${line}`);
  }
  if (report.peerRows.length > 0) {
    console.log('');
    console.log(
      'Inside the peers (their Prometheus metrics over each round, both peers; every write is endorsed twice):',
    );
    for (const line of formatPeerMetrics(report.peerRows, topology.peers.length)) console.log(`  ${line}`);
  }
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const load: LoadSettings = {
    seconds: option('seconds', 30),
    warmupSeconds: option('warmup', 10),
    inFlight: option('in-flight', 64),
    workers: option('workers', 2),
  };
  const log = (line: string) => console.log(`[bench] ${line}`);
  console.log(`machine   ${machine()}`);
  const caliper = await ensureCaliper(log);

  // Passed through to both peers' chaincode processes by network:up.
  process.env.KTALK_BENCH_CONTRACT = 'on';
  let network: LiveNetwork | null = null;
  let clients: PeerClients | null = null;
  let runDir: string | null = null;
  let cleaning: Promise<void> | null = null;
  const cleanup = () =>
    (cleaning ??= (async () => {
      stopCaliper();
      clients?.close();
      if (network) {
        // Keep the nodes' logs with Caliper's: the data dir is deleted next.
        if (runDir) {
          await cp(path.join(network.ctx.dataDir, 'logs'), path.join(runDir, 'network-logs'), {
            recursive: true,
          }).catch(() => undefined);
        }
        log('stopping the benchmark network');
        const { dataDir } = network.ctx;
        await network.dispose();
        for (const straggler of await stopStragglers(dataDir)) log(`stopped ${straggler}, left running by the tooling`);
      }
      if (runDir) await rm(path.join(runDir, 'network.json'), { force: true });
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: stopping Caliper and the benchmark network`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    runDir = await mkdtemp(path.join(os.tmpdir(), 'ktalk-bench-'));
    const outDir = path.join(runDir, 'records');
    await mkdir(outDir);

    let phase = Date.now();
    network = await liveNetwork('network');
    const { ctx } = network;
    log(`starting an isolated network (port base ${ctx.topology.portBase}, data ${ctx.dataDir})`);
    await up(ctx);
    const upTime = seconds(phase);
    log(`network up in ${upTime}`);

    phase = Date.now();
    clients = await PeerClients.open(ctx.dataDir, ctx.topology);
    const setup = await setUp(ctx.dataDir, ctx.topology, clients, log);
    const setupTime = seconds(phase);
    const marker = setup.plan.users[0] as BenchUser;
    const firstBlock = await markBlock(clients, marker, 'start');

    phase = Date.now();
    log(`running Caliper: warm-up ${load.warmupSeconds} s, then ${WORKLOADS.map((w) => w.key).join(', ')}`);
    const sampler = await RoundSampler.create(ctx.dataDir, ctx.topology);
    const run = await runCaliper(runDir, outDir, ctx.dataDir, ctx.topology, setup.plan, load, log, sampler.onRound);
    const caliperTime = seconds(phase);
    const lastBlock = await markBlock(clients, marker, 'end');

    // Block delivery is for peers, org admins and compliance officers only
    // (network/src/channel/acls.ts): read the validation codes as Org1's Fabric admin.
    const org1 = ctx.topology.peerOrgs[0];
    if (!org1) throw new Error('topology has no peer org');
    const reader = clients.session(await devIdentity(ctx.dataDir, org1, 'Admin'), org1);
    let codes: Map<string, number>;
    try {
      codes = await validationCodes(reader, firstBlock, lastBlock);
    } finally {
      reader.close();
    }
    const records = await readRecords(outDir);
    const labels = roundLabels();
    const results: WorkloadResult[] = WORKLOADS.map((w) =>
      summarise(w, records.get(labels.indexOf(w.key)) ?? [], codes),
    );

    const { cpu: cpuRows, peers: peerRows } = await sampler.rows(results);

    printReport({
      topology: ctx.topology,
      caliper,
      load,
      setup: setup.summary,
      run,
      blocks: [firstBlock, lastBlock],
      results,
      cpuRows,
      peerRows,
    });
    console.log('');
    console.log(
      `run time  ${seconds(startedAt)} (network up ${upTime}, setup ${setupTime}, Caliper ${caliperTime}); ` +
        `Caliper log and report: ${runDir}`,
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof NetworkError ? error.describe() : error);
    process.exit(1);
  },
);
