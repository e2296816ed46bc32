import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { revokeUser } from '../../network/src/channel/revoke';
import { type NetworkContext, prepareBinaries, up } from '../../network/src/network';
import { CHAINCODE_NAME, CHANNEL } from '../../network/src/topology';
import { openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from '../lib/identities';
import { KTalkSession, chaincodeErrorCode, gatewayErrorText } from '../lib/ktalk-session';
import { type LiveNetwork, liveNetwork } from './support/live-network';

// Revocation must reach the peers: after network:revoke the identity's
// next proposal is refused by the peers' MSP check, before any chaincode
// runs, and the directory shows it disabled.

const b64 = (bytes: number) => randomBytes(bytes).toString('base64');
type User = { status: string; encryptionKey?: string };

describe('revocation on the live network', { timeout: 15 * 60_000 }, () => {
  let network: LiveNetwork | undefined;
  let ctx: NetworkContext;
  const sessions = new Map<string, KTalkSession>();
  const as = (user: string) => {
    const session = sessions.get(user);
    assert.ok(session, user);
    return session;
  };
  let carolKeys = { encryptionKey: '', signingKey: '' };

  before(async () => {
    network = await liveNetwork('revoke');
    ctx = network.ctx;
    await up(ctx);
    const [org1, org2] = ctx.topology.peerOrgs;
    const [peer1, peer2] = ctx.topology.peers;
    assert.ok(org1 && org2 && peer1 && peer2);
    for (const [user, org, peer] of [
      ['alice', org1, peer1],
      ['carol', org1, peer1],
      ['dave', org2, peer2],
    ] as const) {
      const conn = openGateway(
        await peerEndpoint(ctx.dataDir, ctx.topology, peer),
        await devIdentity(ctx.dataDir, org, user),
      );
      sessions.set(user, new KTalkSession(conn));
    }
    carolKeys = { encryptionKey: b64(32), signingKey: b64(32) };
    await as('carol').submit('directory', 'PublishKeys', carolKeys);
  });

  after(async () => {
    for (const session of sessions.values()) session.close();
    await network?.dispose();
  });

  const revoke = async () => {
    const bins = await prepareBinaries(ctx);
    return revokeUser(
      { dataDir: ctx.dataDir, binDir: bins.fabric.dir, caBinDir: bins.ca.dir, topology: ctx.topology },
      { orgName: 'Org1', enrollmentId: 'carol', ktalkAdmin: 'org1admin' },
    );
  };

  it('revokes at the CA, puts the CRL on the channel and disables the user in the directory', async () => {
    const outcome = await revoke();
    assert.deepEqual(outcome, { userId: 'Org1MSP::carol', directory: 'disabled' });
    const record = await as('alice').evaluate<User>('directory', 'GetUser', { userId: 'Org1MSP::carol' });
    assert.equal(record.status, 'disabled');
  });

  it("refuses the revoked identity's next proposal at the peers, and nothing changes", async () => {
    const attempt = as('carol').submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    await assert.rejects(attempt, (error) => {
      // The peer's MSP check, not the chaincode: no chaincode error code.
      assert.equal(chaincodeErrorCode(error), null, gatewayErrorText(error));
      assert.match(gatewayErrorText(error), /creator certificate is not valid|revoked|access denied/i);
      return true;
    });
    const events = as('carol').connection.gateway.getNetwork(CHANNEL).getChaincodeEvents(CHAINCODE_NAME);
    await assert.rejects(
      (async () => {
        const stream = await events;
        try {
          await stream[Symbol.asyncIterator]().next();
        } finally {
          stream.close();
        }
      })(),
      /PERMISSION_DENIED|403|access denied/i,
    );
    const record = await as('dave').evaluate<User>('directory', 'GetUser', { userId: 'Org1MSP::carol' });
    assert.equal(record.status, 'disabled');
    assert.equal(record.encryptionKey, carolKeys.encryptionKey);
  });

  it('leaves everyone else working, and running it again changes nothing', async () => {
    await as('alice').submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    await as('dave').submit('directory', 'PublishKeys', { encryptionKey: b64(32), signingKey: b64(32) });
    assert.deepEqual(await revoke(), { userId: 'Org1MSP::carol', directory: 'already-disabled' });
  });
});
