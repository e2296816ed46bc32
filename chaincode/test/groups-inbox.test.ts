import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directConversationId } from '../src/contracts/groups-contract';
import { FakeLedger, alice, bob, carol, dave, userIdFor } from './support/fake-ledger';
import { TAG, b64, grp, msg, ok, openPolicy, publish, readWorld, rejects, wrappedFor } from './support/groups-fixtures';

// Inbox policies (domain/inbox.ts): a user says who may open a direct
// conversation with them and whom they blocked; OpenDirect, CreateGroup and
// AddMember apply it, so a flooder cannot create the conversation at all.

const [aliceId, bobId, carolId, daveId] = [alice, bob, carol, dave].map(userIdFor) as [string, string, string, string];

async function keyed(): Promise<FakeLedger> {
  const ledger = new FakeLedger();
  await publish(ledger, alice, bob, carol, dave);
  return ledger;
}

const openDirect = (peerUserId: string, ...who: Parameters<typeof wrappedFor>) => ({
  eventTag: TAG,
  peerUserId,
  wrappedKeys: wrappedFor(...who),
});

describe('GroupsContract inbox policy', () => {
  it('without a policy anyone may open a direct conversation (the behaviour before policies)', async () => {
    const ledger = await keyed();
    assert.deepEqual(ok(await ledger.invoke(alice, grp.GetMyInboxPolicy, {})), {
      directFrom: 'anyone',
      contacts: [],
      blocked: [],
    });
    ok(await ledger.invoke(bob, grp.OpenDirect, openDirect(aliceId, bob, alice)));
  });

  it('directFrom=org: another org is refused with nothing written; the same org and listed contacts get in', async () => {
    const ledger = await keyed();
    ok(await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'org', contacts: [daveId], blocked: [] }));
    const message = await rejects(ledger, bob, grp.OpenDirect, openDirect(aliceId, bob, alice), 'FORBIDDEN');
    assert.match(message, /does not accept a direct conversation from you/);
    assert.equal(readWorld(ledger, `group|${directConversationId(aliceId, bobId)}`), null);
    ok(await ledger.invoke(carol, grp.OpenDirect, openDirect(aliceId, carol, alice)));
    ok(await ledger.invoke(dave, grp.OpenDirect, openDirect(aliceId, dave, alice)));
  });

  it('directFrom=contacts: only listed users; the owner may still open one with anyone', async () => {
    const ledger = await keyed();
    ok(await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'contacts', contacts: [bobId], blocked: [] }));
    await rejects(ledger, carol, grp.OpenDirect, openDirect(aliceId, carol, alice), 'FORBIDDEN');
    ok(await ledger.invoke(bob, grp.OpenDirect, openDirect(aliceId, bob, alice)));
    // The policy is about who reaches alice, not whom alice reaches.
    ok(await ledger.invoke(alice, grp.OpenDirect, openDirect(daveId, alice, dave)));
  });

  it('a blocked user can open no direct conversation and add the blocker to no group, whatever directFrom says', async () => {
    const ledger = await keyed();
    ok(
      await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'anyone', contacts: [carolId], blocked: [carolId] }),
    );
    await rejects(ledger, carol, grp.OpenDirect, openDirect(aliceId, carol, alice), 'FORBIDDEN');
    const create = (members: string[]) => ({
      eventTag: TAG,
      groupId: 'carols',
      policy: openPolicy,
      members: members.map((userId) => ({ userId, role: 'member' })),
      wrappedKeys: wrappedFor(carol, ...members),
    });
    const refused = await rejects(ledger, carol, grp.CreateGroup, create([bobId, aliceId]), 'FORBIDDEN');
    assert.match(refused, /does not accept invitations from you/);
    ok(await ledger.invoke(carol, grp.CreateGroup, create([bobId])));
    await rejects(
      ledger,
      carol,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'carols',
        userId: aliceId,
        role: 'member',
        wrappedKeys: wrappedFor(carol, bob, alice),
      },
      'FORBIDDEN',
    );
    // Someone alice did not block still adds her.
    ok(
      await ledger.invoke(bob, grp.CreateGroup, {
        ...create([aliceId]),
        groupId: 'bobs',
        wrappedKeys: wrappedFor(bob, alice),
      }),
    );
  });

  it('only the owner reads the policy, replacing it takes effect at once, and bad lists are BAD_INPUT', async () => {
    const ledger = await keyed();
    ok(await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'org', contacts: [], blocked: [bobId] }));
    assert.deepEqual(ok(await ledger.invoke<{ blocked: string[] }>(bob, grp.GetMyInboxPolicy, {})).blocked, []);
    ok(await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'anyone', contacts: [], blocked: [] }));
    ok(await ledger.invoke(bob, grp.OpenDirect, openDirect(aliceId, bob, alice)));
    for (const bad of [
      { directFrom: 'everyone', contacts: [], blocked: [] },
      { directFrom: 'org', contacts: [bobId, bobId], blocked: [] },
      { directFrom: 'org', contacts: [], blocked: ['not-a-user-id'] },
      { directFrom: 'org', contacts: [], blocked: [aliceId] },
      { directFrom: 'org', contacts: [] },
    ]) {
      await rejects(ledger, alice, grp.SetInboxPolicy, bad, 'BAD_INPUT');
    }
  });

  it('a block also stops posts in a direct conversation that existed before it (nothing written); groups are not affected', async () => {
    const ledger = await keyed();
    const dm = ok(
      await ledger.invoke<{ conversationId: string }>(bob, grp.OpenDirect, openDirect(aliceId, bob, alice)),
    ).conversationId;
    const post = (conversationId: string, clientMessageId: string) => ({
      conversationId,
      epoch: 1,
      clientMessageId,
      nonce: b64(24),
      signature: b64(64),
      attachments: [],
      eventTag: TAG,
    });
    const text = { transient: { ciphertext: Buffer.from('hello') } };
    ok(await ledger.invoke(bob, msg.PostMessage, post(dm, 'before'), text));
    ok(await ledger.invoke(alice, grp.SetInboxPolicy, { directFrom: 'anyone', contacts: [], blocked: [bobId] }));
    const refused = await rejects(ledger, bob, msg.PostMessage, post(dm, 'after'), 'FORBIDDEN', text);
    assert.match(refused, /does not accept messages from you/);
    // Alice may still write to bob, and bob still posts in a group they share.
    ok(await ledger.invoke(alice, msg.PostMessage, post(dm, 'alice'), text));
    ok(
      await ledger.invoke(carol, grp.CreateGroup, {
        eventTag: TAG,
        groupId: 'shared',
        policy: openPolicy,
        members: [aliceId, bobId].map((userId) => ({ userId, role: 'member' })),
        wrappedKeys: wrappedFor(carol, alice, bob),
      }),
    );
    ok(await ledger.invoke(bob, msg.PostMessage, post('shared', 'in-group'), text));
  });
});
