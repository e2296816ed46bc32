import assert from 'node:assert/strict';
import type { ConformanceApp, ConformanceCase, ConformanceTarget } from './target';
import { userIdOf } from './target';

// Session states, sign-in and sign-out, the passphrase check and the locked
// wallet's account list: what a passphrase user meets on day two.

const WRONG = 'not the passphrase at all';

async function state(app: ConformanceApp) {
  return app.call('sessionState');
}

async function enrolled(target: ConformanceTarget, label: string) {
  const app = await target.firstRunApp(label);
  const account = await app.call('enroll', await target.enrollInput('alice', target.passphrase));
  return { app, account };
}

export const sessionCases: ConformanceCase[] = [
  {
    name: "a signed-in device holds its own current keys: no key alarm, nothing to veto, and staff cannot approve anyone's key change",
    async run(target) {
      const app = await target.signedInApp('bob');
      assert.deepEqual(await app.call('ownKeyStatus'), { state: 'ok' });
      assert.equal(await app.refused('vetoKeyChange'), 'NOT_FOUND');
      assert.equal(await app.refused('approveKeyChange', { userId: userIdOf('dave') }), 'FORBIDDEN');
    },
  },
  {
    name: 'a first-run app has no account and refuses sign-in naming that',
    async run(target) {
      const app = await target.firstRunApp('first-run');
      const s = await state(app);
      assert.equal(s.state, 'no-account');
      assert.deepEqual(s.accounts, []);
      assert.equal(s.keychain, false);
      assert.equal(await app.refused('signIn', { passphrase: target.passphrase }), 'UNKNOWN_ACCOUNT');
    },
  },
  {
    name: 'enrolling signs in; signing out leaves the account listed; signing in opens it again',
    async run(target) {
      const { app, account } = await enrolled(target, 'states');
      assert.equal(account.userId, userIdOf('alice'));
      const signedIn = await state(app);
      assert.equal(signedIn.state, 'signed-in');
      assert.equal(signedIn.account?.accountId, account.accountId);

      await app.call('signOut');
      const out = await state(app);
      assert.equal(out.state, 'signed-out');
      assert.equal(out.account, undefined);
      assert.deepEqual(
        out.accounts.map((a) => [a.accountId, a.userId, a.enrollmentId, a.mspId, a.profile, a.role]),
        [[account.accountId, account.userId, 'alice', 'Org1MSP', account.profile, 'staff']],
      );
      assert.equal(await app.refused('listConversations'), 'NOT_SIGNED_IN');

      const again = await app.call('signIn', { accountId: account.accountId, passphrase: target.passphrase });
      assert.equal(again.userId, account.userId);
      assert.equal((await state(app)).state, 'signed-in');
      const sessions = app.events.flatMap((e) => (e.type === 'session' ? [e.state] : []));
      assert.deepEqual(sessions.slice(-3), ['signed-in', 'signed-out', 'signed-in']);
    },
  },
  {
    name: 'a wrong passphrase is refused after sign-out and leaves the app signed out',
    async run(target) {
      const { app, account } = await enrolled(target, 'wrong-after-sign-out');
      await app.call('signOut');
      assert.equal(
        await app.refused('signIn', { accountId: account.accountId, passphrase: WRONG }),
        'WRONG_PASSPHRASE',
      );
      const s = await state(app);
      assert.equal(s.state, 'signed-out');
      assert.equal(s.accounts.length, 1);
    },
  },
  {
    name: 'a wrong passphrase is refused while the wallet is open in memory after a failed enroll',
    async run(target) {
      const { app, account } = await enrolled(target, 'wrong-while-open');
      await app.call('signOut');
      // A re-enroll with the right passphrase but a wrong secret opens the wallet, then fails.
      const bad = { ...(await target.enrollInput('carol', target.passphrase)), secret: 'not-the-secret' };
      assert.equal(await app.refused('enroll', bad), 'WRONG_SECRET');
      assert.equal(
        await app.refused('signIn', { accountId: account.accountId, passphrase: WRONG }),
        'WRONG_PASSPHRASE',
      );
      assert.equal(await app.refused('enroll', await target.enrollInput('carol', WRONG)), 'WRONG_PASSPHRASE');
      const s = await state(app);
      assert.equal(s.state, 'signed-out');
      assert.deepEqual(
        s.accounts.map((a) => a.userId),
        [account.userId],
      );
      await app.call('signIn', { accountId: account.accountId, passphrase: target.passphrase });
      assert.equal((await state(app)).state, 'signed-in');
    },
  },
  {
    name: 'a failed first enroll leaves no account and no passphrase behind: the next try may choose another',
    async run(target) {
      const app = await target.firstRunApp('failed-first-enroll');
      const bad = { ...(await target.enrollInput('alice', 'a first passphrase')), secret: 'not-the-secret' };
      assert.equal(await app.refused('enroll', bad), 'WRONG_SECRET');
      const s = await state(app);
      assert.equal(s.state, 'no-account');
      assert.deepEqual(s.accounts, []);
      const account = await app.call('enroll', await target.enrollInput('alice', target.passphrase));
      assert.equal(account.userId, userIdOf('alice'));
      await app.call('signOut');
      assert.equal(
        await app.refused('signIn', { accountId: account.accountId, passphrase: 'a first passphrase' }),
        'WRONG_PASSPHRASE',
      );
      await app.call('signIn', { accountId: account.accountId, passphrase: target.passphrase });
    },
  },
  {
    name: 'after a restart the locked wallet lists its accounts, refuses a wrong passphrase and signs in with the right one',
    async run(target) {
      const first = await target.signedInApp('alice', 'restart');
      const before = await state(first);
      const app = await target.restart(first);
      const locked = await state(app);
      assert.equal(locked.state, 'signed-out');
      assert.equal(locked.account, undefined);
      assert.deepEqual(locked.accounts, before.accounts);
      assert.equal(
        await app.refused('signIn', { accountId: before.account?.accountId, passphrase: WRONG }),
        'WRONG_PASSPHRASE',
      );
      assert.equal((await state(app)).state, 'signed-out');
      const account = await app.call('signIn', {
        accountId: locked.accounts[0]?.accountId,
        passphrase: target.passphrase,
      });
      assert.deepEqual(account, before.account);
      assert.equal((await state(app)).state, 'signed-in');
    },
  },
  {
    name: 'a second account enrolled into a passphrase wallet is listed after a restart',
    async run(target) {
      const { app, account } = await enrolled(target, 'two-accounts');
      await app.call('signOut');
      const carol = await app.call('enroll', await target.enrollInput('carol', target.passphrase));
      await app.call('signOut');
      const restarted = await target.restart(app);
      const s = await state(restarted);
      assert.equal(s.state, 'signed-out');
      assert.deepEqual(s.accounts.map((a) => a.userId).sort(), [account.userId, carol.userId].sort());
      const back = await restarted.call('signIn', { accountId: account.accountId, passphrase: target.passphrase });
      assert.equal(back.userId, account.userId);
    },
  },
  {
    name: 'the sync state becomes connected once signed in and stays honest in sessionState',
    async run(target) {
      const app = await target.signedInApp('alice', 'sync');
      await app.eventually('sync state connected', async () => {
        const s = await state(app);
        return s.sync === 'connected' ? s : undefined;
      });
      const syncEvents = app.events.flatMap((e) => (e.type === 'sync' ? [e.state] : []));
      assert.equal(syncEvents.at(-1), 'connected');
      await app.call('signOut');
      assert.equal((await state(app)).sync, 'offline');
    },
  },
];
