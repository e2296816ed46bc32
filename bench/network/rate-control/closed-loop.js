/* global module, setTimeout */
'use strict';

// A closed-loop rate controller: each worker keeps exactly its share of
// opts.transactionLoad transactions in flight, sending the next one as soon
// as one finishes. Caliper 0.6.0's built-in fixed-load estimates its pause
// from the inverse of the average latency (not from throughput), so after
// reaching the target it sleeps about one latency per excess transaction and
// the load it holds ends up near half of what was asked.

class ClosedLoop {
  constructor(testMessage, stats) {
    const opts = testMessage.getRateControlSpec().opts || {};
    const total = Number(opts.transactionLoad) || 10;
    this.stats = stats;
    this.inFlight = Math.max(1, Math.round(total / testMessage.getWorkersNumber()));
  }

  async applyRateControl() {
    while (this.stats.getTotalSubmittedTx() - this.stats.getTotalFinishedTx() >= this.inFlight) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  async end() {}
}

module.exports.createRateController = (testMessage, stats) => new ClosedLoop(testMessage, stats);
