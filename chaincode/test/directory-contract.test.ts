import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeLedger, alice, bob, carol, dave, org1Admin, org2Admin, userIdFor } from './support/fake-ledger';
import {
  auditRecords,
  b64,
  dir,
  grp,
  msg,
  ok,
  openPolicy,
  publish,
  rejects,
  TAG,
  wrappedFor,
} from './support/groups-fixtures';
import { org1Compliance } from './support/fake-ledger';
import { signingKey } from './support/signing-keys';
import { KEY_RECOVERY_PERIOD_MS, rotationStatement, vetoStatement } from '../src/lib/key-continuity';
import { CLOCK_SKEW_MS } from '../src/lib/clock';

const aliceId = userIdFor(alice);
const carolId = userIdFor(carol);

describe('DirectoryContract.PublishKeys', () => {
  it('binds the keys to the certificate identity and emits an id-only event', async () => {
    const ledger = new FakeLedger();
    const out = await ledger.invoke<{ userId: string; status: string }>(alice, dir.PublishKeys, {
      encryptionKey: b64(32, 1),
      signingKey: b64(32, 2),
    });
    const user = ok(out);
    assert.equal(user.userId, aliceId);
    assert.equal(user.status, 'active');
    assert.ok(out.ok);
    assert.deepEqual(out.event?.name, 'directory.KeysPublished');
    assert.deepEqual(Object.keys(out.event?.payload ?? {}).sort(), ['userId', 'validFrom']);
    assert.equal(auditRecords(ledger).at(-1)?.action, 'directory.publishKeys');
  });

  it('rejects a claimed userId field', async () => {
    const ledger = new FakeLedger();
    await rejects(
      ledger,
      alice,
      dir.PublishKeys,
      { encryptionKey: b64(32), signingKey: b64(32), userId: userIdFor(bob) },
      'BAD_INPUT',
    );
  });

  it('rejects keys that are not exactly 32 bytes of canonical base64', async () => {
    const ledger = new FakeLedger();
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: b64(31), signingKey: b64(32) }, 'BAD_INPUT');
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: b64(32), signingKey: b64(33) }, 'BAD_INPUT');
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: 'not base64!', signingKey: b64(32) }, 'BAD_INPUT');
  });

  it('rejects malformed JSON and wrong types', async () => {
    const ledger = new FakeLedger();
    await rejects(ledger, alice, dir.PublishKeys, '{"encryptionKey":', 'BAD_INPUT');
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: 5, signingKey: b64(32) }, 'BAD_INPUT');
    // A missing argument never reaches the contract: fabric-shim refuses it.
    const before = ledger.snapshot();
    const out = await ledger.invoke(alice, dir.PublishKeys);
    assert.match(out.ok ? '' : out.error.message, /^Expected 1 parameters, but 0 have been supplied/);
    assert.equal(ledger.snapshot(), before);
  });

  it('refuses to republish the keys that are already current', async () => {
    const ledger = new FakeLedger();
    ok(await ledger.invoke(alice, dir.PublishKeys, { encryptionKey: b64(32, 1), signingKey: b64(32, 2) }));
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: b64(32, 1), signingKey: b64(32, 2) }, 'CONFLICT');
  });
});

describe('DirectoryContract.PublishKeys key history', () => {
  it('only moves forward: keys stamped at or before the current validFrom (a backdated rotation) are refused as CONFLICT and write nothing; 1 ms later they are accepted', async () => {
    const ledger = new FakeLedger();
    const current = signingKey();
    const first = ok(
      await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, {
        encryptionKey: b64(32, 1),
        signingKey: current.publicKey,
      }),
    );
    const keys = { encryptionKey: b64(32, 3), signingKey: b64(32, 4) };
    const next = { ...keys, signature: current.sign(rotationStatement(aliceId, first.keysSince, keys)) };
    for (const back of [50_000, 1, 0]) {
      await rejects(ledger, alice, dir.PublishKeys, next, 'CONFLICT', { time: first.keysSince - back });
    }
    // History still answers the first key for any time from its validFrom on.
    const keysAt = async (at: number) =>
      ok(await ledger.invoke<{ encryptionKey: string }>(bob, dir.GetKeysAt, { userId: aliceId, at })).encryptionKey;
    assert.equal(await keysAt(first.keysSince), b64(32, 1));
    await rejects(ledger, bob, dir.GetKeysAt, { userId: aliceId, at: first.keysSince - 50_000 }, 'NOT_FOUND');
    const rotated = ok(
      await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, next, { time: first.keysSince + 1 }),
    );
    assert.equal(rotated.keysSince, first.keysSince + 1);
    assert.equal(await keysAt(first.keysSince), b64(32, 1));
    assert.equal(await keysAt(first.keysSince + 1), b64(32, 3));
  });
});

