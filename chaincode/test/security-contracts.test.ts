import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { directConversationId } from '../src/contracts/groups-contract';
import { SharingContract } from '../src/contracts/sharing-contract';
import { SmokeContract } from '../src/contracts/smoke-contract';
import { type GroupRecord, groupKey } from '../src/domain/groups';
import type { GrantRecord, TicketRecord } from '../src/domain/sharing';
import type { AuditRecord } from '../src/lib/context';
import { COLLECTIONS } from '../src/lib/state';
import { chaincode } from './support/contract-router';
import {
  FakeLedger,
  type Method,
  type TestIdentity,
  alice,
  bob,
  carol,
  dave,
  org1Admin,
  org1Compliance,
  userIdFor,
} from './support/fake-ledger';
import {
  TAG,
  auditRecords,
  b64,
  erin,
  grp,
  msg,
  ok,
  openPolicy,
  publish,
  readWorld,
  rejects,
  teamGroup,
  wrappedFor,
} from './support/groups-fixtures';
import { bind, sendsKeysInTransient } from './support/sharing-setup';

// The security fixes: conversation events carry only the client's tag, an
// added user finds its conversations through its own index, direct
// conversations keep their shared policy fixed, smoke notes have owners,
// reserved JSON keys are refused, audit copies reach every org involved,
// revoked keys are purged, and RequestAccess answers nothing before commit.

const [aliceId, bobId, carolId, daveId] = [alice, bob, carol, dave].map(userIdFor) as [string, string, string, string];
const tag = (fill: number): string => b64(32, fill);

const sharing = bind(new SharingContract(), [
  'RegisterItem',
  'GrantAccess',
  'RevokeGrant',
  'RequestAccess',
  'GetTicket',
  'ReadItem',
] as const);
const smoke = bind(new SmokeContract(), ['PutNote', 'GetNote'] as const);

const postReq = (conversationId: string, clientMessageId: string, eventTag: string = TAG, epoch = 1) => ({
  conversationId,
  epoch,
  clientMessageId,
  nonce: b64(24),
  signature: b64(64),
  attachments: [],
  eventTag,
});
const ciphertext = { transient: { ciphertext: Buffer.from('opaque') } };
const HOUR = 3_600_000;
/** A day after the fake ledger's clock starts. */
const EXPIRES = new FakeLedger().clock + 24 * HOUR;

/** Every value a listener must not learn from a conversation event. */
function assertOnlyTag(event: { name: string; payload: Record<string, unknown> } | null, expected: string): void {
  assert.ok(event, 'an event');
  assert.deepEqual(event.payload, { tag: expected }, event.name);
}

