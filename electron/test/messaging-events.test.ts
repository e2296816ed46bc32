import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { API_ERROR_CODES } from '../src/common/api';
import { apiFailure } from '../src/node/messaging/delivery-failure';
import type { SharingEvent } from '../src/node/messaging/event-payloads';
import { EventRouter, type EventHandlers } from '../src/node/messaging/event-router';
import { MessagingError, type MessagingErrorCode } from '../src/node/messaging/messaging-errors';
import { CardConfirmations } from '../src/node/messaging/card-confirmations';
import { MessageViews } from '../src/node/messaging/message-views';
import { PaymentEvents } from '../src/node/messaging/payment-events';
import { settledState } from '../src/node/messaging/settled-escrows';
import { listSharedWithMe } from '../src/node/messaging/shared-with-me';
import { SharingEvents } from '../src/node/messaging/sharing-events';
import { toApiError } from '../src/node/service/api-errors';
import { type Store, openStore } from '../src/node/store';
import { scratchDir } from '../../network/test/support/scratch-dir';
import { fakeSession } from './sharing-fake-session';

// The messenger's event router against recording handlers: each event's
// payload is read with its schema and reaches the one handler that owns it;
// a payload that does not fit reaches none. The sharing and payments
// handlers against a scripted session and a real store. And how messaging's
// own errors read as API codes.

const ME = 'Org1MSP::alice';
const OTHER = 'Org2MSP::bob';

async function newStore(): Promise<Store> {
  const dir = await scratchDir('ktalk-events-');
  return openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) });
}

const event = (eventName: string, payload: unknown): ChaincodeEvent =>
  ({
    eventName,
    transactionId: 'tx-1',
    blockNumber: 1n,
    chaincodeName: 'ktalk',
    payload: new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  }) as ChaincodeEvent;

function recorder() {
  const seen: string[] = [];
  const handlers: EventHandlers = {
    message: (e) => void seen.push(`message ${e.eventName}`),
    membership: async (e) => void seen.push(`membership ${e.eventName}`),
    directory: async (name, payload) => void seen.push(`directory ${name} ${payload.userId}`),
    sharing: (e: SharingEvent) => void seen.push(`sharing ${e.name} ${JSON.stringify(e.payload)}`),
    payment: async (name, payload) => void seen.push(`payment ${name} ${JSON.stringify(payload)}`),
  };
  return { seen, router: new EventRouter(handlers) };
}

/** A well-formed event tag: canonical base64 of 32 bytes, as the protocol's schema requires. */
const TAG = Buffer.alloc(32, 7).toString('base64');

describe('messaging: event router', () => {
  it('sends each kind of event to its owner, its payload read with its schema', async () => {
    const { seen, router } = recorder();
    await router.route(event('messages.MessagePosted', { tag: TAG }));
    await router.route(event('groups.MemberLeft', { tag: TAG }));
    await router.route(event('directory.KeysPublished', { userId: 'Org1MSP::bob', validFrom: 5 }));
    await router.route(
      event('sharing.AccessGranted', { itemId: 'i', grantId: 'g', granteeUserId: 'u', expiresAt: '9' }),
    );
    await router.route(event('payments.Transferred', { paymentId: 'p', from: 'a', to: 'b' }));
    assert.deepEqual(seen, [
      'message messages.MessagePosted',
      'membership groups.MemberLeft',
      'directory directory.KeysPublished Org1MSP::bob',
      'sharing sharing.AccessGranted {"itemId":"i","grantId":"g","granteeUserId":"u","expiresAt":"9"}',
      'payment payments.Transferred {"paymentId":"p","from":"a","to":"b"}',
    ]);
  });

  it('drops a payload that is not JSON or not its event’s protocol shape (a tag that is not 32 bytes, an unknown settle state), and events no module reads', async () => {
    const { seen, router } = recorder();
    await router.route(event('messages.MessagePosted', 'not json'));
    await router.route(event('groups.MemberAdded', { tag: 7 }));
    await router.route(event('groups.MemberAdded', { tag: 'abc' }));
    await router.route(event('payments.EscrowSettled', { escrowId: 'e', state: 'lost', from: 'a', to: 'b' }));
    await router.route(event('directory.KeysPublished', { user: 'x' }));
    await router.route(event('sharing.GrantRevoked', { itemId: 'i' }));
    await router.route(event('sharing.ItemRegistered', { itemId: 'i', owner: 'o' }));
    await router.route(event('payments.Minted', { to: 42 }));
    await router.route(event('smoke.NotePut', { noteId: 'n' }));
    assert.deepEqual(seen, []);
  });

  it('a failing handler does not stop the stream', async () => {
    const router = new EventRouter({
      message: () => undefined,
      membership: async () => undefined,
      directory: async () => {
        throw new Error('directory down');
      },
      sharing: () => {
        throw new Error('store full');
      },
      payment: async () => {
        throw new Error('peer down');
      },
    });
    await router.route(event('directory.KeysPublished', { userId: 'u' }));
    await router.route(event('sharing.GrantRevoked', { itemId: 'i', grantId: 'g' }));
    await router.route(event('payments.Minted', { paymentId: 'p', to: 'u' }));
  });
});

