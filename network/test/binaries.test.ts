import assert from 'node:assert/strict';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { findBinaries } from '../src/binaries';
import { NetworkError } from '../src/errors';
import { FABRIC, FABRIC_CA } from '../src/versions';
import { scratchDir } from './support/scratch-dir';

/** A directory of stand-in binaries that print the given version. */
async function fakeBinDir(names: string[], version: string): Promise<string> {
  const dir = await scratchDir('ktalk-fakebin-');
  for (const name of names) {
    const file = path.join(dir, name);
    await writeFile(file, `#!/bin/sh\necho "${name}:"\necho " Version: ${version}"\n`);
    await chmod(file, 0o755);
  }
  return dir;
}

const fabricNames = Object.values(FABRIC.commands);

describe('finding Fabric binaries', () => {
  it('refuses a peer of the wrong Fabric version on PATH, naming both versions', async () => {
    const dir = await fakeBinDir(fabricNames, '2.5.9');
    const cache = await scratchDir('ktalk-cache-');
    await assert.rejects(
      findBinaries(FABRIC, { PATH: `${dir}:/usr/bin:/bin`, KTALK_CACHE: cache }),
      (error: unknown) => {
        assert.ok(error instanceof NetworkError);
        assert.match(error.message, /wrong fabric on PATH/);
        assert.match(error.message, /2\.5\.9.*3\.1\.1 or newer/);
        assert.match(error.hint ?? '', /FABRIC_BIN/);
        return true;
      },
    );
  });

  it('refuses a FABRIC_BIN of the wrong version instead of silently building', async () => {
    const dir = await fakeBinDir(fabricNames, '3.0.0');
    await assert.rejects(
      findBinaries(FABRIC, { PATH: '/usr/bin:/bin', FABRIC_BIN: dir }),
      /FABRIC_BIN=.*3\.0\.0, KTalk needs Fabric 3\.1\.x, 3\.1\.1 or newer/,
    );
  });

  it('accepts a FABRIC_BIN of a later 3.1 patch release and says which version runs', async () => {
    const dir = await fakeBinDir(fabricNames, '3.1.5');
    const found = await findBinaries(FABRIC, { PATH: '/usr/bin:/bin', FABRIC_BIN: dir });
    assert.equal(found?.source, 'FABRIC_BIN');
    assert.equal(found?.dir, dir);
    assert.equal(found?.version, '3.1.5');
  });

  it('refuses a 3.1 release older than 3.1.1', async () => {
    const dir = await fakeBinDir(fabricNames, '3.1.0');
    await assert.rejects(findBinaries(FABRIC, { PATH: '/usr/bin:/bin', FABRIC_BIN: dir }), /3\.1\.0, KTalk needs/);
  });

  it('reports a FABRIC_BIN that lacks some binaries', async () => {
    const dir = await fakeBinDir(['peer'], '3.1.5');
    await assert.rejects(findBinaries(FABRIC, { PATH: '/usr/bin:/bin', FABRIC_BIN: dir }), /lacks orderer/);
  });

  it('uses the per-version cache outside the repository', async () => {
    const cache = await scratchDir('ktalk-cache-');
    const bin = path.join(cache, 'fabric-ca', '1.5.21', 'bin');
    await mkdir(bin, { recursive: true });
    const fake = await fakeBinDir(Object.values(FABRIC_CA.commands), '1.5.21');
    for (const name of Object.values(FABRIC_CA.commands)) {
      await writeFile(path.join(bin, name), `#!/bin/sh\nexec ${path.join(fake, name)} "$@"\n`);
      await chmod(path.join(bin, name), 0o755);
    }
    const found = await findBinaries(FABRIC_CA, { PATH: '/usr/bin:/bin', KTALK_CACHE: cache });
    assert.equal(found?.source, 'cache');
    assert.equal(found?.dir, bin);
  });

  it('returns nothing (so the caller builds) when no binaries exist anywhere', async () => {
    const cache = await scratchDir('ktalk-cache-');
    assert.equal(await findBinaries(FABRIC, { PATH: '/usr/bin:/bin', KTALK_CACHE: cache }), null);
  });
});
