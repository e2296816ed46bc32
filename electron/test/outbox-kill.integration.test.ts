import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { profilePath } from '../../network/src/connection-profile';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { ConnectionProfile } from '../src/common/connection-profile';
import {
  type Identity,
  generateIdentity,
  openEnvelope,
  publicIdentity,
  publishKeysRequest,
  sealedBoxGroupKeys,
} from '../src/node/crypto';
import { connectWithProfile } from '../src/node/fabric/connect';
import type { GatewayConnection, GatewayIdentity } from '../src/node/fabric/gateway';
import { type LedgerClient, isLedgerError, ledgerClient, parseAnswer } from '../src/node/ledger';
import { loadProfile } from '../src/node/profile/profile-files';
import { type StoredMessage, openStoreWithProtector } from '../src/node/store';
import { KDF_INTERACTIVE, passphraseProtector } from '../src/node/wallet';
import { eventTag, proposalWithTxId } from '../src/shared/event-tag';
import { readDevIdentity } from './support/dev-identities';
import type { OutboxChildConfig } from './support/outbox-child';
import type { LedgerMessage } from '../src/node/messaging/ledger-records';

// The outbox survives kill -9 on a real network. A child process (alice,
// Org1) enqueues messages for a direct conversation with bob (Org2) and
// posts them as real envelopes; the parent kills it with SIGKILL right after
// an enqueue, with a send in flight, right after an endorsement, after the
// ledger committed a post but before the store recorded it, after some
// commits and at random moments, and restarts it until its outbox is empty.
// Then bob's ListMessages must hold every message exactly once, each opening
// to the text alice's store holds, and alice's store must show every
// message committed with the ledger's message id and time.

const COUNT = 20;
const PASSPHRASE = 'kill test passphrase';
const CHILD = path.join(__dirname, 'support', 'outbox-child.js');
const RUN_TIMEOUT_MS = 5 * 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const openedSchema = z.object({ conversationId: z.string(), epoch: z.number().int(), created: z.boolean() });

interface Run {
  readonly name: string;
  readonly lines: string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** The line (or time) the parent killed at, or null when the child exited by itself. */
  readonly killedAt: string | null;
  readonly stderr: string;
}

type Trigger = (line: string, lines: readonly string[]) => boolean;

