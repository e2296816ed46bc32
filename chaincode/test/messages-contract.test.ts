import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createHash } from 'node:crypto';
import { messageIdFor } from '../src/contracts/messages-contract';
import { CLOCK_SKEW_MS } from '../src/lib/clock';
import { LIMITS } from '../src/lib/limits';
import { COLLECTIONS } from '../src/lib/state';
import {
  FakeLedger,
  type TestIdentity,
  alice,
  bob,
  carol,
  dave,
  org1Admin,
  org2Admin,
  userIdFor,
} from './support/fake-ledger';
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

const [aliceId, carolId, daveId, erinId] = [alice, carol, dave, erin].map(userIdFor) as [
  string,
  string,
  string,
  string,
];
const SECRET = 'ciphertext-bytes-never-public';

type Posted = { messageId: string; time: number; replayed: boolean };
type Listed = {
  messages: Array<{
    messageId: string;
    sender: string;
    status: string;
    ciphertextHash?: string;
    size?: number;
    reason?: string;
    time: number;
    payload?: { ciphertext: string; nonce: string };
  }>;
  bookmark: string;
};

const setup = teamGroup;

const postReq = (clientMessageId: string, extra: Record<string, unknown> = {}) => ({
  conversationId: 'g1',
  epoch: 1,
  clientMessageId,
  nonce: b64(24),
  signature: b64(64),
  attachments: [],
  eventTag: TAG,
  ...extra,
});
const withText = (text: string = SECRET) => ({ transient: { ciphertext: Buffer.from(text) } });

async function post(ledger: FakeLedger, who: TestIdentity, clientMessageId: string, text?: string): Promise<Posted> {
  return ok(await ledger.invoke<Posted>(who, msg.PostMessage, postReq(clientMessageId), withText(text)));
}

const privateCount = (ledger: FakeLedger): number => ledger.privateData.get(COLLECTIONS.messages)?.size ?? 0;

