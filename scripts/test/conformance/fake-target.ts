import { FAKE_SECRET, type FakeApi, type FakeDisk, createFakeApi } from '../../../renderer/src/api/fake-api';
import { wrapApp } from './app-wrapper';
import type { ConformanceApp, ConformanceTarget, DevUser } from './target';
import { mspIdOf, userIdOf } from './target';

// The conformance target for the in-memory fake: one fake instance per app,
// a FakeDisk per data dir (so a restart keeps the wallet's accounts and
// passphrase), and direct messages carried between instances by hand (the
// fake has no network of its own).

const PASSPHRASE = 'conformance passphrase one';

/** The fake answers synchronously: a state it does not show at once it will never show. */
const NO_WAITING = { next: async () => undefined, attempts: 1 };

export function fakeTarget(): ConformanceTarget {
  const apps = new Map<ConformanceApp, { fake: FakeApi; disk: FakeDisk; unsubscribe: () => void }>();
  let count = 0;

  const start = (label: string, disk: FakeDisk, user?: DevUser): ConformanceApp => {
    const fake = createFakeApi({ keychain: false, disk });
    const app = wrapApp(label, fake, NO_WAITING, user);
    apps.set(app, { fake, disk, unsubscribe: app.unsubscribe });
    return app;
  };
  const entry = (app: ConformanceApp) => {
    const found = apps.get(app);
    if (!found) throw new Error(`${app.label} is not running`);
    return found;
  };

  const target: ConformanceTarget = {
    name: 'fake API',
    passphrase: PASSPHRASE,
    async firstRunApp(label = `app-${++count}`) {
      return start(label, { accounts: [] });
    },
    async enrollInput(user, passphrase) {
      return { profile: 'dev', mspId: mspIdOf(user), enrollmentId: user, secret: FAKE_SECRET, passphrase };
    },
    async signedInApp(user, label = `${user}-${++count}`) {
      const app = start(label, { accounts: [] }, user);
      await app.call('enroll', await target.enrollInput(user, PASSPHRASE));
      return app;
    },
    async restart(app) {
      const { disk, unsubscribe } = entry(app);
      unsubscribe();
      apps.delete(app);
      return start(app.label, disk, app.user);
    },
    async sendDirect(from, to, text) {
      if (!to.user) throw new Error(`${to.label} has no user`);
      if (!from.user) throw new Error(`${from.label} has no user`);
      const outgoing = await from.call('openDirect', { userId: userIdOf(to.user) });
      const sent = await from.call('sendMessage', { conversationId: outgoing.id, text });
      // What the ledger would do: the recipient's app learns of it and stores it.
      const incoming = await to.call('openDirect', { userId: userIdOf(from.user) });
      const received = entry(to).fake.receive(incoming.id, userIdOf(from.user), text);
      return { sent, received };
    },
    async dispose() {
      for (const { unsubscribe } of apps.values()) unsubscribe();
      apps.clear();
    },
  };
  return target;
}