describe('conversation events carry only the client tag', () => {
  it('every groups and messages transaction emits exactly the tag it was given, nothing about who or where', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    await publish(ledger, alice, bob, carol, dave, erin);
    const seen: Array<[string, string]> = [];
    const run = async (who: TestIdentity, method: Method, request: Record<string, unknown>, fill: number) => {
      const out = await ledger.invoke(who, method, { ...request, eventTag: tag(fill) }, ciphertext);
      assert.ok(out.ok, out.ok ? '' : out.error.message);
      assertOnlyTag(out.event, tag(fill));
      seen.push([out.event?.name ?? '', JSON.stringify(out.event)]);
    };
    await run(alice, grp.OpenDirect, { peerUserId: bobId, wrappedKeys: wrappedFor(alice, bob) }, 1);
    await run(
      alice,
      grp.CreateGroup,
      {
        groupId: 'g1',
        policy: { ...openPolicy, retentionSeconds: 60 },
        members: [{ userId: bobId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, bob),
      },
      2,
    );
    await run(
      alice,
      grp.AddMember,
      { conversationId: 'g1', userId: daveId, role: 'member', wrappedKeys: wrappedFor(alice, bob, dave) },
      3,
    );
    await run(alice, grp.ChangeRole, { conversationId: 'g1', userId: bobId, role: 'admin' }, 4);
    await run(alice, grp.UpdatePolicy, { conversationId: 'g1', policy: { whoCanInvite: 'members' } }, 5);
    await run(bob, msg.PostMessage, postReq('g1', 'c1', tag(6), 2), 6);
    const posted = ok(
      await ledger.invoke<{ messageId: string }>(dave, msg.PostMessage, postReq('g1', 'c2', TAG, 2), ciphertext),
    );
    await run(dave, msg.DeleteMessage, { conversationId: 'g1', messageId: posted.messageId }, 7);
    await run(
      alice,
      grp.RemoveMember,
      { conversationId: 'g1', userId: daveId, wrappedKeys: wrappedFor(alice, bob) },
      8,
    );
    await run(alice, grp.TransferOwnership, { conversationId: 'g1', newOwnerUserId: bobId }, 9);
    await run(alice, grp.Leave, { conversationId: 'g1' }, 10);
    await run(bob, grp.Rekey, { groupId: 'g1', epoch: 4, wrappedKeys: wrappedFor(bob) }, 11);
    ledger.clock += 200_000;
    await run(bob, msg.PurgeExpired, { conversationId: 'g1' }, 12);

    assert.deepEqual(
      seen.map(([name]) => name),
      [
        'groups.DirectOpened',
        'groups.GroupCreated',
        'groups.MemberAdded',
        'groups.RoleChanged',
        'groups.PolicyUpdated',
        'messages.MessagePosted',
        'messages.MessageDeleted',
        'groups.MemberRemoved',
        'groups.OwnershipTransferred',
        'groups.MemberLeft',
        'groups.Rekeyed',
        'messages.Purged',
      ],
    );
    const dm = directConversationId(aliceId, bobId);
    for (const [, text] of seen) {
      for (const secret of [dm, 'g1', aliceId, bobId, daveId, 'alice', 'bob', 'dave', posted.messageId, 'epoch']) {
        assert.ok(!text.includes(secret), `${text} mentions ${secret}`);
      }
    }
  });

  it('a purge without a tag (an org admin holds no conversation key) erases but emits no event', async () => {
    const ledger = await teamGroup({ ...openPolicy, retentionSeconds: 60 });
    ok(await ledger.invoke(dave, msg.PostMessage, postReq('g1', 'c1'), ciphertext));
    ledger.clock += 200_000;
    const out = await ledger.invoke<{ purged: number }>(org1Admin, msg.PurgeExpired, { conversationId: 'g1' });
    assert.equal(ok(out).purged, 1);
    assert.ok(out.ok);
    assert.equal(out.event, null);
  });

  it('a missing, short, long or non-canonical tag is refused as BAD_INPUT and writes nothing', async () => {
    const ledger = await teamGroup();
    const bad: Array<string | undefined> = [
      undefined,
      b64(31),
      b64(33),
      '',
      // 32 bytes, but the last character carries bits base64 decoding drops.
      `${b64(32).slice(0, 42)}B=`,
      'not base64 at all, not even close to it!!!=',
    ];
    for (const eventTag of bad) {
      const req = { ...postReq('g1', 'c1'), eventTag };
      await rejects(ledger, dave, msg.PostMessage, req, 'BAD_INPUT', ciphertext);
      await rejects(
        ledger,
        alice,
        grp.ChangeRole,
        { conversationId: 'g1', userId: daveId, role: 'admin', eventTag },
        'BAD_INPUT',
      );
    }
  });

  it('an in-chat payment event and a group grant event do not name the conversation', async () => {
    const ledger = sendsKeysInTransient(await teamGroup());
    ok(
      await ledger.invoke(
        alice,
        sharing.RegisterItem,
        { itemId: 'doc1', contentHash: 'a'.repeat(64), size: 1, mimeType: 'text/plain', ownerWrappedKey: b64(80) },
        { transient: { payload: Buffer.from('x') } },
      ),
    );
    const out = await ledger.invoke<GrantRecord>(alice, sharing.GrantAccess, {
      itemId: 'doc1',
      grantee: { kind: 'group', conversationId: 'g1' },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: b64(80),
    });
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'sharing.AccessGranted', payload: { itemId: 'doc1', grantId: out.txId } });
  });
});