describe('DirectoryContract key continuity', () => {
  // An org admin who re-issues alice's enrollment secret holds a certificate
  // the chaincode cannot tell from hers: the same user id, but not her keys.
  const aliceReEnrolled = { ...alice };
  const adminKeys = { encryptionKey: b64(32, 66), signingKey: signingKey().publicKey };

  async function aliceWithKeys(ledger: FakeLedger) {
    const current = signingKey();
    const record = ok(
      await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, {
        encryptionKey: b64(32, 1),
        signingKey: current.publicKey,
      }),
    );
    return { current, keysSince: record.keysSince };
  }
  type Pending = { keyChange: { requestedAt: number; effectiveAt: number; encryptionKey: string; signingKey: string } };
  const userOf = async (ledger: FakeLedger) =>
    ok(
      await ledger.invoke<{ encryptionKey: string; signingKey: string; keysSince: number } & Partial<Pending>>(
        bob,
        dir.GetUser,
        { userId: aliceId },
      ),
    );

  it('a rotation signed by the current signing key takes effect at once', async () => {
    const ledger = new FakeLedger();
    const { current, keysSince } = await aliceWithKeys(ledger);
    const next = signingKey();
    const keys = { encryptionKey: b64(32, 3), signingKey: next.publicKey };
    const out = await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, {
      ...keys,
      signature: current.sign(rotationStatement(aliceId, keysSince, keys)),
    });
    assert.equal(out.ok && out.event?.name, 'directory.KeysPublished');
    const user = await userOf(ledger);
    assert.equal(user.signingKey, next.publicKey);
    assert.equal(user.keyChange, undefined);
    assert.equal(auditRecords(ledger).at(-1)?.detail, 'rotate');
  });

  it('refuses a signature by any other key, over another state or user, and a signature on first keys; nothing changes', async () => {
    const ledger = new FakeLedger();
    const { current, keysSince } = await aliceWithKeys(ledger);
    const keys = { encryptionKey: b64(32, 3), signingKey: b64(32, 4) };
    const forged = [
      signingKey().sign(rotationStatement(aliceId, keysSince, keys)),
      current.sign(rotationStatement(aliceId, keysSince - 1, keys)),
      current.sign(rotationStatement(carolId, keysSince, keys)),
      current.sign(rotationStatement(aliceId, keysSince, { ...keys, encryptionKey: b64(32, 5) })),
    ];
    for (const signature of forged) {
      await rejects(ledger, aliceReEnrolled, dir.PublishKeys, { ...keys, signature }, 'FORBIDDEN');
    }
    const sig = current.sign(rotationStatement(carolId, 0, keys));
    await rejects(ledger, carol, dir.PublishKeys, { ...keys, signature: sig }, 'BAD_INPUT');
  });

  it('an unsigned change (the re-enrolled admin) is only a pending request: keys, key history unchanged; visible to contacts with an event; a second request is CONFLICT', async () => {
    const ledger = new FakeLedger();
    const { keysSince } = await aliceWithKeys(ledger);
    const out = await ledger.invoke<Pending>(aliceReEnrolled, dir.PublishKeys, adminKeys);
    const pending = ok(out).keyChange;
    assert.equal(out.ok && out.event?.name, 'directory.KeyChangeRequested');
    assert.deepEqual(out.ok && out.event?.payload, { userId: aliceId, effectiveAt: pending.effectiveAt });
    assert.equal(pending.effectiveAt, pending.requestedAt + KEY_RECOVERY_PERIOD_MS);
    const user = await userOf(ledger);
    assert.equal(user.encryptionKey, b64(32, 1));
    assert.equal(user.keysSince, keysSince);
    assert.equal(user.keyChange?.signingKey, adminKeys.signingKey);
    const keysNow = ok(
      await ledger.invoke<{ encryptionKey: string }>(bob, dir.GetKeysAt, {
        userId: aliceId,
        at: ledger.clock + 10_000,
      }),
    );
    assert.equal(keysNow.encryptionKey, b64(32, 1));
    assert.equal(auditRecords(ledger).at(-1)?.action, 'directory.requestKeyChange');
    await rejects(
      ledger,
      aliceReEnrolled,
      dir.PublishKeys,
      { encryptionKey: b64(32, 67), signingKey: b64(32, 68) },
      'CONFLICT',
    );
  });

  it('the current keys veto a pending change; a veto signed by anything else is FORBIDDEN; with nothing pending NOT_FOUND', async () => {
    const ledger = new FakeLedger();
    const { current } = await aliceWithKeys(ledger);
    await rejects(ledger, alice, dir.VetoKeyChange, { signature: current.sign('x') }, 'NOT_FOUND');
    const pending = ok(await ledger.invoke<Pending>(aliceReEnrolled, dir.PublishKeys, adminKeys)).keyChange;
    const statement = vetoStatement(aliceId, pending.requestedAt, pending);
    await rejects(ledger, aliceReEnrolled, dir.VetoKeyChange, { signature: signingKey().sign(statement) }, 'FORBIDDEN');
    await rejects(
      ledger,
      alice,
      dir.VetoKeyChange,
      { signature: current.sign(vetoStatement(aliceId, pending.requestedAt - 1, pending)) },
      'FORBIDDEN',
    );
    const out = await ledger.invoke(alice, dir.VetoKeyChange, { signature: current.sign(statement) });
    assert.equal(out.ok && out.event?.name, 'directory.KeyChangeVetoed');
    const user = await userOf(ledger);
    assert.equal(user.keyChange, undefined);
    assert.equal(user.encryptionKey, b64(32, 1));
    await rejects(ledger, org1Compliance, dir.ApproveKeyChange, { userId: aliceId }, 'NOT_FOUND');
  });

  it("a compliance officer of the user's org approves a pending change: it takes effect then; admins, staff and oneself may not", async () => {
    const ledger = new FakeLedger();
    await aliceWithKeys(ledger);
    ok(await ledger.invoke(aliceReEnrolled, dir.PublishKeys, adminKeys));
    for (const who of [org1Admin, carol, alice, org2Admin]) {
      await rejects(ledger, who, dir.ApproveKeyChange, { userId: aliceId }, 'FORBIDDEN');
    }
    const out = await ledger.invoke<{ keysSince: number }>(org1Compliance, dir.ApproveKeyChange, { userId: aliceId });
    assert.equal(out.ok && out.event?.name, 'directory.KeysPublished');
    const user = await userOf(ledger);
    assert.deepEqual([user.encryptionKey, user.signingKey], [adminKeys.encryptionKey, adminKeys.signingKey]);
    assert.equal(user.keyChange, undefined);
    assert.equal(auditRecords(ledger).at(-1)?.detail, `approved by ${userIdFor(org1Compliance)}`);
    // Nobody approves their own change: the officer's own recovery needs someone else.
    ok(await ledger.invoke(org1Compliance, dir.PublishKeys, { encryptionKey: b64(32, 8), signingKey: b64(32, 9) }));
    ok(await ledger.invoke(org1Compliance, dir.PublishKeys, { encryptionKey: b64(32, 10), signingKey: b64(32, 11) }));
    await rejects(ledger, org1Compliance, dir.ApproveKeyChange, { userId: userIdFor(org1Compliance) }, 'FORBIDDEN');
  });

  it('anyone completes a pending change only once its recovery period has surely ended (stamp ≥ effectiveAt + 60 s)', async () => {
    const ledger = new FakeLedger();
    await aliceWithKeys(ledger);
    const pending = ok(await ledger.invoke<Pending>(aliceReEnrolled, dir.PublishKeys, adminKeys)).keyChange;
    for (const time of [pending.requestedAt + 1000, pending.effectiveAt, pending.effectiveAt + CLOCK_SKEW_MS - 1]) {
      await rejects(ledger, bob, dir.CompleteKeyChange, { userId: aliceId }, 'CONFLICT', { time });
    }
    const at = pending.effectiveAt + CLOCK_SKEW_MS;
    ok(await ledger.invoke(bob, dir.CompleteKeyChange, { userId: aliceId }, { time: at }));
    const user = await userOf(ledger);
    assert.equal(user.signingKey, adminKeys.signingKey);
    assert.equal(user.keysSince, at);
    await rejects(ledger, bob, dir.CompleteKeyChange, { userId: aliceId }, 'NOT_FOUND');
  });

  it('a signed rotation while a change is pending supersedes it', async () => {
    const ledger = new FakeLedger();
    const { current, keysSince } = await aliceWithKeys(ledger);
    ok(await ledger.invoke(aliceReEnrolled, dir.PublishKeys, adminKeys));
    const keys = { encryptionKey: b64(32, 3), signingKey: b64(32, 4) };
    ok(
      await ledger.invoke(alice, dir.PublishKeys, {
        ...keys,
        signature: current.sign(rotationStatement(aliceId, keysSince, keys)),
      }),
    );
    const user = await userOf(ledger);
    assert.equal(user.keyChange, undefined);
    assert.equal(user.encryptionKey, keys.encryptionKey);
  });
});

