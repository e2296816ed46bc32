import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  type ReadBack,
  TAG,
  type User,
  b64,
  directId,
  sealedFor,
  auditTrail,
  sleepUntil,
  uid,
  useLiveLedger,
  valueOf,
} from './support/transactions-fixture';
import {
  POLICY,
  getGroup,
  getUser,
  keys,
  listMembers,
  listMessages,
  postRequest,
  signedRotation,
  signingKeyPair,
} from './support/read-backs';

// Every directory, groups, messages and smoke transaction on the live
// two-org network: at least one success, and refusals whose read-back (by
// another user, through the chaincode) shows that nothing changed.

interface UserRecord {
  userId: string;
  status: string;
  encryptionKey?: string;
  signingKey?: string;
  keysSince?: number;
  registeredAt: number;
  statusChangedBy?: string;
}
interface Group {
  conversationId: string;
  kind: string;
  creator: string;
  epoch: number;
  memberCount: number;
  policyVersion: number;
  myRole: string;
  rekeyRequired: boolean;
  policy: {
    whoCanPost: string;
    whoCanInvite: string;
    retentionSeconds: number;
    paymentsAllowed: boolean;
    crossOrg: boolean;
  };
}
interface Members {
  members: Array<{ userId: string; role: string }>;
}
interface Message {
  messageId: string;
  sender: string;
  epoch: number;
  time: number;
  status: string;
  reason?: string;
  ciphertextHash?: string;
  payload?: { ciphertext: string };
}
interface Listed {
  messages: Message[];
  bookmark: string;
}
interface Posted {
  messageId: string;
  time: number;
  replayed: boolean;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

// Read-backs of this suite only, always by someone other than the refused caller.
const orgDirectory = (as: User, mspId: string): ReadBack => ({
  as,
  contract: 'directory',
  tx: 'ListOrgDirectory',
  request: { mspId },
});
const myEpochKey = (as: User, conversationId: string, epoch?: number): ReadBack => ({
  as,
  contract: 'groups',
  tx: 'GetMyEpochKey',
  request: epoch === undefined ? { conversationId } : { conversationId, epoch },
});
const getNote = (as: User, noteId: string): ReadBack => ({ as, contract: 'smoke', tx: 'GetNote', request: { noteId } });

describe('Transactions on the live network: directory, groups, messages, smoke', { timeout: 20 * 60_000 }, () => {
  const live = useLiveLedger('tx-directory-groups-messages');
  const published = new Map<User, UserRecord>();
  let rotated: UserRecord;
  /** The retention group's message, posted first so the 60 s minimum retention runs alongside the other tests. */
  let retained: Posted;
  /** Wrapped keys sent for 'proj', per epoch, to check GetMyEpochKey against. */
  const projKeys = new Map<number, Record<string, string>>();

  const post = (as: User, conversationId: string, epoch: number, text: string, clientMessageId?: string) =>
    live().submit<Posted>(
      as,
      'messages',
      'PostMessage',
      { ...postRequest(conversationId, epoch, clientMessageId), eventTag: TAG },
      { ciphertext: Buffer.from(text) },
    );

  it('directory.PublishKeys: users publish and rotate keys / identical keys (CONFLICT) and a 31-byte key (BAD_INPUT) are refused, alice unchanged (read by bob and carol)', async () => {
    const aliceSigner = signingKeyPair();
    for (const user of ['alice', 'bob', 'carol', 'dave'] as const) {
      const mine = user === 'alice' ? { ...keys(), signingKey: aliceSigner.publicKey } : keys();
      const record = await live().submit<UserRecord>(user, 'directory', 'PublishKeys', mine);
      assert.equal(record.status, 'active');
      published.set(user, record);
    }
    const first = published.get('alice') as UserRecord;
    const seen = await live().evaluate<UserRecord>('bob', 'directory', 'GetUser', { userId: uid('alice') });
    assert.deepEqual(seen, first);

    const next = keys();
    // Signed by her current key, the rotation takes effect at once (key continuity).
    const signed = signedRotation(uid('alice'), first.keysSince ?? 0, aliceSigner, next);
    rotated = await live().submit<UserRecord>('alice', 'directory', 'PublishKeys', signed);
    assert.equal(rotated.encryptionKey, next.encryptionKey);
    assert.equal(rotated.registeredAt, first.registeredAt);
    assert.ok((rotated.keysSince ?? 0) > (first.keysSince ?? 0));

    await live().refused(
      { as: 'alice', contract: 'directory', tx: 'PublishKeys', request: next },
      'CONFLICT',
      getUser('bob', uid('alice')),
    );
    const [after] = await live().refused(
      { as: 'alice', contract: 'directory', tx: 'PublishKeys', request: { ...keys(), encryptionKey: b64(31) } },
      'BAD_INPUT',
      getUser('carol', uid('alice')),
    );
    assert.equal(valueOf<UserRecord>(after).encryptionKey, next.encryptionKey);
  });

  it('messages.PostMessage: members post (a replay writes nothing) / a reader (FORBIDDEN), a non-member (FORBIDDEN), a stale epoch (STALE_EPOCH), no ciphertext (BAD_INPUT), 64 KiB + 1 (TOO_LARGE) and a reused client id with other content (CONFLICT) are refused, the conversation unchanged (read by alice)', async () => {
    await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'retained',
      policy: { ...POLICY, retentionSeconds: 60 },
      members: [
        { userId: uid('bob'), role: 'member' },
        { userId: uid('carol'), role: 'reader' },
      ],
      wrappedKeys: sealedFor('alice', 'bob', 'carol'),
    });
    retained = await post('bob', 'retained', 1, 'gone in a minute', 'bob-1');
    assert.equal(retained.replayed, false);
    const listed = await live().evaluate<Listed>('alice', 'messages', 'ListMessages', {
      conversationId: 'retained',
      pageSize: 10,
    });
    assert.equal(listed.messages.length, 1);
    assert.equal(listed.messages[0]?.sender, uid('bob'));
    assert.equal(listed.messages[0]?.ciphertextHash, sha256('gone in a minute'));
    assert.equal(listed.messages[0]?.payload?.ciphertext, Buffer.from('gone in a minute').toString('base64'));

    const replay = await post('bob', 'retained', 1, 'gone in a minute', 'bob-1');
    assert.deepEqual(replay, { ...retained, replayed: true });

    const conversation = [listMessages('alice', 'retained'), getGroup('alice', 'retained')];
    const attempt = (as: User, epoch: number, text: string | null, clientMessageId: string) => ({
      as,
      contract: 'messages',
      tx: 'PostMessage',
      request: { ...postRequest('retained', epoch, clientMessageId), eventTag: TAG },
      ...(text === null ? {} : { transient: { ciphertext: Buffer.from(text) } }),
    });
    await live().refused(attempt('carol', 1, 'readers cannot post', 'carol-1'), 'FORBIDDEN', ...conversation);
    await live().refused(attempt('dave', 1, 'not a member', 'dave-1'), 'FORBIDDEN', ...conversation);
    await live().refused(attempt('bob', 2, 'epoch 2 does not exist', 'bob-2'), 'STALE_EPOCH', ...conversation);
    await live().refused(attempt('bob', 1, null, 'bob-3'), 'BAD_INPUT', ...conversation);
    await live().refused(attempt('bob', 1, 'x'.repeat(65_537), 'bob-4'), 'TOO_LARGE', ...conversation);
    const [after] = await live().refused(attempt('bob', 1, 'different words', 'bob-1'), 'CONFLICT', ...conversation);
    assert.equal(valueOf<Listed>(after).messages.length, 1);
  });

