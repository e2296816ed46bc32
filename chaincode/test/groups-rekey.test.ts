import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { SharingContract } from '../src/contracts/sharing-contract';
import { FakeLedger, type TestIdentity, alice, bob, carol, dave, userIdFor } from './support/fake-ledger';
import {
  auditRecords,
  b64,
  changedKeys,
  erin,
  grp,
  msg,
  ok,
  openPolicy,
  publish,
  readWorld,
  rejects,
  TAG,
  teamGroup,
  wrappedFor,
} from './support/groups-fixtures';
import { bind, sendsKeysInTransient } from './support/sharing-setup';

// Leave creates no key: the leaver would know it. The group waits in
// rekeyRequired (posting and group grants refused) until a remaining member
// who may manage membership rotates it with groups.Rekey, or an AddMember /
// RemoveMember rotates it anyway.

const [aliceId, bobId, carolId, daveId, erinId] = [alice, bob, carol, dave, erin].map(userIdFor) as [
  string,
  string,
  string,
  string,
  string,
];

type Group = { epoch: number; rekeyRequired: boolean; memberCount: number; memberOrgs: string[] };
const getGroup = async (ledger: FakeLedger, who: TestIdentity = alice): Promise<Group> =>
  ok(await ledger.invoke<Group>(who, grp.GetGroup, { conversationId: 'g1' }));

const postReq = (clientMessageId: string, epoch: number) => ({
  conversationId: 'g1',
  epoch,
  clientMessageId,
  nonce: b64(24),
  signature: b64(64),
  attachments: [],
  eventTag: TAG,
});
const ciphertext = { transient: { ciphertext: Buffer.from('opaque') } };

const rekeyReq = (epoch: number, wrappedKeys: Record<string, string>) => ({
  groupId: 'g1',
  epoch,
  wrappedKeys,
  eventTag: TAG,
});

/** teamGroup (alice owner, carol admin, dave member, erin reader) after `leaver` left. */
async function afterLeave(leaver: TestIdentity = dave, policy: Record<string, unknown> = openPolicy) {
  const ledger = await teamGroup(policy);
  ok(await ledger.invoke(leaver, grp.Leave, { conversationId: 'g1', eventTag: TAG }));
  return ledger;
}

const epochKeys = (ledger: FakeLedger, epoch: number): string[] =>
  [...ledger.world.keys()].filter((k) => k.startsWith(`epochkey|g1|${epoch.toString().padStart(10, '0')}|`)).sort();

describe('groups.Leave marks the group for a re-key', () => {
  it('removes the leaver, writes audit and event, sets rekeyRequired and creates no epoch key', async () => {
    const ledger = await teamGroup();
    const before = new Map(ledger.world);
    const out = await ledger.invoke(dave, grp.Leave, { conversationId: 'g1', eventTag: TAG });
    assert.ok(out.ok, out.ok ? '' : out.error.message);
    assert.deepEqual(out.value, { conversationId: 'g1', epoch: 1, rekeyRequired: true });
    assert.deepEqual(out.event, { name: 'groups.MemberLeft', payload: { tag: TAG } });

    const group = await getGroup(ledger);
    assert.equal(group.rekeyRequired, true);
    assert.equal(group.epoch, 1);
    assert.equal(group.memberCount, 3);
    assert.deepEqual(epochKeys(ledger, 2), []);
    // Only the leaver's records, the group record and the audit trail changed: no key of any epoch.
    const changed = changedKeys(before, ledger.world);
    assert.deepEqual(
      changed.filter((k) => !k.startsWith('audit|')).sort(),
      ['group|g1', `member|g1|${daveId}`, `memberof|${daveId}|g1`].sort(),
    );
    assert.equal(auditRecords(ledger, 'Org2MSP').at(-1)?.action, 'group.leave');
    await rejects(ledger, dave, grp.GetGroup, { conversationId: 'g1' }, 'FORBIDDEN');
  });

  it('GetGroup always answers rekeyRequired, false before any Leave', async () => {
    const ledger = await teamGroup();
    assert.equal((await getGroup(ledger)).rekeyRequired, false);
    // The stored record carries no flag until a Leave sets one.
    assert.equal(readWorld<Record<string, unknown>>(ledger, 'group|g1')?.rekeyRequired, undefined);
  });

  it('refuses wrappedKeys (an old client would hand the leaver the next key) with BAD_INPUT, writing nothing', async () => {
    const ledger = await teamGroup();
    await rejects(
      ledger,
      dave,
      grp.Leave,
      { conversationId: 'g1', eventTag: TAG, wrappedKeys: wrappedFor(alice, carol, erin) },
      'BAD_INPUT',
    );
    assert.equal((await getGroup(ledger)).rekeyRequired, false);
  });

  it('still refuses the last owner (CONFLICT)', async () => {
    const ledger = await teamGroup();
    await rejects(ledger, alice, grp.Leave, { conversationId: 'g1', eventTag: TAG }, 'CONFLICT');
  });
});

