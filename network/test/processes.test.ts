import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { NetworkError } from '../src/errors';
import { isRunning, readRecords, startProcess, stopAll, waitUntilReady } from '../src/processes';

const newDataDir = () => mkdtemp(path.join(tmpdir(), 'ktalk-proc-'));

describe('process control', () => {
  it('records a started process by PID and stops it by that PID', async () => {
    const dataDir = await newDataDir();
    const record = await startProcess(dataDir, {
      name: 'sleeper',
      command: '/bin/sleep',
      args: ['30'],
      env: {},
      cwd: dataDir,
    });
    assert.equal(await isRunning(record), true);
    assert.deepEqual(
      (await readRecords(dataDir)).map((r) => r.pid),
      [record.pid],
    );
    await stopAll(dataDir);
    assert.equal(await isRunning(record), false);
    assert.deepEqual(await readRecords(dataDir), []);
  });

  it('does not treat a reused PID running another program as ours', async () => {
    const dataDir = await newDataDir();
    const record = await startProcess(dataDir, {
      name: 'sleeper',
      command: '/bin/sleep',
      args: ['30'],
      env: {},
      cwd: dataDir,
    });
    try {
      assert.equal(await isRunning({ ...record, command: '/opt/fabric/bin/peer' }), false);
    } finally {
      await stopAll(dataDir);
    }
  });

  it('fails with the last log lines when a process dies while starting', async () => {
    const dataDir = await newDataDir();
    const record = await startProcess(dataDir, {
      name: 'crasher',
      command: '/bin/sh',
      args: ['-c', 'echo "panic: cannot bind"; exit 3'],
      env: {},
      cwd: dataDir,
    });
    await assert.rejects(
      waitUntilReady(record, async () => false, 'starting', 5000),
      (error: unknown) => {
        assert.ok(error instanceof NetworkError);
        assert.match(error.message, /crasher exited while starting/);
        assert.match(error.logTail ?? '', /panic: cannot bind/);
        return true;
      },
    );
    await stopAll(dataDir);
  });
});