  it('directory.GetUser: carol reads bob / an unknown user (NOT_FOUND) and a malformed id (BAD_INPUT) are refused, the directory unchanged (read by carol)', async () => {
    const bob = await live().evaluate<UserRecord>('carol', 'directory', 'GetUser', { userId: uid('bob') });
    assert.deepEqual(bob, published.get('bob'));
    await live().refused(
      { as: 'alice', contract: 'directory', tx: 'GetUser', request: { userId: 'Org1MSP::nobody' }, evaluate: true },
      'NOT_FOUND',
      getUser('carol', 'Org1MSP::nobody'),
      orgDirectory('carol', 'Org1MSP'),
    );
    await live().refused(
      { as: 'alice', contract: 'directory', tx: 'GetUser', request: { userId: 'nobody' }, evaluate: true },
      'BAD_INPUT',
      orgDirectory('carol', 'Org1MSP'),
    );
  });

  it('directory.GetKeysAt: dave reads the keys alice had at each time / a time before her first keys (NOT_FOUND) and a negative time (BAD_INPUT) are refused, her keys unchanged (read by carol)', async () => {
    const first = published.get('alice') as UserRecord;
    const firstSince = first.keysSince as number;
    const rotatedSince = rotated.keysSince as number;
    const at = (time: number) =>
      live().evaluate<ReturnType<typeof keys> & { validFrom: number }>('dave', 'directory', 'GetKeysAt', {
        userId: uid('alice'),
        at: time,
      });
    assert.equal((await at(firstSince)).encryptionKey, first.encryptionKey);
    assert.equal((await at(rotatedSince - 1)).encryptionKey, first.encryptionKey);
    assert.equal((await at(rotatedSince)).encryptionKey, rotated.encryptionKey);

    const readBacks: ReadBack[] = [
      getUser('carol', uid('alice')),
      { as: 'carol', contract: 'directory', tx: 'GetKeysAt', request: { userId: uid('alice'), at: rotatedSince } },
    ];
    await live().refused(
      {
        as: 'bob',
        contract: 'directory',
        tx: 'GetKeysAt',
        request: { userId: uid('alice'), at: firstSince - 1 },
        evaluate: true,
      },
      'NOT_FOUND',
      ...readBacks,
    );
    await live().refused(
      { as: 'bob', contract: 'directory', tx: 'GetKeysAt', request: { userId: uid('alice'), at: -1 }, evaluate: true },
      'BAD_INPUT',
      ...readBacks,
    );
  });

  it("directory.ListOrgDirectory: bob pages through Org1 and gets an empty page for an org with no users / a bookmark outside the org's range and an oversized page (BAD_INPUT) are refused, the listing unchanged (read by dave)", async () => {
    type Page = { users: UserRecord[]; bookmark: string };
    const all = await live().evaluate<Page>('bob', 'directory', 'ListOrgDirectory', { mspId: 'Org1MSP' });
    assert.deepEqual(
      all.users.map((u) => u.userId),
      [uid('alice'), uid('carol')],
    );
    assert.equal(all.bookmark, '');
    const page1 = await live().evaluate<Page>('bob', 'directory', 'ListOrgDirectory', {
      mspId: 'Org1MSP',
      pageSize: 1,
    });
    assert.deepEqual(
      page1.users.map((u) => u.userId),
      [uid('alice')],
    );
    assert.notEqual(page1.bookmark, '');
    const page2 = await live().evaluate<Page>('bob', 'directory', 'ListOrgDirectory', {
      mspId: 'Org1MSP',
      pageSize: 1,
      bookmark: page1.bookmark,
    });
    assert.deepEqual(
      page2.users.map((u) => u.userId),
      [uid('carol')],
    );
    const none = await live().evaluate<Page>('bob', 'directory', 'ListOrgDirectory', { mspId: 'Org9MSP' });
    assert.deepEqual(none, { users: [], bookmark: '' });

    await live().refused(
      {
        as: 'bob',
        contract: 'directory',
        tx: 'ListOrgDirectory',
        request: { mspId: 'Org1MSP', bookmark: `user|${uid('bob')}` },
        evaluate: true,
      },
      'BAD_INPUT',
      orgDirectory('dave', 'Org1MSP'),
    );
    await live().refused(
      {
        as: 'bob',
        contract: 'directory',
        tx: 'ListOrgDirectory',
        request: { mspId: 'Org1MSP', pageSize: 201 },
        evaluate: true,
      },
      'BAD_INPUT',
      orgDirectory('dave', 'Org1MSP'),
    );
  });

