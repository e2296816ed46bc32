/* global require, module */
'use strict';

// Base of every KTalk workload. Caliper's own report has TPS and average and
// maximum latency, but no percentiles and no validation code (its
// peer-gateway connector keeps only "failed"). So each worker also records
// every transaction it sends — id, send and finish time, Caliper's verdict —
// and writes them to <out>/round<R>-worker<W>.jsonl when the round ends. The
// benchmark driver (scripts/network-bench.ts) joins them with the validation
// codes it reads from the committed blocks.

const fs = require('node:fs');
const path = require('node:path');
const { WorkloadModuleBase } = require('@hyperledger/caliper-core');

const CONTRACT_ID = 'ktalk';

class RecordingWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    /** @type {{ users: Array<{ name: string, mspId: string, userId: string }>, groups: Array<{ id: string, members: number[] }>, pairs: Array<[number, number]>, payloadBytes: number }} */
    this.plan = JSON.parse(fs.readFileSync(roundArguments.plan, 'utf8'));
    this.outFile = path.join(roundArguments.out, `round${roundIndex}-worker${workerIndex}.jsonl`);
    this.records = [];
    this.sequence = 0;
  }

  /** This worker's share of a list: every totalWorkers-th item. */
  share(items) {
    return items.filter((_, i) => i % this.totalWorkers === this.workerIndex);
  }

  /** A key or client message id no other worker, round or transaction uses. */
  nextId() {
    return `r${this.roundIndex}-w${this.workerIndex}-${this.sequence++}`;
  }

  /**
   * Sends one transaction through Caliper's connector as `user` and records it.
   * @param {{ name: string, mspId: string }} user
   * @param {string} fn "contract:Transaction"
   * @param {unknown} request the one JSON argument every KTalk transaction takes
   * @param {Record<string, Buffer>} [transient]
   */
  async send(user, fn, request, transient) {
    const record = { id: null, start: Date.now(), end: 0, ok: false };
    this.records.push(record);
    try {
      const status = await this.sutAdapter.sendRequests({
        contractId: CONTRACT_ID,
        contractFunction: fn,
        contractArguments: [JSON.stringify(request)],
        ...(transient ? { transientMap: transient } : {}),
        invokerIdentity: user.name,
        invokerMspId: user.mspId,
        readOnly: false,
      });
      record.id = status.GetID() || null;
      record.start = status.GetTimeCreate();
      record.end = status.GetTimeFinal() || Date.now();
      record.ok = status.GetStatus() === 'success';
      return status;
    } catch (error) {
      record.end = Date.now();
      record.error = String(error && error.message ? error.message : error);
      throw error;
    }
  }

  async cleanupWorkloadModule() {
    fs.writeFileSync(this.outFile, this.records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    this.records = [];
  }
}

module.exports = { RecordingWorkload };
