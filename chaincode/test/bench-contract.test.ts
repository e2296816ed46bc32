import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { BENCH_MAX_VALUE_CHARS, BenchContract } from '../src/contracts/bench-contract';
import { chaincode } from './support/contract-router';
import { FakeLedger, alice } from './support/fake-ledger';

// The benchmark contract exists only where the chaincode process was started
// with KTALK_BENCH_CONTRACT=on. fabric-shim reads the contract list once, when
// it loads package.json main, so each setting is checked in a fresh process
// that loads the chaincode exactly as `fabric-chaincode-node server` does.
// This file's own process turns the gate on before its chaincode is first
// loaded (the router loads it lazily; node --test runs every file in its own
// process), so the transaction itself runs through the real router below.
process.env.KTALK_BENCH_CONTRACT = 'on';

const CHAINCODE_PACKAGE = path.resolve(__dirname, '..', '..');

const LIST_CONTRACTS = `
const Bootstrap = require('fabric-shim/lib/contract-spi/bootstrap');
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');
const info = Bootstrap.getInfoFromContract(process.cwd());
const cc = new ChaincodeFromContract([...info.contracts], info.serializers, {}, info.title, info.version);
process.stdout.write('\\n' + JSON.stringify(Object.keys(cc.metadata.contracts)));
`;

/** Contract namespaces served by a chaincode process with this KTALK_BENCH_CONTRACT, or its startup error. */
function servedContracts(setting: string | undefined): { names: string[] } | { error: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, CORE_CHAINCODE_LOGGING_LEVEL: 'error' };
  delete env.KTALK_BENCH_CONTRACT;
  if (setting !== undefined) env.KTALK_BENCH_CONTRACT = setting;
  const child = spawnSync(process.execPath, ['-e', LIST_CONTRACTS], { cwd: CHAINCODE_PACKAGE, env, encoding: 'utf8' });
  // The shim's own uncaughtException handler logs a load error and exits 0,
  // so success is the contract list on the last line, not the exit code.
  const last = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !last.startsWith('[')) return { error: `${child.stdout}\n${child.stderr}` };
  return { names: JSON.parse(last) as string[] };
}

describe('KTALK_BENCH_CONTRACT gate', () => {
  it('leaves the bench contract out when unset, empty or "off"', () => {
    for (const setting of [undefined, '', 'off']) {
      const served = servedContracts(setting);
      assert.ok('names' in served, `setting ${String(setting)}: ${'error' in served ? served.error : ''}`);
      assert.ok(served.names.includes('messages'), `setting ${String(setting)}: ${served.names.join(', ')}`);
      assert.ok(!served.names.includes('bench'), `setting ${String(setting)} must not serve bench`);
    }
  });

  it('adds the bench contract with "on", next to every production contract', () => {
    const off = servedContracts(undefined);
    const on = servedContracts('on');
    assert.ok('names' in off && 'names' in on);
    assert.deepEqual(on.names.filter((n) => n !== 'bench').sort(), [...off.names].sort());
    assert.ok(on.names.includes('bench'));
  });

  it('refuses to start on any other value rather than guess', () => {
    for (const setting of ['1', 'true', 'ON']) {
      const served = servedContracts(setting);
      assert.ok('error' in served, `setting ${setting} must stop the process`);
      assert.match(served.error, /KTALK_BENCH_CONTRACT must be "on" or "off", got/);
    }
  });
});

describe('BenchContract.Put (gate on)', () => {
  const contract = new BenchContract();

  it('is routed by the shim under the bench namespace', () => {
    assert.ok(Object.keys(chaincode().metadata.contracts).includes('bench'));
  });

  it('writes one key with the given value and nothing else', async () => {
    const ledger = new FakeLedger();
    const value = 'x'.repeat(1024);
    const out = await ledger.invoke<{ key: string }>(alice, contract.Put.bind(contract), { key: 'w0-1', value });
    assert.ok(out.ok, out.ok ? '' : out.error.message);
    assert.deepEqual(out.value, { key: 'w0-1' });
    assert.equal(out.event, null);
    assert.deepEqual([...ledger.world.keys()], ['bench|w0-1']);
    assert.equal(Buffer.from(ledger.world.get('bench|w0-1') ?? []).toString('utf8'), value);
  });

  it('rejects bad keys, oversized values and extra fields, writing nothing', async () => {
    const ledger = new FakeLedger();
    const before = ledger.snapshot();
    for (const request of [
      { key: 'a|b', value: 'v' },
      { key: 'k', value: 'x'.repeat(BENCH_MAX_VALUE_CHARS + 1) },
      { key: 'k', value: 'v', owner: 'Org2MSP::bob' },
    ]) {
      const out = await ledger.invoke(alice, contract.Put.bind(contract), request);
      assert.equal(out.ok, false);
      assert.match(out.ok ? '' : out.error.message, /^BAD_INPUT:/);
    }
    assert.equal(ledger.snapshot(), before);
  });
});
