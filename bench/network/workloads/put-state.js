/* global require, module */
'use strict';

// Workload A, the baseline: bench.Put, one bare PutState of a value as large
// as B's ciphertext, sent by the same users B's posts come from.

const { randomBytes } = require('node:crypto');
const { RecordingWorkload } = require('./recording-workload');

class PutState extends RecordingWorkload {
  async initializeWorkloadModule(...args) {
    await super.initializeWorkloadModule(...args);
    this.senders = this.share(this.plan.groups).flatMap((g) => g.members.map((i) => this.plan.users[i]));
  }

  async submitTransaction() {
    const n = this.sequence;
    const user = this.senders[n % this.senders.length];
    const value = randomBytes(this.plan.payloadBytes).toString('base64').slice(0, this.plan.payloadBytes);
    return this.send(user, 'bench:Put', { key: this.nextId(), value });
  }
}

module.exports.createWorkloadModule = () => new PutState();
