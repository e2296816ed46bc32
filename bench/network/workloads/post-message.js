/* global require, module */
'use strict';

// Workload B: messages.PostMessage exactly as the app sends it — metadata in
// the one JSON argument, a 1 KiB ciphertext in the transient map under
// "ciphertext" — into 100 groups of 5 members (epoch 1, set up by the
// driver). Groups are dealt out to workers; within a worker, posts go round
// the groups and, per group, round its members.

const { randomBytes } = require('node:crypto');
const { RecordingWorkload } = require('./recording-workload');

class PostMessage extends RecordingWorkload {
  async initializeWorkloadModule(...args) {
    await super.initializeWorkloadModule(...args);
    this.groups = this.share(this.plan.groups);
  }

  async submitTransaction() {
    const n = this.sequence;
    const group = this.groups[n % this.groups.length];
    const sender = this.plan.users[group.members[Math.floor(n / this.groups.length) % group.members.length]];
    const request = {
      conversationId: group.id,
      epoch: 1,
      clientMessageId: this.nextId(),
      nonce: randomBytes(24).toString('base64'),
      signature: randomBytes(64).toString('base64'),
      attachments: [],
      // An HMAC over the transaction id under the group key in the app; the
      // chaincode checks only its form (32 bytes, canonical base64), and
      // Caliper builds the proposal, so the tag is random here.
      eventTag: randomBytes(32).toString('base64'),
    };
    return this.send(sender, 'messages:PostMessage', request, { ciphertext: randomBytes(this.plan.payloadBytes) });
  }
}

module.exports.createWorkloadModule = () => new PostMessage();
