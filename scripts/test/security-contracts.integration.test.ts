import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { ChaincodeEvent, CloseableAsyncIterable } from '@hyperledger/fabric-gateway';
import { ledger as ledgerProtos, peer } from '@hyperledger/fabric-protos';
import { CHAINCODE_NAME } from '../../network/src/topology';
import {
  type Identity,
  generateIdentity,
  publicIdentity,
  publishKeysRequest,
  sealedBoxGroupKeys,
} from '../../electron/src/node/crypto';
import { eventTag, recogniseEvent } from '../lib/event-tag';
import {
  type AuditRow,
  LiveLedger,
  type User,
  auditTrail,
  b64,
  directId,
  sleep,
  uid,
  useLiveLedger,
  valueOf,
} from './support/transactions-fixture';
import {
  POLICY,
  accesses,
  auditSince,
  getGroup,
  balance,
  escrow,
  grantTransient,
  grants,
  itemTransient,
  listMembers,
  listMessages,
  plainItem,
  postRequest,
} from './support/read-backs';
import { type Endorsed, endorseOnly, endorsementView } from './support/endorsement';

// The security fixes on the live two-org network, each as an attack that
// fails with state read back unchanged by another user, and the legitimate
// use that works: conversation events carry only member-computed tags;
// revoked grant keys are purged from both orgs' peers; direct conversations
// keep their shared policy; smoke notes have owners; reserved JSON keys are
// refused; audit copies reach every org involved; an evaluated RequestAccess
// reveals nothing, nor does an endorsed one never submitted; wrapped item keys
// reach no block; a held escrow claim cannot settle after the sender's refund. Members hold real epoch keys: libsodium sealed boxes to the
// X25519 keys they publish (electron/src/node/crypto), opened from the ledger.

const STAFF = ['alice', 'bob', 'carol', 'dave'] as const;
type Staff = (typeof STAFF)[number];
const HOUR = 3_600_000;

/**
 * Whether the tag matches any epoch key held (the app's client accepts only
 * the current epoch's: see electron/src/shared/event-tag.ts; these checks are
 * about what a tag reveals, so they try every key).
 */
function recogniseAny(
  event: Parameters<typeof recogniseEvent>[0],
  keys: ReadonlyMap<string, Uint8Array[]>,
): string | null {
  for (const [conversationId, held] of keys) {
    for (const key of held) {
      const found = recogniseEvent(event, new Map([[conversationId, key]]));
      if (found) return found;
    }
  }
  return null;
}

/** A member's client: its identity and the epoch keys it holds, per conversation (newest first). */
class Client {
  readonly keys = new Map<string, Uint8Array[]>();
  constructor(
    readonly user: Staff,
    readonly identity: Identity,
  ) {}

  hold(conversationId: string, key: Uint8Array): void {
    this.keys.set(conversationId, [key, ...(this.keys.get(conversationId) ?? [])]);
  }

  /** The newest epoch key held for a conversation. */
  key(conversationId: string): Uint8Array {
    const key = this.keys.get(conversationId)?.[0];
    assert.ok(key, `${this.user} holds no key for ${conversationId}`);
    return key;
  }
}

/** Every chaincode event a user's client receives from a block on. */
class Listener {
  readonly events: ChaincodeEvent[] = [];
  private constructor(private readonly stream: CloseableAsyncIterable<ChaincodeEvent>) {
    void (async () => {
      for await (const event of stream) this.events.push(event);
    })().catch(() => undefined);
  }

  static async open(ledger: LiveLedger, user: User, startBlock: bigint): Promise<Listener> {
    return new Listener(await ledger.channel(user).getChaincodeEvents(CHAINCODE_NAME, { startBlock }));
  }

  /** The events of these transactions, waiting for them to arrive. */
  async of(...txIds: string[]): Promise<ChaincodeEvent[]> {
    for (let i = 0; i < 100; i++) {
      const found = txIds.map((id) => this.events.find((e) => e.transactionId === id));
      if (found.every((e) => e !== undefined)) return found as ChaincodeEvent[];
      await sleep(100);
    }
    assert.fail(`events of ${txIds.join(', ')} never arrived`);
  }

  close(): void {
    this.stream.close();
  }
}

const text = (event: ChaincodeEvent): string => Buffer.from(event.payload).toString('utf8');