describe('messaging: sharing and payment events', () => {
  it('an item shared with me is listed and pushed once; one shared with someone else, or my own access, is not', async () => {
    const session = await fakeSession(ME);
    const store = await newStore();
    const sharing = new SharingEvents(session, store);
    const granted = { itemId: 'item-1', grantId: 'grant-1', granteeUserId: ME, grantor: OTHER, expiresAt: '9000' };
    sharing.onSharingEvent({ name: 'sharing.AccessGranted', payload: granted });
    sharing.onSharingEvent({ name: 'sharing.AccessGranted', payload: granted });
    sharing.onSharingEvent({
      name: 'sharing.AccessGranted',
      payload: { ...granted, grantId: 'g2', granteeUserId: OTHER },
    });
    sharing.onSharingEvent({ name: 'sharing.AccessRequested', payload: { itemId: 'item-9', accessor: ME } });
    sharing.onSharingEvent({ name: 'sharing.AccessRequested', payload: { itemId: 'item-9', accessor: OTHER } });
    sharing.onSharingEvent({ name: 'sharing.GrantRevoked', payload: { itemId: 'item-1', grantId: 'grant-1' } });
    sharing.onSharingEvent({ name: 'sharing.GrantRevoked', payload: { itemId: 'item-1', grantId: 'grant-1' } });
    const shown = session.events.map((e) =>
      e.type === 'sharedWithMe' ? { ...e, item: { ...e.item, sharedAt: 0 } } : e,
    );
    const item = { itemId: 'item-1', grantId: 'grant-1', sharedAt: 0, grantor: OTHER, expiresAt: 9000 };
    assert.deepEqual(shown, [
      { type: 'sharedWithMe', item },
      { type: 'access', itemId: 'item-9', accessor: OTHER },
      { type: 'sharedWithMe', item: { ...item, revoked: true } },
    ]);
    assert.deepEqual(
      listSharedWithMe(store).map((i) => [i.grantId, i.revoked]),
      [['grant-1', true]],
    );
    store.close();
  });

  it('a payment event of mine reads the balance and keeps a settled escrow; one between others reads nothing', async () => {
    const session = await fakeSession(ME);
    session.handlers.set('payments.GetBalance', () => ({ userId: ME, balance: 1_250 }));
    const store = await newStore();
    const views = new MessageViews(store, ME, () => undefined);
    const payments = new PaymentEvents(session, store, views, new CardConfirmations(session, store, views));
    await payments.onPaymentEvent('payments.Transferred', { paymentId: 'p1', from: OTHER, to: 'Org2MSP::dave' });
    assert.deepEqual(session.calls, []);
    await payments.onPaymentEvent('payments.EscrowSettled', { escrowId: 'e1', from: OTHER, to: ME, state: 'claimed' });
    assert.equal(settledState(store, 'e1'), 'claimed');
    assert.deepEqual(session.events, [{ type: 'balance', balance: 1_250 }]);
    store.close();
  });
});

describe('messaging: errors as API codes', () => {
  it('every MessagingError code reads as an API code, through toApiError', () => {
    const codes: MessagingErrorCode[] = [
      'NO_CONVERSATION',
      'NO_MESSAGE',
      'NO_ATTACHMENT',
      'SELF_CONVERSATION',
      'REMOVED',
      'ALREADY_MEMBER',
      'OUTBOX_LOST',
    ];
    for (const code of codes) {
      const error = new MessagingError(code, `because ${code}`);
      assert.ok((API_ERROR_CODES as readonly string[]).includes(error.apiCode), code);
      assert.deepEqual(toApiError(error), { code: error.apiCode, message: `because ${code}` });
    }
    assert.equal(new MessagingError('REMOVED', 'FORBIDDEN: not a member of g').apiCode, 'NOT_MEMBER');
    assert.equal(new MessagingError('NO_CONVERSATION', 'x').apiCode, 'NOT_FOUND');
    assert.equal(new MessagingError('SELF_CONVERSATION', 'x').apiCode, 'BAD_INPUT');
  });

  it('a stored delivery failure reads as an API code, an unknown stored code as "network"', () => {
    assert.equal(apiFailure('MVCC_CONFLICT'), 'CONFLICT');
    assert.equal(apiFailure('KEY_CHANGED'), 'KEY_CHANGED');
    assert.equal(apiFailure('REKEY_REQUIRED'), 'REKEY_REQUIRED');
    assert.equal(apiFailure('ACCESS_DENIED', 'certificate expired'), 'CERT_EXPIRED');
    assert.equal(apiFailure('UNCERTAIN'), 'NETWORK_UNAVAILABLE');
    assert.equal(apiFailure('NOT_MEMBER'), 'NOT_MEMBER');
    assert.equal(apiFailure('SOMETHING_OLD'), 'NETWORK_UNAVAILABLE');
  });
});