describe('while a re-key is pending', () => {
  it('PostMessage is refused with REKEY_REQUIRED and writes nothing', async () => {
    const ledger = await afterLeave();
    for (const who of [alice, carol]) {
      await rejects(
        ledger,
        who,
        msg.PostMessage,
        postReq(`after-${who.enrollmentId}`, 1),
        'REKEY_REQUIRED',
        ciphertext,
      );
    }
  });

  it('a retry of a message posted before the Leave still answers the original (replay, nothing written)', async () => {
    const ledger = await teamGroup();
    const first = ok(await ledger.invoke<{ messageId: string }>(alice, msg.PostMessage, postReq('c1', 1), ciphertext));
    ok(await ledger.invoke(dave, grp.Leave, { conversationId: 'g1', eventTag: TAG }));
    const snapshot = ledger.snapshot();
    const again = ok(
      await ledger.invoke<{ messageId: string; replayed: boolean }>(
        alice,
        msg.PostMessage,
        postReq('c1', 1),
        ciphertext,
      ),
    );
    assert.deepEqual([again.messageId, again.replayed], [first.messageId, true]);
    assert.equal(ledger.snapshot(), snapshot);
  });

  it('a group grant (sealed under the current epoch key) is refused with REKEY_REQUIRED', async () => {
    const sharing = bind(new SharingContract(), ['RegisterItem', 'GrantAccess'] as const);
    const ledger = sendsKeysInTransient(await afterLeave());
    ok(
      await ledger.invoke(
        alice,
        sharing.RegisterItem,
        {
          itemId: 'doc1',
          contentHash: createHash('sha256').update('plain').digest('hex'),
          size: 5,
          mimeType: 'text/plain',
          ownerWrappedKey: b64(80),
        },
        { transient: { payload: Buffer.from('opaque') } },
      ),
    );
    const grant = {
      itemId: 'doc1',
      grantee: { kind: 'group', conversationId: 'g1' },
      canReshare: false,
      expiresAt: ledger.clock + 3_600_000,
      wrappedKey: b64(80),
    };
    await rejects(ledger, alice, sharing.GrantAccess, grant, 'REKEY_REQUIRED');
    ok(await ledger.invoke(alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin))));
    ok(await ledger.invoke(alice, sharing.GrantAccess, grant));
  });

  it('a second Leave keeps the flag; the re-key then covers only who is left', async () => {
    const ledger = await afterLeave();
    ok(await ledger.invoke(erin, grp.Leave, { conversationId: 'g1', eventTag: TAG }));
    assert.deepEqual([(await getGroup(ledger)).rekeyRequired, (await getGroup(ledger)).epoch], [true, 1]);
    await rejects(ledger, carol, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)), 'BAD_INPUT');
    ok(await ledger.invoke(carol, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol))));
    assert.deepEqual(epochKeys(ledger, 2), [`epochkey|g1|0000000002|${aliceId}`, `epochkey|g1|0000000002|${carolId}`]);
  });
});

