import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { secretStore } from '../../network/src/ca/crypto';
import { profilePath } from '../../network/src/connection-profile';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { GroupPolicy, MessageView } from '../src/common/api';
import type { SyncObserver } from '../src/node/messaging/messenger';
import type { PullScheduler, PullTurn } from '../src/node/messaging/pull-scheduler';
import { type AppUser, PASSPHRASE, appUser, callApi } from './support/app-user';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', 'src', 'node', 'cli', 'ktalk.js');

// The client core through its typed API only, on a real two-org network:
// 1:1 messages both ways, group membership changes that lock out the
// removed and the leaver, and an offline catch-up of 200 messages that
// arrive exactly once.

const POLICY: GroupPolicy = {
  whoCanPost: 'members',
  whoCanInvite: 'admins',
  retentionSeconds: 0,
  paymentsAllowed: true,
  crossOrg: true,
};

/** What a messenger's sync did, in order: recognised events and pull turns (counted, never timed). */
function syncLog() {
  const turns: PullTurn[] = [];
  const recognised: string[] = [];
  const coalesced = new Map<string, number>();
  let queue: Pick<PullScheduler<unknown>, 'pending' | 'hold' | 'idle'> | undefined;
  const observer: SyncObserver = {
    onAttach: (q) => (queue = q),
    onRecognised: (conversationId) => recognised.push(conversationId),
    onTurn: (turn) => turns.push(turn),
    onCoalesced: (id) => coalesced.set(id, (coalesced.get(id) ?? 0) + 1),
  };
  return {
    observer,
    turns,
    recognised,
    coalesced,
    get queue() {
      assert.ok(queue, 'the messenger has started');
      return queue;
    },
  };
}

