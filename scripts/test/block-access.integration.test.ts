import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Network } from '@hyperledger/fabric-gateway';
import { common } from '@hyperledger/fabric-protos';
import { type NetworkContext, up } from '../../network/src/network';
import { readGauge } from '../../network/src/nodes/health';
import { CHAINCODE_NAME, CHANNEL, type Org } from '../../network/src/topology';
import { type GatewayConnection, openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../lib/identities';
import { gatewayErrorText } from '../lib/ktalk-session';
import { type LiveNetwork, liveNetwork } from './support/live-network';
import { ordererDelivery } from './support/orderer-deliver';

// Blocks hold every ciphertext envelope, member list, balance and audit
// record of the channel. Staff clients must not get them from the peers'
// delivery service, from qscc or from any orderer's own Deliver service;
// peers, org admins and compliance officers may, from every node alike.
// Staff keep chaincode events and commit status.

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');

/** The first item of a delivery stream, or the error the peer answered with. */
async function firstDelivery(
  open: () => Promise<AsyncIterable<unknown> & { close(): void }>,
): Promise<'delivered' | string> {
  let stream: (AsyncIterable<unknown> & { close(): void }) | undefined;
  try {
    stream = await open();
    const first = await stream[Symbol.asyncIterator]().next();
    return first.done ? 'stream ended' : 'delivered';
  } catch (error) {
    return gatewayErrorText(error);
  } finally {
    stream?.close();
  }
}

describe('block access on the live network', { timeout: 15 * 60_000 }, () => {
  let network: LiveNetwork | undefined;
  let ctx: NetworkContext;
  const conns = new Map<string, GatewayConnection>();
  let txId = '';

  const connect = async (org: Org, user: string, identity = devIdentity(ctx.dataDir, org, user)) => {
    const peer = ctx.topology.peers.find((p) => p.org === org.name);
    assert.ok(peer);
    const conn = openGateway(await peerEndpoint(ctx.dataDir, ctx.topology, peer), await identity);
    conns.set(user, conn);
    return conn;
  };
  const net = (user: string): Network => {
    const conn = conns.get(user);
    assert.ok(conn, user);
    return conn.gateway.getNetwork(CHANNEL);
  };
  const height = async () =>
    readGauge(ctx.topology.peers[0]?.operationsPort ?? 0, `ledger_blockchain_height{channel="${CHANNEL}"}`);

  before(async () => {
    network = await liveNetwork('blocks');
    ctx = network.ctx;
    await up(ctx);
    const [org1, org2] = ctx.topology.peerOrgs;
    assert.ok(org1 && org2);
    await connect(org1, 'alice');
    await connect(org1, 'auditor1');
    await connect(org2, 'auditor2');
    // The org's Fabric admin (OU=admin), as an operator's tools would use it.
    await connect(org1, 'Admin');
    const directory = net('alice').getContract(CHAINCODE_NAME, 'directory');
    const submitted = await directory.submitAsync('PublishKeys', {
      arguments: [JSON.stringify({ encryptionKey: b64(32), signingKey: b64(32) })],
    });
    txId = submitted.getTransactionId();
    assert.ok((await submitted.getStatus()).successful);
  });

  after(async () => {
    for (const conn of conns.values()) conn.close();
    await network?.dispose();
  });

  it('refuses block, filtered-block and private-data delivery to a staff client', async () => {
    const before = await height();
    const start = { startBlock: 0n };
    for (const open of [
      () => net('alice').getBlockEvents(start),
      () => net('alice').getFilteredBlockEvents(start),
      () => net('alice').getBlockAndPrivateDataEvents(start),
    ]) {
      assert.match(await firstDelivery(open), /status response: 403/);
    }
    assert.equal(await height(), before);
  });

  it('refuses qscc block and transaction queries to a staff client', async () => {
    const qscc = net('alice').getContract('qscc');
    for (const [fn, args] of [
      ['GetChainInfo', [CHANNEL]],
      ['GetBlockByNumber', [CHANNEL, '1']],
      ['GetBlockByTxID', [CHANNEL, txId]],
      ['GetTransactionByID', [CHANNEL, txId]],
    ] as const) {
      await assert.rejects(qscc.evaluateTransaction(fn, ...args), (error) => {
        assert.match(gatewayErrorText(error), /access denied|Failed authorization|policy/i, fn);
        return true;
      });
    }
  });

  it('still gives a staff client chaincode events and commit status', async () => {
    const events = await net('alice').getChaincodeEvents(CHAINCODE_NAME, { startBlock: 0n });
    try {
      for await (const event of events) {
        assert.ok(event.eventName.length > 0);
        break;
      }
    } finally {
      events.close();
    }
    const directory = net('alice').getContract(CHAINCODE_NAME, 'directory');
    const submitted = await directory.submitAsync('PublishKeys', {
      arguments: [JSON.stringify({ encryptionKey: b64(32), signingKey: b64(32) })],
    });
    assert.ok((await submitted.getStatus()).successful);
  });

  it("lets each org's compliance officer fetch and check the block of a transaction", async () => {
    for (const officer of ['auditor1', 'auditor2']) {
      const qscc = net(officer).getContract('qscc');
      const block = common.Block.deserializeBinary(await qscc.evaluateTransaction('GetBlockByTxID', CHANNEL, txId));
      const ids = block
        .getData()
        ?.getDataList_asU8()
        .map((raw) => {
          const envelope = common.Envelope.deserializeBinary(raw);
          const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
          return common.ChannelHeader.deserializeBinary(
            payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
          ).getTxId();
        });
      assert.ok(ids?.includes(txId), officer);
    }
  });

  it('refuses block delivery to a staff client on every orderer, as the peers do', async () => {
    const [org1, org2] = ctx.topology.peerOrgs;
    assert.ok(org1 && org2);
    for (const [org, user] of [
      [org1, 'alice'],
      [org2, 'bob'],
    ] as const) {
      const identity = await devIdentity(ctx.dataDir, org, user);
      for (const node of ctx.topology.orderers) {
        assert.equal(
          await ordererDelivery(ctx.dataDir, ctx.topology, node, identity),
          'FORBIDDEN',
          `${user}@${node.name}`,
        );
      }
    }
  });

  it('every orderer delivers blocks to an org admin and to compliance officers, as the peers do', async () => {
    const [org1, org2] = ctx.topology.peerOrgs;
    assert.ok(org1 && org2);
    const readers = [
      // The org's Fabric admin (OU=admin), as an operator's tools would use it.
      ['Admin', await devIdentity(ctx.dataDir, org1, 'Admin')],
      ['auditor1', await devIdentity(ctx.dataDir, org1, 'auditor1')],
      ['auditor2', await devIdentity(ctx.dataDir, org2, 'auditor2')],
    ] as const;
    for (const [name, identity] of readers) {
      for (const node of ctx.topology.orderers) {
        assert.equal(
          await ordererDelivery(ctx.dataDir, ctx.topology, node, identity),
          'delivered',
          `${name}@${node.name}`,
        );
      }
    }
  });

  it('lets an org admin receive blocks', async () => {
    assert.equal(await firstDelivery(() => net('Admin').getBlockEvents({ startBlock: 0n })), 'delivered');
  });
});
