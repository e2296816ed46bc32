import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { chaincodeServerName, nodeDir } from '../../network/src/ca/crypto';
import { type NetworkContext, deploy, down, up } from '../../network/src/network';
import { CHAINCODE_DIR, committedDefinition } from '../../network/src/nodes/chaincode';
import { REPO_ROOT } from '../../network/src/paths';
import { HOST } from '../../network/src/topology';
import { runSmokeFlow } from '../lib/smoke-flow';
import { type LiveNetwork, liveNetwork } from './support/live-network';

// Redeploying changed chaincode and restarting on the same data dir, on the
// live network; and the chaincode server's TLS, which only the peer passes.

/** A copy of the built chaincode whose smoke event has another name: changed code, observable from a client. */
async function changedChaincode(eventName: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-cc-'));
  await cp(path.join(CHAINCODE_DIR, 'dist'), path.join(dir, 'dist'), { recursive: true });
  await cp(path.join(CHAINCODE_DIR, 'package.json'), path.join(dir, 'package.json'));
  const smoke = path.join(dir, 'dist', 'src', 'contracts', 'smoke-contract.js');
  const code = await readFile(smoke, 'utf8');
  assert.ok(code.includes("'smoke.NotePut'"));
  await writeFile(smoke, code.replace("'smoke.NotePut'", `'${eventName}'`));
  await symlink(path.join(REPO_ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  return dir;
}

/** Tries a TLS handshake with the chaincode server, optionally presenting a client certificate. */
function handshake(port: number, ca: string, client?: { cert: string; key: string }): Promise<'ok' | string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: HOST, port, ca, servername: 'localhost', ALPNProtocols: ['h2'], ...client });
    socket.once('secureConnect', () => {
      // TLS 1.3 reports a refused client certificate only on the first read.
      socket.once('data', () => resolve('ok'));
      socket.once('error', (error) => resolve(error.message));
      socket.once('close', () => resolve('closed'));
      setTimeout(() => resolve('ok'), 1000).unref();
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

describe('chaincode lifecycle on the live network', { timeout: 15 * 60_000 }, () => {
  let network: LiveNetwork | undefined;
  let ctx: NetworkContext;
  const copies: string[] = [];

  before(async () => {
    network = await liveNetwork('lifecycle');
    ctx = network.ctx;
    await up(ctx);
  });

  after(async () => {
    await network?.dispose();
    for (const dir of copies) await rm(dir, { recursive: true, force: true });
  });

  const definition = async () => {
    const peer = ctx.topology.peers[0];
    assert.ok(peer && network);
    return committedDefinition(ctx.dataDir, network.fabricBin, ctx.topology, peer);
  };

  it('serves the chaincode over mutual TLS: only a certificate from the org CA gets in', async () => {
    const [org1, org2] = ctx.topology.peerOrgs;
    const [peer1, peer2] = ctx.topology.peers;
    assert.ok(org1 && org2 && peer1 && peer2);
    const tlsDir = (org: typeof org1, node: string) => path.join(nodeDir(ctx.dataDir, org, node), 'tls');
    const ca = await readFile(path.join(tlsDir(org1, chaincodeServerName(peer1.name)), 'ca.crt'), 'utf8');
    const peerCert = {
      cert: await readFile(path.join(tlsDir(org1, peer1.name), 'server.crt'), 'utf8'),
      key: await readFile(path.join(tlsDir(org1, peer1.name), 'server.key'), 'utf8'),
    };
    const otherOrg = {
      cert: await readFile(path.join(tlsDir(org2, peer2.name), 'server.crt'), 'utf8'),
      key: await readFile(path.join(tlsDir(org2, peer2.name), 'server.key'), 'utf8'),
    };
    assert.equal(await handshake(peer1.chaincodeServerPort, ca, peerCert), 'ok');
    assert.notEqual(await handshake(peer1.chaincodeServerPort, ca), 'ok', 'no client certificate');
    assert.notEqual(await handshake(peer1.chaincodeServerPort, ca, otherOrg), 'ok', "the other org's certificate");
  });

  it('redeploys changed chaincode at the next sequence, and the new code answers', async () => {
    const before = await definition();
    assert.ok(before);
    const copy = await changedChaincode('smoke.NotePutV2');
    copies.push(copy);
    await deploy({ ...ctx, chaincodeDir: copy });
    const after = await definition();
    assert.equal(after?.sequence, before.sequence + 1);
    assert.notEqual(after?.version, before.version);
    const result = await runSmokeFlow(ctx.dataDir, ctx.topology);
    assert.equal(result.eventSeenByOrg2.name, 'smoke.NotePutV2');
    // A second deploy of the same code changes nothing.
    await deploy({ ...ctx, chaincodeDir: copy });
    assert.deepEqual(await definition(), after);
  });

  it('comes back after down and up on the same data dir, with the same definition', async () => {
    const copy = copies[0];
    assert.ok(copy);
    const committed = await definition();
    await down(ctx);
    assert.equal(await up({ ...ctx, chaincodeDir: copy }), 'started');
    assert.deepEqual(await definition(), committed);
    const result = await runSmokeFlow(ctx.dataDir, ctx.topology);
    assert.equal(result.eventSeenByOrg2.name, 'smoke.NotePutV2');
  });
});