describe('MessagesContract.PostMessage', () => {
  it('keeps the ciphertext private and only its hash and size public', async () => {
    const ledger = await setup();
    const out = await ledger.invoke<Posted>(
      dave,
      msg.PostMessage,
      postReq('c1', { attachments: [{ itemId: 'item-1', contentHash: 'a'.repeat(64) }] }),
      withText(),
    );
    const posted = ok(out);
    assert.equal(posted.messageId, messageIdFor('g1', daveId, 'c1'));
    const publicRecord = readWorld<{ sender: string; ciphertextHash: string; size: number; status: string }>(
      ledger,
      `msg|g1|${posted.time.toString().padStart(16, '0')}|${posted.messageId}`,
    );
    assert.equal(publicRecord?.sender, daveId);
    assert.equal(publicRecord?.ciphertextHash, createHash('sha256').update(SECRET).digest('hex'));
    assert.equal(publicRecord?.size, SECRET.length);
    assert.equal(publicRecord?.status, 'active');
    const publicDump = [...ledger.world.values()].map((v) => Buffer.from(v).toString('utf8')).join('\n');
    assert.ok(!publicDump.includes(Buffer.from(SECRET).toString('base64')));
    assert.equal(privateCount(ledger), 1);
    assert.equal(auditRecords(ledger, 'Org2MSP').at(-1)?.action, 'message.post');
  });

  it('the event carries only the client tag: no ids, ciphertext, nonce or signature', async () => {
    const ledger = await setup();
    const out = await ledger.invoke(dave, msg.PostMessage, postReq('c1'), withText());
    assert.ok(out.ok);
    assert.equal(out.event?.name, 'messages.MessagePosted');
    assert.deepEqual(out.event?.payload, { tag: TAG });
    const text = JSON.stringify(out.event);
    for (const secret of [SECRET, Buffer.from(SECRET).toString('base64'), b64(24), b64(64)])
      assert.ok(!text.includes(secret));
  });

  it('posting never writes the group or member records (no hot keys)', async () => {
    const ledger = await setup();
    const before = new Map(ledger.world);
    await post(ledger, dave, 'c1');
    const mid = new Map(ledger.world);
    await post(ledger, carol, 'c1');
    const first = changedKeys(before, mid);
    const second = changedKeys(mid, ledger.world);
    for (const k of [...first, ...second]) assert.match(k, /^(msg|msgidx|audit)\|/);
    assert.deepEqual(
      first.filter((k) => second.includes(k)),
      [],
      'two posters share no key',
    );
  });

  it('a reader cannot post', async () => {
    const ledger = await setup();
    await rejects(ledger, erin, msg.PostMessage, postReq('c1'), 'FORBIDDEN', withText());
  });

  it('with whoCanPost=admins a member cannot post but an admin can', async () => {
    const ledger = await setup({ ...openPolicy, whoCanPost: 'admins' });
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'FORBIDDEN', withText());
    await post(ledger, carol, 'c1');
  });

  it('a non-member cannot post, and an unknown conversation is not found', async () => {
    const ledger = await setup();
    await rejects(ledger, bob, msg.PostMessage, postReq('c1'), 'FORBIDDEN', withText());
    await rejects(ledger, alice, msg.PostMessage, postReq('c1', { conversationId: 'nope' }), 'NOT_FOUND', withText());
  });

  it('a post at an old epoch is refused as stale', async () => {
    const ledger = await setup();
    ok(
      await ledger.invoke(alice, grp.RemoveMember, {
        eventTag: TAG,
        conversationId: 'g1',
        userId: erinId,
        wrappedKeys: wrappedFor(alice, carol, dave),
      }),
    );
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'STALE_EPOCH', withText());
    await rejects(ledger, dave, msg.PostMessage, postReq('c1', { epoch: 3 }), 'STALE_EPOCH', withText());
    ok(await ledger.invoke(dave, msg.PostMessage, postReq('c1', { epoch: 2 }), withText()));
  });

  it('an oversize ciphertext is refused as too large; a missing one as bad input', async () => {
    const ledger = await setup();
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'TOO_LARGE', {
      transient: { ciphertext: Buffer.alloc(LIMITS.envelopeBytes + 1, 1) },
    });
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'BAD_INPUT');
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'BAD_INPUT', {
      transient: { ciphertext: Buffer.alloc(0) },
    });
    await post(ledger, dave, 'c2', 'x'.repeat(LIMITS.envelopeBytes));
  });

  it('a spoofed sender field is refused', async () => {
    const ledger = await setup();
    await rejects(ledger, dave, msg.PostMessage, postReq('c1', { sender: aliceId }), 'BAD_INPUT', withText());
  });

  it('rejects malformed JSON, wrong types and bad encodings', async () => {
    const ledger = await setup();
    const bad: unknown[] = [
      '{"conversationId":"g1",',
      '[]',
      postReq('c1', { epoch: '1' }),
      postReq('c1', { epoch: 0 }),
      postReq('c|1'),
      postReq('c1', { nonce: b64(23) }),
      postReq('c1', { signature: b64(65) }),
      postReq('c1', { signature: '!!!!' }),
      postReq('c1', {
        attachments: Array.from({ length: 17 }, (_, i) => ({ itemId: `i${i}`, contentHash: 'a'.repeat(64) })),
      }),
      postReq('c1', { attachments: [{ itemId: 'i1', contentHash: 'XYZ' }] }),
      postReq('c1', { attachments: [{ itemId: 'i1', contentHash: 'a'.repeat(64), url: 'x' }] }),
    ];
    for (const request of bad) await rejects(ledger, dave, msg.PostMessage, request, 'BAD_INPUT', withText());
  });

  it('a replayed client message id returns the original and writes nothing', async () => {
    const ledger = await setup();
    const first = await post(ledger, dave, 'c1');
    const before = ledger.snapshot();
    const again = await ledger.invoke<Posted>(dave, msg.PostMessage, postReq('c1'), withText());
    assert.deepEqual(ok(again), { messageId: first.messageId, time: first.time, replayed: true });
    assert.ok(again.ok);
    assert.equal(again.event, null);
    assert.equal(ledger.snapshot(), before);
  });

  it('reusing a client message id for different content is a conflict', async () => {
    const ledger = await setup();
    await post(ledger, dave, 'c1');
    await rejects(ledger, dave, msg.PostMessage, postReq('c1'), 'CONFLICT', withText('something else'));
  });

  it('the same client message id from two senders makes two messages', async () => {
    const ledger = await setup();
    const a = await post(ledger, dave, 'c1');
    const b = await post(ledger, carol, 'c1');
    assert.notEqual(a.messageId, b.messageId);
  });
});

