import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DEFAULT_LIMITS } from '@ktalk/protocol/limits';
import { aggregateReactions, isEmojiKey } from '../src/common/reactions';
import {
  NEWER_CONTENT_JSON,
  PADDED_MAX,
  decodePlaintext,
  encodePlaintext,
  paddedLength,
} from '../src/node/messaging/content-codec';
import { messageIdOf } from '../src/node/messaging/message-id';
import { MessageViews } from '../src/node/messaging/message-views';
import { relationFields } from '../src/node/messaging/relations';
import { openStore } from '../src/node/store';
import { scratchDir } from '../../network/test/support/scratch-dir';

// The content format (versions, padding, relations) and what a view makes
// of relations: replies, threads and reactions, including the bad ones
// every client must ignore without crashing.

const ME = 'Org1MSP::alice';
const BOB = 'Org2MSP::bob';
const CONV = 'g-relations';
const text = (t: string) => ({ type: 'text' as const, text: t });
const id = (sender: string, cmid: string, conversationId = CONV) =>
  messageIdOf({ conversationId, sender, clientMessageId: cmid });
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('content format versions', () => {
  it('a message without a relation is still v1 (older clients read it); with one it is v2', () => {
    const plain = JSON.parse(new TextDecoder().decode(encodePlaintext(text('hi'))));
    assert.equal(plain.v, 1);
    const reply = JSON.parse(
      new TextDecoder().decode(encodePlaintext(text('hi'), [], { type: 'reply', to: id(BOB, 'a') })),
    );
    assert.equal(reply.v, 2);
    assert.deepEqual(reply.rel, { type: 'reply', to: id(BOB, 'a') });
  });

  it('every older (v1, unpadded) message still reads', () => {
    const decoded = decodePlaintext(json({ v: 1, content: text('old'), attachments: [] }));
    assert.deepEqual(decoded, { kind: 'message', content: text('old'), attachments: [] });
  });

  it('a newer version, an unknown content type or an unknown relation reads as "newer", not garbage', () => {
    assert.deepEqual(decodePlaintext(json({ v: 3, anything: true })), { kind: 'newer' });
    assert.deepEqual(decodePlaintext(json({ v: 1, content: { type: 'sticker', pack: 'x' }, attachments: [] })), {
      kind: 'newer',
    });
    assert.deepEqual(
      decodePlaintext(json({ v: 2, content: text(''), attachments: [], rel: { type: 'edit', to: 'x' } })),
      { kind: 'newer' },
    );
  });

  it('garbage and malformed known content read as nothing', () => {
    assert.equal(decodePlaintext(new Uint8Array([0xff, 0xfe])), null);
    assert.equal(decodePlaintext(json({ v: 0, content: text('x'), attachments: [] })), null);
    assert.equal(decodePlaintext(json({ v: 1, content: { type: 'text', text: 5 }, attachments: [] })), null);
    assert.equal(
      decodePlaintext(
        json({
          v: 2,
          content: text(''),
          attachments: [],
          rel: { type: 'reaction', to: id(BOB, 'a'), key: 'hello', on: true },
        }),
      ),
      null,
      'a reaction key that is not an emoji is refused',
    );
  });
});

describe('padding', () => {
  it('a reaction and a short message are the same size; buckets 256, 1 KiB, 4 KiB, then 4 KiB steps', () => {
    const reaction = encodePlaintext(text(''), [], { type: 'reaction', to: id(BOB, 'a'), key: '👍', on: true });
    const short = encodePlaintext(text('ok, see you at 3'));
    assert.equal(reaction.length, 256);
    assert.equal(short.length, 256);
    assert.equal(encodePlaintext(text('x'.repeat(500))).length, 1024);
    assert.equal(encodePlaintext(text('x'.repeat(3000))).length, 4096);
    assert.equal(encodePlaintext(text('x'.repeat(5000))).length, 8192);
    assert.deepEqual(decodePlaintext(short), { kind: 'message', content: text('ok, see you at 3'), attachments: [] });
  });

  it('the largest message stays under the chaincode limit (64 KiB ciphertext)', () => {
    // 16,000 characters of 3-byte UTF-8 plus 16 attachments with long names: the largest content the codec accepts
    // short of control characters (which JSON escapes to 6 bytes and were over the limit before padding too).
    const refs = Array.from({ length: 16 }, (_, i) => ({
      itemId: `i-${i}`.padEnd(128, 'x'),
      contentHash: 'a'.repeat(64),
      key: 'k'.repeat(64),
      name: 'n'.repeat(255),
      mimeType: 'm'.repeat(100),
      size: 1,
    }));
    const big = encodePlaintext(text('中'.repeat(16_000)), refs, { type: 'reply', to: id(BOB, 'a') });
    assert.ok(big.length <= PADDED_MAX, `${big.length}`);
    assert.ok(big.length + 16 <= DEFAULT_LIMITS.envelopeBytes);
    assert.equal(paddedLength(PADDED_MAX + 10), PADDED_MAX + 10, 'never shrinks, never pads past the cap');
  });
});

