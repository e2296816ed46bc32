import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createAppService } from '../src/node/service/app-service';
import { fixtureProfile } from './support/profile-fixtures';

describe('API service', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ktalk-api-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports each org's CA and gateway peer from the profile as down when nothing answers, as a result rather than a throw", async () => {
    const file = path.join(dir, 'profile.json');
    await writeFile(file, JSON.stringify(fixtureProfile(1)));
    const result = await createAppService({ devProfilePath: file }).networkStatus();
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.map((n) => `${n.kind} ${n.name}`),
      ['ca ca-org1', 'peer peer0.org1', 'ca ca-org2', 'peer peer0.org2'],
    );
    assert.ok(result.value.every((n) => !n.healthy));
  });

  it('turns a missing or bad profile into a typed error', async () => {
    const missing = await createAppService({ devProfilePath: path.join(dir, 'none.json') }).networkStatus();
    assert.equal(missing.ok ? '' : missing.error.code, 'PROFILE_INVALID');
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    const broken = await createAppService({ devProfilePath: bad }).networkStatus();
    assert.equal(broken.ok ? '' : broken.error.code, 'PROFILE_INVALID');
  });

  it('reads the profile named by KTALK_CONNECTION_PROFILE by default', async () => {
    const result = await createAppService({
      env: { KTALK_CONNECTION_PROFILE: path.join(dir, 'elsewhere.json') },
    }).networkStatus();
    assert.equal(result.ok ? '' : result.error.code, 'PROFILE_INVALID');
    assert.match(result.ok ? '' : result.error.message, /elsewhere\.json/);
  });
});
