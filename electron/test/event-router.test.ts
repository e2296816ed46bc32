import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { API_ERROR_CODES } from '../src/common/api';
import { apiFailure } from '../src/node/messaging/delivery-failure';
import type { SharingEvent } from '../src/node/messaging/event-payloads';
import { EventRouter, type EventHandlers } from '../src/node/messaging/event-router';
import { MessagingError, type MessagingErrorCode } from '../src/node/messaging/messaging-errors';
import { toApiError } from '../src/node/service/api-errors';

// The messenger's event router against recording handlers: each event's
// payload is read with its schema and reaches the one handler that owns it;
// a payload that does not fit reaches none. And how messaging's own errors
// read as API codes.

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

describe('messaging: event router', () => {
  it('sends each kind of event to its owner, its payload read with its schema', async () => {
    const { seen, router } = recorder();
    await router.route(event('messages.MessagePosted', { tag: 'abc' }));
    await router.route(event('groups.MemberLeft', { tag: 'abc' }));
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

  it('drops a payload that is not JSON or not its event’s shape, and events no module reads', async () => {
    const { seen, router } = recorder();
    await router.route(event('messages.MessagePosted', 'not json'));
    await router.route(event('groups.MemberAdded', { tag: 7 }));
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
    await router.route(event('sharing.GrantRevoked', { grantId: 'g' }));
    await router.route(event('payments.Minted', { paymentId: 'p', to: 'u' }));
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
