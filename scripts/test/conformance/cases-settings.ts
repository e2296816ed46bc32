import assert from 'node:assert/strict';
import type { ConformanceCase } from './target';

// Settings follow the account, not the browser origin (the web mode's port
// changes on every launch): kept by the service, readable before sign-in.

export const settingsCases: ConformanceCase[] = [
  {
    name: 'settings chosen once are kept across a restart: language and theme before sign-in, all of them after',
    async run(target) {
      const first = await target.signedInApp('alice', 'settings');
      assert.deepEqual(await first.call('getSettings'), { language: 'en', theme: 'system', notifications: true });
      const saved = await first.call('saveSettings', { language: 'zh-CN', theme: 'dark' });
      assert.deepEqual(saved, { language: 'zh-CN', theme: 'dark', notifications: true });
      await first.call('saveSettings', { notifications: false });

      const app = await target.restart(first);
      // Before sign-in only the non-secret part is known.
      assert.deepEqual(await app.call('getSettings'), { language: 'zh-CN', theme: 'dark', notifications: true });
      const [account] = (await app.call('sessionState')).accounts;
      await app.call('signIn', { accountId: account?.accountId, passphrase: target.passphrase });
      assert.deepEqual(await app.call('getSettings'), { language: 'zh-CN', theme: 'dark', notifications: false });
    },
  },
  {
    name: 'an unknown language or theme is refused as bad input and changes nothing',
    async run(target) {
      const app = await target.signedInApp('bob', 'settings-bad');
      await app.call('saveSettings', { theme: 'light' });
      assert.equal(await app.refused('saveSettings', { language: 'fr' } as never), 'BAD_INPUT');
      assert.equal(await app.refused('saveSettings', { theme: 'neon' } as never), 'BAD_INPUT');
      assert.deepEqual(await app.call('getSettings'), { language: 'en', theme: 'light', notifications: true });
    },
  },
];
