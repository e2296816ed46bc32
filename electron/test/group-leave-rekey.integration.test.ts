import { DEFAULT_GROUP_POLICY } from '@ktalk/protocol';
import type { ResponseOf } from '@ktalk/protocol';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import { isCryptoError, openEnvelope, sealEnvelope, sealedBoxGroupKeys } from '../src/node/crypto';
import {
  type GroupsContext,
  directoryMemberKeys,
  groupsContextOf,
  leaveGroup,
  openMyEpochKey,
  readGroupState,
  rekeyIfRequired,
  removeMember,
  submitTagged,
} from '../src/node/groups';
import { isLedgerError } from '../src/node/ledger';
import { Messenger } from '../src/node/messaging/messenger';
import type { PullScheduler, PullTurn } from '../src/node/messaging/pull-scheduler';
import type { ClientSession } from '../src/node/session/client-session';
import { openStore } from '../src/node/store';
import { type LiveSession, liveSession } from './support/live-session';

// Forward secrecy against leavers, end to end through the client code on a
// live two-org network: a member who leaves (or is removed) never obtains
// the key of the epoch after, is refused the new messages, and cannot open
// their ciphertext with any epoch key it ever held. Alice (Org1) owns the
// groups; carol (Org1) leaves or is removed; bob (Org2) stays.

const POLICY = DEFAULT_GROUP_POLICY;

type Listed = ResponseOf<'messages', 'ListMessages'>['messages'][number];

