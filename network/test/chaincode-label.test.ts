import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../src/exec';
import { CHAINCODE_DIR, chaincodeLabel, protocolDirOf } from '../src/nodes/chaincode';
import { packChaincode } from '../src/nodes/chaincode-tarball';
import { scratchDir } from './support/scratch-dir';

// The CCaaS label decides redeploys and, through the package's bytes, the
// package id: the same build must give the same label, and any change of
// shipped code (the chaincode's or the protocol it bundles) a new one.

const COLLECTIONS = [{ name: 'ktalkMessages' }];

async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, name)), { recursive: true });
    await writeFile(path.join(root, name), text);
  }
}

async function fixture(): Promise<{ chaincode: string; protocol: string }> {
  const root = await scratchDir('ktalk-label-');
  const chaincode = path.join(root, 'chaincode');
  const protocol = path.join(root, 'protocol');
  await writeFiles(chaincode, {
    'package.json': '{"name":"ktalk-chaincode"}',
    'dist/src/index.js': 'module.exports = 1;',
    'dist/src/lib/validate.js': 'exports.v = 1;',
  });
  await writeFiles(protocol, {
    'package.json': '{"name":"@ktalk/protocol"}',
    'dist/index.js': 'exports.p = 1;',
    'dist/limits.js': 'exports.pageSize = 200;',
    'dist/limits.d.ts': 'export declare const pageSize = 200;',
  });
  return { chaincode, protocol };
}

describe('chaincodeLabel', () => {
  it('is the same for the same build, wherever it lies (reproducible package id)', async () => {
    const a = await fixture();
    const b = await fixture();
    const labelA = await chaincodeLabel(a.chaincode, COLLECTIONS, a.protocol);
    assert.match(labelA, /^ktalk_[0-9a-f]{12}$/);
    assert.equal(await chaincodeLabel(a.chaincode, COLLECTIONS, a.protocol), labelA);
    assert.equal(await chaincodeLabel(b.chaincode, COLLECTIONS, b.protocol), labelA);
  });

  it("changes when the protocol's built JS changes, so a protocol change redeploys", async () => {
    const { chaincode, protocol } = await fixture();
    const before = await chaincodeLabel(chaincode, COLLECTIONS, protocol);
    await writeFile(path.join(protocol, 'dist', 'limits.js'), 'exports.pageSize = 100;');
    assert.notEqual(await chaincodeLabel(chaincode, COLLECTIONS, protocol), before);
  });

  it("changes with the chaincode's JS and the collections; declaration files do not count", async () => {
    const { chaincode, protocol } = await fixture();
    const before = await chaincodeLabel(chaincode, COLLECTIONS, protocol);
    await writeFile(path.join(protocol, 'dist', 'limits.d.ts'), 'export declare const pageSize: number;');
    assert.equal(await chaincodeLabel(chaincode, COLLECTIONS, protocol), before);
    assert.notEqual(await chaincodeLabel(chaincode, [{ name: 'other' }], protocol), before);
    await writeFile(path.join(chaincode, 'dist', 'src', 'index.js'), 'module.exports = 2;');
    assert.notEqual(await chaincodeLabel(chaincode, COLLECTIONS, protocol), before);
  });

  it('finds the protocol the chaincode resolves (the workspace package) and labels the real build', async () => {
    const dir = protocolDirOf(CHAINCODE_DIR);
    assert.equal(path.basename(dir), 'protocol');
    const label = await chaincodeLabel(CHAINCODE_DIR, COLLECTIONS);
    assert.equal(await chaincodeLabel(CHAINCODE_DIR, COLLECTIONS), label);
    assert.equal(await chaincodeLabel(CHAINCODE_DIR, COLLECTIONS, dir), label);
  });
});

describe('chaincode tarball (what an org deploys as its CCaaS server)', () => {
  it('bundles the protocol inside the package, and the packed chaincode resolves it from there', async () => {
    const out = await scratchDir('ktalk-pack-');
    const tarball = await packChaincode(CHAINCODE_DIR, out);
    const listed = await run('tar', ['tzf', tarball]);
    assert.equal(listed.code, 0, listed.stderr);
    const files = listed.stdout.split('\n');
    assert.ok(files.includes('package/dist/src/index.js'), 'the built chaincode');
    assert.ok(files.includes('package/node_modules/@ktalk/protocol/package.json'), 'the protocol, bundled');
    assert.ok(files.includes('package/node_modules/@ktalk/protocol/dist/transactions.js'), 'its transaction map');
    assert.ok(!files.some((f) => f.startsWith('package/dist/test/')), 'no tests shipped');

    const unpacked = path.join(out, 'unpacked');
    await mkdir(unpacked);
    assert.equal((await run('tar', ['xzf', tarball, '-C', unpacked])).code, 0);
    const resolved = require.resolve('@ktalk/protocol', { paths: [path.join(unpacked, 'package', 'dist', 'src')] });
    assert.ok(resolved.startsWith(path.join(unpacked, 'package', 'node_modules')), resolved);
  });
});
