import { performance } from 'node:perf_hooks';
import { PaymentsContract } from '../src/contracts/payments-contract';
import { FakeLedger, type Simulation, type TestIdentity, userIdFor } from '../test/support/fake-ledger';
import { b64, grp, msg, ok, openPolicy, publish, TAG, wrappedFor } from '../test/support/groups-fixtures';
import { rng, setBalance } from '../test/support/payments-setup';

// MVCC conflict rate of the key design under concurrent load, measured with
// Fabric's validation rule on the in-memory ledger: every transaction in a
// block is endorsed against the same committed state, then validated in
// order; one whose read set (or scanned range) meets a key written by an
// earlier valid transaction in the block is invalidated, as
// MVCC_READ_CONFLICT / PHANTOM_READ_CONFLICT would be on a peer.
// This isolates the chaincode's key layout from network timing; the
// real-network figure needs a running network (see README, "Benchmarks").

interface BlockStats {
  endorsed: number;
  conflicts: number;
}

function conflicts(sim: Simulation<unknown>, written: Set<string>): boolean {
  for (const k of sim.rwset.reads) if (written.has(k)) return true;
  for (const [start, end] of sim.rwset.ranges) {
    for (const k of written) if (k >= start && (end === '' || k < end)) return true;
  }
  return false;
}

async function runBlocks(
  ledger: FakeLedger,
  blocks: number,
  perBlock: number,
  nextTx: () => Promise<Simulation<unknown>>,
): Promise<BlockStats> {
  const stats: BlockStats = { endorsed: 0, conflicts: 0 };
  for (let b = 0; b < blocks; b++) {
    const sims: Array<Simulation<unknown>> = [];
    for (let i = 0; i < perBlock; i++) sims.push(await nextTx());
    const written = new Set<string>();
    for (const sim of sims) {
      if (!sim.outcome.ok) continue;
      stats.endorsed++;
      if (conflicts(sim, written)) {
        stats.conflicts++;
        continue;
      }
      sim.commit();
      for (const k of sim.rwset.writes) written.add(k);
    }
  }
  return stats;
}

const members: TestIdentity[] = Array.from({ length: 40 }, (_, i) => ({
  mspId: i % 2 === 0 ? 'Org1MSP' : 'Org2MSP',
  enrollmentId: `member${i}`,
  attrs: { 'ktalk.role': 'staff' },
}));

async function busyGroup(blocks: number, perBlock: number): Promise<BlockStats> {
  const ledger = new FakeLedger();
  await publish(ledger, ...members);
  const [owner, ...rest] = members;
  if (!owner) throw new Error('no members');
  ok(
    await ledger.invoke(owner, grp.CreateGroup, {
      eventTag: TAG,
      groupId: 'busy',
      policy: openPolicy,
      members: rest.map((m) => ({ userId: userIdFor(m), role: 'member' })),
      wrappedKeys: wrappedFor(...members),
    }),
  );
  const random = rng(42);
  let n = 0;
  return runBlocks(ledger, blocks, perBlock, () => {
    const who = members[Math.floor(random() * members.length)] ?? owner;
    const request = {
      conversationId: 'busy',
      epoch: 1,
      clientMessageId: `m${n++}`,
      nonce: b64(24),
      signature: b64(64),
      attachments: [],
      eventTag: TAG,
    };
    return ledger.simulate(who, msg.PostMessage, request, {
      transient: { ciphertext: Buffer.from(`ciphertext ${n}`) },
    });
  });
}

async function transfers(blocks: number, perBlock: number): Promise<BlockStats> {
  const ledger = new FakeLedger();
  await publish(ledger, ...members);
  for (const m of members) setBalance(ledger, m, 1_000_000);
  const payments = new PaymentsContract();
  const transfer = payments.Transfer.bind(payments);
  const random = rng(7);
  return runBlocks(ledger, blocks, perBlock, () => {
    const from = members[Math.floor(random() * members.length)] ?? members[0];
    let to = members[Math.floor(random() * members.length)] ?? members[0];
    if (to === from) to = members[(members.indexOf(from as TestIdentity) + 1) % members.length];
    if (!from || !to) throw new Error('no members');
    return ledger.simulate(from, transfer, { toUserId: userIdFor(to), amount: 100, memo: '' });
  });
}

async function main(): Promise<void> {
  const blocks = Number(process.env.KTALK_BENCH_BLOCKS ?? 40);
  const perBlock = Number(process.env.KTALK_BENCH_PER_BLOCK ?? 50);
  console.log(`MVCC conflicts, ${blocks} blocks x ${perBlock} concurrent transactions, 40 members across 2 orgs`);
  for (const [name, run] of [
    ['posts to one busy group', busyGroup],
    ['transfers between the same 40 users (control)', transfers],
  ] as const) {
    const started = performance.now();
    const stats = await run(blocks, perBlock);
    const seconds = (performance.now() - started) / 1000;
    const rate = stats.endorsed === 0 ? 0 : (100 * stats.conflicts) / stats.endorsed;
    console.log(
      `  ${name.padEnd(48)} ${stats.conflicts}/${stats.endorsed} invalidated = ${rate.toFixed(2)} %` +
        `   (${(stats.endorsed / seconds).toFixed(0)} simulated tx/s)`,
    );
  }
}

void main();
