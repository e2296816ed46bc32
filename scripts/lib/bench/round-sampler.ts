import { type ProcessRecord, readRecords } from '../../../network/src/processes';
import type { Topology } from '../../../network/src/topology';
import { type CpuRow, type CpuSample, cpuBetween, sampleCpu } from './cpu';
import { type PeerRound, type PeerSample, samplePeers } from './peer-metrics';
import type { WorkloadResult } from './results';

interface Sample {
  readonly at: number;
  readonly cpu: CpuSample | null;
  readonly peers: Promise<PeerSample | null>;
}

/** CPU times and peer metrics taken as Caliper starts and finishes each round. */
export class RoundSampler {
  private readonly samples = new Map<string, Sample>();

  private constructor(
    private readonly network: readonly ProcessRecord[],
    private readonly topology: Topology,
  ) {}

  /** For the network's processes as recorded now (they do not change during the benchmark). */
  static async create(dataDir: string, topology: Topology): Promise<RoundSampler> {
    return new RoundSampler(await readRecords(dataDir), topology);
  }

  /** For runCaliper's round callback. */
  readonly onRound = (phase: 'start' | 'end', label: string, caliperPid: number | undefined): void => {
    this.samples.set(`${phase} ${label}`, {
      at: Date.now(),
      cpu: sampleCpu(this.network, caliperPid),
      peers: samplePeers(this.topology),
    });
  };

  /** Per-workload rows for the CPU and peer tables (a workload whose samples failed is left out). */
  async rows(results: readonly WorkloadResult[]) {
    const cpu: CpuRow[] = [];
    const peers: PeerRound[] = [];
    for (const r of results) {
      const key = r.workload.key;
      const start = this.samples.get(`start ${key}`);
      const end = this.samples.get(`end ${key}`);
      if (!start || !end) continue;
      const [peersFrom, peersTo] = await Promise.all([start.peers, end.peers]);
      if (start.cpu && end.cpu) {
        const round = { cpu: cpuBetween(start.cpu, end.cpu), wallSeconds: (end.at - start.at) / 1000 };
        cpu.push({ key, valid: r.valid, round });
      }
      if (peersFrom && peersTo) peers.push({ key, valid: r.valid, start: peersFrom, end: peersTo });
    }
    return { cpu, peers };
  }
}
