import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Contract, Proposal } from '@hyperledger/fabric-gateway';
import { gateway as gatewayProtos, peer } from '@hyperledger/fabric-protos';
import { generateIdentity, sealedBoxGroupKeys } from '../src/node/crypto';
import { type GroupsContext, MemberKeyError, directoryMemberKeys, rekeyIfRequired } from '../src/node/groups';
import { type Committed, type LedgerClient, LedgerError, isLedgerError, responseSchema } from '../src/node/ledger';
import { connectGateway } from '../src/node/fabric/gateway';
import { eventTag } from '../src/shared/event-tag';
import { FIXTURE_LEAF_KEY_PEM, FIXTURE_LEAF_PEM } from './support/profile-fixtures';

// rekeyIfRequired against a stand-in ledger (the far side only): real
// proposals are built through a real gateway object (it signs locally and
// never connects), and the Rekey request is read back out of their bytes.

const ME = 'Org1MSP::alice';
const MEMBERS = ['Org1MSP::alice', 'Org2MSP::bob', 'Org1MSP::erin'];
const TAG_KEY = new Uint8Array(32).fill(5);

// A gRPC client for a port nobody listens on: building a proposal never dials.
const client = new grpc.Client('127.0.0.1:1', grpc.credentials.createInsecure());
const gateway = connectGateway(client, {
  mspId: 'Org1MSP',
  certificatePem: FIXTURE_LEAF_PEM,
  privateKeyPem: FIXTURE_LEAF_KEY_PEM,
});
const contract = gateway.getNetwork('ktalk').getContract('ktalk', 'groups');
after(() => {
  gateway.close();
  client.close();
});

/** The JSON request inside a built proposal. */
function requestOf(proposal: Proposal): Record<string, unknown> {
  const proposed = gatewayProtos.ProposedTransaction.deserializeBinary(proposal.getBytes());
  const signed = proposed.getProposal();
  assert.ok(signed);
  const payload = peer.ChaincodeProposalPayload.deserializeBinary(
    peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8()).getPayload_asU8(),
  );
  const args = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8())
    .getChaincodeSpec()
    ?.getInput()
    ?.getArgsList_asU8();
  assert.equal(Buffer.from(args?.[0] ?? []).toString(), 'groups:Rekey');
  return JSON.parse(Buffer.from(args?.[1] ?? []).toString('utf8')) as Record<string, unknown>;
}

interface GroupView {
  epoch: number;
  rekeyRequired: boolean;
  myRole: 'owner' | 'admin' | 'member' | 'reader';
  whoCanInvite?: 'admins' | 'members';
}

/** A ledger that answers reads from `views` in turn and each Rekey submit with the next of `outcomes`. */
function standIn(views: GroupView[], outcomes: Array<'ok' | LedgerError>) {
  const sent: Array<{ request: Record<string, unknown>; txId: string }> = [];
  let reads = 0;
  const ledger: LedgerClient = {
    submit: () => Promise.reject(new Error('not used')),
    async submitProposal(name: string, build: (c: Contract) => Proposal): Promise<Committed> {
      assert.equal(name, 'groups');
      const proposal = build(contract);
      const request = requestOf(proposal);
      sent.push({ request, txId: proposal.getTransactionId() });
      const outcome = outcomes.shift();
      if (outcome === undefined) throw new Error('no outcome left');
      if (outcome !== 'ok') throw outcome;
      const answer = { conversationId: request.groupId, epoch: request.epoch };
      return {
        result: Buffer.from(JSON.stringify(answer)),
        transactionId: proposal.getTransactionId(),
        blockNumber: 9n,
        attempts: 1,
      };
    },
    async evaluate(name, tx, request) {
      assert.equal(name, 'groups');
      const schema = responseSchema(name, tx);
      if (tx === 'GetGroup') {
        const view = views[Math.min(reads++, views.length - 1)] as GroupView;
        return schema.parse({
          conversationId: (request as { conversationId: string }).conversationId,
          kind: 'group',
          creator: 'Org1MSP::owner',
          creatorOrg: 'Org1MSP',
          createdAt: 1,
          updatedAt: 1,
          policyVersion: 1,
          memberCount: MEMBERS.length,
          memberOrgs: ['Org1MSP'],
          epoch: view.epoch,
          rekeyRequired: view.rekeyRequired,
          myRole: view.myRole,
          policy: {
            whoCanInvite: view.whoCanInvite ?? 'admins',
            whoCanPost: 'members',
            retentionSeconds: 0,
            paymentsAllowed: true,
            crossOrg: false,
          },
        });
      }
      if (tx === 'ListMembers') {
        return schema.parse({ members: MEMBERS.map((userId) => ({ userId, role: 'member', since: 1 })) });
      }
      throw new Error(`unexpected ${tx}`);
    },
  };
  return { ledger, sent, reads: () => reads };
}

async function memberKeys(): Promise<Map<string, { publicKey: Uint8Array; secretKey: Uint8Array }>> {
  const keys = new Map<string, { publicKey: Uint8Array; secretKey: Uint8Array }>();
  for (const userId of MEMBERS) keys.set(userId, (await generateIdentity()).encryption);
  return keys;
}

async function contextWith(
  ledger: LedgerClient,
): Promise<{ ctx: GroupsContext; keys: Awaited<ReturnType<typeof memberKeys>> }> {
  const keys = await memberKeys();
  const ctx: GroupsContext = {
    userId: ME,
    ledger,
    gateway,
    memberKey: async (userId) => {
      const pair = keys.get(userId);
      if (!pair) throw new MemberKeyError('NO_KEYS', userId, 'unknown');
      return pair.publicKey;
    },
    epochKey: async (_conversationId, epoch) => {
      assert.equal(epoch, 3, 'the tag is made with the epoch before the change');
      return TAG_KEY;
    },
    groupKeys: sealedBoxGroupKeys,
  };
  return { ctx, keys };
}

