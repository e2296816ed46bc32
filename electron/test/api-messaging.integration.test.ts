import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rm } from 'node:fs/promises';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { GroupPolicy, MessageView } from '../src/common/api';
import { type AppUser, appUser } from './support/app-user';

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

describe('client core through the API on the live network', { timeout: 30 * 60_000 }, () => {
  let ctx: NetworkContext;
  let alice: AppUser;
  let bob: AppUser;
  let carol: AppUser;

  before(async () => {
    ctx = { ...(await isolatedNetwork()), log: (line) => console.log(`  [api] ${line}`) };
    await up(ctx);
    alice = await appUser(ctx, 'Org1', 'alice');
    bob = await appUser(ctx, 'Org2', 'bob');
    carol = await appUser(ctx, 'Org1', 'carol');
  });

  after(async () => {
    for (const u of [alice, bob, carol]) await u?.dispose().catch(() => undefined);
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

    const afterRemove = await alice.call('removeMember', { conversationId: group.id, userId: 'Org2MSP::bob' });
    assert.equal(afterRemove.conversation.epoch, 2);
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
      assert.equal(await outsider.refused('getGroup', { conversationId: group.id }), 'FORBIDDEN');
    }
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
});