  it('directory.DisableUser: org1admin disables carol, and a user who never published keys / staff (FORBIDDEN), another org (FORBIDDEN), oneself (FORBIDDEN) and twice (CONFLICT) are refused, and disabled carol is refused (DISABLED), each target unchanged (read by alice and bob)', async () => {
    const disable = (as: User, userId: string) => ({
      as,
      contract: 'directory',
      tx: 'DisableUser',
      request: { userId },
    });
    await live().refused(disable('bob', uid('dave')), 'FORBIDDEN', getUser('alice', uid('dave')));
    await live().refused(disable('org2admin', uid('alice')), 'FORBIDDEN', getUser('bob', uid('alice')));
    const [self] = await live().refused(
      disable('org1admin', uid('org1admin')),
      'FORBIDDEN',
      getUser('alice', uid('org1admin')),
    );
    assert.deepEqual(self, { ok: false, code: 'NOT_FOUND' });

    const record = await live().submit<UserRecord>('org1admin', 'directory', 'DisableUser', { userId: uid('carol') });
    assert.equal(record.status, 'disabled');
    const seen = await live().evaluate<UserRecord>('alice', 'directory', 'GetUser', { userId: uid('carol') });
    assert.equal(seen.status, 'disabled');
    assert.equal(seen.statusChangedBy, uid('org1admin'));
    assert.equal(seen.encryptionKey, published.get('carol')?.encryptionKey);

    // Disabling works before the user ever published keys (CA revocation can come first).
    await live().submit('org1admin', 'directory', 'DisableUser', { userId: 'Org1MSP::newhire' });
    const newhire = await live().evaluate<UserRecord>('bob', 'directory', 'GetUser', { userId: 'Org1MSP::newhire' });
    assert.equal(newhire.status, 'disabled');
    assert.equal(newhire.encryptionKey, undefined);

    await live().refused(disable('org1admin', uid('carol')), 'CONFLICT', getUser('alice', uid('carol')));
    // Disabled users are refused everywhere: a read, a post, a write.
    await live().refused(
      { as: 'carol', contract: 'directory', tx: 'GetUser', request: { userId: uid('alice') }, evaluate: true },
      'DISABLED',
      getUser('bob', uid('alice')),
    );
    await live().refused(
      { as: 'carol', contract: 'smoke', tx: 'PutNote', request: { noteId: 'by-carol', text: 'hi' } },
      'DISABLED',
      getNote('bob', 'by-carol'),
    );
    await live().refused(
      { as: 'carol', contract: 'directory', tx: 'PublishKeys', request: keys() },
      'DISABLED',
      getUser('alice', uid('carol')),
    );
  });

  it('directory.EnableUser: org1admin re-enables carol / carol herself (DISABLED), staff (FORBIDDEN), another org (FORBIDDEN), an active user (CONFLICT) and an unknown user (NOT_FOUND) are refused, each target unchanged (read by alice and bob)', async () => {
    const enable = (as: User, userId: string) => ({ as, contract: 'directory', tx: 'EnableUser', request: { userId } });
    await live().refused(enable('carol', uid('carol')), 'DISABLED', getUser('alice', uid('carol')));
    await live().refused(enable('bob', uid('carol')), 'FORBIDDEN', getUser('alice', uid('carol')));
    await live().refused(enable('org2admin', uid('carol')), 'FORBIDDEN', getUser('alice', uid('carol')));
    await live().refused(enable('org1admin', uid('alice')), 'CONFLICT', getUser('bob', uid('alice')));
    await live().refused(enable('org1admin', 'Org1MSP::nobody'), 'NOT_FOUND', getUser('bob', 'Org1MSP::nobody'));

    const record = await live().submit<UserRecord>('org1admin', 'directory', 'EnableUser', { userId: uid('carol') });
    assert.equal(record.status, 'active');
    const seen = await live().evaluate<UserRecord>('bob', 'directory', 'GetUser', { userId: uid('carol') });
    assert.equal(seen.status, 'active');
    // Carol is back: her own calls work again.
    await live().evaluate('carol', 'directory', 'GetUser', { userId: uid('alice') });
  });

  it('groups.OpenDirect: alice opens a direct conversation with bob, and opening it again writes nothing / oneself (BAD_INPUT), wrong wrapped keys (BAD_INPUT) and a peer without keys (NOT_FOUND) are refused, no conversation created (read by the peer)', async () => {
    const dm = directId('alice', 'bob');
    const opened = await live().submit<{ conversationId: string; epoch: number; created: boolean }>(
      'alice',
      'groups',
      'OpenDirect',
      { eventTag: TAG, peerUserId: uid('bob'), wrappedKeys: sealedFor('alice', 'bob') },
    );
    assert.deepEqual(opened, { conversationId: dm, epoch: 1, created: true });
    const seen = await live().evaluate<Group>('bob', 'groups', 'GetGroup', { conversationId: dm });
    assert.equal(seen.kind, 'direct');
    assert.equal(seen.memberCount, 2);
    assert.equal(seen.policy.crossOrg, true);
    const again = await live().submit('bob', 'groups', 'OpenDirect', {
      eventTag: TAG,
      peerUserId: uid('alice'),
      wrappedKeys: sealedFor('alice', 'bob'),
    });
    assert.deepEqual(again, { conversationId: dm, epoch: 1, created: false });
    assert.deepEqual(await live().evaluate('alice', 'groups', 'GetGroup', { conversationId: dm }), {
      ...seen,
      myRole: 'member',
    });

    const open = (as: User, peer: User, wrappedKeys: Record<string, string>) => ({
      as,
      contract: 'groups',
      tx: 'OpenDirect',
      request: { eventTag: TAG, peerUserId: uid(peer), wrappedKeys },
    });
    await live().refused(
      open('carol', 'carol', sealedFor('carol')),
      'BAD_INPUT',
      getGroup('alice', directId('carol', 'carol')),
    );
    const [none] = await live().refused(
      open('carol', 'dave', sealedFor('carol', 'bob')),
      'BAD_INPUT',
      getGroup('dave', directId('carol', 'dave')),
    );
    assert.deepEqual(none, { ok: false, code: 'NOT_FOUND' });
    await live().refused(
      open('carol', 'org2admin', sealedFor('carol', 'org2admin')),
      'NOT_FOUND',
      getGroup('org2admin', directId('carol', 'org2admin')),
    );
  });

