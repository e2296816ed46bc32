import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { MessageContent } from '../src/common/api';
import { canConfirm, isConfirmed, rememberFact } from '../src/node/messaging/card-facts';
import { messageIdOf } from '../src/node/messaging/message-id';
import { type Store, openStore } from '../src/node/store';

// A card is confirmed only by what the ledger said, never by what the card
// says; and a message's id names its sender, not only its clientMessageId.

const ALICE = 'Org1MSP::alice';
const BOB = 'Org2MSP::bob';
const DAVE = 'Org2MSP::dave';

let dir = '';
let store: Store;
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ktalk-facts-'));
  store = openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) });
});
after(async () => {
  store.close();
  await rm(dir, { recursive: true, force: true });
});

describe('ledger facts behind cards', () => {
  const card = { type: 'payment', paymentId: 'tx-1', amount: 300, memo: '', to: BOB } as const;

  it('a payment card without a ledger fact is not confirmed', () => {
    assert.equal(isConfirmed(store, card, ALICE), false);
  });

  it('a fact confirms only the card naming its payer, payee and amount', () => {
    rememberFact(store, card, { from: ALICE, to: BOB, amount: 300 });
    assert.equal(isConfirmed(store, card, ALICE), true);
    assert.equal(isConfirmed(store, card, DAVE), false, 'another sender claiming the same payment');
    assert.equal(isConfirmed(store, { ...card, amount: 30_000 }, ALICE), false, 'an inflated amount');
    assert.equal(isConfirmed(store, { ...card, to: DAVE }, ALICE), false, 'another payee');
  });

  it('an escrow card also needs the deadline the ledger holds', () => {
    const escrow: MessageContent = { type: 'escrow', escrowId: 'e-1', amount: 200, deadline: 9_000, to: BOB };
    rememberFact(store, escrow, { from: ALICE, to: BOB, amount: 200, deadline: 9_000 });
    assert.equal(isConfirmed(store, escrow, ALICE), true);
    assert.equal(isConfirmed(store, { ...escrow, deadline: 9_001 }, ALICE), false);
    // A payment and an escrow with the same id are different facts.
    assert.equal(isConfirmed(store, { ...card, paymentId: 'e-1', amount: 200 }, ALICE), false);
  });

  it('only the payer and the payee can confirm a card', () => {
    assert.equal(canConfirm(card, ALICE, ALICE), true);
    assert.equal(canConfirm(card, ALICE, BOB), true);
    assert.equal(canConfirm(card, ALICE, DAVE), false);
  });
});

describe('message identity', () => {
  it("is the ledger's message id: conversation, sender and clientMessageId together", () => {
    const bobs = messageIdOf({ conversationId: 'g-1', sender: BOB, clientMessageId: 'same' });
    const daves = messageIdOf({ conversationId: 'g-1', sender: DAVE, clientMessageId: 'same' });
    assert.match(bobs, /^m-[0-9a-f]{40}$/);
    assert.notEqual(bobs, daves);
    assert.notEqual(bobs, messageIdOf({ conversationId: 'g-2', sender: BOB, clientMessageId: 'same' }));
  });
});
