import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { NetworkError } from '../src/errors';
import { type NetworkContext, up } from '../src/network';
import { readRecords } from '../src/processes';
import { FABRIC } from '../src/versions';
import { isolatedNetwork } from './support/test-network';

// network:up must refuse bad conditions before it starts anything.

const dataDirs: string[] = [];

async function context(env?: NodeJS.ProcessEnv): Promise<NetworkContext> {
  const net = await isolatedNetwork();
  dataDirs.push(net.dataDir);
  return { ...net, log: () => undefined, ...(env ? { env } : {}) };
}

after(async () => {
  for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
});

describe('network:up refuses bad conditions and leaves nothing half-started', () => {
  it('a port already in use stops it, naming the port and its node', async () => {
    const ctx = await context();
    const port = ctx.topology.orderers[1]?.adminPort ?? 0;
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      await assert.rejects(up(ctx), (error: unknown) => {
        assert.ok(error instanceof NetworkError);
        assert.match(error.message, new RegExp(`${port} \\(orderer2 admin\\)`));
        return true;
      });
      assert.deepEqual(await readRecords(ctx.dataDir), []);
    } finally {
      squatter.close();
    }
  });

  it('a peer binary of the wrong Fabric version on PATH stops it', async () => {
    const fake = await mkdtemp(path.join(tmpdir(), 'ktalk-oldfabric-'));
    dataDirs.push(fake);
    for (const name of Object.values(FABRIC.commands)) {
      await writeFile(path.join(fake, name), `#!/bin/sh\necho "${name}:"\necho " Version: 2.5.12"\n`);
      await chmod(path.join(fake, name), 0o755);
    }
    const ctx = await context({ ...process.env, PATH: `${fake}:${process.env.PATH ?? ''}`, FABRIC_BIN: '' });
    await assert.rejects(up(ctx), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.match(error.message, /2\.5\.12, KTalk needs Fabric 3\.1\.x, 3\.1\.1 or newer/);
      return true;
    });
    assert.deepEqual(await readRecords(ctx.dataDir), []);
  });

  it('missing Fabric binaries (empty cache, no Go on PATH) stop it with both ways to get them', async () => {
    // A machine without the binaries and without Go: nothing cached, nothing on PATH.
    const emptyCache = await mkdtemp(path.join(tmpdir(), 'ktalk-emptycache-'));
    dataDirs.push(emptyCache);
    const ctx = await context({ PATH: '/usr/bin:/bin', HOME: process.env.HOME, KTALK_CACHE: emptyCache });
    await assert.rejects(up(ctx), (error: unknown) => {
      assert.ok(error instanceof NetworkError);
      assert.match(error.message, /fabric(-ca)? [\d.]+ binaries not found and Go is not installed/);
      assert.match(error.hint ?? '', /FABRIC(_CA)?_BIN/);
      assert.match(error.hint ?? '', /install Go/);
      return true;
    });
    assert.deepEqual(await readRecords(ctx.dataDir), []);
  });
});