describe('MessagesContract.ListMessages', () => {
  it('lists by time with payloads, page by page, for members only', async () => {
    const ledger = await setup();
    const m1 = await post(ledger, dave, 'c1', 'one');
    const m2 = await post(ledger, carol, 'c2', 'two');
    const m3 = await post(ledger, alice, 'c3', 'three');
    const page1 = ok(await ledger.invoke<Listed>(erin, msg.ListMessages, { conversationId: 'g1', pageSize: 2 }));
    assert.deepEqual(
      page1.messages.map((m) => m.messageId),
      [m1.messageId, m2.messageId],
    );
    assert.equal(Buffer.from(page1.messages[0]?.payload?.ciphertext ?? '', 'base64').toString(), 'one');
    const page2 = ok(
      await ledger.invoke<Listed>(erin, msg.ListMessages, {
        conversationId: 'g1',
        pageSize: 2,
        bookmark: page1.bookmark,
      }),
    );
    assert.deepEqual(
      page2.messages.map((m) => m.messageId),
      [m3.messageId],
    );
    assert.equal(page2.bookmark, '');
    const window = ok(
      await ledger.invoke<Listed>(erin, msg.ListMessages, {
        conversationId: 'g1',
        pageSize: 10,
        from: m2.time,
        to: m2.time,
      }),
    );
    assert.deepEqual(
      window.messages.map((m) => m.messageId),
      [m2.messageId],
    );
  });

  it('non-members cannot list', async () => {
    const ledger = await setup();
    await post(ledger, dave, 'c1');
    await rejects(ledger, bob, msg.ListMessages, { conversationId: 'g1', pageSize: 10 }, 'FORBIDDEN');
  });

  it('rejects a bookmark outside the conversation, an inverted window and a missing page size', async () => {
    const ledger = await setup();
    await rejects(
      ledger,
      dave,
      msg.ListMessages,
      { conversationId: 'g1', pageSize: 10, bookmark: 'msg|g0|x' },
      'BAD_INPUT',
    );
    await rejects(ledger, dave, msg.ListMessages, { conversationId: 'g1', pageSize: 10, from: 5, to: 4 }, 'BAD_INPUT');
    await rejects(ledger, dave, msg.ListMessages, { conversationId: 'g1' }, 'BAD_INPUT');
  });
});

describe('MessagesContract.DeleteMessage', () => {
  it('the sender deletes: payload purged, hash-free tombstone kept, receipt written', async () => {
    const ledger = await setup();
    const m = await post(ledger, dave, 'c1');
    const out = await ledger.invoke(dave, msg.DeleteMessage, {
      eventTag: TAG,
      conversationId: 'g1',
      messageId: m.messageId,
    });
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'messages.MessageDeleted', payload: { tag: TAG } });
    assert.equal(privateCount(ledger), 0);
    assert.deepEqual(ledger.purged, [{ collection: COLLECTIONS.messages, key: `msg|g1|${m.messageId}` }]);
    const [listed] = ok(
      await ledger.invoke<Listed>(alice, msg.ListMessages, { conversationId: 'g1', pageSize: 10 }),
    ).messages;
    assert.equal(listed?.status, 'erased');
    assert.equal(listed?.reason, 'sender');
    assert.equal(listed?.payload, undefined);
    assert.equal(listed?.ciphertextHash, undefined);
    const receipt = auditRecords(ledger, 'Org2MSP').at(-1);
    assert.equal(receipt?.action, 'message.delete');
    assert.equal(receipt?.target, m.messageId);
  });

  it('only the sender can delete a message', async () => {
    const ledger = await setup();
    const m = await post(ledger, dave, 'c1');
    await rejects(
      ledger,
      alice,
      msg.DeleteMessage,
      { eventTag: TAG, conversationId: 'g1', messageId: m.messageId },
      'FORBIDDEN',
    );
  });

  it('deleting twice is a conflict; an unknown message is not found', async () => {
    const ledger = await setup();
    const m = await post(ledger, dave, 'c1');
    ok(await ledger.invoke(dave, msg.DeleteMessage, { eventTag: TAG, conversationId: 'g1', messageId: m.messageId }));
    await rejects(
      ledger,
      dave,
      msg.DeleteMessage,
      { eventTag: TAG, conversationId: 'g1', messageId: m.messageId },
      'CONFLICT',
    );
    await rejects(
      ledger,
      dave,
      msg.DeleteMessage,
      { eventTag: TAG, conversationId: 'g1', messageId: 'm-unknown' },
      'NOT_FOUND',
    );
  });
});

