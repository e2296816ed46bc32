import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directConversationId } from '../src/contracts/groups-contract';
import { memberRole, readGroup } from '../src/domain/groups';
import { FakeLedger, type TestIdentity, alice, bob, carol, dave, org1Admin, userIdFor } from './support/fake-ledger';
import {
  auditRecords,
  b64,
  erin,
  grp,
  ok,
  openPolicy,
  publish,
  readWorld,
  rejects,
  TAG,
  teamGroup,
  wrappedFor,
} from './support/groups-fixtures';

const [aliceId, bobId, carolId, daveId, erinId] = [alice, bob, carol, dave, erin].map(userIdFor) as [
  string,
  string,
  string,
  string,
  string,
];

const setup = teamGroup;

async function epochOf(ledger: FakeLedger, who: TestIdentity = alice): Promise<number> {
  return ok(await ledger.invoke<{ epoch: number }>(who, grp.GetGroup, { conversationId: 'g1' })).epoch;
}

describe('GroupsContract.OpenDirect', () => {
  it('gives both sides the same deterministic conversation id', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    const out = await ledger.invoke<{ conversationId: string; created: boolean }>(alice, grp.OpenDirect, {
      eventTag: TAG,
      peerUserId: bobId,
      wrappedKeys: wrappedFor(alice, bob),
    });
    const opened = ok(out);
    assert.equal(opened.conversationId, directConversationId(bobId, aliceId));
    assert.match(opened.conversationId, /^dm-[0-9a-f]{40}$/);
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'groups.DirectOpened', payload: { tag: TAG } });
    assert.deepEqual(
      auditRecords(ledger, 'Org2MSP')
        .map((a) => a.action)
        .slice(-1),
      ['group.openDirect'],
    );
  });

  it('opening an existing direct conversation returns it and writes nothing', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    ok(
      await ledger.invoke(alice, grp.OpenDirect, {
        eventTag: TAG,
        peerUserId: bobId,
        wrappedKeys: wrappedFor(alice, bob),
      }),
    );
    const before = ledger.snapshot();
    const again = ok(
      await ledger.invoke<{ created: boolean }>(bob, grp.OpenDirect, {
        eventTag: TAG,
        peerUserId: aliceId,
        wrappedKeys: wrappedFor(alice, bob),
      }),
    );
    assert.equal(again.created, false);
    assert.equal(ledger.snapshot(), before);
  });

  it('rejects a conversation with yourself, unknown peers and wrong key maps', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: aliceId, wrappedKeys: wrappedFor(alice) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: carolId, wrappedKeys: wrappedFor(alice, carol) },
      'NOT_FOUND',
    );
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: bobId, wrappedKeys: wrappedFor(alice) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: bobId, wrappedKeys: wrappedFor(alice, bob, carol) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: bobId, wrappedKeys: { [aliceId]: b64(80), [bobId]: b64(79) } },
      'BAD_INPUT',
    );
    await rejects(ledger, alice, grp.OpenDirect, '{"peerUserId":', 'BAD_INPUT');
  });

  it('the caller must have published keys before opening a conversation', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, bob);
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: bobId, wrappedKeys: wrappedFor(alice, bob) },
      'NOT_FOUND',
    );
  });

  it('membership of a direct conversation is fixed', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob, carol);
    const { conversationId } = ok(
      await ledger.invoke<{ conversationId: string }>(alice, grp.OpenDirect, {
        eventTag: TAG,
        peerUserId: bobId,
        wrappedKeys: wrappedFor(alice, bob),
      }),
    );
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      { eventTag: TAG, conversationId, userId: carolId, role: 'member', wrappedKeys: wrappedFor(alice, bob, carol) },
      'FORBIDDEN',
    );
    await rejects(ledger, alice, grp.Leave, { eventTag: TAG, conversationId }, 'FORBIDDEN');
  });
});

