import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { secretStore } from '../../network/src/ca/crypto';
import { profilePath } from '../../network/src/connection-profile';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { ApiEvent, GroupPolicy, MessageView } from '../src/common/api';
import type { SyncObserver } from '../src/node/messaging/messenger';
import type { PullScheduler, PullTurn } from '../src/node/messaging/pull-scheduler';
import type { MessageContent } from '../src/common/api';
import { groupsContextOf, submitTagged } from '../src/node/groups';
import { encodePlaintext } from '../src/node/messaging/content-codec';
import { messageIdOf } from '../src/node/messaging/message-id';
import { postProposal, sealPost } from '../src/node/messaging/envelopes';
import { Keyring } from '../src/node/messaging/keyring';
import { type AttachmentRef, uploadAttachment } from '../src/node/sharing';
import { organizationOf } from '../src/common/connection-profile';
import { generateIdentity, rotationStatement, signStatement, vetoStatement } from '../src/node/crypto';
import { connectWithProfile } from '../src/node/fabric/connect';
import { DirectoryError, directoryClient } from '../src/node/fabric/directory';
import { chaincodeErrorCode } from '../src/node/ledger';
import { loadProfile } from '../src/node/profile/profile-files';
import { createAppService } from '../src/node/service/app-service';
import { KDF_INTERACTIVE } from '../src/node/wallet';
import { enrollIdentity } from '../src/node/wallet/enrollment';
import { type AppUser, PASSPHRASE, appUser, callApi } from './support/app-user';
import { type LiveSession, liveSession } from './support/live-session';

const run = promisify(execFile);

