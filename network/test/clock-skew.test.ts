import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import path from 'node:path';
import { z } from 'zod';
import { CLOCK_SKEW_WINDOW, ordererOverrides, peerOverrides } from '../src/config/node-config';
import { REPO_ROOT } from '../src/paths';
import { buildTopology } from '../src/topology';

// The network tooling never imports chaincode code; read the built constant.
const { CLOCK_SKEW_MS } = z
  .object({ CLOCK_SKEW_MS: z.number() })
  .parse(require(path.join(REPO_ROOT, 'chaincode', 'dist', 'src', 'lib', 'clock.js')));

// The chaincode's time guard bands are only safe if they are at least the
// window the peers accept client timestamps in.
describe('clock skew', () => {
  it('the chaincode guard band equals the peers and orderers time window', () => {
    assert.equal(CLOCK_SKEW_WINDOW, `${CLOCK_SKEW_MS / 1000}s`);
    const topology = buildTopology(17000);
    const [peer] = topology.peers;
    const [orderer] = topology.orderers;
    assert.ok(peer && orderer);
    const value = (overrides: ReadonlyArray<readonly [readonly string[], unknown]>, key: string) =>
      overrides.find(([p]) => p.join('.') === key)?.[1];
    assert.equal(value(peerOverrides('/data', topology, peer), 'peer.authentication.timewindow'), CLOCK_SKEW_WINDOW);
    assert.equal(
      value(ordererOverrides('/data', topology, orderer), 'General.Authentication.TimeWindow'),
      CLOCK_SKEW_WINDOW,
    );
  });
});
