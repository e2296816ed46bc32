import assert from 'node:assert/strict';
import type { ConformanceCase } from './target';

// Settings follow the account, not the browser origin (the web mode's port
// changes on every launch): kept by the service, readable before sign-in.
// The inbox policy and block list are the account's only, published on the
// ledger (so they need a signed-in account).

const INBOX_DEFAULTS = { directFrom: 'anyone', blockedUsers: [] } as const;

export const settingsCases: ConformanceCase[] = [
  {
    name: 'settings chosen once are kept across a restart: language and theme before sign-in, all of them after',
    async run(target) {
      const first = await target.signedInApp('alice', 'settings');
      assert.deepEqual(await first.call('getSettings'), {
        language: 'en',
        theme: 'system',
        notifications: true,
        ...INBOX_DEFAULTS,
      });
      const saved = await first.call('saveSettings', { language: 'zh-CN', theme: 'dark' });
      assert.deepEqual(saved, { language: 'zh-CN', theme: 'dark', notifications: true, ...INBOX_DEFAULTS });
      await first.call('saveSettings', { notifications: false });

      const app = await target.restart(first);
      // Before sign-in only the non-secret part is known.
      assert.deepEqual(await app.call('getSettings'), {
        language: 'zh-CN',
        theme: 'dark',
        notifications: true,
        ...INBOX_DEFAULTS,
      });
      assert.equal(await app.refused('saveSettings', { directFrom: 'org' }), 'NOT_SIGNED_IN');
      const [account] = (await app.call('sessionState')).accounts;
      await app.call('signIn', { accountId: account?.accountId, passphrase: target.passphrase });
      assert.deepEqual(await app.call('getSettings'), {
        language: 'zh-CN',
        theme: 'dark',
        notifications: false,
        ...INBOX_DEFAULTS,
      });
    },
  },
  {
    name: 'an unknown language or theme is refused as bad input and changes nothing',
    async run(target) {
      const app = await target.signedInApp('bob', 'settings-bad');
      await app.call('saveSettings', { theme: 'light' });
      assert.equal(await app.refused('saveSettings', { language: 'fr' } as never), 'BAD_INPUT');
      assert.equal(await app.refused('saveSettings', { theme: 'neon' } as never), 'BAD_INPUT');
      assert.deepEqual(await app.call('getSettings'), {
        language: 'en',
        theme: 'light',
        notifications: true,
        ...INBOX_DEFAULTS,
      });
    },
  },
  {
    name: 'an inbox policy and a block list are kept with the account; blocking yourself or a bad id is refused and changes nothing',
    async run(target) {
      const app = await target.signedInApp('alice', 'settings-inbox');
      const saved = await app.call('saveSettings', { directFrom: 'contacts', blockedUsers: ['Org2MSP::bob'] });
      assert.equal(saved.directFrom, 'contacts');
      assert.deepEqual(saved.blockedUsers, ['Org2MSP::bob']);
      const me = (await app.call('sessionState')).account?.userId ?? '';
      assert.equal(await app.refused('saveSettings', { blockedUsers: [me] }), 'BAD_INPUT');
      assert.equal(await app.refused('saveSettings', { blockedUsers: ['not an id'] }), 'BAD_INPUT');
      assert.equal(await app.refused('saveSettings', { directFrom: 'everyone' } as never), 'BAD_INPUT');
      const kept = await app.call('getSettings');
      assert.equal(kept.directFrom, 'contacts');
      assert.deepEqual(kept.blockedUsers, ['Org2MSP::bob']);
      await app.call('saveSettings', { directFrom: 'anyone', blockedUsers: [] });
    },
  },
];