/** Waits for an event the session pushes (the chaincode event reaches the client asynchronously). */
async function eventually(events: ApiEvent[], match: (e: ApiEvent) => boolean, what: string, from = 0): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!events.slice(from).some(match)) {
    if (Date.now() > deadline) throw new Error(`never saw ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const refusedWith = (code: string) => (error: unknown) => {
  assert.ok(error instanceof DirectoryError, String(error));
  assert.equal(error.code, code, error.message);
  return true;
};
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
  /** A second, raw session (see daveSession below). */
  let dave: (LiveSession & { close(): void }) | undefined;

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
    dave?.close();
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
    // Bob's app found the payment in his history as the card states it.
    await bob.waitFor(
      direct.id,
      (m) => m.content?.type === 'payment' && m.content.paymentId === paid.paymentId && m.ledgerConfirmed === true,
    );
    // A request bob posts, paid by alice from it: the answering payment is confirmed for bob too.
    const asked = await bob.call('requestPayment', { conversationId: direct.id, amount: 500, memo: 'taxi' });
    await alice.waitFor(direct.id, (m) => m.id === asked.id);
    const answer = await alice.call('sendPayment', {
      to: 'Org2MSP::bob',
      amount: 500,
      memo: 'taxi',
      conversationId: direct.id,
      requestId: asked.clientMessageId,
    });
    const answered = await bob.waitFor(
      direct.id,
      (m) => m.content?.type === 'payment' && m.content.paymentId === answer.paymentId && m.ledgerConfirmed === true,
    );
    // An open conversation hears it too: the confirmed card is pushed, not only read back.
    const pushedBy = Date.now() + 60_000;
    while (!bob.events.some((e) => e.type === 'message' && e.message.id === answered.id && e.message.ledgerConfirmed)) {
      assert.ok(Date.now() < pushedBy, 'the confirmed card was never pushed');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    assert.equal((await alice.call('getBalance')).balance, before.alice - 3_000);
    assert.equal((await bob.call('getBalance')).balance, before.bob + 3_000);
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
      sender: 'Org1MSP::alice',
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

  /**
   * Dave's own session (a fresh wallet: it publishes new keys), once for the
   * tests below; alice reads his keys again so she wraps group keys for them.
   */
  const daveSession = async (): Promise<LiveSession> => {
    if (!dave) {
      dave = await liveSession(ctx, 'Org2', 'dave');
      await alice.call('getContact', { userId: 'Org2MSP::dave' });
    }
    return dave;
  };

  /**
   * A modified client: dave's own session posts envelopes it sealed itself, so
   * it picks the clientMessageId and the content (a card for a payment that
   * never happened), which the app never would.
   */
  const rawPost = async (
    dave: LiveSession,
    conversationId: string,
    epoch: number,
    clientMessageId: string,
    content: MessageContent,
    refs: AttachmentRef[] = [],
    /** What goes inside the envelope, when not the app's own encoding of `content`. */
    plaintext: Uint8Array = encodePlaintext(content, refs),
  ) => {
    const keyring = new Keyring(dave);
    const sealed = await sealPost(
      dave,
      keyring,
      { conversationId, clientMessageId, epoch, plaintext },
      refs.map((r) => ({ itemId: r.itemId, contentHash: r.contentHash })),
    );
    const tagKey = await keyring.get(conversationId, epoch);
    await dave.ledger.submitProposal('messages', (c) =>
      postProposal(dave.connection.gateway, c, { conversationId, clientMessageId }, sealed, tagKey),
    );
    return { keyring, tagKey };
  };

  it('relations from a modified client (a reply to itself, to another conversation or to nothing, a reaction elsewhere, a bad emoji, a newer format) are ignored or labelled; real replies and reactions still work', async () => {
    const dave = await daveSession();
    const DAVE = 'Org2MSP::dave';
    const group = await alice.call('createGroup', {
      title: 'Relations',
      members: ['Org2MSP::bob', DAVE],
      policy: POLICY,
    });
    const other = await alice.call('createGroup', { title: 'Elsewhere', members: [DAVE], policy: POLICY });
    const elsewhere = await alice.call('sendMessage', { conversationId: other.id, text: 'in the other room' });
    const root = await alice.call('sendMessage', { conversationId: group.id, text: 'the real root' });
    await alice.waitFor(other.id, (m) => m.id === elsewhere.id && m.state === 'committed');
    await alice.waitFor(group.id, (m) => m.id === root.id && m.state === 'committed');

    const text = (t: string): MessageContent => ({ type: 'text', text: t });
    const post = (clientMessageId: string, plaintext: Uint8Array) =>
      rawPost(dave, group.id, group.epoch, clientMessageId, text(''), [], plaintext);
    const selfId = messageIdOf({ conversationId: group.id, sender: DAVE, clientMessageId: 'rel-self' });
    const nowhere = `m-${'f'.repeat(40)}`;
    await post('rel-self', encodePlaintext(text('a reply to myself'), [], { type: 'reply', to: selfId }));
    await post('rel-elsewhere', encodePlaintext(text('a reply elsewhere'), [], { type: 'reply', to: elsewhere.id }));
    await post('rel-none', encodePlaintext(text('a reply to nothing'), [], { type: 'reply', to: nowhere }));
    await post(
      'rx-elsewhere',
      encodePlaintext(text(''), [], { type: 'reaction', to: elsewhere.id, key: '👍', on: true }),
    );
    const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    // Past the app's own checks: a reaction whose "emoji" is a message, and a format from the future.
    await post(
      'rx-words',
      json({
        v: 2,
        content: text(''),
        attachments: [],
        rel: { type: 'reaction', to: root.id, key: 'send money', on: true },
      }),
    );
    await post('future', json({ v: 9, content: { type: 'hologram' }, attachments: [] }));

    // The legitimate path, after the attack: bob replies and reacts.
    await bob.waitFor(group.id, (m) => m.id === root.id);
    const reply = await bob.call('sendMessage', { conversationId: group.id, text: 'a real reply', replyTo: root.id });
    await bob.call('react', { conversationId: group.id, messageId: root.id, emoji: '🎉', on: true });

    const future = await alice.waitFor(group.id, (m) => m.sender === DAVE && m.clientMessageId === 'future');
    assert.equal(future.needsNewerClient, true);
    assert.equal(future.content, undefined);
    const self = await alice.waitFor(group.id, (m) => m.sender === DAVE && m.clientMessageId === 'rel-self');
    assert.equal(self.replyTo, undefined, 'a reply to itself is a plain message');
    const toOther = await alice.waitFor(group.id, (m) => m.sender === DAVE && m.clientMessageId === 'rel-elsewhere');
    assert.deepEqual(toOther.replyTo, { id: elsewhere.id, missing: true });
    const toNothing = await alice.waitFor(group.id, (m) => m.sender === DAVE && m.clientMessageId === 'rel-none');
    assert.deepEqual(toNothing.replyTo, { id: nowhere, missing: true });
    const real = await alice.waitFor(group.id, (m) => m.id === reply.id);
    assert.deepEqual(real.replyTo, { id: root.id, sender: 'Org1MSP::alice', excerpt: 'the real root' });
    const rootView = await alice.waitFor(
      group.id,
      (m) => m.id === root.id && m.replyCount === 1 && m.reactions !== undefined,
    );
    assert.deepEqual(rootView.reactions, [{ emoji: '🎉', count: 1, mine: false, by: ['Org2MSP::bob'] }]);
    const page = await alice.call('listMessages', { conversationId: group.id, limit: 200 });
    assert.equal(
      page.items.some((m) => m.clientMessageId === 'rx-elsewhere'),
      false,
      'a reaction shows as no message',
    );
    // Malformed content (a reaction key that is no emoji) reads as a message this device cannot show, never as a reaction.
    const words = page.items.find((m) => m.sender === DAVE && m.clientMessageId === 'rx-words');
    assert.equal(words?.content, undefined);
    assert.equal(words?.verified, false);
    const otherPage = await alice.call('listMessages', { conversationId: other.id });
    assert.equal(otherPage.items.find((m) => m.id === elsewhere.id)?.reactions, undefined);
    assert.deepEqual(
      (await alice.call('listThread', { conversationId: group.id, messageId: root.id })).replies.map((m) => m.id),
      [reply.id],
    );

    // What the ledger shows every peer of the channel (the public record's size): a reaction, a reply and a
    // short text are one padded size, so nobody outside the conversation tells them apart.
    const { messages } = await dave.ledger.evaluate('messages', 'ListMessages', {
      conversationId: group.id,
      pageSize: 50,
    });
    const sizes = messages.filter((m) => m.sender !== DAVE).map((m) => m.size);
    assert.equal(sizes.length, 3, 'the root, the reply and the reaction');
    assert.equal(new Set(sizes).size, 1, `sizes ${sizes.join(', ')}`);
    assert.ok((sizes[0] ?? 0) >= 256 && (sizes[0] ?? 0) <= 256 + 64, `size ${sizes[0]}`);
  });

  it("another member reusing a message's clientMessageId changes nothing it shows: text, attachment, search hit, delivery state", async () => {
    const dave = await daveSession();
    {
      const group = await alice.call('createGroup', {
        title: 'Invoices',
        members: ['Org2MSP::bob', 'Org2MSP::dave'],
        policy: POLICY,
      });
      await alice.call('sendMessage', { conversationId: group.id, text: 'welcome, all' });
      await bob.waitFor(group.id, (m) => m.content?.type === 'text' && m.content.text === 'welcome, all');
      const real = Buffer.from('IBAN DE00 1234 (the real one)');
      const sent = await bob.call('sendMessage', {
        conversationId: group.id,
        text: 'invoice attached',
        attachments: [{ name: 'invoice.pdf', mimeType: 'application/pdf', dataBase64: real.toString('base64') }],
      });
      const original = await alice.waitFor(group.id, (m) => m.id === sent.id && m.state === 'committed');
      const bobsOwn = await bob.waitFor(group.id, (m) => m.id === sent.id && m.state === 'committed');

      // Dave's modified client posts bob's clientMessageId with his own file under the same name.
      const forgedBytes = Buffer.from('IBAN XX99 6666 (mallory)');
      const ref = await uploadAttachment(dave, group.id, {
        name: 'invoice.pdf',
        mimeType: 'application/pdf',
        dataBase64: forgedBytes.toString('base64'),
      });
      const { keyring, tagKey } = await rawPost(
        dave,
        group.id,
        group.epoch,
        sent.clientMessageId,
        { type: 'text', text: 'invoice attached (corrected)' },
        [ref],
      );
      const forged = await alice.waitFor(
        group.id,
        (m) => m.sender === 'Org2MSP::dave' && m.clientMessageId === sent.clientMessageId,
      );
      assert.notEqual(forged.id, original.id);

      // Bob's message, for alice and for bob, is what it was; its file is bob's, byte for byte.
      assert.deepEqual(await alice.waitFor(group.id, (m) => m.id === original.id), original);
      assert.deepEqual(await bob.waitFor(group.id, (m) => m.id === bobsOwn.id), bobsOwn);
      const open = (user: AppUser, sender: string) =>
        user.call('getAttachment', {
          conversationId: group.id,
          sender,
          clientMessageId: sent.clientMessageId,
          index: 0,
        });
      assert.deepEqual(Buffer.from((await open(alice, 'Org2MSP::bob')).dataBase64, 'base64'), real);
      assert.deepEqual(Buffer.from((await open(bob, 'Org2MSP::bob')).dataBase64, 'base64'), real);
      // The legitimate path: dave's message is his own, and so is its file.
      assert.deepEqual(Buffer.from((await open(alice, 'Org2MSP::dave')).dataBase64, 'base64'), forgedBytes);
      // Search finds two messages, each by its own id.
      const hits = (await alice.call('search', { query: 'invoice' })).filter((h) => h.conversationId === group.id);
      assert.deepEqual(new Set(hits.map((h) => h.messageId)), new Set([original.id, forged.id]));
      assert.equal(hits.find((h) => h.messageId === original.id)?.sender, 'Org2MSP::bob');

      // Dave erases his: the erasure names his message only, and bob's stays as it was.
      const groups = groupsContextOf(dave, (conversationId, epoch) => keyring.get(conversationId, epoch));
      await submitTagged(groups, 'messages', 'DeleteMessage', tagKey, {
        conversationId: group.id,
        messageId: forged.id,
      });
      await alice.waitFor(group.id, (m) => m.id === forged.id && m.state === 'erased');
      const erasures = alice.events.filter(
        (e) => e.type === 'delivery' && e.state === 'erased' && e.clientMessageId === sent.clientMessageId,
      );
      assert.ok(erasures.length > 0);
      for (const e of erasures) assert.equal(e.type === 'delivery' ? e.messageId : '', forged.id);
      assert.deepEqual(await alice.waitFor(group.id, (m) => m.id === original.id), original);
      assert.deepEqual(Buffer.from((await open(alice, 'Org2MSP::bob')).dataBase64, 'base64'), real);
      assert.equal(
        await alice.refused('getAttachment', {
          conversationId: group.id,
          sender: 'Org2MSP::dave',
          clientMessageId: sent.clientMessageId,
          index: 0,
        }),
        'NOT_FOUND',
      );
    }
  });

  it('a payment or escrow card is confirmed only by the ledger: forged ones stay unconfirmed, real ones are confirmed', async () => {
    const dave = await daveSession();
    {
      await treasurer.call('mint', { to: 'Org1MSP::alice', amount: 5_000 });
      const group = await alice.call('createGroup', {
        title: 'Settlements',
        members: ['Org2MSP::bob', 'Org2MSP::dave'],
        policy: POLICY,
      });
      const epoch = group.epoch;
      const bobBalance = (await bob.call('getBalance')).balance;

      // Dave claims he paid bob 50.00, a payment that never happened.
      const never = randomBytes(32).toString('hex');
      await rawPost(dave, group.id, epoch, randomBytes(12).toString('base64url'), {
        type: 'payment',
        paymentId: never,
        amount: 5_000,
        memo: 'paid in full',
        to: 'Org2MSP::bob',
      });
      const fake = await bob.waitFor(group.id, (m) => m.content?.type === 'payment' && m.content.paymentId === never);
      assert.equal(fake.ledgerConfirmed, false);
      const preview = (await bob.call('listConversations')).find((c) => c.id === group.id)?.lastPreview;
      assert.equal(preview, '¤ 50.00 ⚠');

      // The legitimate path: alice really pays bob in the group, and really holds an escrow for him.
      const paid = await alice.call('sendPayment', {
        to: 'Org2MSP::bob',
        amount: 300,
        memo: 'real',
        conversationId: group.id,
      });
      const escrow = await alice.call('createEscrow', {
        to: 'Org2MSP::bob',
        amount: 200,
        deadline: Date.now() + 3_600_000,
        memo: 'deposit',
        conversationId: group.id,
      });
      const isPaid = (m: MessageView) => m.content?.type === 'payment' && m.content.paymentId === paid.paymentId;
      const isEscrow = (m: MessageView) => m.content?.type === 'escrow' && m.content.escrowId === escrow.escrowId;
      await bob.waitFor(group.id, (m) => isPaid(m) && m.ledgerConfirmed === true);
      await bob.waitFor(group.id, (m) => isEscrow(m) && m.ledgerConfirmed === true);
      await alice.waitFor(group.id, (m) => isPaid(m) && m.ledgerConfirmed === true);
      await alice.waitFor(group.id, (m) => isEscrow(m) && m.ledgerConfirmed === true);

      // Dave re-uses the real payment and escrow, claiming to be the payer: their ledger payer is alice.
      await rawPost(dave, group.id, epoch, randomBytes(12).toString('base64url'), {
        type: 'payment',
        paymentId: paid.paymentId,
        amount: 300,
        memo: 'from me',
        to: 'Org2MSP::bob',
      });
      await rawPost(dave, group.id, epoch, randomBytes(12).toString('base64url'), {
        type: 'escrow',
        escrowId: escrow.escrowId,
        amount: 200,
        deadline: escrow.deadline,
        to: 'Org2MSP::bob',
      });
      // Alice's real payment card, with the amount inflated by dave.
      await rawPost(dave, group.id, epoch, randomBytes(12).toString('base64url'), {
        type: 'payment',
        paymentId: paid.paymentId,
        amount: 30_000,
        memo: 'real',
        to: 'Org2MSP::bob',
      });
      const byDave = (m: MessageView) => m.sender === 'Org2MSP::dave' && m.content?.type !== 'text';
      const daveCards = async () => (await bob.call('listMessages', { conversationId: group.id })).items.filter(byDave);
      await bob.waitFor(group.id, (m) => byDave(m) && m.content?.type === 'payment' && m.content.amount === 30_000);
      const cards = await daveCards();
      assert.equal(cards.length, 4);
      for (const card of cards) assert.equal(card.ledgerConfirmed, false, JSON.stringify(card.content));
      // Still so after a restart (read again from the store, looked up again), and nothing moved.
      await bob.restart();
      await bob.waitFor(group.id, (m) => isPaid(m) && m.ledgerConfirmed === true);
      for (const card of await daveCards()) assert.equal(card.ledgerConfirmed, false, JSON.stringify(card.content));
      assert.equal((await bob.call('getBalance')).balance, bobBalance + 300);
    }
  });

  it('a verification is bound to the safety number compared; after a key change sends wait until the change is acknowledged', async () => {
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const before = await alice.call('safetyNumber', { userId: 'Org2MSP::bob' });
    assert.match(before.digits, /^(\d{5} ){11}\d{5}$/);
    const bobSide = await bob.call('safetyNumber', { userId: 'Org1MSP::alice' });
    assert.equal(bobSide.digits, before.digits);
    await alice.call('markVerified', { userId: 'Org2MSP::bob', digits: before.digits });
    const verified = await alice.call('getContact', { userId: 'Org2MSP::bob' });
    assert.equal(verified.verified, true);
    assert.equal(verified.keyChangePending, false);

    await bob.call('rotateKeys');
    // The number alice compared belongs to bob's old keys: verifying with it now marks nothing.
    assert.equal(await alice.refused('markVerified', { userId: 'Org2MSP::bob', digits: before.digits }), 'KEY_CHANGED');
    const flagged = await alice.call('getContact', { userId: 'Org2MSP::bob' });
    assert.equal(flagged.keyChanged, true);
    assert.equal(flagged.verified, false);
    assert.equal(flagged.keyChangePending, true);
    assert.ok(alice.events.some((e) => e.type === 'keyChange' && e.userId === 'Org2MSP::bob'));
    const after = await alice.call('safetyNumber', { userId: 'Org2MSP::bob' });
    assert.notEqual(after.digits, before.digits);

    // Bob's messages keep arriving, verified against his new key.
    await bob.call('sendMessage', { conversationId: direct.id, text: 'signed with my new key' });
    const got = await alice.waitFor(
      direct.id,
      (m) => m.content?.type === 'text' && m.content.text === 'signed with my new key',
    );
    assert.equal(got.verified, true);

    // Alice's message waits, with that cause, and nothing is posted.
    const held = await alice.call('sendMessage', { conversationId: direct.id, text: 'still readable for you' });
    const waiting = await alice.waitFor(direct.id, (m) => m.id === held.id && m.state === 'failed');
    assert.equal(waiting.failure, 'KEY_CHANGED');
    const atBob = (await bob.call('listMessages', { conversationId: direct.id, limit: 200 })).items;
    assert.equal(
      atBob.some((m) => m.clientMessageId === held.clientMessageId),
      false,
    );

    // Alice looks at the change: the message goes out; bob stays unverified until compared again.
    const seen = await alice.call('acknowledgeKeyChange', { userId: 'Org2MSP::bob' });
    assert.equal(seen.keyChangePending, false);
    assert.equal(seen.verified, false);
    await bob.waitFor(direct.id, (m) => m.content?.type === 'text' && m.content.text === 'still readable for you');
    await alice.waitFor(direct.id, (m) => m.id === held.id && m.state === 'committed');
    await alice.call('markVerified', { userId: 'Org2MSP::bob', digits: after.digits });
    const again = await alice.call('getContact', { userId: 'Org2MSP::bob' });
    assert.equal(again.keyChanged, false);
    assert.equal(again.verified, true);
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
        const shown = await bob.call('safetyNumber', { userId: 'Org1MSP::org1admin' });
        await bob.call('markVerified', { userId: 'Org1MSP::org1admin', digits: shown.digits });
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

  it('key continuity: a signed rotation goes through; an org admin who re-enrolls alice and publishes keys through the gateway only files a pending change (current keys unchanged), cannot veto, approve or complete it; alice and bob are warned; alice vetoes it', async () => {
    const aliceId = 'Org1MSP::alice';
    const direct = await alice.call('openDirect', { userId: 'Org2MSP::bob' });
    const before = await bob.call('getContact', { userId: aliceId });
    await alice.call('rotateKeys');
    const rotated = await bob.call('getContact', { userId: aliceId });
    assert.notEqual(rotated.fingerprint, before.fingerprint, 'the signed rotation took effect at once');
    assert.equal(rotated.pendingKeyChange, undefined);

    // The attack: org1admin re-issues alice's secret and enrolls as her (same user id for the chaincode).
    const profile = await loadProfile(profilePath(ctx.dataDir));
    const { secret } = await treasurer.call('adminReissueSecret', { enrollmentId: 'alice' });
    const stolen = await enrollIdentity(organizationOf(profile, 'Org1MSP'), 'alice', secret);
    const connection = connectWithProfile(profile, { mspId: 'Org1MSP', ...stolen });
    try {
      const directory = directoryClient(connection, profile);
      const current = await directory.getUser(aliceId);
      assert.ok(current.keysSince !== undefined);
      const mallory = await generateIdentity();
      const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
      const keys = { encryptionKey: b64(mallory.encryption.publicKey), signingKey: b64(mallory.signing.publicKey) };
      // A rotation "signed" with the admin's own key is refused outright.
      const forged = await signStatement(
        rotationStatement(aliceId, current.keysSince, keys),
        mallory.signing.secretKey,
      );
      await assert.rejects(directory.publishKeys({ ...keys, signature: forged }), refusedWith('FORBIDDEN'));
      assert.deepEqual(await directory.getUser(aliceId), current, 'nothing changed');
      // Unsigned, it is only a request: alice's current keys stay current.
      const filed = await directory.publishKeys(keys);
      const { keyChange, ...unchanged } = filed;
      assert.deepEqual(unchanged, current);
      assert.equal(keyChange?.signingKey, keys.signingKey);
      assert.ok(keyChange);
      // The admin cannot pass it: no veto without alice's key, no approval (not compliance), no early completion.
      const veto = await signStatement(
        vetoStatement(aliceId, keyChange.requestedAt, keyChange),
        mallory.signing.secretKey,
      );
      await assert.rejects(directory.vetoKeyChange(veto), refusedWith('FORBIDDEN'));
      assert.equal(await treasurer.refused('approveKeyChange', { userId: aliceId }), 'FORBIDDEN');
      const contract = connection.gateway.getNetwork(profile.channel).getContract(profile.chaincode, 'directory');
      await assert.rejects(
        contract.submit('CompleteKeyChange', { arguments: [JSON.stringify({ userId: aliceId })] }),
        (error: unknown) => chaincodeErrorCode(error) === 'CONFLICT',
      );
      assert.deepEqual(await directory.getUser(aliceId), filed, 'still only pending');

      // Alice's own client raises the alarm; bob's client shows the pending change of his contact.
      await eventually(alice.events, (e) => e.type === 'keyAlarm' && e.status.state === 'pending', "alice's keyAlarm");
      assert.deepEqual(await alice.call('ownKeyStatus'), {
        state: 'pending',
        requestedAt: keyChange.requestedAt,
        effectiveAt: keyChange.effectiveAt,
      });
      await eventually(
        bob.events,
        (e) => e.type === 'contactKeyPending' && e.userId === aliceId,
        "bob's contactKeyPending",
      );
      const atBob = await bob.call('getContact', { userId: aliceId });
      assert.equal(atBob.pendingKeyChange?.effectiveAt, keyChange.effectiveAt);
      assert.equal(atBob.fingerprint, rotated.fingerprint, 'bob still sees her current key');
      // Bob's messages go to her current keys, which only her devices hold.
      await bob.call('sendMessage', { conversationId: direct.id, text: 'sent while a key change is pending' });
      const read = await alice.waitFor(
        direct.id,
        (m) => m.content?.type === 'text' && m.content.text === 'sent while a key change is pending',
      );
      assert.equal(read.verified, true);

      // Alice vetoes with her current keys: the change is gone, her keys never moved.
      assert.deepEqual(await alice.call('vetoKeyChange'), { state: 'ok' });
      assert.deepEqual(await directory.getUser(aliceId), current);
      // Bob's client hears the veto, so a banner it showed for the pending change goes.
      await eventually(
        bob.events,
        (e) => e.type === 'contactKeyPendingEnded' && e.userId === aliceId,
        "bob's contactKeyPendingEnded",
      );
      assert.equal((await bob.call('getContact', { userId: aliceId })).pendingKeyChange, undefined);
      assert.equal(await alice.refused('vetoKeyChange'), 'NOT_FOUND');
    } finally {
      connection.close();
    }
  });

  it('key continuity: alice on a new device (old wallet lost) is told her keys are pending; they take effect only when auditor1 (compliance) approves, not by her own approval; her old device then raises the alarm', async () => {
    const aliceId = 'Org1MSP::alice';
    const auditor = await appUser(ctx, 'Org1', 'auditor1');
    const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-app-alice-new-'));
    const device = createAppService({
      appDataDir: dir,
      devProfilePath: profilePath(ctx.dataDir),
      kdfCost: KDF_INTERACTIVE,
    });
    try {
      const keysBefore = (await bob.call('getContact', { userId: aliceId })).fingerprint;
      const { secret } = await treasurer.call('adminReissueSecret', { enrollmentId: 'alice' });
      const listed = await callApi(device, 'listProfiles');
      assert.ok(listed.ok);
      const profile = listed.value[0];
      const heard = alice.events.length;
      const enroll = {
        profile: profile?.name,
        mspId: 'Org1MSP',
        enrollmentId: 'alice',
        secret,
        passphrase: PASSPHRASE,
      };
      const enrolled = await callApi(device, 'enroll', enroll);
      assert.equal(enrolled.ok ? 'accepted' : enrolled.error.code, 'KEY_RECOVERY_PENDING');
      const pending = await bob.call('getContact', { userId: aliceId });
      assert.equal(pending.fingerprint, keysBefore, 'not current yet');
      assert.ok(pending.pendingKeyChange);
      await eventually(
        alice.events,
        (e) => e.type === 'keyAlarm' && e.status.state === 'pending',
        'the old device alarm',
        heard,
      );
      // Signing in again changes nothing while it is pending.
      const again = await callApi(device, 'signIn', { passphrase: PASSPHRASE });
      assert.equal(again.ok ? 'accepted' : again.error.code, 'KEY_RECOVERY_PENDING');

      assert.equal(await alice.refused('approveKeyChange', { userId: aliceId }), 'FORBIDDEN');
      const approved = await auditor.call('approveKeyChange', { userId: aliceId });
      assert.equal(approved.pendingKeyChange, undefined);
      assert.notEqual(approved.fingerprint, keysBefore);
      const signedIn = await callApi(device, 'signIn', { passphrase: PASSPHRASE });
      assert.ok(signedIn.ok, JSON.stringify(signedIn));
      await eventually(
        alice.events,
        (e) => e.type === 'keyAlarm' && e.status.state === 'replaced',
        'the replaced alarm',
        heard,
      );
      const status = await callApi(device, 'ownKeyStatus');
      assert.deepEqual(status.ok && status.value, { state: 'ok' }, 'the new device holds the current keys');
    } finally {
      await device.close();
      await auditor.dispose();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
