import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secretStore } from '../../../network/src/ca/crypto';
import { profilePath } from '../../../network/src/connection-profile';
import type { NetworkContext } from '../../../network/src/network';
import { type AppService, createAppService } from '../../../electron/src/node/service/app-service';
import { KDF_INTERACTIVE } from '../../../electron/src/node/wallet';
import { withRecoveryApproval } from '../../../electron/test/support/approve-recovery';
import { wrapApp } from './app-wrapper';
import type { ConformanceApp, ConformanceTarget } from './target';
import { DEV_USERS, mspIdOf, userIdOf } from './target';

// The conformance target for the real service: each app is createAppService
// on its own data dir against one live network, enrolled with the dev CA's
// secrets the way the first-run screen does it; a restart closes the service
// and starts a new one on the same dir.

const PASSPHRASE = 'conformance passphrase one';
/** Ledger events reach the other app within seconds; a minute means they never will. */
const WAITING = { next: () => new Promise<void>((resolve) => setTimeout(resolve, 250)), attempts: 240 };

export function realTarget(ctx: NetworkContext): ConformanceTarget {
  const running = new Map<ConformanceApp, { service: AppService; unsubscribe: () => void }>();
  const dirs = new Map<ConformanceApp, string>();
  let count = 0;

  const start = (label: string, dir: string, user?: ConformanceApp['user']): ConformanceApp => {
    // The same dev user enrolls on many fresh dirs: each is a new device whose keys a compliance officer co-approves.
    const service = withRecoveryApproval(
      ctx,
      createAppService({ appDataDir: dir, devProfilePath: profilePath(ctx.dataDir), kdfCost: KDF_INTERACTIVE }),
    );
    const app = wrapApp(label, service, WAITING, user);
    running.set(app, { service, unsubscribe: app.unsubscribe });
    dirs.set(app, dir);
    return app;
  };
  const freshDir = (label: string) => mkdtemp(path.join(tmpdir(), `ktalk-conformance-${label}-`));

  const target: ConformanceTarget = {
    name: 'real service',
    passphrase: PASSPHRASE,
    async firstRunApp(label = `app-${++count}`) {
      return start(label, await freshDir(label));
    },
    async enrollInput(user, passphrase) {
      const org = ctx.topology.peerOrgs.find((o) => o.name === DEV_USERS[user]);
      if (!org) throw new Error(`no org ${DEV_USERS[user]} in this network`);
      const secret = await secretStore(ctx.dataDir).get(org.ca.name, user);
      if (!secret) throw new Error(`no enrollment secret for ${user}`);
      const app = [...running.values()][0]?.service;
      const profiles = app ? await app.listProfiles() : undefined;
      const profile = profiles?.ok ? profiles.value[0]?.name : undefined;
      return { profile: profile ?? 'dev', mspId: mspIdOf(user), enrollmentId: user, secret, passphrase };
    },
    async signedInApp(user, label = `${user}-${++count}`) {
      const app = start(label, await freshDir(label), user);
      await app.call('enroll', await target.enrollInput(user, PASSPHRASE));
      return app;
    },
    async restart(app) {
      const found = running.get(app);
      const dir = dirs.get(app);
      if (!found || !dir) throw new Error(`${app.label} is not running`);
      found.unsubscribe();
      await found.service.close();
      running.delete(app);
      dirs.delete(app);
      return start(app.label, dir, app.user);
    },
    async sendDirect(from, to, text) {
      if (!to.user) throw new Error(`${to.label} has no user`);
      const conversation = await from.call('openDirect', { userId: userIdOf(to.user) });
      const sent = await from.call('sendMessage', { conversationId: conversation.id, text });
      const received = await to.eventually(`message "${text}"`, async () => {
        const page = await to.result('listMessages', { conversationId: conversation.id, limit: 200 });
        return page.ok ? page.value.items.find((m) => m.clientMessageId === sent.clientMessageId) : undefined;
      });
      return { sent, received };
    },
    async dispose() {
      for (const { service, unsubscribe } of running.values()) {
        unsubscribe();
        await service.close();
      }
      running.clear();
      for (const dir of new Set(dirs.values())) await rm(dir, { recursive: true, force: true });
      dirs.clear();
    },
  };
  return target;
}