describe('an added user finds its conversations: groups.ListMyConversations', () => {
  type Mine = { conversations: Array<{ conversationId: string; since: number }>; bookmark: string };
  const mine = async (ledger: FakeLedger, who: TestIdentity): Promise<string[]> =>
    ok(await ledger.invoke<Mine>(who, grp.ListMyConversations, {})).conversations.map((c) => c.conversationId);

  it('lists exactly the caller’s current conversations, kept by every membership change', async () => {
    const ledger = await teamGroup();
    const dm = directConversationId(aliceId, bobId);
    ok(
      await ledger.invoke(alice, grp.OpenDirect, {
        peerUserId: bobId,
        wrappedKeys: wrappedFor(alice, bob),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(await mine(ledger, alice), [dm, 'g1'].sort());
    assert.deepEqual(await mine(ledger, bob), [dm]);
    assert.deepEqual(await mine(ledger, dave), ['g1']);

    ok(
      await ledger.invoke(alice, grp.AddMember, {
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, bob, carol, dave, erin),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(await mine(ledger, bob), [dm, 'g1'].sort());
    ok(
      await ledger.invoke(alice, grp.RemoveMember, {
        conversationId: 'g1',
        userId: daveId,
        wrappedKeys: wrappedFor(alice, bob, carol, erin),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(await mine(ledger, dave), []);
    ok(await ledger.invoke(bob, grp.Leave, { conversationId: 'g1', eventTag: TAG }));
    assert.deepEqual(await mine(ledger, bob), [dm]);
    // Role changes keep the entry.
    ok(
      await ledger.invoke(alice, grp.ChangeRole, {
        conversationId: 'g1',
        userId: carolId,
        role: 'owner',
        eventTag: TAG,
      }),
    );
    assert.deepEqual(await mine(ledger, carol), ['g1']);
  });

  it('pages, and refuses a bookmark into someone else’s index (BAD_INPUT) and unknown fields, writing nothing', async () => {
    const ledger = await teamGroup();
    for (const id of ['g2', 'g3']) {
      ok(
        await ledger.invoke(alice, grp.CreateGroup, {
          groupId: id,
          policy: openPolicy,
          members: [{ userId: daveId, role: 'member' }],
          wrappedKeys: wrappedFor(alice, dave),
          eventTag: TAG,
        }),
      );
    }
    const page1 = ok(await ledger.invoke<Mine>(dave, grp.ListMyConversations, { pageSize: 2 }));
    const page2 = ok(
      await ledger.invoke<Mine>(dave, grp.ListMyConversations, { pageSize: 2, bookmark: page1.bookmark }),
    );
    assert.deepEqual(
      [...page1.conversations, ...page2.conversations].map((c) => c.conversationId),
      ['g1', 'g2', 'g3'],
    );
    assert.equal(page2.bookmark, '');
    await rejects(ledger, dave, grp.ListMyConversations, { bookmark: `memberof|${aliceId}|g1` }, 'BAD_INPUT');
    await rejects(ledger, dave, grp.ListMyConversations, { userId: aliceId }, 'BAD_INPUT');
  });

  it('keeps the member orgs on the group record through every membership change', async () => {
    const ledger = await teamGroup();
    const orgs = () => readWorld<GroupRecord>(ledger, groupKey('g1'))?.memberOrgs;
    assert.deepEqual(orgs(), ['Org1MSP', 'Org2MSP']);
    ok(
      await ledger.invoke(alice, grp.RemoveMember, {
        conversationId: 'g1',
        userId: daveId,
        wrappedKeys: wrappedFor(alice, carol, erin),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(orgs(), ['Org1MSP']);
    ok(
      await ledger.invoke(alice, grp.AddMember, {
        conversationId: 'g1',
        userId: bobId,
        role: 'member',
        wrappedKeys: wrappedFor(alice, bob, carol, erin),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(orgs(), ['Org1MSP', 'Org2MSP']);
    ok(
      await ledger.invoke(alice, grp.OpenDirect, {
        peerUserId: carolId,
        wrappedKeys: wrappedFor(alice, carol),
        eventTag: TAG,
      }),
    );
    assert.deepEqual(readWorld<GroupRecord>(ledger, groupKey(directConversationId(aliceId, carolId)))?.memberOrgs, [
      'Org1MSP',
    ]);
  });
});

describe('direct conversations: UpdatePolicy limited to retention', () => {
  async function direct(): Promise<{ ledger: FakeLedger; dm: string }> {
    const ledger = sendsKeysInTransient(new FakeLedger());
    await publish(ledger, alice, bob);
    ok(
      await ledger.invoke(alice, grp.OpenDirect, {
        peerUserId: bobId,
        wrappedKeys: wrappedFor(alice, bob),
        eventTag: TAG,
      }),
    );
    return { ledger, dm: directConversationId(aliceId, bobId) };
  }

  it('either side changes the retention', async () => {
    const { ledger, dm } = await direct();
    ok(
      await ledger.invoke(bob, grp.UpdatePolicy, {
        conversationId: dm,
        policy: { retentionSeconds: 3600 },
        eventTag: TAG,
      }),
    );
    ok(
      await ledger.invoke(alice, grp.UpdatePolicy, {
        conversationId: dm,
        policy: { retentionSeconds: 0 },
        eventTag: TAG,
      }),
    );
    const group = readWorld<GroupRecord>(ledger, groupKey(dm));
    assert.equal(group?.policy.retentionSeconds, 0);
    assert.equal(group?.policyVersion, 3);
  });

  it('whoCanPost, whoCanInvite, paymentsAllowed and crossOrg are FORBIDDEN, even with retention or unchanged, and nothing changes', async () => {
    const { ledger, dm } = await direct();
    for (const policy of [
      { whoCanPost: 'admins' },
      { whoCanInvite: 'members' },
      { paymentsAllowed: false },
      { paymentsAllowed: true },
      { crossOrg: false },
      { crossOrg: true },
      { retentionSeconds: 3600, whoCanPost: 'admins' },
    ]) {
      await rejects(ledger, bob, grp.UpdatePolicy, { conversationId: dm, policy, eventTag: TAG }, 'FORBIDDEN');
    }
    // Both can still post: nobody took that away.
    ok(await ledger.invoke(alice, msg.PostMessage, postReq(dm, 'a1'), ciphertext));
    ok(await ledger.invoke(bob, msg.PostMessage, postReq(dm, 'b1'), ciphertext));
  });
});

describe('smoke notes have an owner and an audit record', () => {
  it('only the owner overwrites a note; another user is FORBIDDEN and the note is unchanged', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    const first = ok(
      await ledger.invoke<{ owner: string; text: string }>(alice, smoke.PutNote, { noteId: 'n1', text: 'mine' }),
    );
    await rejects(ledger, bob, smoke.PutNote, { noteId: 'n1', text: 'now mine' }, 'FORBIDDEN');
    assert.deepEqual(
      ok(await ledger.invoke<{ owner: string; text: string }>(carol, smoke.GetNote, { noteId: 'n1' })),
      first,
    );
    ok(await ledger.invoke(alice, smoke.PutNote, { noteId: 'n1', text: 'still mine' }));
    ok(await ledger.invoke(bob, smoke.PutNote, { noteId: 'n2', text: 'his own' }));
    const trail = (org: string) =>
      auditRecords(ledger, org)
        .filter((r) => r.action === 'smoke.putNote')
        .map((r) => [r.actor, r.target, r.detail]);
    assert.deepEqual(trail('Org1MSP'), [
      [aliceId, 'note:n1', 'new'],
      [aliceId, 'note:n1', 'overwrite'],
    ]);
    assert.deepEqual(trail('Org2MSP'), [[bobId, 'note:n2', 'new']]);
  });
});

describe('reserved JSON keys are refused at the parse step', () => {
  it('a __proto__ entry in wrappedKeys (which zod would drop unseen) is BAD_INPUT, and so are constructor and prototype', async () => {
    const ledger = await teamGroup();
    // JSON.parse keeps "__proto__" as an own key; the raw string is what a client sends.
    const withProto = `{"conversationId":"g1","userId":"${bobId}","role":"member","eventTag":"${TAG}","wrappedKeys":{${Object.entries(
      wrappedFor(alice, bob, carol, dave, erin),
    )
      .map(([k, v]) => `"${k}":"${v}"`)
      .join(',')},"__proto__":"${b64(80)}"}}`;
    const message = await rejects(ledger, alice, grp.AddMember, withProto, 'BAD_INPUT');
    assert.match(message, /__proto__/);
    for (const k of ['constructor', 'prototype']) {
      const keys = { ...wrappedFor(alice, bob, carol, dave, erin), [k]: b64(80) };
      await rejects(
        ledger,
        alice,
        grp.AddMember,
        { conversationId: 'g1', userId: bobId, role: 'member', wrappedKeys: keys, eventTag: TAG },
        'BAD_INPUT',
      );
    }
    await rejects(
      ledger,
      dave,
      msg.PostMessage,
      `{"__proto__":{"epoch":1},${JSON.stringify(postReq('g1', 'c1')).slice(1)}`,
      'BAD_INPUT',
      ciphertext,
    );
  });

  it('every transaction of every contract refuses a request holding __proto__, nested or not', async () => {
    const metadata = chaincode().metadata.contracts;
    const names = Object.entries(metadata).filter(([name]) => name !== 'org.hyperledger.fabric');
    assert.ok(names.length >= 7);
    const ledger = await teamGroup();
    let count = 0;
    for (const [, contract] of names) {
      for (const tx of contract.transactions) {
        // A stand-in carrying the transaction's name: the router dispatches by name.
        const method = Object.defineProperty(async () => '', 'name', { value: tx.name }) as Method;
        // Compliance officers pass the role check that audit runs before parsing.
        const who = ['QueryAudit', 'GetAuditRecord', 'RecordExport'].includes(tx.name) ? org1Compliance : alice;
        await rejects(ledger, who, method, '{"__proto__":{"admin":true}}', 'BAD_INPUT');
        await rejects(ledger, who, method, '{"a":[{"b":{"__proto__":1}}]}', 'BAD_INPUT');
        count++;
      }
    }
    assert.ok(count >= 40, `${count} transactions checked`);
  });
});

describe('audit copies reach every org the action touches', () => {
  it('a post and a delete in a cross-org group are in each member org’s copy, though the poster is from one org', async () => {
    const ledger = await teamGroup();
    const posted = ok(
      await ledger.invoke<{ messageId: string }>(alice, msg.PostMessage, postReq('g1', 'c1'), ciphertext),
    );
    ok(
      await ledger.invoke(alice, msg.DeleteMessage, {
        conversationId: 'g1',
        messageId: posted.messageId,
        eventTag: TAG,
      }),
    );
    for (const org of ['Org1MSP', 'Org2MSP']) {
      const actions = auditRecords(ledger, org)
        .filter((r) => r.target === posted.messageId)
        .map((r) => [r.action, r.orgs]);
      assert.deepEqual(actions, [
        ['message.post', ['Org1MSP', 'Org2MSP']],
        ['message.delete', ['Org1MSP', 'Org2MSP']],
      ]);
    }
  });
});

describe('sharing: revocation purges keys, audit reaches every org, RequestAccess reveals nothing uncommitted', () => {
  const register = async (ledger: FakeLedger): Promise<void> => {
    sendsKeysInTransient(ledger);
    ok(
      await ledger.invoke(
        alice,
        sharing.RegisterItem,
        { itemId: 'doc1', contentHash: 'a'.repeat(64), size: 1, mimeType: 'text/plain', ownerWrappedKey: b64(80, 1) },
        { transient: { payload: Buffer.from('ciphertext') } },
      ),
    );
  };
  const grant = async (ledger: FakeLedger, from: TestIdentity, grantee: object, canReshare = false, fill = 5) =>
    ok(
      await ledger.invoke<GrantRecord>(from, sharing.GrantAccess, {
        itemId: 'doc1',
        grantee,
        canReshare,
        // One expiry for all, so a reshare never outlives its parent.
        expiresAt: EXPIRES,
        wrappedKey: b64(80, fill),
      }),
    );
  const user = (who: TestIdentity) => ({ kind: 'user', userId: userIdFor(who) });
  const keyOf = (grantId: string) => `itemkey|doc1|${grantId}`;
  const items = (ledger: FakeLedger) => ledger.privateData.get(COLLECTIONS.items) ?? new Map<string, Uint8Array>();
  const revokes = (ledger: FakeLedger, org: string): AuditRecord[] =>
    auditRecords(ledger, org).filter((r) => r.action === 'sharing.RevokeGrant');

  it('revoking purges the wrapped key (not a mere delete) and the keys of everything reshared from it; a refused revoke purges nothing', async () => {
    const ledger = await teamGroup();
    await register(ledger);
    const bobs = await grant(ledger, alice, user(bob), true, 5);
    const carols = await grant(ledger, bob, user(carol), false, 6);
    const daves = await grant(ledger, alice, user(dave), false, 7);
    assert.ok(items(ledger).has(keyOf(bobs.grantId)) && items(ledger).has(keyOf(carols.grantId)));

    await rejects(ledger, carol, sharing.RevokeGrant, { itemId: 'doc1', grantId: bobs.grantId }, 'FORBIDDEN');
    assert.deepEqual(ledger.purged, []);

    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: bobs.grantId }));
    assert.deepEqual(ledger.purged, [
      { collection: COLLECTIONS.items, key: keyOf(bobs.grantId) },
      { collection: COLLECTIONS.items, key: keyOf(carols.grantId) },
    ]);
    assert.ok(!items(ledger).has(keyOf(bobs.grantId)) && !items(ledger).has(keyOf(carols.grantId)));
    assert.ok(items(ledger).has(keyOf(daves.grantId)), 'other grants keep their keys');
    assert.equal(ledger.privateHashes.get(COLLECTIONS.items)?.has(keyOf(carols.grantId)), false);

    // The grantor may still mark his reshare revoked; its key is already gone, so nothing is purged twice.
    ok(await ledger.invoke(bob, sharing.RevokeGrant, { itemId: 'doc1', grantId: carols.grantId }));
    assert.equal(ledger.purged.length, 2);
  });

  it('a revocation record goes to the owner’s, the grantor’s and the grantee’s orgs, and to every member org of a group grantee', async () => {
    const ledger = await teamGroup();
    await register(ledger);
    // Owner alice (Org1) → bob (Org2, may reshare) → carol (Org1): only the grantor is from Org2.
    const bobs = await grant(ledger, alice, user(bob), true);
    const carols = await grant(ledger, bob, user(carol));
    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: carols.grantId }));
    assert.deepEqual(
      revokes(ledger, 'Org2MSP').map((r) => [r.actor, r.detail]),
      [[aliceId, carols.grantId]],
    );

    // A group grant to g1 (members in Org1 and Org2), made and revoked by Org1 users only.
    const team = await grant(ledger, alice, { kind: 'group', conversationId: 'g1' });
    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: team.grantId }));
    const last = revokes(ledger, 'Org2MSP').at(-1);
    assert.deepEqual([last?.detail, last?.orgs], [team.grantId, ['Org1MSP', 'Org2MSP']]);
    assert.equal(revokes(ledger, 'Org1MSP').length, 2);
    // Bob's own grant was not touched by revoking his reshare.
    assert.equal(readWorld<GrantRecord>(ledger, `grant|doc1|${bobs.grantId}`)?.revokedAt, undefined);
  });

  it('RequestAccess answers only its ticket id, the same for a grantee, a stranger and an unknown item; uncommitted, nothing can be read', async () => {
    const ledger = await teamGroup();
    await register(ledger);
    await grant(ledger, alice, user(bob));
    const before = ledger.snapshot();
    const answers: unknown[] = [];
    for (const [who, itemId] of [
      [bob, 'doc1'],
      [dave, 'doc1'],
      [dave, 'ghost'],
    ] as const) {
      // simulate = endorse without ordering: exactly what an evaluate gets.
      const sim = await ledger.simulate<{ ticketId: string }>(who, sharing.RequestAccess, { itemId });
      assert.ok(sim.outcome.ok);
      assert.deepEqual(sim.outcome.value, { ticketId: sim.outcome.txId });
      answers.push(Object.keys(sim.outcome.value));
      const ticketId = sim.outcome.value.ticketId;
      await rejects(ledger, who, sharing.GetTicket, { itemId, ticketId }, 'NOT_FOUND');
      if (itemId === 'doc1') await rejects(ledger, who, sharing.ReadItem, { itemId, ticketId }, 'FORBIDDEN');
    }
    assert.deepEqual(answers, [['ticketId'], ['ticketId'], ['ticketId']]);
    assert.equal(ledger.snapshot(), before);
  });

  it('once committed, GetTicket gives the caller (only) the decision, and a denied ticket serves nothing', async () => {
    const ledger = await teamGroup();
    await register(ledger);
    await grant(ledger, alice, user(bob));
    const request = async (who: TestIdentity, itemId = 'doc1') =>
      ok(await ledger.invoke<{ ticketId: string }>(who, sharing.RequestAccess, { itemId })).ticketId;
    const bobTicket = await request(bob);
    const daveTicket = await request(dave);
    const ghostTicket = await request(dave, 'ghost');

    const granted = ok(
      await ledger.invoke<{ ok: boolean; expiresAt: number }>(bob, sharing.GetTicket, {
        itemId: 'doc1',
        ticketId: bobTicket,
      }),
    );
    assert.equal(granted.ok, true);
    assert.deepEqual(ok(await ledger.invoke(dave, sharing.GetTicket, { itemId: 'doc1', ticketId: daveTicket })), {
      ok: false,
      ticketId: daveTicket,
      code: 'FORBIDDEN',
    });
    assert.deepEqual(ok(await ledger.invoke(dave, sharing.GetTicket, { itemId: 'ghost', ticketId: ghostTicket })), {
      ok: false,
      ticketId: ghostTicket,
      code: 'NOT_FOUND',
    });
    // Someone else's ticket id tells a third party nothing.
    await rejects(ledger, carol, sharing.GetTicket, { itemId: 'doc1', ticketId: bobTicket }, 'NOT_FOUND');
    await rejects(ledger, dave, sharing.ReadItem, { itemId: 'doc1', ticketId: daveTicket }, 'FORBIDDEN');
    ok(await ledger.invoke(bob, sharing.ReadItem, { itemId: 'doc1', ticketId: bobTicket }));
    // The committed ticket holds no decision, granted or not.
    const denied = readWorld<TicketRecord>(ledger, `ticket|doc1|${daveId}|${daveTicket}`);
    assert.deepEqual(Object.keys(denied ?? {}).sort(), ['expiresAt', 'holder', 'issuedAt', 'itemId', 'ticketId']);
  });
});
