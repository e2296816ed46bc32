import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { type NetworkContext, up } from '../../network/src/network';
import { CHAINCODE_NAME, CHANNEL } from '../../network/src/topology';
import { type GatewayConnection, openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../lib/identities';
import { KTalkSession, type Transient, chaincodeErrorCode } from '../lib/ktalk-session';
import { type LiveNetwork, liveNetwork } from './support/live-network';
import { POLICY, keys, postRequest } from './support/read-backs';
import { TAG, b64 } from './support/transactions-fixture';

// The rulebook on the running two-org network: both orgs endorse every
// write (MAJORITY of two).

const sealedBoxes = (...userIds: string[]) => Object.fromEntries(userIds.map((u) => [u, b64(80)]));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A submit returns once the caller's own peer has committed, and the next call
 * may go through the other org's peer (which endorses too): so every submit
 * here also waits for the other peers' commit status.
 */
class CommittedEverywhere extends KTalkSession {
  constructor(
    connection: GatewayConnection,
    private readonly peers: () => KTalkSession[],
  ) {
    super(connection);
  }

  override async submit<T = unknown>(
    contract: string,
    transaction: string,
    request: unknown,
    transient?: Transient,
  ): Promise<T> {
    const result = await this.connection.gateway
      .getNetwork(CHANNEL)
      .getContract(CHAINCODE_NAME, contract)
      .submitAsync(transaction, {
        arguments: [JSON.stringify(request)],
        ...(transient ? { transientData: transient } : {}),
      });
    // The caller's own status first: it signs the request that the other peers are asked with.
    const own = await result.getStatus();
    assert.equal(own.successful, true, `${contract}.${transaction} ${own.transactionId}: code ${own.code}`);
    for (const peer of this.peers()) {
      const status = await peer.connection.gateway.newCommit(result.getBytes()).getStatus();
      assert.equal(status.successful, true, `${contract}.${transaction} not valid on every peer`);
    }
    return JSON.parse(Buffer.from(result.getResult()).toString('utf8')) as T;
  }
}

async function refused(promise: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.equal(chaincodeErrorCode(error), code, String(error));
    return true;
  });
}