describe('GroupsContract.CreateGroup', () => {
  it('creates a group with the caller as owner, epoch 1 and one wrapped key per member', async () => {
    const ledger = await setup();
    const group = ok(
      await ledger.invoke<{ epoch: number; myRole: string; policyVersion: number; memberCount: number }>(
        alice,
        grp.GetGroup,
        { conversationId: 'g1' },
      ),
    );
    assert.equal(group.epoch, 1);
    assert.equal(group.myRole, 'owner');
    assert.equal(group.policyVersion, 1);
    assert.equal(group.memberCount, 4);
    const keys = [...ledger.world.keys()].filter((k) => k.startsWith('epochkey|g1|'));
    assert.equal(keys.length, 4);
    assert.equal(auditRecords(ledger).at(-1)?.action, 'group.create');
  });

  it('rejects duplicate members, the creator listed as a member, and reserved ids', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, carol);
    const base = { groupId: 'g2', policy: openPolicy, wrappedKeys: wrappedFor(alice, carol) };
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      {
        eventTag: TAG,
        ...base,
        members: [
          { userId: carolId, role: 'member' },
          { userId: carolId, role: 'admin' },
        ],
      },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, members: [{ userId: aliceId, role: 'owner' }] },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, groupId: 'dm-abc', members: [{ userId: carolId, role: 'member' }] },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, members: [{ userId: carolId, role: 'boss' }] },
      'BAD_INPUT',
    );
  });

  it('rejects an existing group id', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, groupId: 'g1', policy: openPolicy, members: [], wrappedKeys: wrappedFor(alice) },
      'CONFLICT',
    );
  });

  it('crossOrg=false refuses members from another org', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      {
        eventTag: TAG,
        groupId: 'g2',
        policy: { ...openPolicy, crossOrg: false },
        members: [{ userId: bobId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, bob),
      },
      'FORBIDDEN',
    );
  });

  it('rejects a bad policy: short retention, unknown fields, missing fields', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    const base = { groupId: 'g2', members: [], wrappedKeys: wrappedFor(alice) };
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, policy: { ...openPolicy, retentionSeconds: 30 } },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, policy: { ...openPolicy, retentionSeconds: 1.5 } },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, policy: { ...openPolicy, superuser: true } },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, policy: { whoCanPost: 'members' } },
      'BAD_INPUT',
    );
  });

  it('wrapped keys must cover exactly the member set', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, carol, dave);
    const base = { groupId: 'g2', policy: openPolicy, members: [{ userId: carolId, role: 'member' }] };
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, wrappedKeys: wrappedFor(alice) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, wrappedKeys: wrappedFor(alice, carol, dave) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      { eventTag: TAG, ...base, wrappedKeys: { ...wrappedFor(alice), [carolId]: 'AAAA' } },
      'BAD_INPUT',
    );
  });

  it('members must be in the directory with keys', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    await rejects(
      ledger,
      alice,
      grp.CreateGroup,
      {
        eventTag: TAG,
        groupId: 'g2',
        policy: openPolicy,
        members: [{ userId: carolId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, carol),
      },
      'NOT_FOUND',
    );
  });
});

