import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Contract } from '@hyperledger/fabric-gateway';
import { z } from 'zod';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import type { FileData, Grantee } from '../src/common/api';
import { sealedBoxGroupKeys } from '../src/node/crypto';
import { parseAnswer } from '../src/node/ledger';
import * as payments from '../src/node/payments';
import type { ClientSession } from '../src/node/session/client-session';
import * as sharing from '../src/node/sharing';
import type { MyItems } from '../src/node/sharing';
import { type Store, openStore } from '../src/node/store';
import { eventTag, proposalWithTxId } from '../src/shared/event-tag';
import { type LiveSession, liveSession } from './support/live-session';

// The sharing and payments services on a real network, through their module
// functions with signed-in sessions: alice and carol (Org1), bob (Org2) and
// org1admin (Org1 treasury). Conversations are set up with raw groups.*
// transactions (the messaging service is not under test here), with real
// epoch keys sealed to each member's directory key.

type Session = LiveSession & { close(): void };

const HOUR = 3600_000;
const file = (name: string, bytes: Uint8Array, mimeType = 'application/octet-stream'): FileData => ({
  name,
  mimeType,
  dataBase64: Buffer.from(bytes).toString('base64'),
});
const bytesOf = (data: FileData) => Buffer.from(data.dataBase64, 'base64');

/** Asserts the call fails with this API/ledger error code. */
async function refused(call: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(call, (error: unknown) => {
    assert.equal((error as { code?: unknown }).code, code, String(error));
    return true;
  });
}

const createdSchema = z.object({ conversationId: z.string(), epoch: z.number().int() }).passthrough();
const POLICY = {
  whoCanPost: 'members',
  whoCanInvite: 'admins',
  retentionSeconds: 0,
  paymentsAllowed: true,
  crossOrg: true,
} as const;

async function encryptionKeyOf(session: ClientSession, userId: string): Promise<Uint8Array> {
  const user = await session.directory.getUser(userId);
  assert.ok(user.encryptionKey, `${userId} has published keys`);
  return new Uint8Array(Buffer.from(user.encryptionKey, 'base64'));
}

/** A tagged groups.* transaction whose request needs its own transaction id. */
async function tagged(
  session: ClientSession,
  transaction: string,
  tagKey: Uint8Array,
  request: Record<string, unknown>,
): Promise<Uint8Array> {
  const committed = await session.ledger.submitProposal('groups', (contract: Contract) =>
    proposalWithTxId(session.connection.gateway, contract, transaction, (txId) => ({
      ...request,
      eventTag: eventTag(tagKey, txId),
    })),
  );
  return committed.result;
}

async function newEpochFor(session: ClientSession, userIds: string[]) {
  const members = await Promise.all(
    userIds.map(async (userId) => ({ userId, encryptionKey: await encryptionKeyOf(session, userId) })),
  );
  return sealedBoxGroupKeys.newEpochKey(members);
}

