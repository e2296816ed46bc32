import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { type SecretIo, type SecretSpec, SecretSourceError, readSecret } from '../src/node/cli/secret-sources';

const run = promisify(execFile);
const CLI = path.join(__dirname, '..', 'src', 'node', 'cli', 'ktalk.js');

const passphrase = (extra: Partial<SecretSpec> = {}): SecretSpec => ({
  label: 'wallet passphrase',
  option: 'passphrase',
  envName: 'KTALK_PASSPHRASE',
  ...extra,
});

function io(env: NodeJS.ProcessEnv = {}, answer?: string): SecretIo & { warnings: string[]; asked: string[] } {
  const warnings: string[] = [];
  const asked: string[] = [];
  return {
    env,
    warnings,
    asked,
    warn: (line) => warnings.push(line),
    ask: async (question) => {
      asked.push(question);
      if (answer === undefined) throw new Error('no terminal');
      return answer;
    },
    uid: process.getuid?.(),
  };
}

describe('CLI secrets', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ktalk-cli-secrets-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a file only its owner can read gives its first line, with no warning', async () => {
    const file = path.join(dir, 'pass');
    await writeFile(file, 'correct horse\n', { mode: 0o600 });
    const sink = io();
    assert.equal(await readSecret(passphrase({ file }), sink), 'correct horse');
    assert.deepEqual(sink.warnings, []);
    assert.deepEqual(sink.asked, []);
  });

  it('a file other users can read is refused with the mode and the fix, and nothing is read', async () => {
    const file = path.join(dir, 'open');
    await writeFile(file, 'correct horse\n');
    await chmod(file, 0o644);
    await assert.rejects(readSecret(passphrase({ file }), io()), (error: unknown) => {
      assert.ok(error instanceof SecretSourceError);
      assert.match(error.message, /can be read by other users \(mode 0644\): run chmod 600/);
      return true;
    });
  });

  it('the environment and the command line work but say who else can see them', async () => {
    const fromEnv = io({ KTALK_PASSPHRASE: 'env pass' });
    assert.equal(await readSecret(passphrase(), fromEnv), 'env pass');
    assert.match(fromEnv.warnings[0] ?? '', /KTALK_PASSPHRASE is readable by your other processes/);
    const inline = io();
    const secret = await readSecret({ label: 'enrollment secret', option: 'secret', inline: 's3cret' }, inline);
    assert.equal(secret, 's3cret');
    assert.match(inline.warnings[0] ?? '', /--secret on the command line is visible to every user/);
  });

  it('two sources for one secret are refused, naming both', async () => {
    const file = path.join(dir, 'pass2');
    await writeFile(file, 'x', { mode: 0o600 });
    await assert.rejects(
      readSecret(passphrase({ file }), io({ KTALK_PASSPHRASE: 'y' })),
      /given twice \(--passphrase-file and KTALK_PASSPHRASE\)/,
    );
  });

  it('with no source it prompts, and without a terminal it names the ways to pass it', async () => {
    const tty = io({}, 'typed');
    assert.equal(await readSecret(passphrase(), tty), 'typed');
    assert.deepEqual(tty.asked, ['wallet passphrase: ']);
    await assert.rejects(
      readSecret(passphrase(), io()),
      /no terminal to ask for the wallet passphrase: use --passphrase-fd or --passphrase-file \(or KTALK_PASSPHRASE\)/,
    );
    await assert.rejects(readSecret(passphrase({ fd: 'three' }), io()), /--passphrase-fd takes a descriptor number/);
  });

  it('the ktalk command reads a secret from a descriptor (a pipe on stdin here) and never from ps', async () => {
    // The enrollment secret arrives on fd 0; the passphrase file is refused for its mode before any network call.
    const open = path.join(dir, 'open-pass');
    await writeFile(open, 'pw\n');
    await chmod(open, 0o640);
    const child = run(
      process.execPath,
      [CLI, 'enroll', '--org', 'Org1MSP', '--id', 'x', '--secret-fd', '0', '--passphrase-file', open],
      {
        env: { PATH: process.env.PATH ?? '', KTALK_APP_DATA: dir },
      },
    );
    child.child.stdin?.end('enrollment-secret\n');
    const failed = await child.then(
      () => null,
      (error: { code?: number; stderr?: string }) => error,
    );
    assert.equal(failed?.code, 1);
    assert.match(failed?.stderr ?? '', /--passphrase-file .* can be read by other users \(mode 0640\)/);
    assert.doesNotMatch(failed?.stderr ?? '', /enrollment-secret/);
  });
});