/** The private writes (collection/key → value) of one block, as delivered to `officer` with its private data. */
async function privateWrites(ledger: LiveLedger, officer: User, blockNumber: bigint): Promise<Map<string, string>> {
  const stream = await ledger.channel(officer).getBlockAndPrivateDataEvents({ startBlock: blockNumber });
  try {
    const first = await stream[Symbol.asyncIterator]().next();
    assert.ok(!first.done, `no block ${blockNumber} for ${officer}`);
    const block = first.value;
    assert.equal(BigInt(block.getBlock()?.getHeader()?.getNumber() ?? -1), blockNumber);
    const writes = new Map<string, string>();
    block.getPrivateDataMapMap().forEach((tx: ledgerProtos.rwset.TxPvtReadWriteSet) => {
      for (const ns of tx.getNsPvtRwsetList()) {
        if (ns.getNamespace() !== CHAINCODE_NAME) continue;
        for (const coll of ns.getCollectionPvtRwsetList()) {
          const rwset = ledgerProtos.rwset.kvrwset.KVRWSet.deserializeBinary(coll.getRwset_asU8());
          for (const w of rwset.getWritesList()) {
            if (!w.getIsDelete()) {
              writes.set(`${coll.getCollectionName()}/${w.getKey()}`, Buffer.from(w.getValue_asU8()).toString('utf8'));
            }
          }
        }
      }
    });
    return writes;
  } finally {
    stream.close();
  }
}