describe('sharing and payments services against the real network', { timeout: 30 * 60_000 }, () => {
  let ctx: NetworkContext;
  let alice: Session;
  let bob: Session;
  let carol: Session;
  let treasurer: Session;
  let aliceStore: Store;
  let aliceItems: MyItems;
  let directId = '';

  before(async () => {
    const net = await isolatedNetwork();
    ctx = { ...net, log: (line) => console.log(`  [sharing-payments] ${line}`) };
    await up(ctx);
    alice = await liveSession(ctx, 'Org1', 'alice');
    bob = await liveSession(ctx, 'Org2', 'bob');
    carol = await liveSession(ctx, 'Org1', 'carol');
    treasurer = await liveSession(ctx, 'Org1', 'org1admin');
    // The owner's item list lives in the account's encrypted store, as in the app.
    aliceStore = openStore({ file: path.join(alice.dataDir, 'ktalk.db'), key: randomBytes(32) });
    aliceItems = sharing.myItemsIn(aliceStore);

    const direct = await newEpochFor(alice, [alice.userId, bob.userId]);
    const opened = parseAnswer(
      await tagged(alice, 'OpenDirect', direct.epochKey, { peerUserId: bob.userId, wrappedKeys: direct.wrappedKeys }),
      createdSchema,
      'groups.OpenDirect',
    );
    directId = opened.conversationId;
  });

  after(async () => {
    aliceStore?.close();
    for (const s of [alice, bob, carol, treasurer]) s?.close();
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
  });

  it('alice shares with bob, bob opens the same bytes, alice sees it; after revoking, bob is refused (FORBIDDEN) and alice sees the denied attempt; a new grant lets him in again', async () => {
    const plain = randomBytes(50_000);
    const shared = await sharing.shareItem(alice, aliceItems, {
      file: file('report.pdf', plain, 'application/pdf'),
      grantee: { kind: 'user', userId: bob.userId },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    assert.equal(shared.owner, alice.userId);
    assert.equal(shared.size, plain.length);
    assert.deepEqual(
      (await sharing.listMyItems(aliceItems)).map((i) => i.itemId),
      [shared.itemId],
    );

    const opened = await sharing.openItem(bob, { itemId: shared.itemId });
    assert.deepEqual([opened.name, opened.mimeType], ['report.pdf', 'application/pdf']);
    assert.ok(bytesOf(opened).equals(plain), 'bob reads exactly what alice shared');

    const grants = await sharing.listGrants(alice, { itemId: shared.itemId });
    assert.equal(grants.length, 1);
    const [grant] = grants;
    assert.ok(grant);
    assert.deepEqual(
      [grant.grantee, grant.grantor, grant.state],
      [{ kind: 'user', userId: bob.userId }, alice.userId, 'active'],
    );

    const seen = await sharing.accessHistory(alice, { itemId: shared.itemId });
    assert.deepEqual(
      seen.items.map((a) => [a.accessor, a.outcome]),
      [[bob.userId, 'ok']],
    );

    assert.equal(await sharing.revokeGrant(alice, { itemId: shared.itemId, grantId: grant.grantId }), null);
    await refused(sharing.openItem(bob, { itemId: shared.itemId }), 'FORBIDDEN');
    const afterRevoke = await sharing.accessHistory(alice, { itemId: shared.itemId });
    assert.deepEqual(
      afterRevoke.items.map((a) => [a.accessor, a.outcome, a.code]),
      [
        [bob.userId, 'ok', undefined],
        [bob.userId, 'denied', 'FORBIDDEN'],
      ],
    );
    assert.equal((await sharing.listGrants(alice, { itemId: shared.itemId }))[0]?.state, 'revoked');

    // grantAccess takes the item key from alice's own wrapped copy on the ledger.
    const again = await sharing.grantAccess(alice, {
      itemId: shared.itemId,
      grantee: { kind: 'user', userId: bob.userId },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    assert.equal(again.state, 'active');
    assert.ok(bytesOf(await sharing.openItem(bob, { itemId: shared.itemId })).equals(plain));
    // Carol never had a grant.
    await refused(sharing.openItem(carol, { itemId: shared.itemId }), 'FORBIDDEN');
    // Only the owner lists grants and accesses.
    await refused(sharing.listGrants(bob, { itemId: shared.itemId }), 'FORBIDDEN');
    await refused(sharing.accessHistory(bob, { itemId: shared.itemId }), 'FORBIDDEN');
  });

  it('a grantee with canReshare grants onward within his own grant; carol reads through it; revoking bob’s grant cuts carol off too', async () => {
    const plain = randomBytes(4_000);
    const expiresAt = Date.now() + HOUR;
    const shared = await sharing.shareItem(alice, aliceItems, {
      file: file('notes.md', plain, 'text/markdown'),
      grantee: { kind: 'user', userId: bob.userId },
      expiresAt,
      canReshare: true,
    });
    // Bob takes the item key from his own wrapped copy and seals it to carol.
    const onward = await sharing.grantAccess(bob, {
      itemId: shared.itemId,
      grantee: { kind: 'user', userId: carol.userId },
      expiresAt: expiresAt - 60_000,
      canReshare: false,
    });
    assert.equal(onward.grantor, bob.userId);
    assert.ok(bytesOf(await sharing.openItem(carol, { itemId: shared.itemId })).equals(plain));
    // Carol may not reshare; bob may not outlast his own grant.
    const later = {
      itemId: shared.itemId,
      grantee: { kind: 'user', userId: alice.userId } as Grantee,
      canReshare: false,
    };
    await refused(sharing.grantAccess(carol, { ...later, expiresAt: expiresAt - 120_000 }), 'FORBIDDEN');
    await refused(
      sharing.grantAccess(bob, {
        ...later,
        grantee: { kind: 'user', userId: carol.userId },
        expiresAt: expiresAt + HOUR,
      }),
      'FORBIDDEN',
    );

    const bobsGrant = (await sharing.listGrants(alice, { itemId: shared.itemId })).find(
      (g) => g.grantor === alice.userId,
    );
    assert.ok(bobsGrant);
    await sharing.revokeGrant(alice, { itemId: shared.itemId, grantId: bobsGrant.grantId });
    await refused(sharing.openItem(carol, { itemId: shared.itemId }), 'FORBIDDEN');
    const states = (await sharing.listGrants(alice, { itemId: shared.itemId })).map((g) => [g.grantor, g.state]);
    assert.deepEqual(states.sort(), [
      [alice.userId, 'revoked'],
      [bob.userId, 'revoked'],
    ]);
  });

  it('bad input changes nothing: a past expiry, oneself, an unknown user, a malformed id are refused before any item is registered', async () => {
    const before = await sharing.listMyItems(aliceItems);
    const base = { file: file('x.txt', Buffer.from('x'), 'text/plain'), canReshare: false };
    const soon = Date.now() + HOUR;
    await refused(
      sharing.shareItem(alice, aliceItems, {
        ...base,
        grantee: { kind: 'user', userId: bob.userId },
        expiresAt: Date.now(),
      }),
      'BAD_INPUT',
    );
    await refused(
      sharing.shareItem(alice, aliceItems, {
        ...base,
        grantee: { kind: 'user', userId: alice.userId },
        expiresAt: soon,
      }),
      'BAD_INPUT',
    );
    await refused(
      sharing.shareItem(alice, aliceItems, {
        ...base,
        grantee: { kind: 'user', userId: 'Org2MSP::nobody' },
        expiresAt: soon,
      }),
      'UNKNOWN_USER',
    );
    await refused(
      sharing.shareItem(alice, aliceItems, {
        ...base,
        grantee: { kind: 'group', groupId: 'no-such-group' },
        expiresAt: soon,
      }),
      'NOT_FOUND',
    );
    const malformed = { ...base, grantee: { kind: 'user', userId: 'not a user id' } as Grantee, expiresAt: soon };
    await refused(sharing.shareItem(alice, aliceItems, malformed), 'BAD_INPUT');
    assert.deepEqual(await sharing.listMyItems(aliceItems), before);
    // Nobody can open an id that does not exist.
    await refused(sharing.openItem(bob, { itemId: 'item-does-not-exist' }), 'NOT_FOUND');
  });

  it('a group grant lets a member open the item (found among her conversations), and not after she is removed; members of the old epoch still can', async () => {
    const groupId = `team-${randomBytes(4).toString('hex')}`;
    const first = await newEpochFor(alice, [alice.userId, carol.userId, bob.userId]);
    await tagged(alice, 'CreateGroup', first.epochKey, {
      groupId,
      policy: POLICY,
      members: [
        { userId: carol.userId, role: 'member' },
        { userId: bob.userId, role: 'member' },
      ],
      wrappedKeys: first.wrappedKeys,
    });

    const plain = randomBytes(20_000);
    const shared = await sharing.shareItem(alice, aliceItems, {
      file: file('plan.txt', plain, 'text/plain'),
      grantee: { kind: 'group', groupId },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    const [grant] = await sharing.listGrants(alice, { itemId: shared.itemId });
    assert.deepEqual(grant?.grantee, { kind: 'group', groupId });
    assert.ok(
      bytesOf(await sharing.openItem(carol, { itemId: shared.itemId })).equals(plain),
      'carol, a member, reads it',
    );

    const second = await newEpochFor(alice, [alice.userId, bob.userId]);
    await tagged(alice, 'RemoveMember', first.epochKey, {
      conversationId: groupId,
      userId: carol.userId,
      wrappedKeys: second.wrappedKeys,
    });
    await refused(sharing.openItem(carol, { itemId: shared.itemId }), 'FORBIDDEN');
    // The grant was sealed for epoch 1; bob held that key and is still a member.
    assert.ok(bytesOf(await sharing.openItem(bob, { itemId: shared.itemId })).equals(plain));

    const outcomes = (await sharing.accessHistory(alice, { itemId: shared.itemId })).items.map((a) => [
      a.accessor,
      a.outcome,
    ]);
    assert.deepEqual(outcomes, [
      [carol.userId, 'ok'],
      [carol.userId, 'denied'],
      [bob.userId, 'ok'],
    ]);

    // Bob leaves: until someone re-keys, nothing new may be sealed for the group, and nothing is registered.
    await tagged(bob, 'Leave', second.epochKey, { conversationId: groupId });
    const items = await sharing.listMyItems(aliceItems);
    await refused(
      sharing.shareItem(alice, aliceItems, {
        file: file('late.txt', Buffer.from('late'), 'text/plain'),
        grantee: { kind: 'group', groupId },
        expiresAt: Date.now() + HOUR,
        canReshare: false,
      }),
      'REKEY_REQUIRED',
    );
    await refused(
      sharing.uploadAttachment(alice, groupId, file('late.txt', Buffer.from('late'), 'text/plain')),
      'REKEY_REQUIRED',
    );
    assert.deepEqual(await sharing.listMyItems(aliceItems), items);
  });

  it('an attachment uploaded to a direct conversation is downloaded and verified by the peer; a wrong hash is VERIFY_FAILED and a non-member is refused', async () => {
    const plain = randomBytes(300_000);
    const ref = await sharing.uploadAttachment(alice, directId, file('photo.jpg', plain, 'image/jpeg'));
    assert.equal(ref.size, plain.length);
    assert.equal(ref.name, 'photo.jpg');

    const got = await sharing.downloadAttachment(bob, ref);
    assert.deepEqual([got.name, got.mimeType], ['photo.jpg', 'image/jpeg']);
    assert.ok(bytesOf(got).equals(plain), 'bob gets the bytes alice attached');
    // The ledger's copy of the key opens it too (group grant sealed under the direct conversation's epoch key).
    assert.ok(bytesOf(await sharing.openItem(bob, { itemId: ref.itemId })).equals(plain));

    await refused(sharing.downloadAttachment(bob, { ...ref, contentHash: '0'.repeat(64) }), 'VERIFY_FAILED');
    await refused(
      sharing.downloadAttachment(bob, { ...ref, key: randomBytes(32).toString('base64') }),
      'DECRYPT_FAILED',
    );
    await refused(sharing.downloadAttachment(carol, ref), 'FORBIDDEN');
    // Attachments are not on the owner's shared-items list.
    assert.ok(!(await sharing.listMyItems(aliceItems)).some((i) => i.itemId === ref.itemId));
  });

  it('org1admin mints to alice; alice pays bob in their direct conversation; both balances and histories show it', async () => {
    await refused(payments.mint(alice, { to: alice.userId, amount: 100 }), 'FORBIDDEN');
    const minted = await payments.mint(treasurer, { to: alice.userId, amount: 100_000 });
    assert.equal(minted.balance, 100_000);
    assert.deepEqual(await payments.getBalance(alice), { balance: 100_000 });
    const bobBefore = (await payments.getBalance(bob)).balance;

    const eventsBefore = alice.events.length;
    const paid = await payments.sendPayment(alice, {
      to: bob.userId,
      amount: 2_500,
      memo: 'lunch',
      conversationId: directId,
    });
    assert.deepEqual(
      [paid.kind, paid.amount, paid.counterparty, paid.memo],
      ['transfer-out', 2_500, bob.userId, 'lunch'],
    );
    assert.deepEqual(await payments.getBalance(alice), { balance: 97_500 });
    assert.deepEqual(await payments.getBalance(bob), { balance: bobBefore + 2_500 });
    assert.deepEqual(alice.events.slice(eventsBefore), [{ type: 'balance', balance: 97_500 }]);

    const mine = await payments.paymentHistory(alice, {});
    assert.deepEqual(
      mine.items.map((p) => [p.kind, p.amount, p.counterparty, p.memo]),
      [
        ['mint', 100_000, treasurer.userId, undefined],
        ['transfer-out', 2_500, bob.userId, 'lunch'],
      ],
    );
    assert.equal(mine.items[1]?.paymentId, paid.paymentId);
    const theirs = await payments.paymentHistory(bob, {});
    assert.ok(theirs.items.some((p) => p.paymentId === paid.paymentId && p.kind === 'transfer-in'));

    // Refusals change nothing: too much, to oneself, to an unknown user, zero.
    await refused(payments.sendPayment(alice, { to: bob.userId, amount: 10_000_000, memo: '' }), 'INSUFFICIENT_FUNDS');
    await refused(payments.sendPayment(alice, { to: alice.userId, amount: 1, memo: '' }), 'SELF_PAYMENT');
    await refused(payments.sendPayment(alice, { to: 'Org2MSP::nobody', amount: 1, memo: '' }), 'UNKNOWN_USER');
    await refused(payments.sendPayment(alice, { to: bob.userId, amount: 0, memo: '' }), 'BAD_INPUT');
    assert.deepEqual(await payments.getBalance(alice), { balance: 97_500 });
  });

  it('escrow: bob claims one, alice releases another, a refund before the deadline is refused (FORBIDDEN)', async () => {
    const aliceStart = (await payments.getBalance(alice)).balance;
    const bobStart = (await payments.getBalance(bob)).balance;
    const deadline = Date.now() + 10 * 60_000;

    const first = await payments.createEscrow(alice, {
      to: bob.userId,
      amount: 1_000,
      deadline,
      memo: 'deposit',
      conversationId: directId,
    });
    assert.deepEqual([first.from, first.to, first.amount, first.state], [alice.userId, bob.userId, 1_000, 'open']);
    assert.deepEqual(await payments.getBalance(alice), { balance: aliceStart - 1_000 });
    assert.deepEqual(await payments.getEscrow(bob, { escrowId: first.escrowId }), first);
    const claimed = await payments.settleEscrow(bob, { escrowId: first.escrowId, action: 'claim' });
    assert.equal(claimed.state, 'claimed');
    assert.deepEqual(await payments.getBalance(bob), { balance: bobStart + 1_000 });
    assert.deepEqual(bob.events.at(-1), { type: 'balance', balance: bobStart + 1_000 });
    await refused(payments.settleEscrow(bob, { escrowId: first.escrowId, action: 'claim' }), 'CONFLICT');

    const second = await payments.createEscrow(alice, { to: bob.userId, amount: 700, deadline, memo: '' });
    await refused(payments.settleEscrow(bob, { escrowId: second.escrowId, action: 'release' }), 'FORBIDDEN');
    const released = await payments.settleEscrow(alice, { escrowId: second.escrowId, action: 'release' });
    assert.equal(released.state, 'released');
    assert.deepEqual(await payments.getBalance(bob), { balance: bobStart + 1_700 });

    const third = await payments.createEscrow(alice, { to: bob.userId, amount: 300, deadline, memo: '' });
    await refused(payments.settleEscrow(alice, { escrowId: third.escrowId, action: 'refund' }), 'FORBIDDEN');
    assert.equal((await payments.getEscrow(alice, { escrowId: third.escrowId })).state, 'open');
    assert.deepEqual(await payments.getBalance(alice), { balance: aliceStart - 2_000 });

    // A deadline the ledger would refuse is refused before sending; nothing moves.
    await refused(
      payments.createEscrow(alice, { to: bob.userId, amount: 1, deadline: Date.now() + 30_000, memo: '' }),
      'BAD_INPUT',
    );
    await refused(payments.getEscrow(carol, { escrowId: third.escrowId }), 'FORBIDDEN');
    assert.deepEqual(await payments.getBalance(alice), { balance: aliceStart - 2_000 });
  });

  it('a 7 MiB file round-trips (near the ledger’s 8 MiB payload cap)', async () => {
    const plain = randomBytes(7 * 1024 * 1024);
    const shared = await sharing.shareItem(alice, aliceItems, {
      file: file('big.bin', plain),
      grantee: { kind: 'user', userId: bob.userId },
      expiresAt: Date.now() + HOUR,
      canReshare: false,
    });
    assert.ok(bytesOf(await sharing.openItem(bob, { itemId: shared.itemId })).equals(plain));
  });
});