describe('GroupsContract.AddMember', () => {
  it('an owner adds a member: the epoch advances and every member gets a new wrapped key', async () => {
    const ledger = await setup();
    const out = await ledger.invoke<{ epoch: number }>(alice, grp.AddMember, {
      eventTag: TAG,
      conversationId: 'g1',
      userId: bobId,
      role: 'member',
      wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
    });
    assert.equal(ok(out).epoch, 2);
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'groups.MemberAdded', payload: { tag: TAG } });
    assert.equal([...ledger.world.keys()].filter((k) => k.startsWith('epochkey|g1|0000000002|')).length, 5);
    const receipt = auditRecords(ledger).at(-1);
    assert.equal(receipt?.action, 'group.addMember');
    assert.deepEqual(receipt?.orgs, ['Org1MSP', 'Org2MSP']);
    assert.equal(await memberRoleOf(ledger, bobId), 'member');
  });

  it('wrapped keys that miss the new member or include an outsider are refused', async () => {
    const ledger = await setup();
    const req = { conversationId: 'g1', userId: bobId, role: 'member' };
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      { eventTag: TAG, ...req, wrappedKeys: wrappedFor(alice, carol, dave, erin) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      { eventTag: TAG, ...req, wrappedKeys: wrappedFor(alice, carol, dave, bob) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      { eventTag: TAG, ...req, wrappedKeys: wrappedFor(alice, carol, dave, erin, bob, org1Admin) },
      'BAD_INPUT',
    );
  });

  it('a member cannot add when only admins may invite', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      dave,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
      },
      'FORBIDDEN',
    );
  });

  it('a member may add members (but not admins) when members may invite', async () => {
    const ledger = await setup({ ...openPolicy, whoCanInvite: 'members' });
    const keys = wrappedFor(alice, carol, dave, erin, bob);
    await rejects(
      ledger,
      dave,
      grp.AddMember,
      { eventTag: TAG, conversationId: 'g1', userId: bobId, role: 'admin', wrappedKeys: keys },
      'FORBIDDEN',
    );
    ok(
      await ledger.invoke(dave, grp.AddMember, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: keys,
      }),
    );
  });

  it('a reader can never add members', async () => {
    const ledger = await setup({ ...openPolicy, whoCanInvite: 'members' });
    await rejects(
      ledger,
      erin,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'reader',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
      },
      'FORBIDDEN',
    );
  });

  it('an admin cannot add an owner', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'owner',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
      },
      'FORBIDDEN',
    );
  });

  it('adding an existing member is a conflict; unknown groups and outsiders are refused', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: daveId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin),
      },
      'CONFLICT',
    );
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      { eventTag: TAG, conversationId: 'nope', userId: bobId, role: 'member', wrappedKeys: wrappedFor(alice, bob) },
      'NOT_FOUND',
    );
    await rejects(
      ledger,
      bob,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
      },
      'FORBIDDEN',
    );
  });

  it('crossOrg=false refuses adding a user from another org', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob, carol);
    const policy = { ...openPolicy, crossOrg: false };
    ok(
      await ledger.invoke(alice, grp.CreateGroup, {
        eventTag: TAG,
        groupId: 'g2',
        policy,
        members: [{ userId: carolId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, carol),
      }),
    );
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g2',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, bob),
      },
      'FORBIDDEN',
    );
  });

  it('a user without published keys cannot be added', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      {
        eventTag: TAG,
        conversationId: 'g1',
        userId: userIdFor(org1Admin),
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, org1Admin),
      },
      'NOT_FOUND',
    );
  });
});

describe('GroupsContract.RemoveMember', () => {
  it('an admin removes a member; the epoch advances and the removed user loses access', async () => {
    const ledger = await setup();
    const out = ok(
      await ledger.invoke<{ epoch: number }>(carol, grp.RemoveMember, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: daveId,
        wrappedKeys: wrappedFor(alice, carol, erin),
      }),
    );
    assert.equal(out.epoch, 2);
    await rejects(ledger, dave, grp.GetGroup, { conversationId: 'g1' }, 'FORBIDDEN');
    await rejects(ledger, dave, grp.GetMyEpochKey, { conversationId: 'g1', epoch: 1 }, 'FORBIDDEN');
    assert.equal(auditRecords(ledger).at(-1)?.action, 'group.removeMember');
  });

  it('an admin cannot remove an owner', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.RemoveMember,
      { eventTag: TAG, conversationId: 'g1', userId: aliceId, wrappedKeys: wrappedFor(carol, dave, erin) },
      'FORBIDDEN',
    );
  });

  it('a member cannot remove anyone', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      dave,
      grp.RemoveMember,
      { eventTag: TAG, conversationId: 'g1', userId: erinId, wrappedKeys: wrappedFor(alice, carol, dave) },
      'FORBIDDEN',
    );
  });

  it('removing yourself, a non-member, or with the old key set is refused', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.RemoveMember,
      { eventTag: TAG, conversationId: 'g1', userId: carolId, wrappedKeys: wrappedFor(alice, dave, erin) },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.RemoveMember,
      { eventTag: TAG, conversationId: 'g1', userId: bobId, wrappedKeys: wrappedFor(alice, carol, dave, erin) },
      'NOT_FOUND',
    );
    await rejects(
      ledger,
      alice,
      grp.RemoveMember,
      { eventTag: TAG, conversationId: 'g1', userId: daveId, wrappedKeys: wrappedFor(alice, carol, dave, erin) },
      'BAD_INPUT',
    );
  });
});