describe('Security fixes on the live network', { timeout: 20 * 60_000 }, () => {
  const clients = new Map<Staff, Client>();
  const client = (user: Staff): Client => {
    const c = clients.get(user);
    assert.ok(c, user);
    return c;
  };
  let firstBlock = 0n;

  /** A fresh epoch key sealed for each member's published X25519 key. */
  const newEpoch = (...members: Staff[]) =>
    sealedBoxGroupKeys.newEpochKey(
      members.map((m) => ({ userId: uid(m), encryptionKey: client(m).identity.encryption.publicKey })),
    );
  /** A member takes up a conversation's current key from the ledger, as its client would. */
  const takeKey = async (user: Staff, conversationId: string): Promise<Uint8Array> => {
    const { wrappedKey } = await live().evaluate<{ wrappedKey: string }>(user, 'groups', 'GetMyEpochKey', {
      conversationId,
    });
    const key = await sealedBoxGroupKeys.unwrap(wrappedKey, client(user).identity.encryption.secretKey);
    client(user).hold(conversationId, key);
    return key;
  };
  /** The request with its event tag: HMAC of the transaction's own id under `key`. */
  const tagged =
    (key: Uint8Array, request: Record<string, unknown>) =>
    (txId: string): Record<string, unknown> => ({ ...request, eventTag: eventTag(key, txId) });
  const ciphertext = () => ({ ciphertext: randomBytes(64) });
  const mine = async (user: Staff): Promise<string[]> =>
    (
      await live().evaluate<{ conversations: Array<{ conversationId: string }> }>(
        user,
        'groups',
        'ListMyConversations',
        {},
      )
    ).conversations.map((c) => c.conversationId);

  const live = useLiveLedger('security-contracts', async (ledger) => {
    for (const user of STAFF) {
      const identity = await generateIdentity();
      clients.set(user, new Client(user, identity));
      const published = await ledger.commit(
        user,
        'directory',
        'PublishKeys',
        publishKeysRequest(publicIdentity(identity)),
      );
      firstBlock = published.blockNumber + 1n;
    }
  });

  it('events: a non-member listening cannot tell which conversation or users an event is about (every tag differs, a copied tag matches nothing); members recognise their conversation by the tag, and an added member finds it through ListMyConversations / a malformed tag (BAD_INPUT) is refused, the conversation unchanged (read by alice)', async () => {
    const dave = await Listener.open(live(), 'dave', firstBlock);
    try {
      // Alice creates "secret" with bob: epoch 1, tagged with the epoch-1 key.
      const epoch1 = await newEpoch('alice', 'bob');
      client('alice').hold('secret', epoch1.epochKey);
      const created = await live().commit<{ epoch: number }>(
        'alice',
        'groups',
        'CreateGroup',
        tagged(epoch1.epochKey, {
          groupId: 'secret',
          policy: POLICY,
          members: [{ userId: uid('bob'), role: 'member' }],
          wrappedKeys: epoch1.wrappedKeys,
        }),
      );
      // Bob's client cannot recognise the event that added him: it asks for its conversations.
      const [createdEvent] = await dave.of(created.txId);
      assert.ok(createdEvent);
      assert.equal(recogniseAny(createdEvent, client('bob').keys), null);
      assert.deepEqual(await mine('bob'), ['secret']);
      assert.deepEqual(await takeKey('bob', 'secret'), epoch1.epochKey);
      assert.equal(recogniseAny(createdEvent, client('bob').keys), 'secret');

      const bobPost = await live().commit<{ messageId: string }>(
        'bob',
        'messages',
        'PostMessage',
        tagged(client('bob').key('secret'), postRequest('secret', 1)),
        ciphertext(),
      );
      // Alice adds carol: the event is tagged with the key before the change, which bob holds.
      const epoch2 = await newEpoch('alice', 'bob', 'carol');
      const added = await live().commit(
        'alice',
        'groups',
        'AddMember',
        tagged(epoch1.epochKey, {
          conversationId: 'secret',
          userId: uid('carol'),
          role: 'member',
          wrappedKeys: epoch2.wrappedKeys,
        }),
      );
      client('alice').hold('secret', epoch2.epochKey);
      const [addedEvent] = await dave.of(added.txId);
      assert.ok(addedEvent);
      assert.equal(recogniseAny(addedEvent, client('bob').keys), 'secret');
      assert.equal(recogniseAny(addedEvent, client('carol').keys), null);
      assert.deepEqual(await mine('carol'), ['secret']);
      await takeKey('carol', 'secret');
      await takeKey('bob', 'secret');
      const carolPost = await live().commit<{ messageId: string }>(
        'carol',
        'messages',
        'PostMessage',
        tagged(client('carol').key('secret'), postRequest('secret', 2)),
        ciphertext(),
      );

      // Dave, in no conversation with them, has his own group and its key.
      const solo = await newEpoch('dave');
      client('dave').hold('solo', solo.epochKey);
      await live().commit(
        'dave',
        'groups',
        'CreateGroup',
        tagged(solo.epochKey, { groupId: 'solo', policy: POLICY, members: [], wrappedKeys: solo.wrappedKeys }),
      );
      // An in-chat payment: its event must not name the conversation either.
      await live().submit('org1admin', 'payments', 'Mint', { toUserId: uid('alice'), amount: 100 });
      const paid = await live().commit('alice', 'payments', 'Transfer', {
        toUserId: uid('bob'),
        amount: 10,
        memo: '',
        conversationId: 'secret',
      });

      const events = await dave.of(created.txId, bobPost.txId, added.txId, carolPost.txId);
      assert.deepEqual(
        events.map((e) => e.eventName),
        ['groups.GroupCreated', 'messages.MessagePosted', 'groups.MemberAdded', 'messages.MessagePosted'],
      );
      const secrets = [
        'secret',
        ...STAFF.map(uid),
        bobPost.value.messageId,
        carolPost.value.messageId,
        'epoch',
        'member',
      ];
      for (const event of events) {
        const payload = JSON.parse(text(event)) as Record<string, unknown>;
        assert.deepEqual(Object.keys(payload), ['tag']);
        assert.match(String(payload.tag), /^[A-Za-z0-9+/]{43}=$/);
        for (const s of secrets) assert.ok(!text(event).includes(s), `${event.eventName} mentions ${s}`);
        // The non-member's client recognises none of them; the members' clients recognise all they hold keys for.
        assert.equal(recogniseAny(event, client('dave').keys), null);
        assert.equal(recogniseAny(event, client('bob').keys), 'secret');
        assert.equal(recogniseAny(event, client('alice').keys), 'secret');
      }
      // Carol, added at epoch 2, never held epoch 1: she recognises only what came after.
      assert.deepEqual(
        events.map((e) => recogniseAny(e, client('carol').keys)),
        [null, null, null, 'secret'],
      );
      // Every tag differs: a listener cannot even group the events by conversation.
      assert.equal(new Set(events.map(text)).size, events.length);
      const [paidEvent] = await dave.of(paid.txId);
      assert.ok(paidEvent);
      assert.deepEqual(Object.keys(JSON.parse(text(paidEvent)) as object).sort(), ['from', 'paymentId', 'to']);
      assert.ok(!text(paidEvent).includes('secret'));

      // Dave copies bob's tag into his own post: it is emitted as is, and matches nobody's key.
      const copiedTag = (JSON.parse(text(events[1] as ChaincodeEvent)) as { tag: string }).tag;
      const copy = await live().commit(
        'dave',
        'messages',
        'PostMessage',
        { ...postRequest('solo', 1), eventTag: copiedTag },
        ciphertext(),
      );
      const [copyEvent] = await dave.of(copy.txId);
      assert.ok(copyEvent);
      assert.equal(text(copyEvent), text(events[1] as ChaincodeEvent));
      for (const member of ['alice', 'bob', 'carol', 'dave'] as const) {
        assert.equal(recogniseAny(copyEvent, client(member).keys), null, member);
      }

      // A tag that is not 32 bytes is refused, and the conversation is unchanged.
      await live().refused(
        {
          as: 'bob',
          contract: 'messages',
          tx: 'PostMessage',
          request: { ...postRequest('secret', 2), eventTag: b64(31) },
          transient: ciphertext(),
        },
        'BAD_INPUT',
        listMessages('alice', 'secret'),
        getGroup('alice', 'secret'),
      );
    } finally {
      dave.close();
    }
  });

  it("a revoked grant's wrapped key, and its reshare's, are purged: the grant blocks delivered with private data to each org's peer no longer hold them, while an unrevoked grant's key stays / a revoke by someone who is neither owner nor grantor (FORBIDDEN) purges nothing, the grants unchanged (read by alice)", async () => {
    await live().submit('alice', 'sharing', 'RegisterItem', plainItem('doc-sec'), itemTransient(randomBytes(256)));
    const grant = async (as: Staff, to: Staff, canReshare: boolean, expiresAt: number) => {
      const wrappedKey = b64(80);
      const committed = await live().commit<{ grantId: string }>(
        as,
        'sharing',
        'GrantAccess',
        { itemId: 'doc-sec', grantee: { kind: 'user', userId: uid(to) }, canReshare, expiresAt },
        grantTransient(wrappedKey),
      );
      return { grantId: committed.value.grantId, block: committed.blockNumber, wrappedKey };
    };
    const expiresAt = Date.now() + HOUR;
    const bobs = await grant('alice', 'bob', true, expiresAt);
    const carols = await grant('bob', 'carol', false, expiresAt);
    const daves = await grant('alice', 'dave', false, expiresAt);
    const keyOf = (g: { grantId: string }) => `ktalkItems/itemkey|doc-sec|${g.grantId}`;
    const held = async (officer: User, g: { grantId: string; block: bigint }) =>
      (await privateWrites(live(), officer, g.block)).get(keyOf(g));
    for (const officer of ['auditor1', 'auditor2'] as const) {
      for (const g of [bobs, carols, daves]) {
        assert.deepEqual(JSON.parse((await held(officer, g)) ?? 'null'), { wrappedKey: g.wrappedKey }, officer);
      }
    }

    await live().refused(
      { as: 'carol', contract: 'sharing', tx: 'RevokeGrant', request: { itemId: 'doc-sec', grantId: daves.grantId } },
      'FORBIDDEN',
      grants('alice', 'doc-sec'),
    );
    assert.ok(await held('auditor2', daves), 'a refused revoke purges nothing');

    await live().submit('alice', 'sharing', 'RevokeGrant', { itemId: 'doc-sec', grantId: bobs.grantId });
    for (const officer of ['auditor1', 'auditor2'] as const) {
      // Deliver serves purged data no more once the purge has committed; allow the peer a moment.
      let remaining: Array<string | undefined> = [];
      for (let i = 0; i < 50; i++) {
        remaining = [await held(officer, bobs), await held(officer, carols)];
        if (remaining.every((v) => v === undefined)) break;
        await sleep(200);
      }
      assert.deepEqual(remaining, [undefined, undefined], `purged keys still delivered to ${officer}`);
      for (const g of [bobs, carols]) {
        const all = [...(await privateWrites(live(), officer, g.block)).values()].join('\n');
        assert.ok(!all.includes(g.wrappedKey), `${officer} still gets ${g.grantId}'s wrapped key`);
      }
      assert.deepEqual(JSON.parse((await held(officer, daves)) ?? 'null'), { wrappedKey: daves.wrappedKey });
    }
    const listed = await live().evaluate<{ grants: Array<{ grantId: string; state: string }> }>(
      'alice',
      'sharing',
      'ListGrants',
      { itemId: 'doc-sec' },
    );
    assert.deepEqual(
      [bobs, carols, daves].map((g) => listed.grants.find((x) => x.grantId === g.grantId)?.state),
      ['revoked', 'revoked', 'active'],
    );
  });

  it('a direct conversation: either side changes the retention / whoCanPost, whoCanInvite, paymentsAllowed and crossOrg (FORBIDDEN) are refused, the policy unchanged (read by the other side)', async () => {
    const keys = await newEpoch('alice', 'dave');
    const dm = directId('alice', 'dave');
    await live().submit(
      'alice',
      'groups',
      'OpenDirect',
      tagged(keys.epochKey, { peerUserId: uid('dave'), wrappedKeys: keys.wrappedKeys }),
    );
    const update = (as: Staff, policy: Record<string, unknown>) => ({
      as,
      contract: 'groups',
      tx: 'UpdatePolicy',
      request: tagged(keys.epochKey, { conversationId: dm, policy }),
    });
    await live().call(update('dave', { retentionSeconds: 3600 }));
    const seen = await live().evaluate<{ policy: typeof POLICY; policyVersion: number }>(
      'alice',
      'groups',
      'GetGroup',
      {
        conversationId: dm,
      },
    );
    assert.deepEqual([seen.policy.retentionSeconds, seen.policyVersion], [3600, 2]);
    for (const policy of [
      { whoCanPost: 'admins' },
      { whoCanInvite: 'members' },
      { paymentsAllowed: false },
      { crossOrg: false },
      { retentionSeconds: 60, whoCanPost: 'admins' },
    ]) {
      const [after] = await live().refused(update('dave', policy), 'FORBIDDEN', getGroup('alice', dm));
      assert.deepEqual(valueOf<{ policy: typeof POLICY }>(after).policy, { ...POLICY, retentionSeconds: 3600 });
    }
    // Both sides can still post.
    for (const as of ['alice', 'dave'] as const) {
      await live().submit(as, 'messages', 'PostMessage', tagged(keys.epochKey, postRequest(dm, 1)), ciphertext());
    }
  });

  it("smoke notes: the owner writes and overwrites, each write audited in the owner's org / another user's overwrite (FORBIDDEN) is refused, the note and both audit trails unchanged (read by carol and the officers)", async () => {
    const put = (as: Staff, text: string) => ({
      as,
      contract: 'smoke',
      tx: 'PutNote',
      request: { noteId: 'owned', text },
    });
    const first = await live().call<{ owner: string; text: string }>(put('alice', 'mine'));
    const t = Date.now();
    const [kept] = await live().refused(
      put('bob', 'now mine'),
      'FORBIDDEN',
      { as: 'carol', contract: 'smoke', tx: 'GetNote', request: { noteId: 'owned' } },
      auditSince('auditor1', t),
      auditSince('auditor2', t),
    );
    assert.deepEqual(valueOf(kept), first);
    const second = await live().call<{ owner: string; text: string }>(put('alice', 'still mine'));
    assert.deepEqual([second.owner, second.text], [uid('alice'), 'still mine']);
    const trail = await auditTrail(live(), 'auditor1', { action: 'smoke.putNote', target: 'note:owned' });
    assert.deepEqual(
      trail.map((r) => [r.actor, r.detail]),
      [
        [uid('alice'), 'new'],
        [uid('alice'), 'overwrite'],
      ],
    );
  });

  it('reserved JSON keys: a __proto__ entry in wrappedKeys (which would be dropped unseen) and a constructor key are refused (BAD_INPUT), the group unchanged (read by bob)', async () => {
    const epoch3 = await newEpoch('alice', 'bob', 'carol', 'dave');
    // JSON.parse keeps "__proto__" as an own key, so it is sent as a client would send it.
    const withProto = JSON.parse(
      JSON.stringify(epoch3.wrappedKeys).replace(/^\{/, `{"__proto__":"${b64(80)}",`),
    ) as Record<string, string>;
    const request = tagged(client('alice').key('secret'), {
      conversationId: 'secret',
      userId: uid('dave'),
      role: 'member',
      wrappedKeys: withProto,
    });
    assert.match(JSON.stringify(request('x')), /"__proto__"/);
    const [members] = await live().refused(
      { as: 'alice', contract: 'groups', tx: 'AddMember', request },
      'BAD_INPUT',
      listMembers('bob', 'secret'),
      getGroup('bob', 'secret'),
    );
    assert.equal(valueOf<{ members: unknown[] }>(members).members.length, 3);
    const post = JSON.parse(
      `{"constructor":{"prototype":{}},${JSON.stringify(postRequest('secret', 2)).slice(1)}`,
    ) as Record<string, unknown>;
    await live().refused(
      {
        as: 'bob',
        contract: 'messages',
        tx: 'PostMessage',
        request: tagged(client('bob').key('secret'), post),
        transient: ciphertext(),
      },
      'BAD_INPUT',
      listMessages('alice', 'secret'),
    );
  });

  it("audit copies: each org's compliance officer sees a post in a cross-org conversation and the revocation of a grant whose grantor or group grantee is in their org / a refused revoke (FORBIDDEN) reaches no trail (read by both officers)", async () => {
    const posted = await live().submit<{ messageId: string }>(
      'alice',
      'messages',
      'PostMessage',
      tagged(client('alice').key('secret'), postRequest('secret', 2)),
      ciphertext(),
    );
    for (const officer of ['auditor1', 'auditor2'] as const) {
      const rows = await auditTrail(live(), officer, { action: 'message.post', target: posted.messageId });
      assert.deepEqual(
        rows.map((r) => [r.actor, r.orgs]),
        [[uid('alice'), ['Org1MSP', 'Org2MSP']]],
        officer,
      );
    }

    await live().submit(
      'alice',
      'sharing',
      'RegisterItem',
      { itemId: 'doc-audit', contentHash: 'a'.repeat(64), size: 1, mimeType: 'text/plain' },
      itemTransient(randomBytes(32)),
    );
    const grant = async (as: Staff, grantee: Record<string, string>, canReshare = false) =>
      (
        await live().submit<{ grantId: string }>(
          as,
          'sharing',
          'GrantAccess',
          { itemId: 'doc-audit', grantee, canReshare, expiresAt: expiry },
          grantTransient(),
        )
      ).grantId;
    const expiry = Date.now() + HOUR;
    // Owner alice and grantee carol are Org1; only the resharer bob is Org2.
    await grant('alice', { kind: 'user', userId: uid('bob') }, true);
    const reshare = await grant('bob', { kind: 'user', userId: uid('carol') });
    // A group grant by Org1's alice: Org2 is involved only as a member org of "secret".
    const group = await grant('alice', { kind: 'group', conversationId: 'secret' });

    const t = Date.now();
    await live().refused(
      { as: 'dave', contract: 'sharing', tx: 'RevokeGrant', request: { itemId: 'doc-audit', grantId: group } },
      'FORBIDDEN',
      grants('alice', 'doc-audit'),
      auditSince('auditor1', t),
      auditSince('auditor2', t),
    );
    for (const grantId of [reshare, group]) {
      await live().submit('alice', 'sharing', 'RevokeGrant', { itemId: 'doc-audit', grantId });
    }
    const revokes = async (officer: 'auditor1' | 'auditor2'): Promise<AuditRow[]> =>
      auditTrail(live(), officer, { action: 'sharing.RevokeGrant', target: 'item:doc-audit' });
    for (const officer of ['auditor1', 'auditor2'] as const) {
      assert.deepEqual(
        (await revokes(officer)).map((r) => [r.actor, r.detail, r.orgs]),
        [
          [uid('alice'), reshare, ['Org1MSP', 'Org2MSP']],
          [uid('alice'), group, ['Org1MSP', 'Org2MSP']],
        ],
        officer,
      );
    }
  });

  it('an evaluated RequestAccess reveals nothing: a grantee, a revoked grantee and a stranger get the same answer, only a ticket id that names nothing committed, and no access record is written; submitted, the decision is read with GetTicket and the grantee reads the item / GetTicket and ReadItem on an evaluated ticket id (NOT_FOUND, FORBIDDEN) are refused, the access log unchanged (read by alice)', async () => {
    const logBefore = await live().read(accesses('alice', 'doc-sec'));
    const t = Date.now();
    for (const [as, itemId] of [
      ['dave', 'doc-sec'],
      ['bob', 'doc-sec'],
      ['org2admin', 'doc-sec'],
      ['dave', 'ghost-item'],
    ] as const) {
      const answer = await live().evaluate<Record<string, unknown>>(as, 'sharing', 'RequestAccess', { itemId });
      assert.deepEqual(Object.keys(answer), ['ticketId'], `${as} on ${itemId}`);
      assert.match(String(answer.ticketId), /^[0-9a-f]{64}$/);
      const ticketId = String(answer.ticketId);
      await live().refused(
        { as, contract: 'sharing', tx: 'GetTicket', request: { itemId, ticketId }, evaluate: true },
        'NOT_FOUND',
        accesses('alice', 'doc-sec'),
      );
      if (itemId === 'doc-sec') {
        await live().refused(
          { as, contract: 'sharing', tx: 'ReadItem', request: { itemId, ticketId }, evaluate: true },
          'FORBIDDEN',
          accesses('alice', 'doc-sec'),
        );
      }
    }
    assert.deepEqual(await live().read(accesses('alice', 'doc-sec')), logBefore, 'no access record from evaluates');
    // Nor an audit record in either org (none were committed before in this suite).
    for (const officer of ['auditor1', 'auditor2'] as const) {
      assert.deepEqual(await auditTrail(live(), officer, { action: 'sharing.RequestAccess', from: t }), [], officer);
    }

    const decide = async (as: Staff) => {
      const { value, txId } = await live().commit<{ ticketId: string }>(as, 'sharing', 'RequestAccess', {
        itemId: 'doc-sec',
      });
      assert.deepEqual(value, { ticketId: txId });
      return live().evaluate<{ ok: boolean; ticketId: string; code?: string }>(as, 'sharing', 'GetTicket', {
        itemId: 'doc-sec',
        ticketId: txId,
      });
    };
    const granted = await decide('dave');
    assert.equal(granted.ok, true);
    const served = await live().evaluate<{ grantId: string }>('dave', 'sharing', 'ReadItem', {
      itemId: 'doc-sec',
      ticketId: granted.ticketId,
    });
    assert.ok(served.grantId);
    const denied = await decide('bob');
    assert.deepEqual([denied.ok, denied.code], [false, 'FORBIDDEN']);
    const log = await live().evaluate<{ accesses: Array<{ accessor: string; outcome: string }> }>(
      'alice',
      'sharing',
      'ListAccesses',
      { itemId: 'doc-sec' },
    );
    assert.deepEqual(
      log.accesses.slice(-2).map((a) => [a.accessor, a.outcome]),
      [
        [uid('dave'), 'granted'],
        [uid('bob'), 'denied'],
      ],
    );
  });

  it("wrapped item keys never reach a block: the owner's key (RegisterItem) and a grant's key (GrantAccess) travel in transient data, so after the revoke purged the grant's key no block on the peer holds either, as raw bytes or base64, while the grantee read it back before / either key put in the request (BAD_INPUT) is refused, the item and grants unchanged (read by carol and bob)", async () => {
    const ownerKey = randomBytes(80);
    const grantKey = randomBytes(80);
    const item = plainItem('doc-blocks');
    await live().refused(
      {
        as: 'alice',
        contract: 'sharing',
        tx: 'RegisterItem',
        request: { ...item, ownerWrappedKey: b64(80) },
        transient: itemTransient(randomBytes(64), ownerKey),
      },
      'BAD_INPUT',
      grants('carol', 'doc-blocks'),
    );
    await live().submit('alice', 'sharing', 'RegisterItem', item, itemTransient(randomBytes(64), ownerKey));
    const grant = {
      itemId: 'doc-blocks',
      grantee: { kind: 'user', userId: uid('bob') },
      canReshare: false,
      expiresAt: Date.now() + HOUR,
    };
    await live().refused(
      {
        as: 'alice',
        contract: 'sharing',
        tx: 'GrantAccess',
        request: { ...grant, wrappedKey: grantKey.toString('base64') },
        transient: grantTransient(grantKey.toString('base64')),
      },
      'BAD_INPUT',
      grants('carol', 'doc-blocks'),
      grants('bob', 'doc-blocks'),
    );
    const { grantId } = await live().submit<{ grantId: string }>('alice', 'sharing', 'GrantAccess', grant, {
      wrappedKey: grantKey,
    });
    // Legitimate use: each reader gets its own key back from private data.
    const served = async (as: Staff) => {
      const { ticketId } = await live().submit<{ ticketId: string }>(as, 'sharing', 'RequestAccess', {
        itemId: 'doc-blocks',
      });
      return (
        await live().evaluate<{ wrappedKey: string }>(as, 'sharing', 'ReadItem', { itemId: 'doc-blocks', ticketId })
      ).wrappedKey;
    };
    assert.equal(await served('bob'), grantKey.toString('base64'));
    assert.equal(await served('alice'), ownerKey.toString('base64'));
    const revoked = await live().commit('alice', 'sharing', 'RevokeGrant', { itemId: 'doc-blocks', grantId });

    // Every block up to the revoke, as the compliance officer's peer delivers it.
    const needles = [ownerKey, grantKey].flatMap((k) => [k, Buffer.from(k.toString('base64'))]);
    const stream = await live().channel('auditor1').getBlockEvents({ startBlock: 0n });
    let scanned = 0;
    let sawItem = false;
    try {
      for await (const block of stream) {
        const bytes = Buffer.from(block.serializeBinary());
        for (const needle of needles) assert.equal(bytes.indexOf(needle), -1, `block ${scanned} holds a wrapped key`);
        // The scan does see request arguments: the item id is in its blocks.
        sawItem ||= bytes.includes(Buffer.from('doc-blocks'));
        scanned++;
        if (BigInt(block.getHeader()?.getNumber() ?? 0) >= revoked.blockNumber) break;
      }
    } finally {
      stream.close();
    }
    assert.ok(sawItem && BigInt(scanned) === revoked.blockNumber + 1n, `${scanned} blocks scanned`);
  });

  it("an endorsed but never submitted RequestAccess reveals nothing: for a grantee and a revoked grantee the proposal responses (answer, event, read keys, public writes) are the same but for caller, txId and time, the decision recorded for the owner only as the hash of a blinded private write; the held endorsements name no committed ticket, the access log unchanged; submitted later, both commit and only then GetTicket gives each decision and the owner's log shows both attempts (read by alice)", async () => {
    const logBefore = await live().read(accesses('alice', 'doc-sec'));
    // dave holds an active grant on doc-sec, bob's was revoked; both are Org2 users.
    const held = {
      dave: await endorseOnly(live(), 'dave', 'sharing', 'RequestAccess', { itemId: 'doc-sec' }),
      bob: await endorseOnly(live(), 'bob', 'sharing', 'RequestAccess', { itemId: 'doc-sec' }),
    };
    // The ticket's expiry is its stamp + 180 s (TICKET_TTL_MS).
    assert.deepEqual(
      endorsementView(held.dave, uid('dave'), [180_000]),
      endorsementView(held.bob, uid('bob'), [180_000]),
    );
    assert.ok(held.bob.writes.size > 0, 'the attempt is a write');
    // The decision for the owner's log is a private write, seen here only as hashes: the key is the
    // attempt's, the value is blinded with the owner's wrapped key, which neither requester can read.
    for (const e of Object.values(held)) {
      const keyHash = createHash('sha256').update(`attempt|doc-sec|${e.txId}`).digest('hex');
      assert.deepEqual([...e.privateWrites.keys()], [`ktalkItems/${keyHash}`]);
    }
    assert.equal(held.bob.event?.name, 'sharing.AccessRequested');
    for (const [as, e] of Object.entries(held) as Array<[Staff, Endorsed]>) {
      await live().refused(
        { as, contract: 'sharing', tx: 'GetTicket', request: { itemId: 'doc-sec', ticketId: e.txId }, evaluate: true },
        'NOT_FOUND',
        accesses('alice', 'doc-sec'),
      );
    }
    assert.deepEqual(
      await live().read(accesses('alice', 'doc-sec')),
      logBefore,
      'no attempt recorded without a commit',
    );

    // The legitimate path: the same endorsements, submitted.
    for (const [as, e] of Object.entries(held) as Array<[Staff, Endorsed]>) {
      assert.equal((await live().submitEndorsed(as, e.transaction)).successful, true, as);
    }
    const ticket = (as: Staff, ticketId: string) =>
      live().evaluate<{ ok: boolean; code?: string }>(as, 'sharing', 'GetTicket', { itemId: 'doc-sec', ticketId });
    assert.equal((await ticket('dave', held.dave.txId)).ok, true);
    assert.deepEqual(await ticket('bob', held.bob.txId), { ok: false, ticketId: held.bob.txId, code: 'FORBIDDEN' });
    const log = await live().evaluate<{ accesses: Array<{ txId: string; accessor: string; outcome: string }> }>(
      'alice',
      'sharing',
      'ListAccesses',
      { itemId: 'doc-sec' },
    );
    const outcomeOf = (txId: string) => log.accesses.find((a) => a.txId === txId)?.outcome;
    assert.deepEqual([outcomeOf(held.dave.txId), outcomeOf(held.bob.txId)], ['granted', 'denied']);
  });

  it('a held escrow claim cannot settle after the deadline: bob endorses a claim inside his window and holds it; alice refunds from the stamp claims close, which writes the escrow the claim read, so the held claim submitted afterwards is invalidated (MVCC_READ_CONFLICT), the escrow refunded and balances unchanged (read by alice and bob) / a claim submitted in time settles', async () => {
    await live().submit('org1admin', 'payments', 'Mint', { toUserId: uid('alice'), amount: 50 });
    // Stamped 40 s slow, CreateEscrow accepts a deadline 81 s from now
    // (stamp + 121 s), so claims stay open for stamps up to 21 s from now and
    // close (stamp + 60 s ≥ deadline) from then: a refund stamped 58 s fast
    // (inside the peers' 60 s window) is already past that line.
    const create = async (amount: number) => {
      const deadline = Date.now() - 40_000 + 121_000;
      const { escrowId } = await live().submit<{ escrowId: string }>(
        'alice',
        'payments',
        'CreateEscrow',
        { toUserId: uid('bob'), amount, deadline },
        undefined,
        -40_000,
      );
      return escrowId;
    };
    const late = await create(20);
    const claim = await endorseOnly(live(), 'bob', 'payments', 'ClaimEscrow', { escrowId: late });
    assert.match(claim.answer, /"state":"claimed"/, 'endorsed inside the window');
    // Anyone else still waits for the deadline to have surely passed.
    await live().refused(
      { as: 'carol', contract: 'payments', tx: 'RefundEscrow', request: { escrowId: late }, clockOffsetMs: 58_000 },
      'FORBIDDEN',
      escrow('alice', late),
    );
    const refunded = await live().submit<{ state: string }>(
      'alice',
      'payments',
      'RefundEscrow',
      { escrowId: late },
      undefined,
      58_000,
    );
    assert.equal(refunded.state, 'refunded');

    const before = await Promise.all([
      live().read(balance('alice')),
      live().read(balance('bob')),
      live().read(escrow('alice', late)),
    ]);
    const status = await live().submitEndorsed('bob', claim.transaction);
    assert.equal(status.successful, false);
    assert.equal(status.code, peer.TxValidationCode.MVCC_READ_CONFLICT);
    const after = await Promise.all([
      live().read(balance('alice')),
      live().read(balance('bob')),
      live().read(escrow('alice', late)),
    ]);
    assert.deepEqual(after, before, 'the held claim changed nothing');
    assert.equal(valueOf<{ state: string }>(after[2]).state, 'refunded');

    const onTime = await create(10);
    const held = await endorseOnly(live(), 'bob', 'payments', 'ClaimEscrow', { escrowId: onTime });
    assert.equal((await live().submitEndorsed('bob', held.transaction)).successful, true);
    assert.equal(
      (await live().evaluate<{ state: string }>('alice', 'payments', 'GetEscrow', { escrowId: onTime })).state,
      'claimed',
    );
  });
});