  it('groups.CreateGroup: alice creates a cross-org group / an existing id (CONFLICT), a dm- id (BAD_INPUT), a foreign member with crossOrg=false (FORBIDDEN), 30 s retention (BAD_INPUT), a member without keys (NOT_FOUND) and wrong wrapped keys (BAD_INPUT) are refused, nothing created (read by others)', async () => {
    const wrappedKeys = sealedFor('alice', 'bob', 'carol');
    projKeys.set(1, wrappedKeys);
    const created = await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'proj',
      name: 'Project',
      policy: POLICY,
      members: [
        { userId: uid('bob'), role: 'member' },
        { userId: uid('carol'), role: 'member' },
      ],
      wrappedKeys,
    });
    assert.deepEqual(created, { conversationId: 'proj', epoch: 1 });
    const seen = await live().evaluate<Group>('bob', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.equal(seen.creator, uid('alice'));
    assert.equal(seen.memberCount, 3);
    assert.equal(seen.myRole, 'member');
    // Members come back in key order: Org1MSP ids sort before Org2MSP ids.
    const members = await live().evaluate<Members>('carol', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.deepEqual(
      members.members.map((m) => [m.userId, m.role]),
      [
        [uid('alice'), 'owner'],
        [uid('carol'), 'member'],
        [uid('bob'), 'member'],
      ],
    );

    const create = (groupId: string, extra: Record<string, unknown> = {}) => ({
      as: 'carol' as const,
      contract: 'groups',
      tx: 'CreateGroup',
      request: {
        eventTag: TAG,
        groupId,
        policy: POLICY,
        members: [{ userId: uid('alice'), role: 'member' }],
        wrappedKeys: sealedFor('carol', 'alice'),
        ...extra,
      },
    });
    const [proj] = await live().refused(
      create('proj'),
      'CONFLICT',
      getGroup('bob', 'proj'),
      listMembers('alice', 'proj'),
    );
    assert.equal(valueOf<Group>(proj).creator, uid('alice'));
    await live().refused(create('dm-mine'), 'BAD_INPUT', getGroup('alice', 'dm-mine'));
    await live().refused(
      create('org1only', {
        policy: { ...POLICY, crossOrg: false },
        members: [{ userId: uid('bob'), role: 'member' }],
        wrappedKeys: sealedFor('carol', 'bob'),
      }),
      'FORBIDDEN',
      getGroup('bob', 'org1only'),
    );
    await live().refused(
      create('short', { policy: { ...POLICY, retentionSeconds: 30 } }),
      'BAD_INPUT',
      getGroup('alice', 'short'),
    );
    await live().refused(
      create('nokeys', {
        members: [{ userId: uid('org1admin'), role: 'member' }],
        wrappedKeys: sealedFor('carol', 'org1admin'),
      }),
      'NOT_FOUND',
      getGroup('alice', 'nokeys'),
    );
    await live().refused(create('keys', { wrappedKeys: sealedFor('carol') }), 'BAD_INPUT', getGroup('alice', 'keys'));
  });

