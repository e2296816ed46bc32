import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FABRIC, FABRIC_CA, FABRIC_COMMIT, parseVersionOutput, samePatchLineAtLeast } from '../src/versions';

describe('pinned versions', () => {
  it('pins Fabric 3.1.1 to its release commit as a pseudo-version', () => {
    assert.equal(FABRIC.version, '3.1.1');
    assert.equal(FABRIC.moduleVersion, 'v1.4.0-rc1.0.20250510200036-435a7f1a780a');
    assert.ok(FABRIC.moduleVersion.endsWith(FABRIC_COMMIT.slice(0, 12)));
    assert.match(FABRIC.moduleVersion, /^v1\.4\.0-rc1\.0\.\d{14}-[0-9a-f]{12}$/);
  });

  it('stamps the version into the peer binary so `peer version` says 3.1.1', () => {
    assert.ok(
      FABRIC.ldflags('3.1.1').some((f) => f === '-X github.com/hyperledger/fabric/common/metadata.Version=3.1.1'),
    );
  });

  it('accepts release binaries of any 3.1 patch from 3.1.1 on, and nothing else', () => {
    for (const v of ['3.1.1', '3.1.2', '3.1.5', '3.1.12']) assert.equal(FABRIC.accepts(v), true, v);
    for (const v of ['3.1.0', '3.0.0', '3.2.0', '2.5.9', '4.1.1', '3.1.1-beta', '']) {
      assert.equal(FABRIC.accepts(v), false, v);
    }
    assert.equal(samePatchLineAtLeast('1.5.21')('1.5.20'), false);
  });

  it('builds fabric-ca with cgo for its SQLite driver', () => {
    assert.equal(FABRIC_CA.cgo, true);
    assert.equal(FABRIC_CA.moduleVersion, 'v1.5.21');
  });
});

describe('parseVersionOutput', () => {
  it('reads the version line of `peer version`', () => {
    const out = 'peer:\n Version: 3.1.1\n Commit SHA: 435a7f1\n Go version: go1.26.8\n OS/Arch: linux/amd64\n';
    assert.equal(parseVersionOutput(out), '3.1.1');
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