describe('outbox under kill -9 against the real network', { timeout: 30 * 60_000 }, () => {
  let ctx: NetworkContext | undefined;
  let profile: ConnectionProfile;
  let work = '';
  const connections: GatewayConnection[] = [];
  const identities: Record<'alice' | 'bob', GatewayIdentity> = {} as never;
  const clients: Record<'alice' | 'bob', LedgerClient> = {} as never;
  const keys: Record<'alice' | 'bob', Identity> = {} as never;
  let conversationId = '';
  let configFile = '';
  let storeFile = '';
  const running = new Set<ChildProcess>();

  before(async () => {
    const net = await isolatedNetwork();
    ctx = { ...net, log: (line) => console.log(`  [outbox-kill] ${line}`) };
    await up(ctx);
    profile = await loadProfile(profilePath(ctx.dataDir));
    work = await mkdtemp(path.join(tmpdir(), 'ktalk-outbox-kill-'));
    const patient = { backoff: { maxAttempts: 20, baseDelayMs: 200, maxDelayMs: 3_000, factor: 2 } };
    for (const [user, orgName] of [
      ['alice', 'Org1'],
      ['bob', 'Org2'],
    ] as const) {
      const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
      assert.ok(org, orgName);
      identities[user] = await readDevIdentity(ctx.dataDir, org, user);
      const connection = connectWithProfile(profile, identities[user]);
      connections.push(connection);
      clients[user] = ledgerClient(connection, profile, patient);
      keys[user] = await generateIdentity();
      await clients[user].submit('directory', 'PublishKeys', publishKeysRequest(publicIdentity(keys[user])));
    }
    // A submit returns once the submitter's own peer committed; wait until Org1's peer knows bob.
    for (let i = 0; ; i++) {
      try {
        await clients.alice.evaluate('directory', 'GetUser', { userId: 'Org2MSP::bob' });
        break;
      } catch (error) {
        if (i >= 40 || !isLedgerError(error, 'NOT_FOUND')) throw error;
        await sleep(250);
      }
    }

    // alice opens the direct conversation with a real epoch key wrapped for both.
    const { epochKey, wrappedKeys } = await sealedBoxGroupKeys.newEpochKey([
      { userId: 'Org1MSP::alice', encryptionKey: keys.alice.encryption.publicKey },
      { userId: 'Org2MSP::bob', encryptionKey: keys.bob.encryption.publicKey },
    ]);
    const gateway = connections[0]?.gateway;
    assert.ok(gateway);
    const committed = await clients.alice.submitProposal('groups', (contract) =>
      proposalWithTxId(gateway, contract, 'OpenDirect', (txId) => ({
        peerUserId: 'Org2MSP::bob',
        wrappedKeys,
        eventTag: eventTag(epochKey, txId),
      })),
    );
    const opened = parseAnswer(committed.result, openedSchema, 'groups.OpenDirect');
    assert.equal(opened.created, true);
    conversationId = opened.conversationId;

    storeFile = path.join(work, 'alice', 'ktalk.db');
    configFile = path.join(work, 'child.json');
    const config: OutboxChildConfig = {
      storeFile,
      passphrase: PASSPHRASE,
      profileFile: profilePath(ctx.dataDir),
      identity: identities.alice,
      userId: 'Org1MSP::alice',
      conversationId,
      epoch: opened.epoch,
      epochKey: Buffer.from(epochKey).toString('base64'),
      signingSecretKey: Buffer.from(keys.alice.signing.secretKey).toString('base64'),
      count: COUNT,
      enqueueGapMs: 100,
      afterPostPauseMs: 300,
    };
    await writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
  });

  after(async () => {
    for (const child of running) child.kill('SIGKILL');
    for (const connection of connections) connection.close();
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  /**
   * Runs the child until it exits, killing it with SIGKILL at the first line
   * `trigger` accepts, or `afterReadyMs` after it reported READY.
   */
  const runChild = (name: string, trigger?: Trigger, afterReadyMs?: number): Promise<Run> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CHILD, configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      const lines: string[] = [];
      let stderr = '';
      let killedAt: string | null = null;
      const kill = (at: string) => {
        if (killedAt !== null || child.exitCode !== null) return;
        killedAt = at;
        child.kill('SIGKILL');
      };
      let timer: NodeJS.Timeout | undefined;
      const guard = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${name}: no exit within ${RUN_TIMEOUT_MS} ms; last lines: ${lines.slice(-5).join(' | ')}`));
      }, RUN_TIMEOUT_MS);
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        lines.push(line);
        if (line === 'READY' && afterReadyMs !== undefined) {
          timer = setTimeout(() => kill(`${afterReadyMs} ms after READY`), afterReadyMs);
        }
        if (trigger?.(line, lines)) kill(line);
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        clearTimeout(guard);
        running.delete(child);
        resolve({ name, lines, code, signal, killedAt, stderr });
      });
    });

  const count = (lines: readonly string[], pattern: RegExp) => lines.filter((l) => pattern.test(l)).length;

  it(`every one of ${COUNT} messages reaches the ledger exactly once through repeated kill -9 and restarts`, async () => {
    const runs: Run[] = [];
    const randomMs = () => Math.floor(Math.random() * 3_000);
    const kills: Array<{ name: string; trigger?: Trigger; afterReadyMs?: number }> = [
      { name: 'right after an enqueue', trigger: (l) => l.startsWith('ENQUEUED 3 ') },
      { name: 'with a send in flight', trigger: (l) => l.startsWith('SENDING ') },
      { name: 'right after an endorsement', trigger: (l) => /^STATE \S+ endorsed$/.test(l) },
      { name: 'committed on the ledger, not yet in the store', trigger: (l) => /^POSTED \S+ false$/.test(l) },
      { name: 'after three commits', trigger: (_l, lines) => count(lines, /^STATE \S+ committed$/) >= 3 },
      { name: 'at a random moment', afterReadyMs: randomMs() },
      { name: 'at a random moment', afterReadyMs: randomMs() },
      { name: 'at a random moment', afterReadyMs: randomMs() },
    ];
    for (const plan of kills) {
      const run = await runChild(plan.name, plan.trigger, plan.afterReadyMs);
      runs.push(run);
      if (run.code === 0) break;
      // A deterministic kill point must really have been hit (random ones may find little left to do).
      if (plan.trigger) {
        assert.equal(run.signal, 'SIGKILL', `${plan.name}: exited ${run.code} without the kill; ${run.stderr}`);
        assert.ok(run.killedAt, plan.name);
      } else {
        assert.ok(run.signal === 'SIGKILL', `${plan.name}: exited ${run.code}; ${run.stderr}`);
      }
    }
    for (let i = 0; runs[runs.length - 1]?.code !== 0; i++) {
      assert.ok(i < 3, `the outbox did not drain: ${runs[runs.length - 1]?.stderr}`);
      runs.push(await runChild('to completion'));
    }
    for (const run of runs) {
      console.log(
        `  run "${run.name}": ${run.killedAt ? `killed at ${JSON.stringify(run.killedAt)}` : `exit ${run.code}`}; ` +
          `${count(run.lines, /^ENQUEUED /)} enqueued, ${count(run.lines, /^SENDING /)} sends, ` +
          `${count(run.lines, /^STATE \S+ committed$/)} committed, ${count(run.lines, /^POSTED \S+ true$/)} replays`,
      );
    }
    // The post the store never heard about was sent again by the next run and answered as a replay.
    const lost = runs.find((r) => r.name.startsWith('committed on the ledger'));
    const lostId = lost?.killedAt?.split(' ')[1] ?? '';
    assert.ok(lostId, 'the kill after a ledger commit happened');
    assert.equal(count(lost?.lines ?? [], new RegExp(`^STATE ${lostId} committed$`)), 0);
    const later = runs.slice(runs.indexOf(lost as Run) + 1).flatMap((r) => r.lines);
    assert.ok(later.includes(`POSTED ${lostId} true`), `${lostId} was resent and answered as a replay`);

    const last = runs[runs.length - 1];
    assert.equal(last?.lines[last.lines.length - 1], 'DRAINED');
    assert.ok(runs.length >= 5, 'the child was killed several times before it drained');
    const allLines = runs.flatMap((r) => r.lines);
    assert.ok(count(allLines, /^STATE \S+ failed/) === 0, 'no message failed');

    // alice's store: every message committed, with the ledger's facts.
    const store = await openStoreWithProtector({
      file: storeFile,
      protector: passphraseProtector(PASSPHRASE, KDF_INTERACTIVE),
    });
    let local: StoredMessage[];
    try {
      local = [...store.pageMessages({ conversationId, limit: 500 }).messages];
    } finally {
      store.close();
    }
    assert.equal(local.length, COUNT);
    for (const m of local) {
      assert.equal(m.state, 'committed', `${m.clientMessageId} is ${m.state}`);
      assert.equal(m.direction, 'out');
      assert.ok(m.txId && m.messageId && m.blockNumber !== null, m.clientMessageId);
    }
    assert.deepEqual(
      local.map((m) => m.body).sort(),
      Array.from({ length: COUNT }, (_, n) => `kill test message #${n}`).sort(),
    );

    // bob's view through Org2's peer (it may be a block behind Org1's at first).
    const readAll = async () => {
      const records: LedgerMessage[] = [];
      let bookmark: string | undefined;
      for (;;) {
        const page = await clients.bob.evaluate('messages', 'ListMessages', {
          conversationId,
          pageSize: 200,
          ...(bookmark ? { bookmark } : {}),
        });
        records.push(...page.messages);
        if (page.messages.length < 200 || !page.bookmark) return records;
        bookmark = page.bookmark;
      }
    };
    let records = await readAll();
    for (let i = 0; records.length < COUNT && i < 60; i++) {
      await sleep(500);
      records = await readAll();
    }
    const fromAlice = records.filter((r) => r.sender === 'Org1MSP::alice');
    const perId = new Map<string, number>();
    for (const r of fromAlice) perId.set(r.clientMessageId, (perId.get(r.clientMessageId) ?? 0) + 1);
    for (const m of local)
      assert.equal(
        perId.get(m.clientMessageId),
        1,
        `${m.clientMessageId} on the ledger ${perId.get(m.clientMessageId) ?? 0} times`,
      );
    assert.equal(fromAlice.length, COUNT, 'nothing on the ledger that the store does not know');

    // Each ledger copy is the envelope alice sealed: bob unwraps his epoch key and opens it.
    const wrapped = await clients.bob.evaluate('groups', 'GetMyEpochKey', { conversationId, epoch: 1 });
    const bobKey = await sealedBoxGroupKeys.unwrap(wrapped.wrappedKey, keys.bob.encryption.secretKey);
    const byId = new Map(local.map((m) => [m.clientMessageId, m]));
    for (const r of fromAlice) {
      const mine = byId.get(r.clientMessageId);
      assert.ok(mine && r.payload, r.clientMessageId);
      assert.equal(mine.messageId, r.messageId);
      assert.equal(mine.sentAt, r.time, 'the store holds the ledger time');
      const plaintext = await openEnvelope({
        conversationId,
        epoch: r.epoch,
        sender: r.sender,
        clientMessageId: r.clientMessageId,
        nonce: r.payload.nonce,
        signature: r.payload.signature,
        ciphertext: new Uint8Array(Buffer.from(r.payload.ciphertext, 'base64')),
        sentAt: r.time,
        epochKey: bobKey,
        keyAt: () => ({ signingKey: keys.alice.signing.publicKey }),
      });
      assert.equal(new TextDecoder().decode(plaintext), mine.body);
    }
  });
});
