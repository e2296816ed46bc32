import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TRANSACTIONS } from '@ktalk/protocol';
import type { LedgerClient } from '../src/node/ledger';
import { responseSchema } from '../src/node/ledger';

// The ledger client's calls are typed from the protocol's transaction map.
// Each `@ts-expect-error` below is a call the compiler must refuse: if one
// ever compiles, tsc reports the directive as unused and `npm run build`
// fails, so this file is the compile-fail test. The function is never run.
export async function refusedAtCompileTime(ledger: LedgerClient): Promise<void> {
  // @ts-expect-error: no such contract
  await ledger.submit('group', 'Post', {});
  // @ts-expect-error: no such transaction in the groups contract
  await ledger.submit('groups', 'Post', { conversationId: 'c' });
  // @ts-expect-error: GetGroup is evaluated, never submitted
  await ledger.submit('groups', 'GetGroup', { conversationId: 'c' });
  // @ts-expect-error: PostMessage writes: it is submitted, not evaluated
  await ledger.evaluate('messages', 'PostMessage', {});
  // @ts-expect-error: a request field the schema does not declare (strict requests)
  await ledger.submit('payments', 'Transfer', { toUserId: 'u', amount: 1, memo: '', sender: 'me' });
  // @ts-expect-error: a required field missing
  await ledger.submit('payments', 'Transfer', { toUserId: 'u', memo: '' });
  // @ts-expect-error: a field of the wrong type
  await ledger.evaluate('groups', 'GetGroup', { conversationId: 42 });
  // @ts-expect-error: the old signature's explicit answer schema is gone (the map's is used)
  await ledger.evaluate('payments', 'GetBalance', {}, undefined);
  const group = await ledger.evaluate('groups', 'GetGroup', { conversationId: 'c' });
  // @ts-expect-error: the answer's shape is the map's: GetGroup has no `members`
  void group.members;
  const balance: number = (await ledger.evaluate('payments', 'GetBalance', {})).balance;
  // @ts-expect-error: and its field types: a balance is a number
  const wrong: string = (await ledger.evaluate('payments', 'GetBalance', {})).balance;
  void [balance, wrong];
}

describe('ledger calls typed from the transaction map', () => {
  it('evaluate parses with the very response schema the map declares', () => {
    assert.equal(responseSchema('groups', 'GetGroup'), TRANSACTIONS.groups.GetGroup.response);
    assert.equal(responseSchema('payments', 'GetBalance'), TRANSACTIONS.payments.GetBalance.response);
  });

  it('every transaction of the map is either submitted or evaluated', () => {
    for (const [contract, transactions] of Object.entries(TRANSACTIONS)) {
      for (const [name, spec] of Object.entries(transactions)) {
        assert.ok(spec.kind === 'submit' || spec.kind === 'evaluate', `${contract}.${name}`);
      }
    }
  });
});
