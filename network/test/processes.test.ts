import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NetworkError } from '../src/errors';
import { createServer } from 'node:net';
import {
  isRunning,
  processGroupAlive,
  readRecords,
  startProcess,
  stopAll,
  stopProcess,
  waitUntilReady,
} from '../src/processes';
import { scratchDir } from './support/scratch-dir';

const newDataDir = () => scratchDir('ktalk-proc-');

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

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

  it('returns only when every process of the group has exited and its port is free', async () => {
    const dataDir = await newDataDir();
    const port = await freePort();
    // The leader exits on SIGTERM at once; its child ignores SIGTERM and keeps the port.
    const child = `process.on('SIGTERM', () => {}); require('net').createServer().listen(${port}, '127.0.0.1', () => console.log('listening'))`;
    const record = await startProcess(dataDir, {
      name: 'leader',
      command: '/bin/sh',
      args: ['-c', `${JSON.stringify(process.execPath)} -e ${JSON.stringify(child)} & wait`],
      env: {},
      cwd: dataDir,
    });
    await waitUntilReady(record, async () => !(await canListen(port)), 'listening', 10_000);
    await stopProcess(dataDir, record, 500);
    assert.equal(await processGroupAlive(record.pid), false);
    assert.equal(await canListen(port), true);
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