describe('MessagesContract.PurgeExpired', () => {
  it('purges expired payloads, keeps hash-free tombstones and writes one receipt per message', async () => {
    const ledger = await setup({ ...openPolicy, retentionSeconds: 60 });
    const old1 = await post(ledger, dave, 'c1');
    const old2 = await post(ledger, carol, 'c2');
    ledger.clock += 120_000;
    const fresh = await post(ledger, alice, 'c3');
    const out = await ledger.invoke<{ purged: number; messageIds: string[]; more: boolean }>(carol, msg.PurgeExpired, {
      conversationId: 'g1',
      eventTag: TAG,
    });
    assert.deepEqual(ok(out), { purged: 2, messageIds: [old1.messageId, old2.messageId], more: false });
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'messages.Purged', payload: { tag: TAG } });
    const remaining = [...(ledger.privateData.get(COLLECTIONS.messages)?.keys() ?? [])];
    assert.deepEqual(remaining, [`msg|g1|${fresh.messageId}`]);
    const tomb = readWorld<Record<string, unknown>>(
      ledger,
      `msg|g1|${old1.time.toString().padStart(16, '0')}|${old1.messageId}`,
    );
    assert.equal(tomb?.status, 'erased');
    assert.equal(tomb?.reason, 'retention');
    assert.equal(typeof tomb?.erasedAt, 'number');
    assert.ok(!('ciphertextHash' in (tomb ?? {})) && !('size' in (tomb ?? {})));
    const receipts = auditRecords(ledger).filter((a) => a.action === 'retention.purge');
    assert.deepEqual(receipts.map((r) => r.target).sort(), [old1.messageId, old2.messageId].sort());
    assert.ok(
      receipts.every((r) => r.policyVersion === 1 && r.txId === out.txId && /retentionSeconds=60/.test(r.detail ?? '')),
    );
    // Every member org sees every receipt: Org2 (dave) for carol's message too.
    for (const org of ['Org1MSP', 'Org2MSP']) {
      const seen = auditRecords(ledger, org).filter((r) => r.action === 'retention.purge');
      assert.deepEqual(seen.map((r) => r.target).sort(), [old1.messageId, old2.messageId].sort(), org);
    }
  });

  it('respects the limit and reports more; a second run finishes without repeats', async () => {
    const ledger = await setup({ ...openPolicy, retentionSeconds: 60 });
    for (const c of ['c1', 'c2', 'c3']) await post(ledger, dave, c);
    ledger.clock += 120_000;
    const first = ok(
      await ledger.invoke<{ purged: number; more: boolean }>(dave, msg.PurgeExpired, {
        conversationId: 'g1',
        limit: 2,
      }),
    );
    assert.deepEqual([first.purged, first.more], [2, true]);
    const second = ok(
      await ledger.invoke<{ purged: number; more: boolean }>(dave, msg.PurgeExpired, {
        conversationId: 'g1',
        limit: 2,
      }),
    );
    assert.deepEqual([second.purged, second.more], [1, false]);
    assert.equal(privateCount(ledger), 0);
  });

  it('an admin of a member org may run the scheduled purge; an admin of an unrelated org may not', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, carol);
    ok(
      await ledger.invoke(alice, grp.CreateGroup, {
        eventTag: TAG,
        groupId: 'g1',
        policy: { ...openPolicy, retentionSeconds: 60 },
        members: [{ userId: carolId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, carol),
      }),
    );
    await post(ledger, carol, 'c1');
    ledger.clock += 120_000;
    await rejects(ledger, org2Admin, msg.PurgeExpired, { conversationId: 'g1' }, 'FORBIDDEN');
    await rejects(ledger, bob, msg.PurgeExpired, { conversationId: 'g1' }, 'FORBIDDEN');
    assert.equal(
      ok(await ledger.invoke<{ purged: number }>(org1Admin, msg.PurgeExpired, { conversationId: 'g1' })).purged,
      1,
    );
  });

  it('erases only when now − 60 s ≥ time + retention: a purge stamped time + retention + 30 s (a purger stamping ahead) or + 59.999 s erases nothing and writes nothing; at + 60 s it erases', async () => {
    const ledger = await setup({ ...openPolicy, retentionSeconds: 60 });
    const posted = await post(ledger, dave, 'c1');
    const due = posted.time + 60_000;
    for (const late of [-30_000, 0, 30_000, CLOCK_SKEW_MS - 1]) {
      const before = ledger.snapshot();
      const out = await ledger.invoke<{ purged: number }>(
        carol,
        msg.PurgeExpired,
        { conversationId: 'g1' },
        {
          time: due + late,
        },
      );
      assert.equal(ok(out).purged, 0, `stamped retention + ${late} ms`);
      assert.equal(ledger.snapshot(), before, 'an early purge writes nothing');
    }
    const out = await ledger.invoke<{ messageIds: string[] }>(
      carol,
      msg.PurgeExpired,
      { conversationId: 'g1' },
      {
        time: due + CLOCK_SKEW_MS,
      },
    );
    assert.deepEqual(ok(out).messageIds, [posted.messageId]);
    assert.equal(privateCount(ledger), 0);
  });

  it('with retention 0 nothing is purged and nothing is written', async () => {
    const ledger = await setup();
    await post(ledger, dave, 'c1');
    ledger.clock += 10 ** 9;
    const before = ledger.snapshot();
    assert.equal(
      ok(await ledger.invoke<{ purged: number }>(alice, msg.PurgeExpired, { conversationId: 'g1' })).purged,
      0,
    );
    assert.equal(ledger.snapshot(), before);
  });

  it('a shortened retention policy applies to older messages', async () => {
    const ledger = await setup({ ...openPolicy, retentionSeconds: 86_400 });
    await post(ledger, dave, 'c1');
    ledger.clock += 600_000;
    assert.equal(
      ok(await ledger.invoke<{ purged: number }>(alice, msg.PurgeExpired, { conversationId: 'g1' })).purged,
      0,
    );
    ok(
      await ledger.invoke(alice, grp.UpdatePolicy, {
        eventTag: TAG,
        conversationId: 'g1',
        policy: { retentionSeconds: 60 },
      }),
    );
    assert.equal(
      ok(await ledger.invoke<{ purged: number }>(alice, msg.PurgeExpired, { conversationId: 'g1' })).purged,
      1,
    );
    assert.equal(
      auditRecords(ledger)
        .filter((a) => a.action === 'retention.purge')
        .at(-1)?.policyVersion,
      2,
    );
  });

  it('rejects unknown conversations and bad limits', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, msg.PurgeExpired, { conversationId: 'nope' }, 'NOT_FOUND');
    await rejects(ledger, alice, msg.PurgeExpired, { conversationId: 'g1', limit: 0 }, 'BAD_INPUT');
    await rejects(ledger, alice, msg.PurgeExpired, { conversationId: 'g1', limit: 'all' }, 'BAD_INPUT');
  });
});
