import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { z } from 'zod';

// electron-builder.yml is checked here because packaging itself cannot run
// on these machines: the targets, the app id, and which files would go into
// app.asar, computed by applying its `files` patterns to the repository's
// real files (sources, build output, the dev network's .ktalk data).

const ROOT = path.resolve(__dirname, '..', '..', '..');

const builderConfig = z.object({
  appId: z.string(),
  productName: z.string(),
  files: z.array(z.string()).min(1),
  asar: z.literal(true),
  asarUnpack: z.array(z.string()).min(1),
  linux: z.object({ target: z.array(z.string()), maintainer: z.string().optional() }),
  win: z.object({ target: z.union([z.string(), z.array(z.string())]) }),
  mac: z.object({ target: z.union([z.string(), z.array(z.string())]) }),
  electronFuses: z.record(z.string(), z.boolean()).optional(),
});

const config = builderConfig.parse(parse(readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')));
const packageJson = z
  .object({ main: z.string() })
  .parse(JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')));

/** electron-builder's glob dialect as far as this file uses it: **, *, ?, {a,b}; dotfiles match (the stricter reading). */
function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob.charAt(i);
    if (glob.startsWith('**/', i)) {
      out += '(?:.*/)?';
      i += 2;
    } else if (glob.startsWith('**', i)) {
      out += '.*';
      i += 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '{') out += '(?:';
    else if (c === '}') out += ')';
    else if (c === ',') out += '|';
    else out += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}

/** Whether `files` puts a repository path into the app: the last matching pattern decides. */
function packaged(file: string): boolean {
  let included = false;
  for (const pattern of config.files) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(file)) included = !negated;
  }
  return included;
}

function walk(dir: string, skip: (rel: string) => boolean): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(path.join(ROOT, dir), { withFileTypes: true });
  } catch {
    return out;
  }
  for (const entry of entries) {
    const rel = path.posix.join(dir, entry.name);
    if (skip(rel)) continue;
    if (entry.isDirectory()) out.push(...walk(rel, skip));
    else out.push(rel);
  }
  return out;
}

/** Every tracked file plus everything the build and the dev network wrote. */
function repositoryFiles(): string[] {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const generated = [...walk('build', (rel) => rel === 'build/dist'), ...walk('.ktalk', () => false)];
  const samples = [
    '.ktalk/connection-profile.json',
    '.ktalk/network/crypto/org1/users/alice/msp/keystore/priv_sk',
    'build/electron/test/shell-ipc.test.js',
    'build/electron/test/support/dev-identities.js',
    'build/electron/src/main/main.js.map',
    'build/electron/src/main/main.d.ts',
    'build/renderer-dist/assets/index.js.map',
    'build/network/src/cli.js',
    'build/scripts/start.js',
    'chaincode/dist/index.js',
    'electron/src/main/main.ts',
    'renderer/src/main.tsx',
  ];
  return [...new Set([...tracked, ...generated, ...samples])];
}

describe('electron-builder configuration', () => {
  it('builds AppImage and deb on Linux, NSIS on Windows, a DMG on macOS', () => {
    assert.deepEqual([...config.linux.target].sort(), ['AppImage', 'deb']);
    assert.deepEqual([config.win.target].flat(), ['nsis']);
    assert.deepEqual([config.mac.target].flat(), ['dmg']);
    // A .deb cannot be built without a maintainer e-mail address.
    assert.match(config.linux.maintainer ?? '', /<[^@\s]+@[^>\s]+>/);
  });

  it('names the app', () => {
    assert.equal(config.appId, 'io.ktalk.desktop');
    assert.equal(config.productName, 'KTalk');
  });

  it('packages the main entry, the preload and the built renderer', () => {
    assert.equal(packageJson.main, 'build/electron/src/main/main.js');
    for (const file of [
      packageJson.main,
      'package.json',
      'build/electron/src/preload/preload.js',
      'build/electron/src/node/service/app-service.js',
      'build/electron/src/common/api-args.js',
      'build/renderer-dist/index.html',
      'build/renderer-dist/assets/index-1a2b.js',
    ]) {
      assert.equal(packaged(file), true, file);
    }
  });

  it('packages no tests, sources, source maps, declarations, tooling or .ktalk data', () => {
    const shipped = repositoryFiles().filter(packaged);
    assert.ok(shipped.length > 0);
    for (const file of shipped) {
      const allowed =
        file === 'package.json' ||
        (file.startsWith('build/electron/src/') && file.endsWith('.js')) ||
        file.startsWith('build/renderer-dist/');
      assert.ok(allowed, `would be packaged: ${file}`);
      assert.doesNotMatch(file, /(^|\/)(test|tests)\//, file);
      assert.doesNotMatch(file, /\.(ts|tsx|map)$/, file);
      assert.doesNotMatch(file, /^\.ktalk\//, file);
    }
  });

  it("unpacks better-sqlite3-multiple-ciphers' native module from the asar", () => {
    const native = 'node_modules/better-sqlite3-multiple-ciphers/build/Release/better_sqlite3.node';
    assert.ok(config.asarUnpack.some((pattern) => globToRegExp(pattern).test(native)));
  });

  it('sets the fuses that keep the packaged app from running as plain Node', () => {
    assert.equal(config.electronFuses?.runAsNode, false);
    assert.equal(config.electronFuses?.enableNodeOptionsEnvironmentVariable, false);
    assert.equal(config.electronFuses?.enableNodeCliInspectArguments, false);
    assert.equal(config.electronFuses?.onlyLoadAppFromAsar, true);
    assert.equal(config.electronFuses?.enableEmbeddedAsarIntegrityValidation, true);
  });
});