describe('DirectoryContract.GetKeysAt', () => {
  it('returns the key that was valid at a given time across rotations', async () => {
    const ledger = new FakeLedger();
    const current = signingKey();
    const first = ok(
      await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, {
        encryptionKey: b64(32, 1),
        signingKey: current.publicKey,
      }),
    );
    const keys = { encryptionKey: b64(32, 3), signingKey: b64(32, 4) };
    const second = ok(
      await ledger.invoke<{ keysSince: number }>(alice, dir.PublishKeys, {
        ...keys,
        signature: current.sign(rotationStatement(aliceId, first.keysSince, keys)),
      }),
    );
    const before = await ledger.invoke(bob, dir.GetKeysAt, { userId: aliceId, at: first.keysSince - 1 });
    assert.match(before.ok ? '' : before.error.message, /^NOT_FOUND:/);
    const atFirst = ok(
      await ledger.invoke<{ encryptionKey: string }>(bob, dir.GetKeysAt, { userId: aliceId, at: first.keysSince }),
    );
    assert.equal(atFirst.encryptionKey, b64(32, 1));
    const between = ok(
      await ledger.invoke<{ signingKey: string }>(bob, dir.GetKeysAt, { userId: aliceId, at: second.keysSince - 1 }),
    );
    assert.equal(between.signingKey, current.publicKey);
    const later = ok(
      await ledger.invoke<{ encryptionKey: string }>(bob, dir.GetKeysAt, {
        userId: aliceId,
        at: second.keysSince + 5000,
      }),
    );
    assert.equal(later.encryptionKey, b64(32, 3));
  });

  it('rejects a malformed user id or time', async () => {
    const ledger = new FakeLedger();
    await rejects(ledger, bob, dir.GetKeysAt, { userId: 'alice', at: 1 }, 'BAD_INPUT');
    await rejects(ledger, bob, dir.GetKeysAt, { userId: aliceId, at: -1 }, 'BAD_INPUT');
    await rejects(ledger, bob, dir.GetKeysAt, { userId: aliceId, at: '1' }, 'BAD_INPUT');
  });
});