async function newStore() {
  const store = openStore({
    file: path.join(await scratchDir('ktalk-relations-'), 'store.db'),
    key: new Uint8Array(32).fill(3),
  });
  store.upsertConversation({ id: CONV, kind: 'group', title: 'g' });
  store.upsertConversation({ id: 'g-other', kind: 'group', title: 'other' });
  return store;
}

let time = 1_000;
function receive(
  store: Awaited<ReturnType<typeof newStore>>,
  sender: string,
  cmid: string,
  body: string,
  relation?: Parameters<typeof relationFields>[3],
  conversationId = CONV,
) {
  const selfId = id(sender, cmid, conversationId);
  store.upsertMessage({
    conversationId,
    sender,
    clientMessageId: cmid,
    sentAt: time++,
    body,
    epoch: 1,
    verified: true,
    messageId: selfId,
    ...relationFields(store, conversationId, selfId, relation),
  });
  return selfId;
}

describe('relations in the views', () => {
  it('a reply quotes its target; the root counts its thread; reactions fold per sender and emoji', async () => {
    const store = await newStore();
    const views = new MessageViews(store, ME, () => undefined);
    const root = receive(store, BOB, 'r', 'the plan');
    const reply = receive(store, ME, 'a', 'agreed', { type: 'reply', to: root });
    receive(store, BOB, 'b', 'good', { type: 'reply', to: reply });
    receive(store, BOB, 'x1', '', { type: 'reaction', to: root, key: '👍', on: true });
    receive(store, BOB, 'x2', '', { type: 'reaction', to: root, key: '👍', on: true }); // another device: once
    receive(store, ME, 'x3', '', { type: 'reaction', to: root, key: '🎉', on: true });
    receive(store, ME, 'x4', '', { type: 'reaction', to: root, key: '🎉', on: false }); // toggled off: last wins
    receive(store, ME, 'x5', '', { type: 'reaction', to: root, key: '👍', on: true });

    const page = views.visiblePage(store.pageMessages({ conversationId: CONV, limit: 50 }));
    assert.equal(page.items.length, 3, 'reactions are not timeline rows');
    const rootView = page.items.find((m) => m.id === root);
    assert.equal(rootView?.replyCount, 2, 'a reply to a reply is in the same thread');
    assert.deepEqual(rootView?.reactions, [{ emoji: '👍', count: 2, mine: true, by: [BOB, ME] }]);
    const replyView = page.items.find((m) => m.id === reply);
    assert.deepEqual(replyView?.replyTo, { id: root, sender: BOB, excerpt: 'the plan' });
    const thread = views.thread(CONV, reply);
    assert.equal(thread.rootId, root);
    assert.deepEqual(
      thread.replies.map((m) => m.content),
      [text('agreed'), text('good')],
    );
    assert.equal(store.getConversation(CONV)?.unread, 3, 'reactions are not unread');
  });

  it('bad relations are ignored: unknown target, another conversation, a reply to itself, a loop', async () => {
    const store = await newStore();
    const views = new MessageViews(store, ME, () => undefined);
    const elsewhere = receive(store, BOB, 'e', 'other room', undefined, 'g-other');
    const unknown = id(BOB, 'never-sent');
    const r1 = receive(store, BOB, 'q1', 'to nothing', { type: 'reply', to: unknown });
    const r2 = receive(store, BOB, 'q2', 'to elsewhere', { type: 'reply', to: elsewhere });
    receive(store, BOB, 'q3', '', { type: 'reaction', to: elsewhere, key: '👍', on: true });
    const self = id(BOB, 'q4');
    receive(store, BOB, 'q4', 'to myself', { type: 'reply', to: self });
    // A loop through a precomputed id: A answers B before B exists, B answers A.
    const b = id(BOB, 'lb');
    const a = receive(store, BOB, 'la', 'A', { type: 'reply', to: b });
    receive(store, BOB, 'lb', 'B', { type: 'reply', to: a });

    const items = views.visiblePage(store.pageMessages({ conversationId: CONV, limit: 50 })).items;
    assert.deepEqual(items.find((m) => m.id === r1)?.replyTo, { id: unknown, missing: true });
    assert.deepEqual(items.find((m) => m.id === r2)?.replyTo, { id: elsewhere, missing: true });
    assert.equal(items.find((m) => m.id === self)?.replyTo, undefined, 'a reply to itself is a plain message');
    assert.equal(items.find((m) => m.id === b)?.replyTo, undefined, 'the loop is cut where it closes');
    assert.equal(
      views.visiblePage(store.pageMessages({ conversationId: 'g-other', limit: 5 })).items[0]?.reactions,
      undefined,
    );
    assert.equal(views.thread(CONV, self).replies.length, 0);
  });

  it('a message of a newer format is kept as such and its view asks for a newer KTalk', async () => {
    const store = await newStore();
    const views = new MessageViews(store, ME, () => undefined);
    store.upsertMessage({
      conversationId: CONV,
      sender: BOB,
      clientMessageId: 'future',
      sentAt: time++,
      body: '',
      contentJson: NEWER_CONTENT_JSON,
      epoch: 1,
      verified: true,
      messageId: id(BOB, 'future'),
    });
    const view = views.byId(CONV, id(BOB, 'future'));
    assert.equal(view?.needsNewerClient, true);
    assert.equal(view?.content, undefined);
    assert.equal(view?.verified, true, 'its signature checked out: only its format is unknown');
  });

  it('1,000 reactions on one message aggregate quickly and name only the first few', async () => {
    const store = await newStore();
    const views = new MessageViews(store, ME, () => undefined);
    const root = receive(store, BOB, 'big', 'popular');
    store.db.transaction(() => {
      for (let i = 0; i < 1000; i++) {
        receive(store, `Org2MSP::u${i}`, `rx${i}`, '', {
          type: 'reaction',
          to: root,
          key: i % 2 ? '👍' : '❤️',
          on: true,
        });
      }
    })();
    const started = performance.now();
    const view = views.byId(CONV, root);
    const took = performance.now() - started;
    assert.deepEqual(
      view?.reactions?.map((r) => [r.emoji, r.count, r.by.length]),
      [
        ['❤️', 500, 20],
        ['👍', 500, 20],
      ],
    );
    assert.ok(took < 2000, `aggregation took ${took} ms`);
  });

  it('the fold is pure: last toggle wins per sender and key, in order', () => {
    const rows = [
      { sender: BOB, key: '👍', on: true },
      { sender: BOB, key: '👍', on: false },
      { sender: ME, key: '👍', on: true },
      { sender: BOB, key: '👍', on: true },
    ];
    assert.deepEqual(aggregateReactions(rows, ME), [{ emoji: '👍', count: 2, mine: true, by: [ME, BOB] }]);
    assert.deepEqual(aggregateReactions(rows.slice(0, 2), ME), []);
  });

  it('a reaction key is one emoji and nothing else', () => {
    for (const ok of ['👍', '❤️', '👍🏽', '👨‍👩‍👧', '🇨🇳', '1️⃣']) assert.ok(isEmojiKey(ok), ok);
    for (const bad of ['', 'a', '👍 hi', 'ok', '<b>', '👍'.repeat(20)]) assert.ok(!isEmojiKey(bad), bad);
  });
});