describe('groups.Rekey', () => {
  it('a manager rotates: new epoch for exactly the members, flag cleared, audit and tagged event, posting works again', async () => {
    const ledger = await afterLeave();
    const out = await ledger.invoke(carol, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)));
    assert.ok(out.ok, out.ok ? '' : out.error.message);
    assert.deepEqual(out.value, { conversationId: 'g1', epoch: 2 });
    assert.deepEqual(out.event, { name: 'groups.Rekeyed', payload: { tag: TAG } });

    const group = await getGroup(ledger);
    assert.deepEqual([group.epoch, group.rekeyRequired, group.memberCount], [2, false, 3]);
    assert.deepEqual(
      epochKeys(ledger, 2),
      [aliceId, carolId, erinId].map((u) => `epochkey|g1|0000000002|${u}`),
    );
    assert.equal(readWorld<Record<string, unknown>>(ledger, 'group|g1')?.rekeyRequired, undefined);
    const audit = auditRecords(ledger).at(-1);
    assert.deepEqual([audit?.action, audit?.actor, audit?.detail], ['group.rekey', carolId, 'epoch=2 members=3']);

    const mine = ok(
      await ledger.invoke<{ epoch: number; wrappedKey: string }>(erin, grp.GetMyEpochKey, { conversationId: 'g1' }),
    );
    assert.deepEqual([mine.epoch, mine.wrappedKey], [2, wrappedFor(alice, carol, erin)[erinId]]);
    await rejects(ledger, alice, msg.PostMessage, postReq('old-epoch', 1), 'STALE_EPOCH', ciphertext);
    ok(await ledger.invoke(alice, msg.PostMessage, postReq('new-epoch', 2), ciphertext));
  });

  it('the leaver can get no key of the new epoch (nor any other): FORBIDDEN', async () => {
    const ledger = await afterLeave();
    ok(await ledger.invoke(alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin))));
    for (const epoch of [1, 2]) {
      await rejects(ledger, dave, grp.GetMyEpochKey, { conversationId: 'g1', epoch }, 'FORBIDDEN');
    }
    await rejects(ledger, dave, grp.GetMyEpochKey, { conversationId: 'g1' }, 'FORBIDDEN');
    assert.ok(!epochKeys(ledger, 2).some((k) => k.endsWith(daveId)));
  });

  it('a member (whoCanInvite=admins), a reader, the leaver and an outsider may not re-key: FORBIDDEN, nothing written', async () => {
    const ledger = await afterLeave(erin);
    const keys = wrappedFor(alice, carol, dave);
    await rejects(ledger, dave, grp.Rekey, rekeyReq(2, keys), 'FORBIDDEN');
    await rejects(ledger, erin, grp.Rekey, rekeyReq(2, keys), 'FORBIDDEN');
    await rejects(ledger, bob, grp.Rekey, rekeyReq(2, keys), 'FORBIDDEN');
    const readerLeft = await afterLeave(dave);
    await rejects(readerLeft, erin, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)), 'FORBIDDEN');
    assert.equal((await getGroup(ledger)).rekeyRequired, true);
  });

  it('with whoCanInvite=members a member may re-key; a reader still may not', async () => {
    const ledger = await afterLeave(carol, { ...openPolicy, whoCanInvite: 'members' });
    const keys = wrappedFor(alice, dave, erin);
    await rejects(ledger, erin, grp.Rekey, rekeyReq(2, keys), 'FORBIDDEN');
    ok(await ledger.invoke(dave, grp.Rekey, rekeyReq(2, keys)));
    assert.equal((await getGroup(ledger)).rekeyRequired, false);
  });

  it('a wrong member set, a wrong epoch or a malformed request is refused and changes nothing', async () => {
    const ledger = await afterLeave();
    // Still covering the leaver, missing a member, naming an outsider.
    await rejects(ledger, alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, dave, erin)), 'BAD_INPUT');
    await rejects(ledger, alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol)), 'BAD_INPUT');
    await rejects(ledger, alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, bob)), 'BAD_INPUT');
    // The next epoch is 2: the current one or a skipped one is stale.
    await rejects(ledger, alice, grp.Rekey, rekeyReq(3, wrappedFor(alice, carol, erin)), 'CONFLICT');
    await rejects(ledger, alice, grp.Rekey, rekeyReq(1, wrappedFor(alice, carol, erin)), 'BAD_INPUT');
    const good = rekeyReq(2, wrappedFor(alice, carol, erin));
    await rejects(
      ledger,
      alice,
      grp.Rekey,
      { ...good, wrappedKeys: { ...good.wrappedKeys, [erinId]: b64(79) } },
      'BAD_INPUT',
    );
    await rejects(ledger, alice, grp.Rekey, { ...good, conversationId: 'g1' }, 'BAD_INPUT');
    await rejects(ledger, alice, grp.Rekey, { ...good, eventTag: b64(31) }, 'BAD_INPUT');
    await rejects(ledger, alice, grp.Rekey, { ...good, groupId: 'nope' }, 'NOT_FOUND');
    const group = await getGroup(ledger);
    assert.deepEqual([group.epoch, group.rekeyRequired], [1, true]);
    assert.deepEqual(epochKeys(ledger, 2), []);
  });

  it('refuses when no re-key is pending (CONFLICT): before any Leave and a second time', async () => {
    const ledger = await teamGroup();
    await rejects(ledger, alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, dave, erin)), 'CONFLICT');
    ok(await ledger.invoke(dave, grp.Leave, { conversationId: 'g1', eventTag: TAG }));
    ok(await ledger.invoke(alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin))));
    await rejects(ledger, carol, grp.Rekey, rekeyReq(3, wrappedFor(alice, carol, erin)), 'CONFLICT');
  });

  it('two managers racing: both read and write the group record, so one commits and the other, re-run, gets CONFLICT', async () => {
    const ledger = await afterLeave();
    const first = await ledger.simulate(alice, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)));
    const second = await ledger.simulate(carol, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)));
    assert.ok(first.outcome.ok && second.outcome.ok, 'both endorse against the same state');
    // MVCC: the second read group|g1, which the first writes, so the orderer's block invalidates it.
    assert.ok(second.rwset.reads.has('group|g1') && first.rwset.writes.has('group|g1'));
    first.commit();
    await rejects(ledger, carol, grp.Rekey, rekeyReq(2, wrappedFor(alice, carol, erin)), 'CONFLICT');
    assert.equal((await getGroup(ledger)).epoch, 2);
  });

  it('a direct conversation has no re-key (FORBIDDEN)', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    const { conversationId } = ok(
      await ledger.invoke<{ conversationId: string }>(alice, grp.OpenDirect, {
        peerUserId: bobId,
        wrappedKeys: wrappedFor(alice, bob),
        eventTag: TAG,
      }),
    );
    await rejects(
      ledger,
      alice,
      grp.Rekey,
      { groupId: conversationId, epoch: 2, wrappedKeys: wrappedFor(alice, bob), eventTag: TAG },
      'FORBIDDEN',
    );
  });
});

