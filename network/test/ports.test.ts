import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { NetworkError } from '../src/errors';
import { assertNoDuplicatePorts, assertPortsFree, isPortFree } from '../src/ports';
import { DEFAULT_PORT_BASE, buildTopology, portBaseFromEnv, portClaims } from '../src/topology';

function listen(): Promise<net.Server> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

describe('port checks', () => {
  it('sees a port that something listens on as busy', async () => {
    const server = await listen();
    try {
      assert.equal(await isPortFree(portOf(server)), false);
    } finally {
      server.close();
    }
  });

  it('names the busy port and its owner in the error', async () => {
    const server = await listen();
    const port = portOf(server);
    try {
      await assert.rejects(assertPortsFree([{ port, owner: 'peer0.org1 gateway' }]), (error: unknown) => {
        assert.ok(error instanceof NetworkError);
        assert.match(error.message, new RegExp(`${port} \\(peer0.org1 gateway\\)`));
        assert.match(error.hint ?? '', /KTALK_PORT_BASE/);
        return true;
      });
    } finally {
      server.close();
    }
  });

  it('rejects a topology that gives one port to two nodes', () => {
    assert.throws(
      () =>
        assertNoDuplicatePorts([
          { port: 20000, owner: 'a' },
          { port: 20000, owner: 'b' },
        ]),
      /assigned to both a and b/,
    );
  });

  it('rejects privileged and out-of-range ports', () => {
    assert.throws(() => assertNoDuplicatePorts([{ port: 80, owner: 'x' }]), /outside 1024-65535/);
    assert.throws(() => assertNoDuplicatePorts([{ port: 70000, owner: 'x' }]), /outside 1024-65535/);
  });
});

describe('topology', () => {
  it('has 3 CAs, 3 Raft orderers and one peer per org, with distinct ports', () => {
    const t = buildTopology(DEFAULT_PORT_BASE);
    assert.equal(t.cas.length, 3);
    assert.equal(t.orderers.length, 3);
    assert.deepEqual(
      t.peers.map((p) => p.mspId),
      ['Org1MSP', 'Org2MSP'],
    );
    assert.doesNotThrow(() => assertNoDuplicatePorts(portClaims(t)));
  });

  it('moves every port with KTALK_PORT_BASE', () => {
    const a = portClaims(buildTopology(17000)).map((c) => c.port);
    const b = portClaims(buildTopology(27000)).map((c) => c.port);
    assert.deepEqual(
      b,
      a.map((p) => p + 10000),
    );
  });

  it('refuses a malformed KTALK_PORT_BASE', () => {
    assert.equal(portBaseFromEnv({}), DEFAULT_PORT_BASE);
    assert.equal(portBaseFromEnv({ KTALK_PORT_BASE: '30000' }), 30000);
    assert.throws(() => portBaseFromEnv({ KTALK_PORT_BASE: 'abc' }), /KTALK_PORT_BASE/);
    assert.throws(() => portBaseFromEnv({ KTALK_PORT_BASE: '80' }), /KTALK_PORT_BASE/);
  });
});
