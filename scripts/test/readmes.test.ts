import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// Every folder with code has a README.md, and every file a README names
// exists. Named means a backticked file name with a code or doc extension
// (examples and placeholders with `*`, `<` or `{` are left alone), or the
// target of a relative Markdown link. A backticked name with a slash is looked
// up from the README's folder and each folder above it up to the repository
// root; a bare name (`store.ts`) may also be any file below the README's
// folder, so a table of a subfolder's modules can name them as the code does.
// A link is resolved as Markdown does, from the README's folder.

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CODE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const NAMED_FILE = /^[\w@./-]+\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|md|json|ya?ml|css|html|sh|toml)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'dist', '.git', '.ktalk']);
// Named in READMEs but never in the repository: build output, what the tooling
// and the app write at run time, and Fabric's own sample configs.
const GENERATED_PREFIXES = ['build/', 'dist/', 'chaincode/dist/', '.ktalk/'];
const RUNTIME_FILES = new Set([
  'wallet.json',
  'settings.json',
  'configtx.yaml',
  'core.yaml',
  'orderer.yaml',
  'main.js',
]);

/** Repository files (tracked, or new and not ignored) relative to ROOT with `/` separators. */
function repoFiles(): string[] {
  try {
    const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // A file deleted in the work tree but not yet in the index is gone.
    return out.split('\0').filter((f) => f !== '' && existsSync(path.join(ROOT, f)));
  } catch {
    return walk('');
  }
}

/** Without git (an exported tree): every file, skipping dependencies, build output and local state. */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) out.push(...walk(rel));
    } else if (entry.isFile()) out.push(rel);
  }
  return out;
}

const FILES = repoFiles();
const FILE_SET = new Set(FILES);
const folderOf = (file: string) => path.posix.dirname(file);

/** Every `token` in a README that names a file (not an example, a glob or a placeholder). */
function namedFiles(markdown: string): string[] {
  const names = new Set<string>();
  for (const match of markdown.matchAll(/`([^`\n]+)`/g)) {
    const token = (match[1] ?? '').trim().replace(/^\.\//, '');
    if (/[*<{]/.test(token) || !NAMED_FILE.test(token)) continue;
    if (GENERATED_PREFIXES.some((prefix) => token.startsWith(prefix)) || RUNTIME_FILES.has(token)) continue;
    names.add(token);
  }
  return [...names];
}

function resolves(readmeDir: string, name: string): boolean {
  for (let dir = readmeDir; ; dir = folderOf(dir)) {
    if (FILE_SET.has(path.posix.normalize(dir === '.' ? name : `${dir}/${name}`))) return true;
    if (dir === '.') break;
  }
  if (name.includes('/')) return false;
  const below = readmeDir === '.' ? '' : `${readmeDir}/`;
  return FILES.some((f) => f.startsWith(below) && path.posix.basename(f) === name);
}

/** Targets of relative Markdown links (`[text](target)`), without their `#anchor`. */
function linkTargets(markdown: string): string[] {
  const targets = new Set<string>();
  for (const match of markdown.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = (match[1] ?? '').split('#')[0] ?? '';
    if (target === '' || /^[a-z][a-z0-9+.-]*:/i.test(target)) continue;
    targets.add(target);
  }
  return [...targets];
}

/** A link to a file, or to a folder that holds files. */
function linkResolves(readmeDir: string, target: string): boolean {
  const resolved = path.posix.normalize(readmeDir === '.' ? target : `${readmeDir}/${target}`).replace(/\/$/, '');
  return FILE_SET.has(resolved) || FILES.some((f) => f.startsWith(`${resolved}/`));
}

describe('READMEs', () => {
  it('the file list comes from the repository', () => {
    assert.ok(FILES.includes('README.md'), `no README.md at ${ROOT}`);
  });

  it('every folder with code has a README.md', () => {
    const codeDirs = new Set(FILES.filter((f) => CODE.test(f)).map(folderOf));
    const missing = [...codeDirs].filter((dir) => !existsSync(path.join(ROOT, dir, 'README.md'))).sort();
    assert.deepEqual(missing, [], `folders with code but no README.md:\n  ${missing.join('\n  ')}`);
  });

  it('every file a README names exists', () => {
    const readmes = FILES.filter((f) => path.posix.basename(f) === 'README.md').sort();
    const missing: string[] = [];
    for (const readme of readmes) {
      const markdown = readFileSync(path.join(ROOT, readme), 'utf8');
      for (const name of namedFiles(markdown)) {
        if (!resolves(folderOf(readme), name)) missing.push(`${readme} names \`${name}\`, which does not exist`);
      }
      for (const target of linkTargets(markdown)) {
        if (!linkResolves(folderOf(readme), target)) missing.push(`${readme} links to ${target}, which does not exist`);
      }
    }
    assert.deepEqual(missing, [], missing.join('\n'));
  });

  it('tells names of files from examples and run-time files', () => {
    assert.deepEqual(
      namedFiles('`a/b.ts`, `x.md`, `c.yaml` but not `*.ts`, `<dir>/d.json`, `{a,b}.ts`, `wallet.json`, `npm test`'),
      ['a/b.ts', 'x.md', 'c.yaml'],
    );
  });
});