describe('AddMember and RemoveMember rotate anyway, so they also end a pending re-key', () => {
  it('RemoveMember after a Leave: keys for the remaining set, flag cleared, posting works', async () => {
    const ledger = await afterLeave();
    const out = ok(
      await ledger.invoke<{ epoch: number }>(alice, grp.RemoveMember, {
        conversationId: 'g1',
        userId: erinId,
        wrappedKeys: wrappedFor(alice, carol),
        eventTag: TAG,
      }),
    );
    assert.equal(out.epoch, 2);
    assert.deepEqual([(await getGroup(ledger)).rekeyRequired, epochKeys(ledger, 2).length], [false, 2]);
    ok(await ledger.invoke(carol, msg.PostMessage, postReq('after-remove', 2), ciphertext));
  });

  it('AddMember after a Leave: keys for the new set (never the leaver), flag cleared', async () => {
    const ledger = await afterLeave();
    await rejects(
      ledger,
      alice,
      grp.AddMember,
      {
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, dave, erin, bob),
        eventTag: TAG,
      },
      'BAD_INPUT',
    );
    ok(
      await ledger.invoke(alice, grp.AddMember, {
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, carol, erin, bob),
        eventTag: TAG,
      }),
    );
    const group = await getGroup(ledger, bob);
    assert.deepEqual([group.epoch, group.rekeyRequired], [2, false]);
    ok(await ledger.invoke(bob, msg.PostMessage, postReq('from-bob', 2), ciphertext));
  });
});
