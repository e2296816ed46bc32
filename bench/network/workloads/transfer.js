/* global require, module */
'use strict';

// Workload C: payments.Transfer between 100 disjoint pairs (each side minted
// a balance by its org's treasury admin first). Pairs are dealt out to
// workers; a worker sends on the next pair with nothing in flight and flips
// the direction each time, so a pair's two balance keys are never written by
// two of its transactions at once. Should every pair be busy (Caliper's
// fixed-load controller is not a hard cap), the next pair is used anyway and
// any MVCC conflict that causes shows up in the results.

const { RecordingWorkload } = require('./recording-workload');

class Transfer extends RecordingWorkload {
  async initializeWorkloadModule(...args) {
    await super.initializeWorkloadModule(...args);
    this.pairs = this.share(this.plan.pairs).map(([a, b]) => ({ a, b, busy: false, flip: false }));
    this.cursor = 0;
  }

  nextPair() {
    for (let k = 0; k < this.pairs.length; k++) {
      const pair = this.pairs[(this.cursor + k) % this.pairs.length];
      if (!pair.busy) {
        this.cursor = (this.cursor + k + 1) % this.pairs.length;
        return pair;
      }
    }
    const pair = this.pairs[this.cursor];
    this.cursor = (this.cursor + 1) % this.pairs.length;
    return pair;
  }

  async submitTransaction() {
    const pair = this.nextPair();
    const [from, to] = pair.flip ? [pair.b, pair.a] : [pair.a, pair.b];
    pair.flip = !pair.flip;
    pair.busy = true;
    try {
      const request = { toUserId: this.plan.users[to].userId, amount: 1, memo: '' };
      return await this.send(this.plan.users[from], 'payments:Transfer', request);
    } finally {
      pair.busy = false;
    }
  }
}

module.exports.createWorkloadModule = () => new Transfer();