describe('GroupsContract.ChangeRole', () => {
  it('an owner promotes a member to admin', async () => {
    const ledger = await setup();
    ok(
      await ledger.invoke(alice, grp.ChangeRole, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: daveId,
        role: 'admin',
      }),
    );
    assert.equal(await memberRoleOf(ledger, daveId), 'admin');
    assert.equal(await epochOf(ledger), 1, 'a role change is not a membership change');
  });

  it('an admin cannot demote an owner or make one', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: aliceId, role: 'member' },
      'FORBIDDEN',
    );
    await rejects(
      ledger,
      carol,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: daveId, role: 'owner' },
      'FORBIDDEN',
    );
  });

  it('the last owner cannot demote themselves', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      alice,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: aliceId, role: 'admin' },
      'CONFLICT',
    );
  });

  it('members cannot change roles; unchanged roles and non-members are refused', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      dave,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: erinId, role: 'member' },
      'FORBIDDEN',
    );
    await rejects(
      ledger,
      alice,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: daveId, role: 'member' },
      'CONFLICT',
    );
    await rejects(
      ledger,
      alice,
      grp.ChangeRole,
      { eventTag: TAG, conversationId: 'g1', userId: bobId, role: 'member' },
      'NOT_FOUND',
    );
  });
});

describe('GroupsContract.Leave and TransferOwnership', () => {
  it('a member leaves: no longer a member, the epoch stays and a re-key is pending (groups-rekey.test.ts)', async () => {
    const ledger = await setup();
    assert.deepEqual(ok(await ledger.invoke(dave, grp.Leave, { eventTag: TAG, conversationId: 'g1' })), {
      conversationId: 'g1',
      epoch: 1,
      rekeyRequired: true,
    });
    assert.equal(await memberRoleOf(ledger, daveId), null);
  });

  it('the last owner cannot leave without transferring ownership', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, grp.Leave, { eventTag: TAG, conversationId: 'g1' }, 'CONFLICT');
  });

  it('after transferring ownership the former owner is an admin and may leave', async () => {
    const ledger = await setup();
    ok(
      await ledger.invoke(alice, grp.TransferOwnership, {
        eventTag: TAG,
        conversationId: 'g1',
        newOwnerUserId: carolId,
      }),
    );
    assert.equal(await memberRoleOf(ledger, carolId), 'owner');
    assert.equal(await memberRoleOf(ledger, aliceId), 'admin');
    ok(await ledger.invoke(alice, grp.Leave, { eventTag: TAG, conversationId: 'g1' }));
  });

  it('only an owner can transfer, and only to a member', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.TransferOwnership,
      { eventTag: TAG, conversationId: 'g1', newOwnerUserId: daveId },
      'FORBIDDEN',
    );
    await rejects(
      ledger,
      alice,
      grp.TransferOwnership,
      { eventTag: TAG, conversationId: 'g1', newOwnerUserId: bobId },
      'NOT_FOUND',
    );
    await rejects(
      ledger,
      alice,
      grp.TransferOwnership,
      { eventTag: TAG, conversationId: 'g1', newOwnerUserId: aliceId },
      'BAD_INPUT',
    );
  });

  it('leaving with wrapped keys (the old protocol, where the leaver made the next key) is refused as BAD_INPUT', async () => {
    const ledger = await setup();
    const message = await rejects(
      ledger,
      dave,
      grp.Leave,
      { eventTag: TAG, conversationId: 'g1', wrappedKeys: wrappedFor(alice, carol, erin) },
      'BAD_INPUT',
    );
    assert.match(message, /wrappedKeys/);
    assert.equal(await memberRoleOf(ledger, daveId), 'member');
  });
});