const bytes = (b64: string): Uint8Array => new Uint8Array(Buffer.from(b64, 'base64'));
const text = (value: Uint8Array): string => Buffer.from(value).toString('utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The caller's epoch keys straight from the ledger, opened with its current X25519 secret key. */
const epochKeyOf =
  (session: ClientSession) =>
  (conversationId: string, epoch: number): Promise<Uint8Array> =>
    openMyEpochKey(
      session.ledger,
      sealedBoxGroupKeys,
      conversationId,
      epoch,
      bytes(session.messagingKey().encryptionSecretKey),
    );

async function rejectsWithLedger(action: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isLedgerError(error), `expected a LedgerError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return true;
  });
}

describe(
  'leaving or being removed: no key, no messages, no plaintext of the next epoch',
  { timeout: 20 * 60_000 },
  () => {
    let ctx: NetworkContext | undefined;
    const sessions = new Map<string, LiveSession & { close(): void }>();
    const session = (user: string): LiveSession => {
      const s = sessions.get(user);
      assert.ok(s, user);
      return s;
    };
    const groups = (user: string): GroupsContext => groupsContextOf(session(user), epochKeyOf(session(user)));

    /** Polls a read until it holds: a submit returns once the caller's own org's peer committed it. */
    const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> => {
      const end = Date.now() + timeoutMs;
      for (;;) {
        try {
          if (await check()) return;
        } catch (error) {
          if (Date.now() >= end) throw error;
        }
        assert.ok(Date.now() < end, `timed out waiting until ${what}`);
        await sleep(250);
      }
    };
    /** Every given user's peer shows the group at `epoch` with this rekeyRequired. */
    const seenBy = async (users: string[], groupId: string, epoch: number, rekeyRequired: boolean) => {
      for (const user of users) {
        await until(`${user} sees ${groupId} at epoch ${epoch}`, async () => {
          const g = await readGroupState(session(user).ledger, groupId);
          return g.epoch === epoch && g.rekeyRequired === rekeyRequired;
        });
      }
    };

    /** `owner` creates `groupId` with `others` (members): epoch 1, a fresh key wrapped for all. */
    const createGroupOf = async (owner: string, groupId: string, others: Record<string, 'member' | 'admin'>) => {
      const memberIds = [owner, ...Object.keys(others)].map((u) => session(u).userId);
      const lookup = directoryMemberKeys(session(owner).directory);
      const members = [];
      for (const userId of memberIds) members.push({ userId, encryptionKey: await lookup(userId) });
      const fresh = await sealedBoxGroupKeys.newEpochKey(members);
      await submitTagged(groups(owner), 'groups', 'CreateGroup', fresh.epochKey, {
        groupId,
        name: groupId,
        policy: POLICY,
        members: Object.entries(others).map(([user, role]) => ({ userId: session(user).userId, role })),
        wrappedKeys: fresh.wrappedKeys,
      });
      return fresh.epochKey;
    };

    /** Alice creates `groupId` with carol (member) and bob: epoch 1, a fresh key wrapped for all three. */
    const createGroup = async (groupId: string, bobsRole: 'member' | 'admin' = 'member'): Promise<Uint8Array> => {
      const key = await createGroupOf('alice', groupId, { carol: 'member', bob: bobsRole });
      await seenBy(['bob', 'carol'], groupId, 1, false);
      return key;
    };

    /** A real envelope (sealEnvelope) posted with messages.PostMessage. */
    const post = async (user: string, groupId: string, epoch: number, epochKey: Uint8Array, body: string) =>
      (await postTagged(user, groupId, epoch, epochKey, epochKey, body)).clientMessageId;

    /** Like post, with the event tag made under `tagKey` (a leaver's nudge: another conversation's key). */
    const postTagged = async (
      user: string,
      groupId: string,
      epoch: number,
      epochKey: Uint8Array,
      tagKey: Uint8Array,
      body: string,
    ) => {
      const me = session(user);
      const clientMessageId = randomBytes(12).toString('base64url');
      const sealed = await sealEnvelope({
        conversationId: groupId,
        epoch,
        sender: me.userId,
        clientMessageId,
        plaintext: new TextEncoder().encode(body),
        epochKey,
        signingSecretKey: bytes(me.messagingKey().signingSecretKey),
      });
      const committed = await submitTagged(
        groups(user),
        'messages',
        'PostMessage',
        tagKey,
        {
          conversationId: groupId,
          epoch,
          clientMessageId,
          nonce: sealed.nonce,
          signature: sealed.signature,
          attachments: [],
        },
        { ciphertext: sealed.ciphertext },
      );
      return { clientMessageId, txId: committed.transactionId };
    };

    const list = (user: string, groupId: string) =>
      session(user).ledger.evaluate('messages', 'ListMessages', { conversationId: groupId, pageSize: 50 });

    /** The message as `user` lists it, waiting for its org's peer to have it. */
    const listedBy = async (user: string, groupId: string, clientMessageId: string): Promise<Listed> => {
      let found: Listed | undefined;
      await until(`${user} lists ${clientMessageId}`, async () => {
        found = (await list(user, groupId)).messages.find((m) => m.clientMessageId === clientMessageId);
        return found?.payload !== undefined;
      });
      assert.ok(found);
      return found;
    };

    /** openEnvelope as `reader` would: the sender's signing key at the message's time from the directory. */
    const open = (reader: string, groupId: string, m: Listed, epochKey: Uint8Array) => {
      assert.ok(m.payload, 'a message with its payload');
      return openEnvelope({
        conversationId: groupId,
        epoch: m.epoch,
        sender: m.sender,
        clientMessageId: m.clientMessageId,
        nonce: m.payload.nonce,
        signature: m.payload.signature,
        ciphertext: bytes(m.payload.ciphertext),
        sentAt: m.time,
        epochKey,
        keyAt: async (userId, at) => ({
          signingKey: bytes((await session(reader).directory.getKeysAt(userId, at)).signingKey),
        }),
      });
    };

    /** What a former member can still do about a new-epoch message: nothing. */
    const formerMemberLocksOut = async (groupId: string, newEpoch: number, m: Listed, heldKeys: Uint8Array[]) => {
      const carol = session('carol');
      await rejectsWithLedger(epochKeyOf(carol)(groupId, newEpoch), 'FORBIDDEN');
      await rejectsWithLedger(
        carol.ledger.evaluate('groups', 'GetMyEpochKey', { conversationId: groupId }),
        'FORBIDDEN',
      );
      await rejectsWithLedger(list('carol', groupId), 'FORBIDDEN');
      await rejectsWithLedger(rekeyIfRequired(groups('carol'), groupId), 'FORBIDDEN');
      // Even holding the ciphertext (say, from a block), every key she ever had fails.
      assert.ok(heldKeys.length > 0);
      for (const key of heldKeys) {
        await assert.rejects(open('carol', groupId, m, key), (error: unknown) => {
          assert.ok(isCryptoError(error, 'DECRYPT_FAILED'), `expected DECRYPT_FAILED, got ${String(error)}`);
          return true;
        });
      }
    };

    before(async () => {
      const net = await isolatedNetwork();
      ctx = { ...net, log: (line) => console.log(`  [leave-rekey] ${line}`) };
      await up(ctx);
      for (const [org, user] of [
        ['Org1', 'alice'],
        ['Org1', 'carol'],
        ['Org2', 'bob'],
      ] as const) {
        sessions.set(user, await liveSession(ctx, org, user));
      }
      // Sign-in published each user's keys through its own org's peer; wait until both orgs have all three.
      for (const reader of ['alice', 'bob']) {
        for (const user of ['alice', 'carol', 'bob']) {
          await until(`${reader} sees ${user}'s keys`, async () => {
            const found = await session(reader).directory.getUser(session(user).userId);
            return found.encryptionKey === session(user).messagingKey().encryptionPublicKey;
          });
        }
      }
    });

    after(async () => {
      for (const s of sessions.values()) s.close();
      if (ctx) {
        await down(ctx);
        await rm(ctx.dataDir, { recursive: true, force: true });
      }
    });

    it('carol leaves: posting is REKEY_REQUIRED until alice re-keys; bob reads the new epoch, carol gets no key, no message and no plaintext', async () => {
      const groupId = 'leave-rekey';
      const k1 = await createGroup(groupId);
      const before = await post('alice', groupId, 1, k1, 'before carol left');
      assert.equal(text(await open('bob', groupId, await listedBy('bob', groupId, before), k1)), 'before carol left');
      // Every epoch key carol holds before leaving.
      const carolsKeys = [await epochKeyOf(session('carol'))(groupId, 1)];
      assert.deepEqual(carolsKeys[0], k1);

      assert.equal((await leaveGroup(groups('carol'), groupId)).epoch, 1);
      await seenBy(['alice', 'bob'], groupId, 1, true);
      await rejectsWithLedger(post('alice', groupId, 1, k1, 'sealed under a key carol holds'), 'REKEY_REQUIRED');
      await rejectsWithLedger(post('bob', groupId, 1, k1, 'nor from bob'), 'REKEY_REQUIRED');
      // Bob is a plain member (whoCanInvite=admins): his client leaves the re-key to a manager.
      assert.deepEqual(await rekeyIfRequired(groups('bob'), groupId), { status: 'not-allowed', epoch: 1 });

      const rekeyed = await rekeyIfRequired(groups('alice'), groupId);
      assert.equal(rekeyed.status, 'rekeyed');
      assert.ok(rekeyed.status === 'rekeyed');
      assert.equal(rekeyed.epoch, 2);
      const k2 = rekeyed.epochKey;
      assert.notDeepEqual(k2, k1);
      await seenBy(['alice', 'bob'], groupId, 2, false);
      assert.deepEqual(await rekeyIfRequired(groups('alice'), groupId), { status: 'not-required', epoch: 2 });

      const after = await post('alice', groupId, 2, k2, 'after carol left');
      const bobsKey = await epochKeyOf(session('bob'))(groupId, 2);
      assert.deepEqual(bobsKey, k2);
      const listed = await listedBy('bob', groupId, after);
      assert.equal(listed.epoch, 2);
      assert.equal(text(await open('bob', groupId, listed, bobsKey)), 'after carol left');
      await formerMemberLocksOut(groupId, 2, listed, carolsKeys);
    });

    it('carol is removed: alice’s client makes the next key for who stays; bob reads it, carol gets no key, no message and no plaintext', async () => {
      const groupId = 'remove-rekey';
      const k1 = await createGroup(groupId);
      const before = await post('alice', groupId, 1, k1, 'carol can read this');
      // Carol was a member: she read epoch 1.
      const carolsKeys = [await epochKeyOf(session('carol'))(groupId, 1)];
      assert.equal(
        text(await open('carol', groupId, await listedBy('carol', groupId, before), carolsKeys[0] as Uint8Array)),
        'carol can read this',
      );

      const removed = await removeMember(groups('alice'), groupId, session('carol').userId);
      assert.equal(removed.epoch, 2);
      await seenBy(['alice', 'bob'], groupId, 2, false);
      // RemoveMember rotated already: nothing is pending.
      assert.deepEqual(await rekeyIfRequired(groups('alice'), groupId), { status: 'not-required', epoch: 2 });

      const after = await post('alice', groupId, 2, removed.epochKey, 'after carol was removed');
      const bobsKey = await epochKeyOf(session('bob'))(groupId, 2);
      assert.deepEqual(bobsKey, removed.epochKey);
      const listed = await listedBy('bob', groupId, after);
      assert.equal(text(await open('bob', groupId, listed, bobsKey)), 'after carol was removed');
      await formerMemberLocksOut(groupId, 2, listed, carolsKeys);
    });

    it('two managers re-key at once: exactly one rotation commits, the other client reports it (CONFLICT read as done elsewhere), both hold the same new key', async () => {
      const groupId = 'race-rekey';
      const k1 = await createGroup(groupId, 'admin');
      const carolsKeys = [await epochKeyOf(session('carol'))(groupId, 1)];
      await leaveGroup(groups('carol'), groupId);
      await seenBy(['alice', 'bob'], groupId, 1, true);

      // Both clients have read the group as pending before either submits: a real race.
      let arrived = 0;
      let release: () => void = () => undefined;
      const bothRead = new Promise<void>((resolve) => (release = resolve));
      const racing = (user: string): GroupsContext => {
        const base = groups(user);
        let first = true;
        return {
          ...base,
          epochKey: async (conversationId, epoch) => {
            if (first) {
              first = false;
              if (++arrived === 2) release();
              await bothRead;
            }
            return base.epochKey(conversationId, epoch);
          },
        };
      };
      const [a, b] = await Promise.all([
        rekeyIfRequired(racing('alice'), groupId),
        rekeyIfRequired(racing('bob'), groupId),
      ]);
      const outcomes = [a, b].map((o) => [o.status, o.epoch]);
      assert.deepEqual(
        [...outcomes].sort(),
        [
          ['rekeyed', 2],
          ['rekeyed-elsewhere', 2],
        ],
        JSON.stringify(outcomes),
      );
      const winner = a.status === 'rekeyed' ? a : b;
      assert.ok(winner.status === 'rekeyed');
      await seenBy(['alice', 'bob'], groupId, 2, false);
      for (const user of ['alice', 'bob']) {
        assert.deepEqual(await epochKeyOf(session(user))(groupId, 2), winner.epochKey, `${user}'s epoch-2 key`);
      }

      const after = await post('bob', groupId, 2, winner.epochKey, 'one rotation');
      const listed = await listedBy('alice', groupId, after);
      assert.equal(text(await open('alice', groupId, listed, winner.epochKey)), 'one rotation');
      assert.notDeepEqual(winner.epochKey, k1);
      await formerMemberLocksOut(groupId, 2, listed, carolsKeys);
    });

    it("a leaver's tags stop matching: bob's client re-reads the old group for no tag carol makes after leaving, before or after the re-key; alice's still works", async () => {
      const groupId = 'leaver-nudge';
      // Bob runs the real client (Messenger) on its own store, logging what it recognises and pulls.
      const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-nudge-'));
      const store = openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) });
      const recognised: { conversationId: string; txId: string }[] = [];
      const turns: PullTurn[] = [];
      let queue: Pick<PullScheduler<unknown>, 'hold' | 'pending' | 'idle'> | undefined;
      const bobsClient = new Messenger(session('bob'), store, {
        observer: {
          onAttach: (q) => (queue = q),
          onRecognised: (conversationId, txId) => recognised.push({ conversationId, txId }),
          onTurn: (turn) => turns.push(turn),
        },
      });
      const recognisedTx = (txId: string) => recognised.some((r) => r.txId === txId);
      await bobsClient.start();
      try {
        // Carol has a conversation of her own (with alice, not bob) to post her nudges into.
        const carolsKey = await createGroupOf('carol', 'carols-own', { alice: 'member' });
        await seenBy(['carol'], 'carols-own', 1, false);
        const k1 = await createGroup(groupId);
        await until('bob’s client has the group', async () => store.getConversation(groupId)?.epoch === 1);
        const legit = await postTagged('alice', groupId, 1, k1, k1, 'a current member’s post');
        await until('bob’s client recognised alice’s post', async () => recognisedTx(legit.txId));
        assert.ok(recognised.every((r) => r.conversationId === groupId));

        await leaveGroup(groups('carol'), groupId);
        await until('bob’s client saw the leave', async () => store.getConversation(groupId)?.rekeyRequired === true);
        // In the window before the re-key carol still holds k1: her tag under it must not match.
        const inWindow = await postTagged('carol', 'carols-own', 1, carolsKey, k1, 'nudge before the re-key');
        const rekeyed = await rekeyIfRequired(groups('alice'), groupId);
        assert.ok(rekeyed.status === 'rekeyed');
        // The Rekey is tagged with the new key; bob's client reads the pending group again on it.
        await until('bob’s client moved to epoch 2', async () => {
          const c = store.getConversation(groupId);
          return c?.epoch === 2 && !c.rekeyRequired;
        });
        assert.equal(recognisedTx(inWindow.txId), false, 'the nudge in the window matched');

        // After the re-key: bob's pulls are held so the re-reads can be counted.
        await until('bob’s client is idle', async () => queue?.idle === true);
        const release = queue?.hold() ?? (() => undefined);
        const turnsBefore = turns.length;
        const recognisedBefore = recognised.length;
        let control: { clientMessageId: string; txId: string };
        let after: { clientMessageId: string; txId: string };
        try {
          after = await postTagged('carol', 'carols-own', 1, carolsKey, k1, 'nudge after the re-key');
          control = await postTagged('alice', groupId, 2, rekeyed.epochKey, rekeyed.epochKey, 'alice after the re-key');
          await until('bob’s client recognised alice’s new post', async () => recognisedTx(control.txId));
          // Events arrive in block order: carol's nudge came first and matched nothing.
          assert.deepEqual(
            recognised.slice(recognisedBefore).map((r) => r.txId),
            [control.txId],
          );
          assert.deepEqual(queue?.pending().live, [groupId]);
        } finally {
          release();
        }
        await until('bob’s client stored alice’s new post', async () =>
          store
            .pageMessages({ conversationId: groupId, limit: 50 })
            .messages.some((m) => m.clientMessageId === control.clientMessageId),
        );
        await until('bob’s client finished the pull', async () => turns.slice(turnsBefore).some((t) => t.done));
        // One re-read of the old group (alice's post), none for carol's two nudges.
        assert.equal(turns.slice(turnsBefore).filter((t) => t.conversationId === groupId).length, 1);
        assert.equal(recognisedTx(after.txId), false);
        assert.ok(!recognised.some((r) => r.txId === inWindow.txId || r.txId === after.txId));
      } finally {
        await bobsClient.stop();
        store.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  },
);