describe('client core through the API on the live network', { timeout: 30 * 60_000 }, () => {
  const bobSync = syncLog();
  let ctx: NetworkContext;
  let alice: AppUser;
  let bob: AppUser;
  let carol: AppUser;
  let treasurer: AppUser;

  before(async () => {
    ctx = { ...(await isolatedNetwork()), log: (line) => console.log(`  [api] ${line}`) };
    await up(ctx);
    alice = await appUser(ctx, 'Org1', 'alice');
    // Bob's sync is watched (and small-paged) so the flood test can count its work.
    bob = await appUser(ctx, 'Org2', 'bob', undefined, { pullPage: 10, observer: bobSync.observer });
    carol = await appUser(ctx, 'Org1', 'carol');
    treasurer = await appUser(ctx, 'Org1', 'org1admin');
  });

  after(async () => {
    for (const u of [alice, bob, carol, treasurer]) await u?.dispose().catch(() => undefined);
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  });

  it('an Org1 user and an Org2 user exchange 1:1 messages, verified, with delivery states', async () => {
    const bobId = (await bob.call('sessionState')).account?.userId;
    assert.equal(bobId, 'Org2MSP::bob');
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    assert.equal(direct.kind, 'direct');
    const sent = await alice.call('sendMessage', { conversationId: direct.id, text: 'hello bob' });
    assert.equal(sent.state, 'pending');
    const received = await bob.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === 'hello bob');
    assert.equal(received.sender, 'Org1MSP::alice');
    assert.equal(received.verified, true);
    assert.equal(received.outgoing, false);
    // One message is one unread (it was counted twice), and reading clears it for every view.
    const unreadAtBob = async () => (await bob.call('listConversations')).find((c) => c.id === direct.id)?.unread;
    assert.equal(await unreadAtBob(), 1);
    await bob.call('markRead', { conversationId: direct.id });
    assert.equal(await unreadAtBob(), 0);
    assert.ok(
      bob.events.some(
        (e) => e.type === 'conversation' && e.conversation.id === direct.id && e.conversation.unread === 0,
      ),
    );
    const mine = await alice.waitFor(
      direct.id,
      (m) => m.clientMessageId === sent.clientMessageId && m.state === 'committed',
    );
    assert.equal(mine.outgoing, true);
    assert.ok(alice.events.some((e) => e.type === 'delivery' && e.state === 'committed'));

    await bob.call('sendMessage', { conversationId: direct.id, text: 'hi alice' });
    const reply = await alice.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === 'hi alice');
    assert.equal(reply.verified, true);
    const hits = await alice.call('search', { query: 'alice' });
    assert.ok(hits.some((h) => h.conversationId === direct.id));
  });

  it('a text written to look like a completed payment stays a text for both sides (content type is out of band)', async () => {
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const card = { type: 'payment', paymentId: 'forged', amount: 1_000_000, memo: 'paid in full', to: 'Org2MSP::bob' };
    const forged = `\u0001${JSON.stringify(card)}`;
    await alice.call('sendMessage', { conversationId: direct.id, text: forged });
    const atBob = await bob.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === forged);
    assert.deepEqual(atBob.content, { type: 'text', text: forged });
    const atAlice = await alice.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === forged);
    assert.equal(atAlice.content?.type, 'text');
    // Read again after a restart: what the store kept is still a text.
    await bob.restart();
    const again = await bob.waitFor(direct.id, (m) => m.clientMessageId === atBob.clientMessageId);
    assert.deepEqual(again.content, { type: 'text', text: forged });
  });

  it('a removed member and a member who left cannot read anything sent after', async () => {
    const group = await alice.call('createGroup', {
      title: 'Launch',
      members: ['Org2MSP::bob', 'Org1MSP::carol'],
      policy: POLICY,
    });
    await alice.call('sendMessage', { conversationId: group.id, text: 'welcome all' });
    await bob.waitFor(group.id, (m) => m.content?.type === 'text' && m.content.text === 'welcome all');
    await carol.waitFor(group.id, (m) => m.content?.type === 'text' && m.content.text === 'welcome all');
    const details = await alice.call('getGroup', { conversationId: group.id });
    assert.ok(details.allowedActions.includes('remove'));
    assert.equal((await bob.call('getGroup', { conversationId: group.id })).allowedActions.includes('remove'), false);

    const bobHeard = bob.events.length;
    const afterRemove = await alice.call('removeMember', { conversationId: group.id, userId: 'Org2MSP::bob' });
    assert.equal(afterRemove.conversation.epoch, 2);
    assert.equal(afterRemove.members.length, 2, 'the remover sees one member fewer');
    // Bob's app hears of his removal from its event and tells an open view to read the group again.
    const deadline = Date.now() + 60_000;
    while (!bob.events.slice(bobHeard).some((e) => e.type === 'conversation' && e.conversation.id === group.id)) {
      assert.ok(Date.now() < deadline, "bob's app never heard of his removal");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await carol.call('leaveGroup', { conversationId: group.id });
    // Alice's client re-keys before posting: the leaver made no key.
    const secret = await alice.call('sendMessage', { conversationId: group.id, text: 'after they left' });
    await alice.waitFor(group.id, (m) => m.clientMessageId === secret.clientMessageId && m.state === 'committed');
    const final = await alice.call('getGroup', { conversationId: group.id });
    assert.equal(final.conversation.epoch, 3);
    assert.equal(final.members.length, 1);

    await new Promise((resolve) => setTimeout(resolve, 3_000));
    for (const outsider of [bob, carol]) {
      const page = await outsider.call('listMessages', { conversationId: group.id, limit: 200 });
      assert.ok(page.items.every((m) => m.content?.type !== 'text' || m.content.text !== 'after they left'));
      // In words: not a member (any more), never "the network is down".
      assert.equal(await outsider.refused('getGroup', { conversationId: group.id }), 'NOT_MEMBER');
      assert.equal(await outsider.refused('sendMessage', { conversationId: group.id, text: 'hello?' }), 'NOT_MEMBER');
    }
  });

  it("a member removed while offline posts after restarting: the ledger's refusal is final, with its cause", async () => {
    const group = await alice.call('createGroup', {
      title: 'Offline removal',
      members: ['Org2MSP::bob'],
      policy: POLICY,
    });
    await alice.call('sendMessage', { conversationId: group.id, text: 'before the removal' });
    await bob.waitFor(group.id, (m) => m.content?.type === 'text' && m.content.text === 'before the removal');
    await bob.service.close();
    await alice.call('removeMember', { conversationId: group.id, userId: 'Org2MSP::bob' });
    await bob.restart();
    // Either his app has not read the removal yet (the post is queued, and the ledger refuses it while it is
    // sealed: a final failure with its cause, never retried) or it has (the post is refused at once).
    const answer = await callApi(bob.service, 'sendMessage', { conversationId: group.id, text: 'am I still in?' });
    if (answer.ok) {
      const sent = answer.value;
      const failed = await bob.waitFor(
        group.id,
        (m) => m.clientMessageId === sent.clientMessageId && m.state === 'failed',
      );
      assert.equal(failed.failure, 'NOT_MEMBER');
      const deliveries = bob.events.flatMap((e) =>
        e.type === 'delivery' && e.clientMessageId === sent.clientMessageId ? [`${e.state}:${e.failure ?? ''}`] : [],
      );
      assert.deepEqual(deliveries, ['pending:', 'failed:NOT_MEMBER'], 'refused once, never retried');
    } else {
      assert.equal(answer.error.code, 'NOT_MEMBER', answer.error.message);
    }
    assert.equal(await bob.refused('getGroup', { conversationId: group.id }), 'NOT_MEMBER');
  });

  it('offline catch-up: bob stops, alice sends 200 messages, bob restarts and gets all 200 exactly once', async () => {
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    await bob.service.close();
    const texts = Array.from({ length: 200 }, (_, i) => `offline ${i}`);
    const sent: MessageView[] = [];
    for (const text of texts) sent.push(await alice.call('sendMessage', { conversationId: direct.id, text }));
    await alice.waitFor(
      direct.id,
      (m) => m.clientMessageId === sent[sent.length - 1]?.clientMessageId && m.state === 'committed',
      300_000,
    );
    await bob.restart();
    const deadline = Date.now() + 300_000;
    let got: string[] = [];
    while (Date.now() < deadline) {
      const all: string[] = [];
      let before: string | undefined;
      do {
        const page = await bob.call('listMessages', {
          conversationId: direct.id,
          limit: 500,
          ...(before ? { before } : {}),
        });
        for (const m of page.items)
          if (m.content?.type === 'text' && m.content.text.startsWith('offline ')) all.push(m.clientMessageId);
        before = page.next;
      } while (before);
      got = all;
      if (got.length >= 200) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    assert.equal(got.length, 200);
    assert.equal(new Set(got).size, 200);
    assert.deepEqual(new Set(got), new Set(sent.map((m) => m.clientMessageId)));
  });

  it('a payment sent in a chat shows there as a payment message, and both balances move', async () => {
    await treasurer.call('mint', { to: 'Org1MSP::alice', amount: 10_000 });
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const before = { alice: (await alice.call('getBalance')).balance, bob: (await bob.call('getBalance')).balance };
    const paid = await alice.call('sendPayment', {
      to: 'Org2MSP::bob',
      amount: 2_500,
      memo: 'lunch',
      conversationId: direct.id,
    });
    assert.equal(paid.amount, 2_500);
    const shown = await bob.waitFor(
      direct.id,
      (m) => m.content?.type === 'payment' && m.content.paymentId === paid.paymentId,
    );
    assert.equal(shown.verified, true);
    assert.equal((await alice.call('getBalance')).balance, before.alice - 2_500);
    assert.equal((await bob.call('getBalance')).balance, before.bob + 2_500);
    assert.equal(
      await bob.refused('sendPayment', { to: 'Org1MSP::alice', amount: 10 ** 9, memo: '' }),
      'INSUFFICIENT_FUNDS',
    );
  });

  it('share, access, revoke, refusal: the owner sees every access and the denied attempt', async () => {
    const data = Buffer.from('quarterly numbers').toString('base64');
    const item = await alice.call('shareItem', {
      file: { name: 'q3.txt', mimeType: 'text/plain', dataBase64: data },
      grantee: { kind: 'user', userId: 'Org2MSP::bob' },
      expiresAt: Date.now() + 3_600_000,
      canReshare: false,
    });
    // Bob learns of the grant from its event: his "shared with you" list.
    const deadline = Date.now() + 60_000;
    while (!(await bob.call('listSharedWithMe')).some((i) => i.itemId === item.itemId)) {
      assert.ok(Date.now() < deadline, 'the grant never reached bob');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.ok(bob.events.some((e) => e.type === 'sharedWithMe' && e.item.itemId === item.itemId));
    const opened = await bob.call('openItem', { itemId: item.itemId });
    assert.equal(opened.dataBase64, data);
    const inbox = await bob.call('listSharedWithMe');
    assert.equal(inbox.find((i) => i.itemId === item.itemId)?.name, 'q3.txt');
    assert.equal(
      (await carol.call('listSharedWithMe')).some((i) => i.itemId === item.itemId),
      false,
    );
    const [grant] = await alice.call('listGrants', { itemId: item.itemId });
    assert.ok(grant);
    await alice.call('revokeGrant', { itemId: item.itemId, grantId: grant.grantId });
    assert.equal(await bob.refused('openItem', { itemId: item.itemId }), 'FORBIDDEN');
    const history = await alice.call('accessHistory', { itemId: item.itemId });
    const byBob = history.items.filter((a) => a.accessor === 'Org2MSP::bob').map((a) => a.outcome);
    assert.ok(byBob.includes('ok') && byBob.includes('denied'), JSON.stringify(history.items));
  });

  it('an attachment sent in a message opens for the other member, byte for byte', async () => {
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const bytes = Buffer.from('%PDF-1.7 not really a pdf');
    const sent = await alice.call('sendMessage', {
      conversationId: direct.id,
      text: 'the contract',
      attachments: [{ name: 'contract.pdf', mimeType: 'application/pdf', dataBase64: bytes.toString('base64') }],
    });
    const got = await bob.waitFor(direct.id, (m) => m.clientMessageId === sent.clientMessageId);
    assert.equal(got.attachments[0]?.name, 'contract.pdf');
    const file = await bob.call('getAttachment', {
      conversationId: direct.id,
      clientMessageId: sent.clientMessageId,
      index: 0,
    });
    assert.deepEqual(Buffer.from(file.dataBase64, 'base64'), bytes);
  });

  it('`ktalk send` from the command line reaches another user; secrets come from a pipe and a 0600 file, never argv', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'ktalk-cli-'));
    const org = ctx.topology.peerOrgs.find((o) => o.name === 'Org2');
    assert.ok(org);
    const secret = await secretStore(ctx.dataDir).get(org.ca.name, 'dave');
    assert.ok(secret);
    const passFile = path.join(home, 'passphrase');
    await writeFile(passFile, `${PASSPHRASE}\n`, { mode: 0o600 });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      KTALK_APP_DATA: home,
      KTALK_CONNECTION_PROFILE: profilePath(ctx.dataDir),
    };
    delete env.KTALK_PASSPHRASE;
    const pass = ['--passphrase-file', passFile];
    try {
      const enrollArgs = [CLI, 'enroll', '--org', 'Org2MSP', '--id', 'dave', '--secret-fd', '0', ...pass];
      assert.ok(!enrollArgs.includes(secret));
      const enrolling = run(process.execPath, enrollArgs, { env });
      enrolling.child.stdin?.end(`${secret}\n`);
      const enrolled = await enrolling;
      assert.match(enrolled.stdout, /enrolled Org2MSP::dave/);
      assert.doesNotMatch(enrolled.stderr, /warning/);
      const sent = await run(process.execPath, [CLI, 'send', '--to', 'alice', 'hello from the command line', ...pass], {
        env,
      });
      assert.match(sent.stdout, /sent to Org1MSP::alice/);
      const direct = await alice.call('openDirect', { userId: 'Org2MSP::dave' });
      const got = await alice.waitFor(
        direct.id,
        (m) => m.content?.type === 'text' && m.content.text === 'hello from the command line',
      );
      assert.equal(got.verified, true);
      const bad = await run(process.execPath, [CLI, 'send', '--to', 'alice', ...pass], { env }).catch(
        (e: { code: number; stderr: string }) => e,
      );
      assert.equal((bad as { code: number }).code, 1);
      assert.match((bad as { stderr: string }).stderr, /send needs --to <user> and a text/);
      // The passphrase from the environment still works, with a warning naming who else can read it.
      const read = await run(process.execPath, [CLI, 'read', '--with', 'alice'], {
        env: { ...env, KTALK_PASSPHRASE: PASSPHRASE },
      });
      assert.match(read.stdout, /hello from the command line/);
      assert.match(read.stderr, /warning: KTALK_PASSPHRASE is readable by your other processes/);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('an admin registers a user, who enrolls with the secret and chats; staff cannot register', async () => {
    const registered = await treasurer.call('adminRegister', { enrollmentId: 'erin', role: 'staff' });
    assert.ok(registered.secret.length >= 16);
    const erin = await appUser(ctx, 'Org1', 'erin', registered.secret);
    try {
      const direct = await erin.call('openDirect', { userId: 'Org2MSP::bob' });
      await erin.call('sendMessage', { conversationId: direct.id, text: 'hi, I am new here' });
      const got = await bob.waitFor(
        direct.id,
        (m) => m.content?.type === 'text' && m.content.text === 'hi, I am new here',
      );
      assert.equal(got.sender, 'Org1MSP::erin');
      const rows = await treasurer.call('adminListIdentities');
      assert.equal(rows.find((r) => r.enrollmentId === 'erin')?.directory, 'active');

      // Revoked, erin is told so in words (the peers refuse her certificate), never "the network is down".
      await treasurer.call('adminRevoke', { enrollmentId: 'erin' });
      const deadline = Date.now() + 120_000;
      for (;;) {
        const read = await callApi(erin.service, 'getGroup', { conversationId: direct.id });
        if (!read.ok && read.error.code === 'CERT_REVOKED') break;
        assert.ok(Date.now() < deadline, `the peers never refused erin's certificate: ${JSON.stringify(read)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const refused = await erin.call('sendMessage', { conversationId: direct.id, text: 'after my revocation' });
      const failed = await erin.waitFor(
        direct.id,
        (m) => m.clientMessageId === refused.clientMessageId && m.state === 'failed',
      );
      assert.equal(failed.failure, 'CERT_REVOKED');
    } finally {
      await erin.dispose();
    }
    assert.equal(await alice.refused('adminRegister', { enrollmentId: 'mallory', role: 'admin' }), 'FORBIDDEN');
  });

  it('a key rotation: the contact is flagged until safety numbers are compared again, and messages keep flowing', async () => {
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const before = await alice.call('safetyNumber', { userId: 'Org2MSP::bob' });
    assert.match(before.digits, /^(\d{5} ){11}\d{5}$/);
    const bobSide = await bob.call('safetyNumber', { userId: 'Org1MSP::alice' });
    assert.equal(bobSide.digits, before.digits);
    await alice.call('markVerified', { userId: 'Org2MSP::bob' });
    assert.equal((await alice.call('getContact', { userId: 'Org2MSP::bob' })).verified, true);

    await bob.call('rotateKeys');
    const after = await alice.call('safetyNumber', { userId: 'Org2MSP::bob' });
    assert.notEqual(after.digits, before.digits);
    const flagged = await alice.call('getContact', { userId: 'Org2MSP::bob' });
    assert.equal(flagged.keyChanged, true);
    assert.equal(flagged.verified, false);
    assert.ok(alice.events.some((e) => e.type === 'keyChange' && e.userId === 'Org2MSP::bob'));

    await bob.call('sendMessage', { conversationId: direct.id, text: 'signed with my new key' });
    const got = await alice.waitFor(
      direct.id,
      (m) => m.content?.type === 'text' && m.content.text === 'signed with my new key',
    );
    assert.equal(got.verified, true);
    await alice.call('sendMessage', { conversationId: direct.id, text: 'still readable for you' });
    await bob.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === 'still readable for you');
    await alice.call('markVerified', { userId: 'Org2MSP::bob' });
    assert.equal((await alice.call('getContact', { userId: 'Org2MSP::bob' })).keyChanged, false);
  });

  it("a flooding member cannot stall the victim's other conversations; the victim blocks them and refuses direct conversations from outside their org", async () => {
    const isText = (text: string) => (m: MessageView) => m.content?.type === 'text' && m.content.text === text;
    const untilTrue = async (what: string, check: () => Promise<boolean> | boolean) => {
      const deadline = Date.now() + 120_000;
      while (!(await check())) {
        assert.ok(Date.now() < deadline, `timed out waiting until ${what}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    };
    // Bob's other conversation: a fresh group with alice (one message to read, one turn).
    const other = await alice.call('createGroup', { title: 'Other', members: ['Org2MSP::bob'], policy: POLICY });
    await alice.call('sendMessage', { conversationId: other.id, text: 'other: hello' });
    await bob.waitFor(other.id, isText('other: hello'));
    // Carol, any member, opens a direct conversation with bob (his policy is still "anyone").
    const flooded = await carol.call('openDirect', { userId: 'Org2MSP::bob' });
    await carol.call('sendMessage', { conversationId: flooded.id, text: 'flood: first' });
    await bob.waitFor(flooded.id, isText('flood: first'));

    // Bob's sync is held while the flood and the live message land, so what it does next is decided by its
    // queue alone. The flood is committed first: its events reach bob before alice's.
    await untilTrue('bob’s sync is idle', () => bobSync.queue.idle);
    const release = bobSync.queue.hold();
    const turnsBefore = bobSync.turns.length;
    const recognisedBefore = bobSync.recognised.length;
    const coalescedBefore = bobSync.coalesced.get(flooded.id) ?? 0;
    const FLOOD = 40;
    let last: MessageView | undefined;
    try {
      for (let i = 0; i < FLOOD; i++) {
        last = await carol.call('sendMessage', { conversationId: flooded.id, text: `flood ${i}` });
      }
      const lastId = last?.clientMessageId;
      await carol.waitFor(flooded.id, (m) => m.clientMessageId === lastId && m.state === 'committed', 300_000);
      await alice.call('sendMessage', { conversationId: other.id, text: 'other: live' });
      await untilTrue('bob recognised the live message', () =>
        bobSync.recognised.slice(recognisedBefore).includes(other.id),
      );
      // At most one pending pull per conversation: every flood event after the first joined it.
      const pending = bobSync.queue.pending();
      assert.deepEqual(pending.live.filter((id) => id === flooded.id).length, 1);
      assert.deepEqual(pending.live.filter((id) => id === other.id).length, 1);
      assert.ok((bobSync.coalesced.get(flooded.id) ?? 0) - coalescedBefore >= FLOOD - 1);
      assert.equal(bobSync.turns.length, turnsBefore, 'held: no pull ran');
    } finally {
      release();
    }
    await bob.waitFor(other.id, isText('other: live'));
    await bob.waitFor(flooded.id, isText(`flood ${FLOOD - 1}`), 300_000);
    await untilTrue('bob read the whole flood', () =>
      bobSync.turns.slice(turnsBefore).some((t) => t.conversationId === flooded.id && t.done),
    );
    const turns = bobSync.turns.slice(turnsBefore);
    const otherDone = turns.findIndex((t) => t.conversationId === other.id && t.done);
    const floodDone = turns.findIndex((t) => t.conversationId === flooded.id && t.done);
    // The live message was read after ONE page of the flood, long before the flood's backlog was.
    assert.ok(otherDone >= 0 && floodDone > otherDone, JSON.stringify(turns));
    const floodReadFirst = turns
      .slice(0, otherDone)
      .reduce((n, t) => n + (t.conversationId === flooded.id ? t.records : 0), 0);
    assert.ok(floodReadFirst <= 10, `the flood took ${floodReadFirst} records' work before the live message`);
    assert.ok(turns.filter((t) => t.conversationId === flooded.id).length >= FLOOD / 10);

    // Bob blocks carol: her messages are hidden, old and new, and she can no longer invite him.
    try {
      await bob.call('saveSettings', { blockedUsers: ['Org1MSP::carol'] });
      // The chaincode refuses her posts in the existing direct conversation too: the flood stops at the source.
      const afterBlock = await carol.call('sendMessage', {
        conversationId: flooded.id,
        text: 'flood: after the block',
      });
      const refused = await carol.waitFor(
        flooded.id,
        (m) => m.clientMessageId === afterBlock.clientMessageId && m.state === 'failed',
      );
      assert.equal(refused.failure, 'FORBIDDEN');
      await alice.call('sendMessage', { conversationId: other.id, text: 'other: after the block' });
      await bob.waitFor(other.id, isText('other: after the block'));
      const seen = await bob.call('listMessages', { conversationId: flooded.id, limit: 500 });
      assert.deepEqual(
        seen.items.filter((m) => m.sender === 'Org1MSP::carol'),
        [],
      );
      assert.equal(
        await carol.refused('createGroup', { title: 'Invite bob', members: ['Org2MSP::bob'], policy: POLICY }),
        'FORBIDDEN',
      );
      assert.ok(!(await carol.call('listConversations')).some((c) => c.title === 'Invite bob'));

      // Direct conversations only from his own org: org1admin (Org1) is refused by the chaincode and
      // nothing is created; dave (Org2) gets in; a contact bob verified gets in from anywhere.
      await bob.call('saveSettings', { directFrom: 'org' });
      assert.equal(await treasurer.refused('openDirect', { userId: 'Org2MSP::bob' }), 'FORBIDDEN');
      assert.ok(
        !(await treasurer.call('listConversations')).some((c) => c.kind === 'direct' && c.peer === 'Org2MSP::bob'),
      );
      const dave = await appUser(ctx, 'Org2', 'dave');
      try {
        const fromDave = await dave.call('openDirect', { userId: 'Org2MSP::bob' });
        assert.equal(fromDave.kind, 'direct');
        await bob.call('markVerified', { userId: 'Org1MSP::org1admin' });
        await bob.call('saveSettings', { directFrom: 'contacts' });
        // dave is a contact now (a direct conversation); org1admin is one (verified).
        const fromTreasurer = await treasurer.call('openDirect', { userId: 'Org2MSP::bob' });
        assert.equal(fromTreasurer.kind, 'direct');
      } finally {
        await dave.dispose();
      }
    } finally {
      await bob.call('saveSettings', { directFrom: 'anyone', blockedUsers: [] });
    }
  });
});
