import assert from 'node:assert/strict';
import type { GroupPolicy } from '../../../electron/src/common/api';
import type { ConformanceApp, ConformanceCase } from './target';
import { userIdOf } from './target';

// Chats and groups: unread counting, and the group rules a person meets
// when they are no longer in a group (a refusal names its cause, never "the
// network is down").

const POLICY: GroupPolicy = {
  whoCanPost: 'members',
  whoCanInvite: 'admins',
  retentionSeconds: 0,
  paymentsAllowed: false,
  crossOrg: true,
};

async function unreadIn(app: ConformanceApp, conversationId: string): Promise<number | undefined> {
  return (await app.call('listConversations')).find((c) => c.id === conversationId)?.unread;
}

export const chatsCases: ConformanceCase[] = [
  {
    name: 'a draft is kept per conversation, shown in its summary, removed when blank and cleared by sending',
    async run(target) {
      const carol = await target.signedInApp('carol', 'draft-carol');
      const bob = await target.signedInApp('bob', 'draft-bob');
      const { sent } = await target.sendDirect(carol, bob, 'before the draft');
      const id = sent.conversationId;
      const draftIn = async () => (await carol.call('listConversations')).find((c) => c.id === id)?.draft;
      const saved = await carol.call('saveDraft', { conversationId: id, text: 'half **written**\nsecond line' });
      assert.equal(saved.id, id);
      assert.equal(saved.draft, 'half **written**\nsecond line');
      assert.equal(await draftIn(), 'half **written**\nsecond line');
      // Only this user's device keeps it: the other side's summary has none.
      assert.equal((await bob.call('listConversations')).find((c) => c.id === id)?.draft, undefined);
      assert.equal((await carol.call('saveDraft', { conversationId: id, text: '  \n ' })).draft, undefined);
      assert.equal(await draftIn(), undefined);
      await carol.call('saveDraft', { conversationId: id, text: 'about to send' });
      const seen = carol.events.length;
      await carol.call('sendMessage', { conversationId: id, text: 'about to send' });
      assert.equal(await draftIn(), undefined);
      const cleared = carol.events
        .slice(seen)
        .find((e) => e.type === 'conversation' && e.conversation.id === id && e.conversation.draft === undefined);
      assert.ok(cleared, 'a conversation event without the draft follows the send');
      // Bad input changes nothing.
      await carol.call('saveDraft', { conversationId: id, text: 'kept' });
      assert.equal(
        await carol.refused('saveDraft', { conversationId: 'no-such-conversation', text: 'x' }),
        'NOT_FOUND',
      );
      assert.equal(await carol.refused('saveDraft', { conversationId: id, text: 'x'.repeat(16_001) }), 'BAD_INPUT');
      assert.equal(await draftIn(), 'kept');
    },
  },
  {
    // On one device (the fake carries no relation between instances; the live UI test carries them across orgs).
    name: 'a reply quotes its message and counts under it; a reaction counts once per user and toggles off; a relation to a message not there is refused',
    async run(target) {
      // A pair no other case opens a direct conversation for (see the first case).
      const alice = await target.signedInApp('alice', 'relations-alice');
      const dave = await target.signedInApp('dave', 'relations-dave');
      const { received } = await target.sendDirect(alice, dave, 'the plan');
      const conversationId = received.conversationId;
      const reply = await dave.call('sendMessage', { conversationId, text: 'agreed', replyTo: received.id });
      assert.deepEqual(reply.replyTo, { id: received.id, sender: userIdOf('alice'), excerpt: 'the plan' });
      assert.equal(reply.threadRoot, received.id);
      const page = await dave.call('listMessages', { conversationId });
      assert.equal(page.items.find((m) => m.id === received.id)?.replyCount, 1);
      assert.deepEqual(
        (await dave.call('listThread', { conversationId, messageId: reply.id })).replies.map((m) => m.id),
        [reply.id],
        "a reply's thread is its root's",
      );

      const on = { conversationId, messageId: received.id, emoji: '👍', on: true };
      await dave.call('react', on);
      // Sent twice (a second device, a retry): one user still counts once.
      const twice = await dave.call('react', on);
      assert.deepEqual(twice.reactions, [{ emoji: '👍', count: 1, mine: true, by: [userIdOf('dave')] }]);
      const listed = await dave.call('listMessages', { conversationId });
      assert.equal(listed.items.length, page.items.length, 'a reaction is no message in the timeline');
      const off = await dave.call('react', { ...on, on: false });
      assert.equal(off.reactions, undefined, 'the last toggle wins');

      const nowhere = `m-${'0'.repeat(40)}`;
      assert.equal(await dave.refused('react', { ...on, messageId: nowhere }), 'NOT_FOUND');
      assert.equal(await dave.refused('sendMessage', { conversationId, text: 'x', replyTo: nowhere }), 'NOT_FOUND');
      assert.equal(await dave.refused('react', { ...on, emoji: 'hello' }), 'BAD_INPUT');
    },
  },
  {
    name: 'a message carries an id of its own, and markVerified verifies only the safety number of the current keys',
    async run(target) {
      // A pair no other case opens a direct conversation for: each case's apps are new devices
      // (new keys), which cannot open a conversation whose key was wrapped for earlier devices.
      const carol = await target.signedInApp('carol', 'verify-carol');
      const dave = await target.signedInApp('dave', 'verify-dave');
      const { sent, received } = await target.sendDirect(carol, dave, 'whose message is this');
      // The id names the sender too: never the bare clientMessageId another member could reuse.
      for (const m of [sent, received]) assert.notEqual(m.id, m.clientMessageId);
      const shown = await carol.call('safetyNumber', { userId: userIdOf('dave') });
      const other = shown.digits.replace(/\d/g, (d) => String((Number(d) + 1) % 10));
      assert.equal(await carol.refused('markVerified', { userId: userIdOf('dave'), digits: other }), 'KEY_CHANGED');
      assert.equal((await carol.call('getContact', { userId: userIdOf('dave') })).verified, false);
      const marked = await carol.call('markVerified', { userId: userIdOf('dave'), digits: shown.digits });
      assert.equal(marked.verified, true);
      assert.equal(marked.keyChangePending, false);
      // Nothing to acknowledge: still verified.
      assert.equal((await carol.call('acknowledgeKeyChange', { userId: userIdOf('dave') })).verified, true);
    },
  },
  {
    name: 'one message from the other user counts one unread, three count three, and reading clears them',
    async run(target) {
      const alice = await target.signedInApp('alice', 'unread-alice');
      const bob = await target.signedInApp('bob', 'unread-bob');
      const { sent, received } = await target.sendDirect(alice, bob, 'one unread');
      const id = received.conversationId;
      assert.equal(await unreadIn(bob, id), 1);
      assert.equal(await unreadIn(alice, sent.conversationId), 0, 'your own message is not unread for you');
      await target.sendDirect(alice, bob, 'two unread');
      await target.sendDirect(alice, bob, 'three unread');
      assert.equal(await unreadIn(bob, id), 3);

      const seen = bob.events.length;
      await bob.call('markRead', { conversationId: id });
      assert.equal(await unreadIn(bob, id), 0);
      // Every view of the list hears it, not only the one that read.
      const cleared = bob.events
        .slice(seen)
        .find((e) => e.type === 'conversation' && e.conversation.id === id && e.conversation.unread === 0);
      assert.ok(cleared, 'a conversation event with no unread follows markRead');
    },
  },
  {
    name: "after a removal the group counts one member fewer, in the remover's answer and in getGroup",
    async run(target) {
      // Members need published keys on the real network: they sign in once.
      await target.signedInApp('bob', 'count-bob');
      await target.signedInApp('carol', 'count-carol');
      const alice = await target.signedInApp('alice', 'count-alice');
      const group = await alice.call('createGroup', {
        title: 'Count check',
        members: [userIdOf('bob'), userIdOf('carol')],
        policy: POLICY,
      });
      assert.equal((await alice.call('getGroup', { conversationId: group.id })).members.length, 3);
      const after = await alice.call('removeMember', { conversationId: group.id, userId: userIdOf('carol') });
      assert.deepEqual(after.members.map((m) => m.userId).sort(), [userIdOf('alice'), userIdOf('bob')].sort());
      assert.equal((await alice.call('getGroup', { conversationId: group.id })).members.length, 2);
    },
  },
  {
    name: 'someone who left a group is refused with NOT_MEMBER when reading it or posting, not NETWORK_UNAVAILABLE',
    async run(target) {
      await target.signedInApp('bob', 'left-bob');
      const alice = await target.signedInApp('alice', 'left-alice');
      const group = await alice.call('createGroup', { title: 'Leaving', members: [userIdOf('bob')], policy: POLICY });
      await alice.call('transferOwnership', { conversationId: group.id, userId: userIdOf('bob') });
      await alice.call('leaveGroup', { conversationId: group.id });
      assert.equal(await alice.refused('getGroup', { conversationId: group.id }), 'NOT_MEMBER');
      assert.equal(await alice.refused('sendMessage', { conversationId: group.id, text: 'still here?' }), 'NOT_MEMBER');
    },
  },
  {
    name: "only an owner changes a group's policy: an admin (the owner before a hand-over) is refused with FORBIDDEN and nothing changes",
    async run(target) {
      await target.signedInApp('bob', 'policy-bob');
      const alice = await target.signedInApp('alice', 'policy-alice');
      const group = await alice.call('createGroup', { title: 'Policy', members: [userIdOf('bob')], policy: POLICY });
      const conversationId = group.id;
      await alice.call('updatePolicy', { conversationId, policy: { paymentsAllowed: true } });
      // Alice hands ownership to bob and stays on as an admin.
      const handed = await alice.call('transferOwnership', { conversationId, userId: userIdOf('bob') });
      assert.equal(handed.myRole, 'admin');
      assert.ok(!handed.allowedActions.includes('updatePolicy'), 'an admin is not offered the policy');
      assert.equal(
        await alice.refused('updatePolicy', { conversationId, policy: { whoCanPost: 'admins' } }),
        'FORBIDDEN',
      );
      assert.deepEqual((await alice.call('getGroup', { conversationId })).policy, { ...POLICY, paymentsAllowed: true });
    },
  },
  {
    name: 'the last owner cannot leave (CONFLICT, still a member); once another member is an owner too, the owner leaves',
    async run(target) {
      await target.signedInApp('bob', 'owner-leave-bob');
      const alice = await target.signedInApp('alice', 'owner-leave-alice');
      const group = await alice.call('createGroup', { title: 'Owners', members: [userIdOf('bob')], policy: POLICY });
      const conversationId = group.id;
      assert.ok(!(await alice.call('getGroup', { conversationId })).allowedActions.includes('leave'));
      assert.equal(await alice.refused('leaveGroup', { conversationId }), 'CONFLICT');
      const still = await alice.call('getGroup', { conversationId });
      assert.ok(still.members.some((m) => m.userId === userIdOf('alice') && m.role === 'owner'));
      // An owner may make another owner; with two, either may leave.
      const coOwned = await alice.call('changeRole', { conversationId, userId: userIdOf('bob'), role: 'owner' });
      assert.ok(coOwned.allowedActions.includes('leave'), 'an owner with a co-owner is offered leave');
      await alice.call('leaveGroup', { conversationId });
      assert.equal(await alice.refused('getGroup', { conversationId }), 'NOT_MEMBER');
    },
  },
  {
    name: 'a removed member learns it from the ledger: the group read and a post are refused with NOT_MEMBER',
    realOnly:
      "the fake has no ledger shared between apps, so one app's removal cannot reach another; the renderer's tests drive the fake's removeMe instead",
    async run(target) {
      const bob = await target.signedInApp('bob', 'removed-bob');
      const alice = await target.signedInApp('alice', 'removed-alice');
      const group = await alice.call('createGroup', { title: 'Removal', members: [userIdOf('bob')], policy: POLICY });
      await bob.eventually('the group at bob', async () => {
        const answer = await bob.result('getGroup', { conversationId: group.id });
        return answer.ok ? answer.value : undefined;
      });
      const before = bob.events.length;
      await alice.call('removeMember', { conversationId: group.id, userId: userIdOf('bob') });
      // Bob's app hears of it (the removal's event) and tells an open view to read the group again.
      await bob.eventually('a conversation event after the removal', async () =>
        bob.events.slice(before).find((e) => e.type === 'conversation' && e.conversation.id === group.id),
      );
      const code = await bob.eventually('bob refused the group', async () => {
        const answer = await bob.result('getGroup', { conversationId: group.id });
        return answer.ok ? undefined : answer.error.code;
      });
      assert.equal(code, 'NOT_MEMBER');
      assert.equal(await bob.refused('sendMessage', { conversationId: group.id, text: 'hello?' }), 'NOT_MEMBER');
      // Still listed, for what he received before.
      assert.ok((await bob.call('listConversations')).some((c) => c.id === group.id));
    },
  },
];
