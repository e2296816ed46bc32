import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FABRIC, FABRIC_CA, FABRIC_COMMIT, parseVersionOutput } from '../src/versions';

describe('pinned versions', () => {
  it('pins Fabric 3.1.5 to its release commit as a pseudo-version', () => {
    assert.equal(FABRIC.version, '3.1.5');
    assert.ok(FABRIC.moduleVersion.endsWith(FABRIC_COMMIT.slice(0, 12)));
    assert.match(FABRIC.moduleVersion, /^v1\.4\.0-rc1\.0\.\d{14}-[0-9a-f]{12}$/);
  });

  it('stamps the version into the peer binary so `peer version` says 3.1.5', () => {
    assert.ok(
      FABRIC.ldflags('3.1.5').some((f) => f === '-X github.com/hyperledger/fabric/common/metadata.Version=3.1.5'),
    );
  });

  it('builds fabric-ca with cgo for its SQLite driver', () => {
    assert.equal(FABRIC_CA.cgo, true);
    assert.equal(FABRIC_CA.moduleVersion, 'v1.5.21');
  });
});

describe('parseVersionOutput', () => {
  it('reads the version line of `peer version`', () => {
    const out = 'peer:\n Version: 3.1.5\n Commit SHA: 86c1172\n Go version: go1.26.8\n OS/Arch: linux/amd64\n';
    assert.equal(parseVersionOutput(out), '3.1.5');
  });

  it('reads fabric-ca-server output with or without a v prefix', () => {
    assert.equal(parseVersionOutput('fabric-ca-server:\n Version: v1.5.21\n'), '1.5.21');
    assert.equal(parseVersionOutput('fabric-ca-server:\n Version: 1.5.21\n'), '1.5.21');
  });

  it('returns null for output without a version line', () => {
    assert.equal(parseVersionOutput('command not found'), null);
    assert.equal(parseVersionOutput(''), null);
  });
});
