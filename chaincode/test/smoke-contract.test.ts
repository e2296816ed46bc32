import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SmokeContract } from '../src/contracts/smoke-contract';
import { FakeLedger, alice, bob } from './support/fake-ledger';

describe('SmokeContract', () => {
  const contract = new SmokeContract();

  it('stores a note under the verified caller and emits an id-only event', async () => {
    const ledger = new FakeLedger();
    const put = await ledger.invoke(alice, contract.PutNote.bind(contract), { noteId: 'n1', text: 'hi' });
    assert.ok(put.ok);
    assert.equal(put.event?.name, 'smoke.NotePut');
    assert.deepEqual(put.event?.payload, { noteId: 'n1', owner: 'Org1MSP::alice' });
    const got = await ledger.invoke<{ owner: string }>(bob, contract.GetNote.bind(contract), { noteId: 'n1' });
    assert.ok(got.ok);
    assert.equal(got.value.owner, 'Org1MSP::alice');
  });

  it('rejects a claimed owner field and writes nothing', async () => {
    const ledger = new FakeLedger();
    const before = ledger.snapshot();
    const put = await ledger.invoke(alice, contract.PutNote.bind(contract), {
      noteId: 'n1',
      text: 'x',
      owner: 'Org2MSP::bob',
    });
    assert.equal(put.ok, false);
    assert.match(put.ok ? '' : put.error.message, /^BAD_INPUT:/);
    assert.equal(ledger.snapshot(), before);
  });
});
