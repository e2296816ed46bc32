import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { ApiEvent } from '../src/common/api';
import { DirectoryError } from '../src/node/fabric/directory';
import type { GroupsContext } from '../src/node/groups';
import type { Conversations } from '../src/node/messaging/conversations';
import type { Keyring } from '../src/node/messaging/keyring';
import { MessageViews } from '../src/node/messaging/message-views';
import { OutboxAdapter } from '../src/node/messaging/outbox-adapter';
import type { SenderKeys } from '../src/node/messaging/sender-keys';
import { openStore } from '../src/node/store';
import { scratchDir } from '../../network/test/support/scratch-dir';
import { fakeSession } from './sharing-fake-session';

// Sealing a message reads the ledger (the members) and, for a direct
// conversation, the directory (the peer's keys). Once the network refuses
// this identity, whichever of the two is refused first, the message must
// fail as "your access was revoked", once, and the session be told.

const ME = 'Org1MSP::erin';
const PEER = 'Org1MSP::org1admin';
const CONVERSATION = 'd-erin-admin';

async function adapterWithRefusedDirectory() {
  const session = await fakeSession(ME);
  session.handlers.set('groups.ListMembers', () => ({
    members: [
      { userId: ME, role: 'member', since: 1 },
      { userId: PEER, role: 'member', since: 1 },
    ],
  }));
  const store = openStore({
    file: path.join(await scratchDir('ktalk-outbox-adapter-'), 'store.db'),
    key: new Uint8Array(32).fill(1),
  });
  store.upsertConversation({ id: CONVERSATION, kind: 'direct', title: 'admin' });
  const senders = {
    refresh: () => Promise.reject(new DirectoryError('ACCESS_DENIED', 'access denied: the identity is revoked')),
  } as unknown as SenderKeys;
  const conversations = { wasRemoved: () => false } as unknown as Conversations;
  let revoked = 0;
  const adapter = new OutboxAdapter(
    session,
    store,
    {} as Keyring,
    senders,
    {} as GroupsContext,
    conversations,
    new MessageViews(store, ME, () => PEER),
    () => revoked++,
  );
  return { session, adapter, revoked: () => revoked };
}

function failedDelivery(events: readonly ApiEvent[]) {
  return events.find((e) => e.type === 'delivery' && e.state === 'failed');
}

describe('messaging: outbox adapter', () => {
  it('a directory refusal of a revoked identity while sealing fails the message as CERT_REVOKED, once', async () => {
    const { session, adapter, revoked } = await adapterWithRefusedDirectory();
    adapter.start();
    adapter.sendContent(CONVERSATION, { type: 'text', text: 'after my revocation' }, []);
    for (let i = 0; i < 200 && !failedDelivery(session.events); i++) await new Promise((r) => setImmediate(r));
    await adapter.stop();
    const failed = failedDelivery(session.events);
    assert.ok(failed && failed.type === 'delivery', 'the message failed');
    assert.equal(failed.failure, 'CERT_REVOKED');
    assert.equal(revoked(), 1, 'the session is told its identity was refused');
    assert.equal(session.calls.filter((c) => c.name === 'groups.ListMembers').length, 1, 'not retried');
  });
});
