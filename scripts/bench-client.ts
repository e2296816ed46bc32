import { readFileSync } from 'node:fs';
import { arch, cpus, platform, release, totalmem } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tweetsodium from 'tweetsodium';
import {
  generateIdentity,
  openEnvelope,
  sealedBoxGroupKeys,
  sealEnvelope,
  type GroupMember,
} from '../electron/src/node/crypto';
import { wrapKey } from '../electron/src/node/crypto/key-wrap';
import { loadSodium } from '../electron/src/node/crypto/sodium';
import { OPEN_GOAL_MS, benchStore } from '../electron/src/node/store/bench';
import { benchCatchUp } from './lib/bench/catch-up';

// npm run bench:client — the client's crypto cost: envelope seal-and-sign
// for 1 KiB messages next to sealed-box rates (libsodium as KTalk uses it,
// and tweetsodium measured in the same run), a 1,000-member re-key, and the
// encrypted local store with a 100,000-message conversation.
// KTALK_BENCH_SECONDS sets each rate's measuring time (default 2).

const SECONDS = Number(process.env.KTALK_BENCH_SECONDS ?? 2);
const REKEY_MEMBERS = 1000;
const REKEY_RUNS = 5;
/** Missed messages for the catch-up figure (KTALK_BENCH_CATCHUP; 0 skips the live network part). */
const CATCH_UP = Number(process.env.KTALK_BENCH_CATCHUP ?? 10_000);

/** Runs `op` back to back for `seconds` (after a short warm-up) and returns ops/s. */
async function rate(op: () => unknown, seconds = SECONDS): Promise<number> {
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await op();
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let now = start;
  while (now < end) {
    // Batches of 16 keep the clock out of the measurement.
    for (let i = 0; i < 16; i++) await op();
    count += 16;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

function packageVersion(name: string): string {
  const main = require.resolve(name);
  let dir = path.dirname(main);
  while (dir !== path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === name) return pkg.version ?? '?';
    } catch {
      // keep walking up
    }
    dir = path.dirname(dir);
  }
  return '?';
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const row = (label: string, value: string) => console.log(`  ${label.padEnd(62)} ${value}`);

async function main(): Promise<void> {
  const s = await loadSodium();
  const cpu = cpus();
  console.log('KTalk client crypto benchmark');
  row('CPU', `${cpu[0]?.model ?? 'unknown'} x ${cpu.length}`);
  row('memory', `${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
  row('OS', `${platform()} ${release()} ${arch()}`);
  row('Node', process.version);
  row(
    'libraries',
    `libsodium ${s.SODIUM_VERSION_STRING} (libsodium-wrappers ${packageVersion('libsodium-wrappers')}, WebAssembly), ` +
      `tweetsodium ${packageVersion('tweetsodium')}`,
  );
  row('measuring time per rate', `${SECONDS} s (single thread)`);
  console.log();

  const alice = await generateIdentity();
  const bob = await generateIdentity();
  const epochKey = s.randombytes_buf(32);
  const plaintext = s.randombytes_buf(1024);
  const header = { conversationId: 'grp-bench', epoch: 7, sender: 'Org1MSP::alice' };
  let n = 0;
  const seal = () =>
    sealEnvelope({
      ...header,
      clientMessageId: `m-${n++}`,
      plaintext,
      epochKey,
      signingSecretKey: alice.signing.secretKey,
    });
  const sealed = await sealEnvelope({
    ...header,
    clientMessageId: 'm-open',
    plaintext,
    epochKey,
    signingSecretKey: alice.signing.secretKey,
  });
  const open = () =>
    openEnvelope({
      ...header,
      clientMessageId: 'm-open',
      ...sealed,
      sentAt: 0,
      epochKey,
      keyAt: () => ({ signingKey: alice.signing.publicKey }),
    });

  console.log('Messages (1 KiB plaintext)');
  row('envelope seal + sign (XChaCha20-Poly1305, SHA-256, Ed25519)', `${fmt(await rate(seal))} ops/s`);
  row('envelope verify + open', `${fmt(await rate(open))} ops/s`);
  console.log();

  console.log('Sealed boxes (one 32-byte epoch key for one member)');
  const key = s.randombytes_buf(32);
  const pk = bob.encryption.publicKey;
  row('KTalk wrapKey (libsodium crypto_box_seal)', `${fmt(await rate(() => wrapKey(key, pk)))} ops/s`);
  row('tweetsodium.seal (tweetnacl + blakejs), same run', `${fmt(await rate(() => tweetsodium.seal(key, pk)))} ops/s`);
  console.log();

  const members: GroupMember[] = [];
  for (let i = 0; i < REKEY_MEMBERS; i++) {
    members.push({
      userId: `Org${(i % 2) + 1}MSP::user${i}`,
      encryptionKey: (await generateIdentity()).encryption.publicKey,
    });
  }
  await sealedBoxGroupKeys.newEpochKey(members.slice(0, 50)); // warm-up
  const times: number[] = [];
  for (let run = 0; run < REKEY_RUNS; run++) {
    const start = performance.now();
    const { wrappedKeys } = await sealedBoxGroupKeys.newEpochKey(members);
    times.push(performance.now() - start);
    if (Object.keys(wrappedKeys).length !== REKEY_MEMBERS) throw new Error('re-key lost a member');
  }
  times.sort((a, b) => a - b);
  console.log(`Re-key (new epoch key + ${fmt(REKEY_MEMBERS)} sealed boxes, ${REKEY_RUNS} runs)`);
  row(
    `${fmt(REKEY_MEMBERS)} members`,
    `median ${(times[Math.floor(times.length / 2)] ?? NaN).toFixed(1)} ms (min ${(times[0] ?? NaN).toFixed(1)}, max ${(times[times.length - 1] ?? NaN).toFixed(1)})`,
  );
  console.log();

  const store = await benchStore();
  const ms = (t: { medianMs: number; minMs: number; maxMs: number; runs: number }) =>
    `median ${t.medianMs.toFixed(1)} ms (min ${t.minMs.toFixed(1)}, max ${t.maxMs.toFixed(1)}, ${t.runs} runs)`;
  console.log(
    `Local store (SQLCipher + FTS5, ${fmt(store.messages)} messages, ${(store.fileBytes / 2 ** 20).toFixed(1)} MiB, ` +
      `filled in ${(store.fillMs / 1000).toFixed(1)} s)`,
  );
  row('open store + first 50 messages, newest first', ms(store.openFirstPage));
  row(
    `  against the ${OPEN_GOAL_MS} ms goal`,
    `${((store.openFirstPage.medianMs / OPEN_GOAL_MS) * 100).toFixed(1)}% of the goal (${(OPEN_GOAL_MS / store.openFirstPage.medianMs).toFixed(0)}x under)`,
  );
  row('full-text search, rare word (50 newest hits)', ms(store.searchRare));
  row('full-text search, word in 1 of 4 messages (50 newest hits)', ms(store.searchCommon));
  console.log();

  if (CATCH_UP > 0) {
    console.log(`Catch-up after being offline (live two-org network, ${fmt(CATCH_UP)} missed 1:1 messages)`);
    const caught = await benchCatchUp(CATCH_UP, console.log);
    row('missed messages committed by the sender (64 in flight)', `${caught.fillSeconds.toFixed(1)} s`);
    row(
      'sign-in until every message is verified, decrypted and stored',
      `${(caught.catchUpMs / 1000).toFixed(1)} s (${fmt(caught.perSecond)} messages/s)`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
