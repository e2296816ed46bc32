import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { common, orderer } from '@hyperledger/fabric-protos';
import type { OrdererProfile } from '../src/common/connection-profile';
import { AdminError } from '../src/node/admin';
import { broadcast, isSuccess } from '../src/node/admin/orderer-broadcast';
import { FIXTURE_CA_PEM, FIXTURE_LEAF_KEY_PEM, FIXTURE_LEAF_PEM } from './support/profile-fixtures';

// Broadcasting to the ordering service, against stand-in orderers: real
// gRPC servers over TLS that implement AtomicBroadcast and answer with a
// chosen status. Only the far side is replaced; the client code, its TLS
// and the protobuf framing are the ones the app uses.

interface FakeOrderer {
  readonly profile: OrdererProfile;
  readonly received: common.Envelope[];
  stop(): Promise<void>;
}

async function fakeOrderer(status: number, info = ''): Promise<FakeOrderer> {
  const received: common.Envelope[] = [];
  const server = new grpc.Server();
  server.addService(orderer.AtomicBroadcastService, {
    broadcast(call: grpc.ServerDuplexStream<common.Envelope, orderer.BroadcastResponse>) {
      call.on('data', (envelope: common.Envelope) => {
        received.push(envelope);
        const response = new orderer.BroadcastResponse();
        response.setStatus(status as orderer.BroadcastResponse.AsObject['status']);
        response.setInfo(info);
        call.write(response);
      });
      call.on('end', () => call.end());
    },
    deliver(call: grpc.ServerDuplexStream<common.Envelope, orderer.DeliverResponse>) {
      call.end();
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(FIXTURE_LEAF_PEM), private_key: Buffer.from(FIXTURE_LEAF_KEY_PEM) }],
    false,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    // The fixture leaf certificate names CN=leaf.
    profile: { endpoint: `127.0.0.1:${port}`, tlsServerName: 'leaf', tlsRootCertificate: FIXTURE_CA_PEM },
    received,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

function envelope(): common.Envelope {
  const e = new common.Envelope();
  e.setPayload(Buffer.from('payload'));
  e.setSignature(Buffer.from('signature'));
  return e;
}

describe('broadcast to the orderers', () => {
  const running: FakeOrderer[] = [];
  const start = async (status: number, info?: string) => {
    const o = await fakeOrderer(status, info);
    running.push(o);
    return o;
  };
  /** An address where nothing listens (a stopped stand-in's port). */
  let nobody: OrdererProfile;

  before(async () => {
    const gone = await fakeOrderer(200);
    nobody = gone.profile;
    await gone.stop();
  });
  after(async () => {
    for (const o of running) await o.stop();
  });

  it('delivers the envelope byte for byte over TLS and reports SUCCESS', async () => {
    const o = await start(200);
    const outcome = await broadcast([o.profile], envelope());
    assert.equal(isSuccess(outcome), true);
    assert.equal(outcome.orderer, o.profile.endpoint);
    assert.equal(o.received.length, 1);
    assert.deepEqual(Buffer.from(o.received[0]?.serializeBinary() ?? []), Buffer.from(envelope().serializeBinary()));
  });

  it('moves on from an unreachable orderer and from SERVICE_UNAVAILABLE', async () => {
    const busy = await start(503, 'no Raft leader');
    const ok = await start(200);
    const outcome = await broadcast([nobody, busy.profile, ok.profile], envelope(), 3_000);
    assert.equal(outcome.orderer, ok.profile.endpoint);
    assert.equal(busy.received.length, 1);
  });

  it('returns any other answer as final (the caller decides), without trying the next orderer', async () => {
    const refusing = await start(403, 'implicit policy evaluation failed');
    const ok = await start(200);
    const outcome = await broadcast([refusing.profile, ok.profile], envelope());
    assert.deepEqual(
      { status: outcome.status, info: outcome.info, ok: isSuccess(outcome) },
      { status: 403, info: 'implicit policy evaluation failed', ok: false },
    );
    assert.equal(ok.received.length, 0);
  });

  it('fails as NETWORK_UNAVAILABLE when no orderer takes it, or when TLS does not check out', async () => {
    await assert.rejects(broadcast([nobody], envelope(), 2_000), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.code, 'NETWORK_UNAVAILABLE');
      return true;
    });
    const o = await start(200);
    const wrongName = { ...o.profile, tlsServerName: 'orderer.elsewhere' };
    await assert.rejects(broadcast([wrongName], envelope(), 3_000), (error: unknown) => {
      assert.ok(error instanceof AdminError && error.code === 'NETWORK_UNAVAILABLE', String(error));
      return true;
    });
    assert.equal(o.received.length, 0, 'nothing is sent to a server whose certificate does not match');
  });
});