describe('GroupsContract.UpdatePolicy', () => {
  it('an owner changes the policy and the policy version advances', async () => {
    const ledger = await setup();
    const out = ok(
      await ledger.invoke<{ policyVersion: number; policy: { retentionSeconds: number; paymentsAllowed: boolean } }>(
        alice,
        grp.UpdatePolicy,
        {
          eventTag: TAG,
          conversationId: 'g1',
          policy: { retentionSeconds: 3600, paymentsAllowed: true },
          expectedPolicyVersion: 1,
        },
      ),
    );
    assert.equal(out.policyVersion, 2);
    assert.equal(out.policy.retentionSeconds, 3600);
    const group = readWorld<{ policy: { paymentsAllowed: boolean } }>(ledger, 'group|g1');
    assert.equal(group?.policy.paymentsAllowed, true);
    assert.equal(auditRecords(ledger).at(-1)?.policyVersion, 2);
  });

  it('an admin cannot change the policy', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      carol,
      grp.UpdatePolicy,
      { eventTag: TAG, conversationId: 'g1', policy: { whoCanPost: 'members' } },
      'FORBIDDEN',
    );
  });

  it('rejects empty changes, short retention, unknown fields and a stale expected version', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, grp.UpdatePolicy, { eventTag: TAG, conversationId: 'g1', policy: {} }, 'BAD_INPUT');
    await rejects(
      ledger,
      alice,
      grp.UpdatePolicy,
      { eventTag: TAG, conversationId: 'g1', policy: { retentionSeconds: 59 } },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.UpdatePolicy,
      { eventTag: TAG, conversationId: 'g1', policy: { owner: bobId } },
      'BAD_INPUT',
    );
    await rejects(
      ledger,
      alice,
      grp.UpdatePolicy,
      { eventTag: TAG, conversationId: 'g1', policy: { crossOrg: true }, expectedPolicyVersion: 7 },
      'CONFLICT',
    );
  });

  it('crossOrg cannot be turned off while members from other orgs remain', async () => {
    const ledger = await setup();
    ok(
      await ledger.invoke(alice, grp.AddMember, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
      }),
    );
    await rejects(
      ledger,
      alice,
      grp.UpdatePolicy,
      { eventTag: TAG, conversationId: 'g1', policy: { crossOrg: false } },
      'CONFLICT',
    );
  });
});

describe('GroupsContract reads', () => {
  it('GetGroup and ListMembers are for members only', async () => {
    const ledger = await setup();
    const { members } = ok(
      await ledger.invoke<{ members: Array<{ userId: string; role: string }> }>(erin, grp.ListMembers, {
        conversationId: 'g1',
      }),
    );
    assert.deepEqual(
      members.map((m) => `${m.userId}=${m.role}`).sort(),
      [`${aliceId}=owner`, `${carolId}=admin`, `${daveId}=member`, `${erinId}=reader`].sort(),
    );
    await rejects(ledger, bob, grp.ListMembers, { conversationId: 'g1' }, 'FORBIDDEN');
    await rejects(ledger, bob, grp.GetGroup, { conversationId: 'g1' }, 'FORBIDDEN');
    await rejects(ledger, bob, grp.GetGroup, { conversationId: 'nope' }, 'NOT_FOUND');
  });

  it('GetMyEpochKey returns only the caller’s own wrapped key, for the current or an earlier epoch', async () => {
    const ledger = await setup();
    ok(
      await ledger.invoke(alice, grp.AddMember, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(carol, alice, dave, erin, bob),
      }),
    );
    const current = ok(
      await ledger.invoke<{ userId: string; epoch: number; wrappedKey: string }>(alice, grp.GetMyEpochKey, {
        conversationId: 'g1',
      }),
    );
    assert.deepEqual([current.userId, current.epoch, current.wrappedKey], [aliceId, 2, b64(80, 2)]);
    const first = ok(
      await ledger.invoke<{ epoch: number; wrappedKey: string }>(alice, grp.GetMyEpochKey, {
        conversationId: 'g1',
        epoch: 1,
      }),
    );
    assert.deepEqual([first.epoch, first.wrappedKey], [1, b64(80, 1)]);
    await rejects(ledger, bob, grp.GetMyEpochKey, { conversationId: 'g1', epoch: 1 }, 'NOT_FOUND');
    await rejects(ledger, alice, grp.GetMyEpochKey, { conversationId: 'g1', epoch: 3 }, 'NOT_FOUND');
    await rejects(ledger, alice, grp.GetMyEpochKey, { conversationId: 'g1', userId: bobId }, 'BAD_INPUT');
  });

  it('readGroup and memberRole serve other contracts', async () => {
    const ledger = await setup();
    assert.equal(await memberRoleOf(ledger, erinId), 'reader');
    assert.equal(await memberRoleOf(ledger, bobId), null);
  });
});

/** Uses the shared domain lookups through a read-only context. */
async function memberRoleOf(ledger: FakeLedger, userId: string): Promise<string | null> {
  return ledger.inspect(alice, async (ctx) => {
    assert.ok(await readGroup(ctx, 'g1'));
    return memberRole(ctx, 'g1', userId);
  });
}
