import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEV_PROFILE_PATH, appProfileFor, devProfileCopies, profilePath } from '../src/connection-profile';
import { defaultDataDir } from '../src/paths';

describe('where network:up writes the app profile', () => {
  it('the default network also writes the path the app reads by default', () => {
    assert.deepEqual(devProfileCopies(defaultDataDir(), defaultDataDir()), [DEV_PROFILE_PATH]);
    assert.equal(appProfileFor(defaultDataDir(), defaultDataDir()), DEV_PROFILE_PATH);
  });

  it('a second network in another data dir leaves the app profile alone and names its own', () => {
    const other = path.join('/tmp', 'ktalk-second-network');
    assert.deepEqual(devProfileCopies(other, defaultDataDir()), []);
    assert.equal(appProfileFor(other, defaultDataDir()), profilePath(other));
  });

  it('the same data dir named another way is still the default network', () => {
    const spelled = path.join(defaultDataDir(), '..', 'network');
    assert.deepEqual(devProfileCopies(spelled, defaultDataDir()), [DEV_PROFILE_PATH]);
  });
});