describe('DirectoryContract.GetUser and ListOrgDirectory', () => {
  it('returns a published user and NOT_FOUND for an unknown one', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    const user = ok(
      await ledger.invoke<{ userId: string; encryptionKey: string }>(bob, dir.GetUser, { userId: aliceId }),
    );
    assert.equal(user.userId, aliceId);
    await rejects(ledger, bob, dir.GetUser, { userId: 'Org1MSP::nobody' }, 'NOT_FOUND');
    await rejects(ledger, bob, dir.GetUser, { userId: 'Org1MSP::a|b' }, 'BAD_INPUT');
  });

  it('lists one org only, page by page', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob, carol, dave, org1Admin);
    const page1 = ok(
      await ledger.invoke<{ users: Array<{ userId: string }>; bookmark: string }>(bob, dir.ListOrgDirectory, {
        mspId: 'Org1MSP',
        pageSize: 2,
      }),
    );
    assert.deepEqual(
      page1.users.map((u) => u.userId),
      [aliceId, carolId],
    );
    assert.notEqual(page1.bookmark, '');
    const page2 = ok(
      await ledger.invoke<{ users: Array<{ userId: string }>; bookmark: string }>(bob, dir.ListOrgDirectory, {
        mspId: 'Org1MSP',
        pageSize: 2,
        bookmark: page1.bookmark,
      }),
    );
    assert.deepEqual(
      page2.users.map((u) => u.userId),
      [userIdFor(org1Admin)],
    );
    assert.equal(page2.bookmark, '');
  });

  it('answers an empty page for an org with no users (the peer then sends no page metadata)', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    const page = ok(await ledger.invoke(bob, dir.ListOrgDirectory, { mspId: 'Org9MSP' }));
    assert.deepEqual(page, { users: [], bookmark: '' });
  });

  it('rejects a bookmark from another listing and an oversized page', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob);
    await rejects(
      ledger,
      bob,
      dir.ListOrgDirectory,
      { mspId: 'Org2MSP', pageSize: 2, bookmark: `user|${aliceId}` },
      'BAD_INPUT',
    );
    await rejects(ledger, bob, dir.ListOrgDirectory, { mspId: 'Org1MSP', pageSize: 100_000 }, 'BAD_INPUT');
  });
});

