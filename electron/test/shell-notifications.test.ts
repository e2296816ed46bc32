import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiEvent, MessageView } from '../src/common/api';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type NotificationContext,
  PREVIEW_MAX_CHARS,
  notificationFor,
  senderLabel,
} from '../src/main/notifications';

function incoming(overrides: Partial<MessageView> = {}): ApiEvent {
  return {
    type: 'message',
    message: {
      id: 'conv-7|Org2MSP::bob|m-1',
      conversationId: 'conv-7',
      clientMessageId: 'm-1',
      sender: 'Org2MSP::bob',
      sentAt: 1_700_000_000_000,
      outgoing: false,
      state: 'committed',
      verified: true,
      epoch: 1,
      content: { type: 'text', text: 'the merger closes on Friday' },
      attachments: [],
      ...overrides,
    },
  };
}

const away: NotificationContext = { windowFocused: false, settings: DEFAULT_NOTIFICATION_SETTINGS };
const previews: NotificationContext = { windowFocused: false, settings: { showPreviews: true } };

describe('desktop notifications', () => {
  it('an incoming message while the window is not focused names the sender and nothing else', () => {
    assert.deepEqual(notificationFor(incoming(), away), {
      title: 'KTalk',
      body: 'New message from bob (Org2MSP)',
      conversationId: 'conv-7',
    });
  });

  it('previews are off by default', () => {
    assert.equal(DEFAULT_NOTIFICATION_SETTINGS.showPreviews, false);
    const note = notificationFor(incoming(), away);
    assert.ok(note);
    assert.doesNotMatch(`${note.title} ${note.body}`, /merger|Friday/);
  });

  it('with previews allowed, the text is shown on one line and bounded', () => {
    assert.equal(notificationFor(incoming(), previews)?.body, 'bob (Org2MSP): the merger closes on Friday');
    const long = notificationFor(
      incoming({ content: { type: 'text', text: `a\nb\u0007${'x'.repeat(500)}` } }),
      previews,
    );
    assert.ok(long);
    const preview = long.body.slice('bob (Org2MSP): '.length);
    assert.equal(preview.length, PREVIEW_MAX_CHARS);
    assert.match(preview, /^a b x+…$/);
  });

  it('payments and empty texts never show content, even with previews', () => {
    const payment = incoming({ content: { type: 'payment', paymentId: 'p1', amount: 500, memo: 'bonus', to: 'x' } });
    assert.equal(notificationFor(payment, previews)?.body, 'New message from bob (Org2MSP)');
    assert.equal(
      notificationFor(incoming({ content: { type: 'text', text: ' \n ' } }), previews)?.body,
      'New message from bob (Org2MSP)',
    );
    assert.equal(notificationFor(incoming({ content: undefined }), previews)?.body, 'New message from bob (Org2MSP)');
  });

  it('nothing while the window is focused', () => {
    assert.equal(notificationFor(incoming(), { ...away, windowFocused: true }), null);
  });

  it('nothing for our own messages, erased or failed ones', () => {
    assert.equal(notificationFor(incoming({ outgoing: true }), away), null);
    assert.equal(notificationFor(incoming({ state: 'erased', content: undefined }), away), null);
    assert.equal(notificationFor(incoming({ state: 'failed' }), away), null);
  });

  it('nothing for other events', () => {
    const others: ApiEvent[] = [
      { type: 'sync', state: 'connected' },
      { type: 'balance', balance: 10 },
      { type: 'keyChange', userId: 'Org2MSP::bob' },
      { type: 'delivery', messageId: 'c|s|m', conversationId: 'c', clientMessageId: 'm', state: 'committed' },
      { type: 'session', state: 'signed-in' },
      { type: 'access', itemId: 'i', accessor: 'Org2MSP::bob' },
    ];
    for (const event of others) assert.equal(notificationFor(event, away), null, event.type);
  });

  it('sender labels read as name (org)', () => {
    assert.equal(senderLabel('Org1MSP::alice'), 'alice (Org1MSP)');
    assert.equal(senderLabel('plain'), 'plain');
  });
});