const pending: GroupView = { epoch: 3, rekeyRequired: true, myRole: 'admin' };
const conflict = () => new LedgerError('CONFLICT', 'groups.Rekey: CONFLICT: g needs no re-key');

describe('rekeyIfRequired', () => {
  it('a manager makes epoch+1 for exactly the current members, tagged with the new epoch key (the leaver holds the current one) and its own transaction id', async () => {
    const { ledger, sent } = standIn([pending], ['ok']);
    const { ctx, keys } = await contextWith(ledger);
    const outcome = await rekeyIfRequired(ctx, 'g');
    assert.equal(outcome.status, 'rekeyed');
    assert.ok(outcome.status === 'rekeyed');
    assert.equal(outcome.epoch, 4);
    assert.equal(sent.length, 1);
    const [{ request, txId }] = sent as [{ request: Record<string, unknown>; txId: string }];
    assert.deepEqual(Object.keys(request).sort(), ['epoch', 'eventTag', 'groupId', 'wrappedKeys']);
    assert.deepEqual([request.groupId, request.epoch], ['g', 4]);
    assert.equal(request.eventTag, eventTag(outcome.epochKey, txId));
    const wrapped = request.wrappedKeys as Record<string, string>;
    assert.deepEqual(Object.keys(wrapped).sort(), [...MEMBERS].sort());
    // Each member opens the same fresh key, the one handed back.
    for (const [userId, pair] of keys) {
      assert.deepEqual(await sealedBoxGroupKeys.unwrap(wrapped[userId] as string, pair.secretKey), outcome.epochKey);
    }
  });

  it('nothing pending: no submit', async () => {
    const { ledger, sent } = standIn([{ epoch: 3, rekeyRequired: false, myRole: 'owner' }], []);
    const { ctx } = await contextWith(ledger);
    assert.deepEqual(await rekeyIfRequired(ctx, 'g'), { status: 'not-required', epoch: 3 });
    assert.equal(sent.length, 0);
  });

  it('a member (whoCanInvite=admins) and a reader leave it to a manager; a member may when members invite', async () => {
    for (const view of [
      { ...pending, myRole: 'member' as const },
      { ...pending, myRole: 'reader' as const, whoCanInvite: 'members' as const },
    ]) {
      const { ledger, sent } = standIn([view], []);
      const { ctx } = await contextWith(ledger);
      assert.deepEqual(await rekeyIfRequired(ctx, 'g'), { status: 'not-allowed', epoch: 3 });
      assert.equal(sent.length, 0);
    }
    const { ledger } = standIn([{ ...pending, myRole: 'member', whoCanInvite: 'members' }], ['ok']);
    assert.equal((await rekeyIfRequired((await contextWith(ledger)).ctx, 'g')).status, 'rekeyed');
  });

  it('losing the race (CONFLICT) re-reads and reports the other client’s epoch', async () => {
    const { ledger, sent, reads } = standIn(
      [pending, { epoch: 4, rekeyRequired: false, myRole: 'admin' }],
      [conflict()],
    );
    const { ctx } = await contextWith(ledger);
    assert.deepEqual(await rekeyIfRequired(ctx, 'g'), { status: 'rekeyed-elsewhere', epoch: 4 });
    assert.deepEqual([sent.length, reads()], [1, 2]);
  });

  it('a CONFLICT from a peer that is behind is retried after a re-read, and this client re-keys', async () => {
    const { ledger, sent } = standIn([pending, pending], [conflict(), 'ok']);
    const { ctx } = await contextWith(ledger);
    const outcome = await rekeyIfRequired(ctx, 'g');
    assert.deepEqual([outcome.status, outcome.epoch, sent.length], ['rekeyed', 4, 2]);
  });

  it('gives up after a few rounds with the ledger’s error; other refusals are not retried', async () => {
    const stuck = standIn([pending], [conflict(), conflict(), conflict()]);
    await assert.rejects(rekeyIfRequired((await contextWith(stuck.ledger)).ctx, 'g'), (e: unknown) =>
      isLedgerError(e, 'CONFLICT'),
    );
    assert.equal(stuck.sent.length, 3);
    const refused = standIn([pending], [new LedgerError('FORBIDDEN', 'groups.Rekey: FORBIDDEN')]);
    await assert.rejects(rekeyIfRequired((await contextWith(refused.ledger)).ctx, 'g'), (e: unknown) =>
      isLedgerError(e, 'FORBIDDEN'),
    );
    assert.equal(refused.sent.length, 1);
  });

  it('a member without a usable directory key stops the re-key before anything is sent', async () => {
    const { ledger, sent } = standIn([pending], ['ok']);
    const { ctx } = await contextWith(ledger);
    const directory = {
      getUser: async (userId: string) => ({
        userId,
        mspId: 'Org1MSP',
        enrollmentId: 'x',
        status: userId === 'Org2MSP::bob' ? ('disabled' as const) : ('active' as const),
        encryptionKey: Buffer.alloc(32, 1).toString('base64'),
        registeredAt: 0,
      }),
    };
    await assert.rejects(rekeyIfRequired({ ...ctx, memberKey: directoryMemberKeys(directory) }, 'g'), (e: unknown) => {
      assert.ok(e instanceof MemberKeyError);
      assert.equal(e.userId, 'Org2MSP::bob');
      return true;
    });
    assert.equal(sent.length, 0);
  });
});