describe('DirectoryContract.DisableUser / EnableUser', () => {
  it('an admin of the same org disables and re-enables a user, with audit', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    const off = await ledger.invoke<{ status: string }>(org1Admin, dir.DisableUser, { userId: aliceId });
    assert.equal(ok(off).status, 'disabled');
    assert.ok(off.ok);
    assert.deepEqual(off.event, { name: 'directory.UserDisabled', payload: { userId: aliceId } });
    assert.equal(auditRecords(ledger).at(-1)?.action, 'directory.disableUser');
    await rejects(ledger, alice, dir.PublishKeys, { encryptionKey: b64(32, 9), signingKey: b64(32, 9) }, 'DISABLED');
    assert.equal(
      ok(await ledger.invoke<{ status: string }>(org1Admin, dir.EnableUser, { userId: aliceId })).status,
      'active',
    );
    ok(await ledger.invoke(alice, dir.PublishKeys, { encryptionKey: b64(32, 9), signingKey: b64(32, 9) }));
  });

  it('an admin of another org cannot disable a user', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    await rejects(ledger, org2Admin, dir.DisableUser, { userId: aliceId }, 'FORBIDDEN');
  });

  it('a staff member cannot disable anyone', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    await rejects(ledger, carol, dir.DisableUser, { userId: aliceId }, 'FORBIDDEN');
  });

  it('an admin cannot disable themselves', async () => {
    const ledger = new FakeLedger();
    await rejects(ledger, org1Admin, dir.DisableUser, { userId: userIdFor(org1Admin) }, 'FORBIDDEN');
  });

  it('disabling twice is a conflict, enabling an unknown user is not found', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice);
    ok(await ledger.invoke(org1Admin, dir.DisableUser, { userId: aliceId }));
    await rejects(ledger, org1Admin, dir.DisableUser, { userId: aliceId }, 'CONFLICT');
    await rejects(ledger, org1Admin, dir.EnableUser, { userId: 'Org1MSP::ghost' }, 'NOT_FOUND');
    await rejects(ledger, org1Admin, dir.EnableUser, { userId: carolId }, 'NOT_FOUND');
  });

  it('a user revoked before ever publishing keys can be disabled pre-emptively', async () => {
    const ledger = new FakeLedger();
    ok(await ledger.invoke(org1Admin, dir.DisableUser, { userId: carolId }));
    await rejects(ledger, carol, dir.PublishKeys, { encryptionKey: b64(32), signingKey: b64(32, 3) }, 'DISABLED');
  });

  it('a disabled user is refused by every contract', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, bob, carol);
    const created = ok(
      await ledger.invoke<{ conversationId: string }>(alice, grp.CreateGroup, {
        eventTag: TAG,
        groupId: 'g1',
        policy: openPolicy,
        members: [{ userId: carolId, role: 'member' }],
        wrappedKeys: wrappedFor(alice, carol),
      }),
    );
    ok(await ledger.invoke(org1Admin, dir.DisableUser, { userId: aliceId }));
    const post = {
      conversationId: created.conversationId,
      epoch: 1,
      clientMessageId: 'c1',
      nonce: b64(24),
      signature: b64(64),
      attachments: [],
    };
    await rejects(ledger, alice, dir.GetUser, { userId: carolId }, 'DISABLED');
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: userIdFor(bob), wrappedKeys: wrappedFor(alice, bob) },
      'DISABLED',
    );
    await rejects(ledger, alice, grp.GetMyEpochKey, { conversationId: 'g1' }, 'DISABLED');
    await rejects(ledger, alice, grp.Leave, { eventTag: TAG, conversationId: 'g1' }, 'DISABLED');
    await rejects(ledger, alice, msg.PostMessage, post, 'DISABLED', { transient: { ciphertext: Buffer.from('x') } });
    await rejects(ledger, alice, msg.ListMessages, { conversationId: 'g1', pageSize: 10 }, 'DISABLED');
    await rejects(ledger, alice, msg.PurgeExpired, { conversationId: 'g1' }, 'DISABLED');
  });

  it('a disabled user cannot be added to a conversation', async () => {
    const ledger = new FakeLedger();
    await publish(ledger, alice, carol);
    ok(await ledger.invoke(org1Admin, dir.DisableUser, { userId: carolId }));
    await rejects(
      ledger,
      alice,
      grp.OpenDirect,
      { eventTag: TAG, peerUserId: carolId, wrappedKeys: wrappedFor(alice, carol) },
      'FORBIDDEN',
    );
  });
});
