import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { LedgerClient } from '../src/node/ledger';
import { contactsOf, publishInboxPolicy } from '../src/node/settings/inbox-policy';
import { blockedSenders, saveSettings } from '../src/node/settings/user-settings';
import { openStore } from '../src/node/store';

// The client half of inbox policies: what "my contacts" means when the
// policy is published, and the block list the messenger filters with.

const dirs: string[] = [];
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freshStore() {
  const dir = await mkdtemp(path.join(tmpdir(), 'ktalk-inbox-'));
  dirs.push(dir);
  return { dir, store: openStore({ file: path.join(dir, 'ktalk.db'), key: randomBytes(32) }) };
}

const key = Buffer.alloc(32, 1).toString('base64');
const contact = (userId: string) => ({
  userId,
  mspId: userId.split('::')[0] ?? '',
  encryptionKey: key,
  signingKey: key,
  keyValidFrom: 1,
});

describe('inbox policy (client)', () => {
  it('my contacts are the people I verified and my direct conversations’ peers, never someone I blocked', async () => {
    const { store } = await freshStore();
    for (const id of ['Org1MSP::carol', 'Org2MSP::dave', 'Org2MSP::erin']) store.upsertContact(contact(id));
    store.markVerified('Org1MSP::carol', contact('Org1MSP::carol'));
    store.markVerified('Org2MSP::erin', contact('Org2MSP::erin'));
    assert.deepEqual(contactsOf(store, ['Org2MSP::bob', 'Org1MSP::carol'], ['Org2MSP::erin']), [
      'Org1MSP::carol',
      'Org2MSP::bob',
    ]);
    store.close();
  });

  it('publishing sends the policy with the computed contacts; a refusal leaves the saved settings as they were', async () => {
    const { dir, store } = await freshStore();
    const sent: unknown[] = [];
    let refuse = false;
    const ledger = {
      submit: async (contract: string, transaction: string, request: unknown) => {
        if (refuse) throw new Error('BAD_INPUT: you cannot block yourself');
        sent.push({ contract, transaction, request });
        return {
          result: Buffer.from(JSON.stringify({ ...(request as object), updatedAt: 1 })),
          transactionId: 't',
          blockNumber: 1n,
          attempts: 1,
        };
      },
    } as unknown as LedgerClient;
    await publishInboxPolicy(ledger, store, ['Org2MSP::bob'], { directFrom: 'contacts', blockedUsers: [] });
    assert.deepEqual(sent, [
      {
        contract: 'groups',
        transaction: 'SetInboxPolicy',
        request: { directFrom: 'contacts', contacts: ['Org2MSP::bob'], blocked: [] },
      },
    ]);
    await saveSettings({ store }, dir, { blockedUsers: ['Org2MSP::bob'] });
    assert.deepEqual([...blockedSenders(store)], ['Org2MSP::bob']);
    refuse = true;
    await assert.rejects(
      publishInboxPolicy(ledger, store, [], { directFrom: 'anyone', blockedUsers: ['Org1MSP::me'] }),
      /BAD_INPUT/,
    );
    assert.deepEqual([...blockedSenders(store)], ['Org2MSP::bob']);
    store.close();
  });
});