  it('groups.AddMember: the owner adds dave as a reader / a plain member (FORBIDDEN), wrong wrapped keys (BAD_INPUT) and an existing member (CONFLICT) are refused, the member list unchanged (read by bob)', async () => {
    const add = (as: User, wrappedKeys: Record<string, string>) => ({
      as,
      contract: 'groups',
      tx: 'AddMember',
      request: { eventTag: TAG, conversationId: 'proj', userId: uid('dave'), role: 'reader', wrappedKeys },
    });
    const group = [listMembers('bob', 'proj'), getGroup('bob', 'proj')];
    await live().refused(add('carol', sealedFor('alice', 'bob', 'carol', 'dave')), 'FORBIDDEN', ...group);
    await live().refused(add('alice', sealedFor('alice', 'bob', 'carol')), 'BAD_INPUT', ...group);

    const wrappedKeys = sealedFor('alice', 'bob', 'carol', 'dave');
    projKeys.set(2, wrappedKeys);
    assert.deepEqual(await live().call(add('alice', wrappedKeys)), { conversationId: 'proj', epoch: 2 });
    const members = await live().evaluate<Members>('bob', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.equal(members.members.find((m) => m.userId === uid('dave'))?.role, 'reader');
    const daveKey = await live().evaluate<{ wrappedKey: string; epoch: number }>('dave', 'groups', 'GetMyEpochKey', {
      conversationId: 'proj',
    });
    assert.equal(daveKey.epoch, 2);
    assert.equal(daveKey.wrappedKey, wrappedKeys[uid('dave')]);

    const [after] = await live().refused(add('alice', wrappedKeys), 'CONFLICT', ...group);
    assert.equal(valueOf<Members>(after).members.length, 4);
  });

  it('groups.ChangeRole: the owner makes bob an admin / a member (FORBIDDEN), an admin making an owner or demoting one (FORBIDDEN), the last owner stepping down (CONFLICT), an unchanged role (CONFLICT) and a non-member (NOT_FOUND) are refused, roles unchanged (read by others)', async () => {
    const change = (as: User, who: User, role: string) => ({
      as,
      contract: 'groups',
      tx: 'ChangeRole',
      request: { eventTag: TAG, conversationId: 'proj', userId: uid(who), role },
    });
    await live().refused(change('carol', 'dave', 'member'), 'FORBIDDEN', listMembers('alice', 'proj'));
    const changed = await live().call(change('alice', 'bob', 'admin'));
    assert.deepEqual(changed, { conversationId: 'proj', userId: uid('bob'), role: 'admin' });
    const members = await live().evaluate<Members>('carol', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.equal(members.members.find((m) => m.userId === uid('bob'))?.role, 'admin');

    await live().refused(change('bob', 'carol', 'owner'), 'FORBIDDEN', listMembers('alice', 'proj'));
    await live().refused(change('bob', 'alice', 'member'), 'FORBIDDEN', listMembers('carol', 'proj'));
    await live().refused(change('alice', 'alice', 'admin'), 'CONFLICT', listMembers('bob', 'proj'));
    await live().refused(change('alice', 'bob', 'admin'), 'CONFLICT', listMembers('carol', 'proj'));
    await live().refused(change('alice', 'org1admin', 'member'), 'NOT_FOUND', listMembers('carol', 'proj'));
  });

  it('groups.RemoveMember: an admin removes dave / a member (FORBIDDEN), an admin removing the owner (FORBIDDEN), keys still covering dave (BAD_INPUT), oneself (BAD_INPUT) and a non-member (NOT_FOUND) are refused, the member list unchanged (read by others)', async () => {
    const remove = (as: User, who: User, wrappedKeys: Record<string, string>) => ({
      as,
      contract: 'groups',
      tx: 'RemoveMember',
      request: { eventTag: TAG, conversationId: 'proj', userId: uid(who), wrappedKeys },
    });
    const group = (as: User) => [listMembers(as, 'proj'), getGroup(as, 'proj')];
    await live().refused(remove('carol', 'dave', sealedFor('alice', 'bob', 'carol')), 'FORBIDDEN', ...group('alice'));
    await live().refused(remove('bob', 'alice', sealedFor('bob', 'carol', 'dave')), 'FORBIDDEN', ...group('carol'));
    await live().refused(
      remove('bob', 'dave', sealedFor('alice', 'bob', 'carol', 'dave')),
      'BAD_INPUT',
      ...group('carol'),
    );
    await live().refused(remove('bob', 'bob', sealedFor('alice', 'carol', 'dave')), 'BAD_INPUT', ...group('alice'));

    const wrappedKeys = sealedFor('alice', 'bob', 'carol');
    projKeys.set(3, wrappedKeys);
    assert.deepEqual(await live().call(remove('bob', 'dave', wrappedKeys)), { conversationId: 'proj', epoch: 3 });
    const seen = await live().evaluate<Group>('carol', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.equal(seen.epoch, 3);
    assert.equal(seen.memberCount, 3);
    const members = await live().evaluate<Members>('alice', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.equal(
      members.members.some((m) => m.userId === uid('dave')),
      false,
    );

    await live().refused(remove('bob', 'dave', wrappedKeys), 'NOT_FOUND', ...group('alice'));
  });

  it('groups.TransferOwnership: alice hands ownership to carol and stays as admin / an admin (FORBIDDEN), a non-member (NOT_FOUND) and oneself (BAD_INPUT) are refused, roles unchanged (read by others)', async () => {
    const transfer = (as: User, to: User) => ({
      as,
      contract: 'groups',
      tx: 'TransferOwnership',
      request: { eventTag: TAG, conversationId: 'proj', newOwnerUserId: uid(to) },
    });
    await live().refused(transfer('bob', 'carol'), 'FORBIDDEN', listMembers('alice', 'proj'));
    await live().refused(transfer('alice', 'dave'), 'NOT_FOUND', listMembers('bob', 'proj'));
    await live().refused(transfer('alice', 'alice'), 'BAD_INPUT', listMembers('carol', 'proj'));

    assert.deepEqual(await live().call(transfer('alice', 'carol')), { conversationId: 'proj', owner: uid('carol') });
    const members = await live().evaluate<Members>('bob', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.deepEqual(
      members.members.map((m) => [m.userId, m.role]),
      [
        [uid('alice'), 'admin'],
        [uid('carol'), 'owner'],
        [uid('bob'), 'admin'],
      ],
    );
    await live().refused(transfer('alice', 'bob'), 'FORBIDDEN', listMembers('carol', 'proj'));
  });

  it('groups.UpdatePolicy: the owner changes the group policy and either side of a DM its retention / a non-owner (FORBIDDEN), a stale expectedPolicyVersion (CONFLICT), crossOrg=false with foreign members (CONFLICT), an empty change (BAD_INPUT), 30 s retention (BAD_INPUT) and a DM crossOrg change (FORBIDDEN: only retention changes in a DM) are refused, the policy unchanged (read by others)', async () => {
    const update = (as: User, conversationId: string, change: Record<string, unknown>, expected?: number) => ({
      as,
      contract: 'groups',
      tx: 'UpdatePolicy',
      request: {
        eventTag: TAG,
        conversationId,
        policy: change,
        ...(expected === undefined ? {} : { expectedPolicyVersion: expected }),
      },
    });
    await live().refused(update('alice', 'proj', { whoCanPost: 'admins' }), 'FORBIDDEN', getGroup('bob', 'proj'));
    await live().refused(update('carol', 'proj', { whoCanPost: 'admins' }, 5), 'CONFLICT', getGroup('bob', 'proj'));
    await live().refused(update('carol', 'proj', { crossOrg: false }), 'CONFLICT', getGroup('alice', 'proj'));
    await live().refused(update('carol', 'proj', {}), 'BAD_INPUT', getGroup('alice', 'proj'));
    await live().refused(update('carol', 'proj', { retentionSeconds: 30 }), 'BAD_INPUT', getGroup('alice', 'proj'));

    const updated = await live().call<{ policyVersion: number }>(
      update('carol', 'proj', { whoCanInvite: 'members', paymentsAllowed: false }, 1),
    );
    assert.equal(updated.policyVersion, 2);
    const seen = await live().evaluate<Group>('bob', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.equal(seen.policyVersion, 2);
    assert.deepEqual(seen.policy, { ...POLICY, whoCanInvite: 'members', paymentsAllowed: false });

    const dm = directId('alice', 'bob');
    await live().call(update('bob', dm, { retentionSeconds: 3600 }));
    const direct = await live().evaluate<Group>('alice', 'groups', 'GetGroup', { conversationId: dm });
    assert.equal(direct.policy.retentionSeconds, 3600);
    assert.equal(direct.policyVersion, 2);
    await live().refused(update('alice', dm, { crossOrg: false }), 'FORBIDDEN', getGroup('bob', dm));
  });

  it('groups.Leave: bob leaves the group, which then needs a re-key / the last owner (CONFLICT), a direct conversation (FORBIDDEN), wrapped keys from the leaver (BAD_INPUT) and a non-member (FORBIDDEN) are refused, membership unchanged (read by others)', async () => {
    const leave = (as: User, conversationId: string, extra: Record<string, unknown> = {}) => ({
      as,
      contract: 'groups',
      tx: 'Leave',
      request: { eventTag: TAG, conversationId, ...extra },
    });
    const group = (as: User) => [listMembers(as, 'proj'), getGroup(as, 'proj')];
    await live().refused(leave('carol', 'proj'), 'CONFLICT', ...group('alice'));
    await live().refused(
      leave('bob', directId('alice', 'bob')),
      'FORBIDDEN',
      getGroup('alice', directId('alice', 'bob')),
    );
    // The leaver may not make the next key: it would know it.
    await live().refused(
      leave('bob', 'proj', { wrappedKeys: sealedFor('alice', 'carol') }),
      'BAD_INPUT',
      ...group('carol'),
    );
    await live().refused(leave('dave', 'proj'), 'FORBIDDEN', ...group('carol'));

    assert.deepEqual(await live().call(leave('bob', 'proj')), {
      conversationId: 'proj',
      epoch: 3,
      rekeyRequired: true,
    });
    const members = await live().evaluate<Members>('alice', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.deepEqual(
      members.members.map((m) => [m.userId, m.role]),
      [
        [uid('alice'), 'admin'],
        [uid('carol'), 'owner'],
      ],
    );
    const seen = await live().evaluate<Group>('carol', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.deepEqual([seen.epoch, seen.rekeyRequired], [3, true]);
  });

  it('groups.Rekey: alice (admin) re-keys proj for the remaining members, the leaver gets no new key / a post before the re-key (REKEY_REQUIRED), the leaver (FORBIDDEN), keys still covering the leaver (BAD_INPUT), a wrong epoch (CONFLICT) and a second re-key (CONFLICT) are refused, the group unchanged (read by carol)', async () => {
    const rekey = (as: User, epoch: number, wrappedKeys: Record<string, string>) => ({
      as,
      contract: 'groups',
      tx: 'Rekey',
      request: { eventTag: TAG, groupId: 'proj', epoch, wrappedKeys },
    });
    const readBacks = [getGroup('carol', 'proj'), myEpochKey('carol', 'proj', 3), listMessages('carol', 'proj')];
    await live().refused(
      {
        as: 'alice',
        contract: 'messages',
        tx: 'PostMessage',
        request: { ...postRequest('proj', 3), eventTag: TAG },
        transient: { ciphertext: Buffer.from('sealed under a key bob still holds') },
      },
      'REKEY_REQUIRED',
      ...readBacks,
    );
    await live().refused(rekey('bob', 4, sealedFor('alice', 'carol')), 'FORBIDDEN', ...readBacks);
    await live().refused(rekey('alice', 4, sealedFor('alice', 'bob', 'carol')), 'BAD_INPUT', ...readBacks);
    await live().refused(rekey('alice', 5, sealedFor('alice', 'carol')), 'CONFLICT', ...readBacks);

    const wrappedKeys = sealedFor('alice', 'carol');
    projKeys.set(4, wrappedKeys);
    assert.deepEqual(await live().call(rekey('alice', 4, wrappedKeys)), { conversationId: 'proj', epoch: 4 });
    await live().refused(
      {
        as: 'bob',
        contract: 'groups',
        tx: 'GetMyEpochKey',
        request: { conversationId: 'proj', epoch: 4 },
        evaluate: true,
      },
      'FORBIDDEN',
      myEpochKey('carol', 'proj', 4),
    );
    const group = await live().evaluate<Group>('carol', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.deepEqual([group.epoch, group.rekeyRequired], [4, false]);
    await live().refused(rekey('carol', 5, sealedFor('alice', 'carol')), 'CONFLICT', getGroup('alice', 'proj'));
  });

  it('groups.GetGroup: a member reads the group / a former member (FORBIDDEN) and an unknown id (NOT_FOUND) are refused, the group unchanged (read by carol)', async () => {
    const seen = await live().evaluate<Group>('alice', 'groups', 'GetGroup', { conversationId: 'proj' });
    assert.equal(seen.myRole, 'admin');
    assert.equal(seen.epoch, 4);
    assert.equal(seen.memberCount, 2);
    assert.equal(seen.policyVersion, 2);
    const get = (as: User, conversationId: string) => ({
      as,
      contract: 'groups',
      tx: 'GetGroup',
      request: { conversationId },
      evaluate: true,
    });
    await live().refused(get('bob', 'proj'), 'FORBIDDEN', getGroup('carol', 'proj'));
    await live().refused(get('alice', 'nope'), 'NOT_FOUND', getGroup('carol', 'nope'), getGroup('carol', 'proj'));
  });

  it('groups.ListMembers: a member lists the members / a removed member (FORBIDDEN) and an unknown id (NOT_FOUND) are refused, the list unchanged (read by alice)', async () => {
    const members = await live().evaluate<Members>('carol', 'groups', 'ListMembers', { conversationId: 'proj' });
    assert.equal(members.members.length, 2);
    const list = (as: User, conversationId: string) => ({
      as,
      contract: 'groups',
      tx: 'ListMembers',
      request: { conversationId },
      evaluate: true,
    });
    await live().refused(list('dave', 'proj'), 'FORBIDDEN', listMembers('alice', 'proj'));
    await live().refused(
      list('carol', 'nope'),
      'NOT_FOUND',
      listMembers('alice', 'nope'),
      listMembers('alice', 'proj'),
    );
  });

  it('groups.GetMyEpochKey: carol gets her key for each epoch / a future epoch (NOT_FOUND), a former member (FORBIDDEN) and a member with no key at that epoch (NOT_FOUND) are refused, keys unchanged (read by alice)', async () => {
    for (const [epoch, wrapped] of projKeys) {
      const key = await live().evaluate<{ epoch: number; userId: string; wrappedKey: string }>(
        'carol',
        'groups',
        'GetMyEpochKey',
        { conversationId: 'proj', epoch },
      );
      assert.deepEqual([key.epoch, key.userId, key.wrappedKey], [epoch, uid('carol'), wrapped[uid('carol')]]);
    }
    const current = await live().evaluate<{ epoch: number }>('carol', 'groups', 'GetMyEpochKey', {
      conversationId: 'proj',
    });
    assert.equal(current.epoch, 4);

    const keyOf = (as: User, epoch?: number) => ({
      as,
      contract: 'groups',
      tx: 'GetMyEpochKey',
      request: epoch === undefined ? { conversationId: 'proj' } : { conversationId: 'proj', epoch },
      evaluate: true,
    });
    const readBacks = [myEpochKey('alice', 'proj'), getGroup('alice', 'proj')];
    await live().refused(keyOf('carol', 5), 'NOT_FOUND', ...readBacks);
    await live().refused(keyOf('bob', 1), 'FORBIDDEN', ...readBacks);
    await live().refused(keyOf('dave', 2), 'FORBIDDEN', ...readBacks);

    // Dave rejoins at epoch 5: his epoch-2 key is his again, but he never had one for epoch 3 or 4.
    const wrappedKeys = sealedFor('alice', 'carol', 'dave');
    await live().submit('carol', 'groups', 'AddMember', {
      eventTag: TAG,
      conversationId: 'proj',
      userId: uid('dave'),
      role: 'member',
      wrappedKeys,
    });
    const old = await live().evaluate<{ wrappedKey: string }>('dave', 'groups', 'GetMyEpochKey', {
      conversationId: 'proj',
      epoch: 2,
    });
    assert.equal(old.wrappedKey, projKeys.get(2)?.[uid('dave')]);
    await live().refused(keyOf('dave', 3), 'NOT_FOUND', myEpochKey('carol', 'proj', 3), getGroup('carol', 'proj'));
  });

  it("groups.ListMyConversations: each user lists exactly their current conversations, paged / a bookmark into another user's index and an oversized page (BAD_INPUT) are refused, the index unchanged (read by its owner)", async () => {
    type Mine = { conversations: Array<{ conversationId: string; since: number }>; bookmark: string };
    const mine = async (as: User, request: Record<string, unknown> = {}) =>
      live().evaluate<Mine>(as, 'groups', 'ListMyConversations', request);
    const dm = directId('alice', 'bob');
    const ids = (page: Mine) => page.conversations.map((c) => c.conversationId);
    assert.deepEqual(ids(await mine('alice')), [dm, 'proj', 'retained']);
    // Bob left proj; dave was removed and added back.
    assert.deepEqual(ids(await mine('bob')), [dm, 'retained']);
    assert.deepEqual(ids(await mine('dave')), ['proj']);
    const page1 = await mine('alice', { pageSize: 2 });
    const page2 = await mine('alice', { pageSize: 2, bookmark: page1.bookmark });
    assert.deepEqual([...ids(page1), ...ids(page2)], [dm, 'proj', 'retained']);
    assert.equal(page2.bookmark, '');

    const list = (as: User, request: Record<string, unknown>) => ({
      as,
      contract: 'groups',
      tx: 'ListMyConversations',
      request,
      evaluate: true,
    });
    const aliceIndex: ReadBack = { as: 'alice', contract: 'groups', tx: 'ListMyConversations', request: {} };
    await live().refused(list('dave', { bookmark: `memberof|${uid('alice')}|proj` }), 'BAD_INPUT', aliceIndex);
    await live().refused(list('dave', { pageSize: 201 }), 'BAD_INPUT', aliceIndex);
  });

  it('smoke.PutNote: alice writes a note / an over-long text and an unknown field (BAD_INPUT) are refused, the note unchanged (read by bob)', async () => {
    const note = await live().submit<{ owner: string; text: string }>('alice', 'smoke', 'PutNote', {
      noteId: 'n1',
      text: 'hello',
    });
    assert.equal(note.owner, uid('alice'));
    const seen = await live().evaluate<{ owner: string; text: string }>('bob', 'smoke', 'GetNote', { noteId: 'n1' });
    assert.deepEqual(seen, note);
    await live().refused(
      { as: 'alice', contract: 'smoke', tx: 'PutNote', request: { noteId: 'n1', text: 'x'.repeat(257) } },
      'BAD_INPUT',
      getNote('bob', 'n1'),
    );
    await live().refused(
      { as: 'alice', contract: 'smoke', tx: 'PutNote', request: { noteId: 'n1', text: 'hi', owner: uid('bob') } },
      'BAD_INPUT',
      getNote('bob', 'n1'),
    );
  });

  it('smoke.GetNote: bob reads the note / an unknown note (NOT_FOUND) and a malformed id (BAD_INPUT) are refused, the note unchanged (read by alice)', async () => {
    const seen = await live().evaluate<{ text: string }>('bob', 'smoke', 'GetNote', { noteId: 'n1' });
    assert.equal(seen.text, 'hello');
    const get = (noteId: string) => ({
      as: 'bob' as const,
      contract: 'smoke',
      tx: 'GetNote',
      request: { noteId },
      evaluate: true,
    });
    await live().refused(get('n2'), 'NOT_FOUND', getNote('alice', 'n2'), getNote('alice', 'n1'));
    await live().refused(get('bad|id'), 'BAD_INPUT', getNote('alice', 'n1'));
  });

  const messages = (listed: Listed) => listed.messages.map((m) => [m.sender, m.status, m.payload?.ciphertext]);
  const text = (s: string) => Buffer.from(s).toString('base64');
  let chat: Posted[] = [];

  it('messages.ListMessages: a member lists, pages and windows the conversation, an empty window is an empty page / a non-member (FORBIDDEN), from after to (BAD_INPUT) and a bookmark outside the window (BAD_INPUT) are refused, the conversation unchanged (read by others)', async () => {
    await live().submit('alice', 'groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'chat',
      policy: POLICY,
      members: [
        { userId: uid('bob'), role: 'member' },
        { userId: uid('dave'), role: 'member' },
      ],
      wrappedKeys: sealedFor('alice', 'bob', 'dave'),
    });
    chat = [
      await post('alice', 'chat', 1, 'one'),
      await post('bob', 'chat', 1, 'two'),
      await post('dave', 'chat', 1, 'three'),
    ];

    const list = (request: Record<string, unknown>) =>
      live().evaluate<Listed>('dave', 'messages', 'ListMessages', { conversationId: 'chat', pageSize: 50, ...request });
    assert.deepEqual(messages(await list({})), [
      [uid('alice'), 'active', text('one')],
      [uid('bob'), 'active', text('two')],
      [uid('dave'), 'active', text('three')],
    ]);
    const page1 = await list({ pageSize: 2 });
    assert.equal(page1.messages.length, 2);
    assert.notEqual(page1.bookmark, '');
    const page2 = await list({ pageSize: 2, bookmark: page1.bookmark });
    assert.deepEqual(messages(page2), [[uid('dave'), 'active', text('three')]]);
    assert.equal(page2.bookmark, '');
    const [, second] = chat as [Posted, Posted, Posted];
    assert.deepEqual(messages(await list({ from: second.time, to: second.time })), [
      [uid('bob'), 'active', text('two')],
    ]);
    assert.deepEqual(await list({ from: 0, to: 1 }), { messages: [], bookmark: '' });

    const attempt = (as: User, request: Record<string, unknown>) => ({
      as,
      contract: 'messages',
      tx: 'ListMessages',
      request: { conversationId: 'chat', pageSize: 50, ...request },
      evaluate: true,
    });
    await live().refused(attempt('carol', {}), 'FORBIDDEN', listMessages('alice', 'chat'));
    await live().refused(attempt('bob', { from: 2, to: 1 }), 'BAD_INPUT', listMessages('alice', 'chat'));
    await live().refused(
      attempt('bob', { from: second.time, to: second.time, bookmark: page1.bookmark }),
      'BAD_INPUT',
      listMessages('dave', 'chat'),
    );
  });

  it('messages.DeleteMessage: the sender erases his message even after leaving / another member (FORBIDDEN), an unknown message (NOT_FOUND) and erasing twice (CONFLICT) are refused, the messages unchanged (read by others)', async () => {
    const [, bobs] = chat as [Posted, Posted, Posted];
    const del = (as: User, messageId: string) => ({
      as,
      contract: 'messages',
      tx: 'DeleteMessage',
      request: { eventTag: TAG, conversationId: 'chat', messageId },
    });
    await live().refused(del('alice', bobs.messageId), 'FORBIDDEN', listMessages('dave', 'chat'));
    await live().refused(del('bob', 'm-unknown'), 'NOT_FOUND', listMessages('alice', 'chat'));

    await live().submit('bob', 'groups', 'Leave', { eventTag: TAG, conversationId: 'chat' });
    const erased = await live().call<{ status: string }>(del('bob', bobs.messageId));
    assert.equal(erased.status, 'erased');
    for (const reader of ['alice', 'dave'] as const) {
      const listed = await live().evaluate<Listed>(reader, 'messages', 'ListMessages', {
        conversationId: 'chat',
        pageSize: 50,
      });
      assert.deepEqual(messages(listed), [
        [uid('alice'), 'active', text('one')],
        [uid('bob'), 'erased', undefined],
        [uid('dave'), 'active', text('three')],
      ]);
      const tomb = listed.messages[1];
      assert.equal(tomb?.reason, 'sender');
      assert.equal(tomb?.ciphertextHash, undefined);
    }
    await live().refused(del('bob', bobs.messageId), 'CONFLICT', listMessages('alice', 'chat'));
  });

  it("messages.PurgeExpired: after the 60 s retention an admin of a member's org purges the payload on both orgs' peers / a non-member (FORBIDDEN), a compliance officer (FORBIDDEN) and limit 0 (BAD_INPUT) are refused, the message unchanged (read by alice and bob)", async () => {
    const purge = (as: User, request: Record<string, unknown> = {}) => ({
      as,
      contract: 'messages',
      tx: 'PurgeExpired',
      request: { conversationId: 'retained', ...request },
    });
    const readBacks = [listMessages('alice', 'retained'), listMessages('bob', 'retained')];
    await live().refused(purge('dave'), 'FORBIDDEN', ...readBacks);
    await live().refused(purge('auditor2'), 'FORBIDDEN', ...readBacks);
    const [before] = await live().refused(purge('org2admin', { limit: 0 }), 'BAD_INPUT', ...readBacks);
    assert.equal(valueOf<Listed>(before).messages[0]?.status, 'active');

    // Message time is its transaction time; wait until it is older than the retention
    // plus the 60 s clock guard band (nobody may purge early by stamping ahead).
    await sleepUntil(retained.time + 60_000 + 60_000 + 2_000);
    const purged = await live().submit<{ purged: number; messageIds: string[] }>(
      'org2admin',
      'messages',
      'PurgeExpired',
      { conversationId: 'retained' },
    );
    assert.deepEqual(purged.messageIds, [retained.messageId]);
    for (const reader of ['alice', 'bob'] as const) {
      const listed = await live().evaluate<Listed>(reader, 'messages', 'ListMessages', {
        conversationId: 'retained',
        pageSize: 10,
      });
      assert.equal(listed.messages[0]?.status, 'erased');
      assert.equal(listed.messages[0]?.reason, 'retention');
      assert.equal(listed.messages[0]?.payload, undefined);
    }
    // The erasure receipt lands in the sender's org copy of the audit trail.
    const receipts = await auditTrail(live(), 'auditor2', { action: 'retention.purge' });
    assert.deepEqual(
      receipts.map((r) => r.target),
      [retained.messageId],
    );
    const again = await live().submit<{ purged: number }>('bob', 'messages', 'PurgeExpired', {
      conversationId: 'retained',
    });
    assert.equal(again.purged, 0);
  });
});