describe('KTalk chaincode on the running network', { timeout: 40 * 60_000 }, () => {
  let ctx: NetworkContext;
  let network: LiveNetwork | undefined;
  const sessions = new Map<string, KTalkSession>();
  const as = (user: string): KTalkSession => {
    const session = sessions.get(user);
    if (!session) throw new Error(`no session for ${user}`);
    return session;
  };
  const id = (user: string) =>
    `${['alice', 'carol', 'org1admin', 'auditor1'].includes(user) ? 'Org1MSP' : 'Org2MSP'}::${user}`;

  before(async () => {
    network = await liveNetwork('chaincode');
    ctx = network.ctx;
    await up(ctx);
    const [org1, org2] = ctx.topology.peerOrgs;
    const [peer1, peer2] = ctx.topology.peers;
    if (!org1 || !org2 || !peer1 || !peer2) throw new Error('topology');
    for (const [user, org, peer] of [
      ['alice', org1, peer1],
      ['carol', org1, peer1],
      ['org1admin', org1, peer1],
      ['auditor1', org1, peer1],
      ['bob', org2, peer2],
      ['dave', org2, peer2],
      ['org2admin', org2, peer2],
    ] as const) {
      const conn = openGateway(
        await peerEndpoint(ctx.dataDir, ctx.topology, peer),
        await devIdentity(ctx.dataDir, org, user),
      );
      // alice and bob stand for Org1's and Org2's peers.
      sessions.set(user, new CommittedEverywhere(conn, () => [as('alice'), as('bob')]));
    }
    for (const user of ['alice', 'bob', 'carol', 'dave']) {
      await as(user).submit('directory', 'PublishKeys', keys());
    }
  });

  after(async () => {
    for (const session of sessions.values()) session.close();
    await network?.dispose();
  });

  const post = (user: string, conversationId: string, epoch: number, text: string) =>
    as(user).submit<{ messageId: string; time: number }>(
      'messages',
      'PostMessage',
      { ...postRequest(conversationId, epoch), eventTag: TAG },
      { ciphertext: Buffer.from(text) },
    );

  it('runs a cross-org group chat through an epoch change', async () => {
    await as('alice').submit('groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'crossorg',
      policy: POLICY,
      members: [
        { userId: id('bob'), role: 'member' },
        { userId: id('carol'), role: 'reader' },
      ],
      wrappedKeys: sealedBoxes(id('alice'), id('bob'), id('carol')),
    });
    await post('bob', 'crossorg', 1, 'hello from Org2');
    await as('alice').submit('groups', 'AddMember', {
      eventTag: TAG,
      conversationId: 'crossorg',
      userId: id('dave'),
      role: 'member',
      wrappedKeys: sealedBoxes(id('alice'), id('bob'), id('carol'), id('dave')),
    });
    await refused(post('bob', 'crossorg', 1, 'stale'), 'STALE_EPOCH');
    await post('dave', 'crossorg', 2, 'hello at epoch 2');
    const listed = await as('dave').evaluate<{ messages: Array<{ epoch: number; sender: string }> }>(
      'messages',
      'ListMessages',
      {
        conversationId: 'crossorg',
        pageSize: 50,
      },
    );
    assert.deepEqual(
      listed.messages.map((m) => [m.sender, m.epoch]),
      [
        [id('bob'), 1],
        [id('dave'), 2],
      ],
    );
  });

  it('refuses a reader who tries to post', async () => {
    await refused(post('carol', 'crossorg', 2, 'readers cannot post'), 'FORBIDDEN');
  });

  it('refuses a removed member, for posting and for reading', async () => {
    await as('alice').submit('groups', 'RemoveMember', {
      eventTag: TAG,
      conversationId: 'crossorg',
      userId: id('bob'),
      wrappedKeys: sealedBoxes(id('alice'), id('carol'), id('dave')),
    });
    await refused(post('bob', 'crossorg', 3, 'after removal'), 'FORBIDDEN');
    await refused(
      as('bob').evaluate('messages', 'ListMessages', { conversationId: 'crossorg', pageSize: 10 }),
      'FORBIDDEN',
    );
  });

  it("purges expired payloads from both orgs' peers, keeping tombstones and receipts", async () => {
    await as('alice').submit('groups', 'CreateGroup', {
      eventTag: TAG,
      groupId: 'shortlived',
      policy: { ...POLICY, retentionSeconds: 60 },
      members: [{ userId: id('bob'), role: 'member' }],
      wrappedKeys: sealedBoxes(id('alice'), id('bob')),
    });
    const { messageId, time } = await post('bob', 'shortlived', 1, 'gone in a minute');
    type Listed = { messages: Array<{ messageId: string; status: string; payload?: unknown }> };
    const before = await as('alice').evaluate<Listed>('messages', 'ListMessages', {
      conversationId: 'shortlived',
      pageSize: 10,
    });
    assert.ok(before.messages[0]?.payload, 'payload readable before expiry');
    // Retention plus the 60 s clock guard band: nobody may purge early by stamping ahead.
    await sleep(time + 60_000 + 60_000 + 2_000 - Date.now());
    const purge = await as('bob').submit<{ messageIds: string[] }>('messages', 'PurgeExpired', {
      conversationId: 'shortlived',
    });
    assert.deepEqual(purge.messageIds, [messageId]);
    // Read through each org's own peer: the private payload is gone on both.
    for (const user of ['alice', 'bob']) {
      const afterPurge = await as(user).evaluate<Listed>('messages', 'ListMessages', {
        conversationId: 'shortlived',
        pageSize: 10,
      });
      assert.equal(afterPurge.messages[0]?.status, 'erased');
      assert.equal(afterPurge.messages[0]?.payload, undefined);
    }
    const receipts = await as('auditor1').evaluate<{ records: Array<{ action: string; target: string }> }>(
      'audit',
      'QueryAudit',
      {
        action: 'retention.purge',
        pageSize: 200,
      },
    );
    assert.ok(receipts.records.some((r) => r.target.includes(messageId)));
  });

  it('shares an item, logs every access, and serves nothing after revocation', async () => {
    const payload = randomBytes(4096);
    await as('alice').submit(
      'sharing',
      'RegisterItem',
      {
        itemId: 'report-q3',
        contentHash: createHash('sha256').update('plaintext').digest('hex'),
        size: 9,
        mimeType: 'application/pdf',
      },
      // Wrapped keys travel in the transient map, like the payload: they land only in private data.
      { payload, ownerWrappedKey: randomBytes(80) },
    );
    const grant = await as('alice').submit<{ grantId: string }>(
      'sharing',
      'GrantAccess',
      {
        itemId: 'report-q3',
        grantee: { kind: 'user', userId: id('bob') },
        canReshare: false,
        expiresAt: Date.now() + 3_600_000,
      },
      { wrappedKey: randomBytes(80) },
    );
    // RequestAccess answers only its ticket id; the decision is read once committed.
    const decision = async (user: string) => {
      const { ticketId } = await as(user).submit<{ ticketId: string }>('sharing', 'RequestAccess', {
        itemId: 'report-q3',
      });
      return as(user).evaluate<{ ok: boolean; ticketId: string; code?: string }>('sharing', 'GetTicket', {
        itemId: 'report-q3',
        ticketId,
      });
    };
    const ticket = await decision('bob');
    assert.equal(ticket.ok, true);
    const read = await as('bob').evaluate<{ payload: string }>('sharing', 'ReadItem', {
      itemId: 'report-q3',
      ticketId: ticket.ticketId,
    });
    assert.equal(read.payload, payload.toString('base64'));

    await as('alice').submit('sharing', 'RevokeGrant', { itemId: 'report-q3', grantId: grant.grantId });
    await refused(
      as('bob').evaluate('sharing', 'ReadItem', { itemId: 'report-q3', ticketId: ticket.ticketId }),
      'FORBIDDEN',
    );
    const denied = await decision('bob');
    assert.deepEqual([denied.ok, denied.code], [false, 'FORBIDDEN']);
    await refused(
      as('dave').evaluate('sharing', 'ReadItem', { itemId: 'report-q3', ticketId: ticket.ticketId }),
      'FORBIDDEN',
    );

    const log = await as('alice').evaluate<{ accesses: Array<{ accessor: string; outcome: string }> }>(
      'sharing',
      'ListAccesses',
      {
        itemId: 'report-q3',
      },
    );
    assert.deepEqual(
      log.accesses.map((a) => [a.accessor, a.outcome]),
      [
        [id('bob'), 'granted'],
        [id('bob'), 'denied'],
      ],
    );
  });

  it('answers compliance queries for a compliance officer and refuses staff', async () => {
    const trail = await as('auditor1').evaluate<{ records: Array<{ actor: string; txId: string }> }>(
      'audit',
      'QueryAudit',
      {
        actor: id('alice'),
        pageSize: 200,
      },
    );
    assert.ok(trail.records.length > 0);
    assert.ok(trail.records.every((r) => r.actor === id('alice') && /^[0-9a-f]{64}$/.test(r.txId)));
    await refused(as('alice').evaluate('audit', 'QueryAudit', { pageSize: 10 }), 'FORBIDDEN');
  });

  it('keeps the total constant under concurrent transfers', async () => {
    const users = ['alice', 'carol', 'bob', 'dave'];
    await as('org1admin').submit('payments', 'Mint', { toUserId: id('alice'), amount: 10_000 });
    await as('org1admin').submit('payments', 'Mint', { toUserId: id('carol'), amount: 10_000 });
    await as('org2admin').submit('payments', 'Mint', { toUserId: id('bob'), amount: 10_000 });
    await as('org2admin').submit('payments', 'Mint', { toUserId: id('dave'), amount: 10_000 });
    const balance = async (u: string) =>
      (await as(u).evaluate<{ balance: number }>('payments', 'GetBalance', {})).balance;
    const total = async () => (await Promise.all(users.map(balance))).reduce((a, b) => a + b, 0);
    const before = await total();
    const attempts = Array.from({ length: 24 }, (_, i) => {
      const from = users[i % 4] as string;
      const to = users[(i + 1 + (i % 3)) % 4] as string;
      return as(from).submit('payments', 'Transfer', { toUserId: id(to), amount: 10 + i, memo: `t${i}` });
    });
    const results = await Promise.allSettled(attempts);
    const committed = results.filter((r) => r.status === 'fulfilled').length;
    console.log(
      `  ${committed}/${results.length} concurrent transfers committed; the rest were MVCC conflicts (retryable)`,
    );
    assert.ok(committed > 0);
    assert.equal(await total(), before);
  });
});
