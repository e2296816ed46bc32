import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { secretStore } from '../../../network/src/ca/crypto';
import { profilePath } from '../../../network/src/connection-profile';
import type { NetworkContext } from '../../../network/src/network';
import { type AppService, createAppService } from '../../../electron/src/node/service/app-service';
import { KDF_INTERACTIVE } from '../../../electron/src/node/wallet';
import { rendererMounts } from '../../../electron/src/node/web/renderer-mounts';
import { type WebServer, startWebServer } from '../../../electron/src/node/web/server';

// One web-mode app per user for browser tests: its own data dir, the live
// network's profile as the default network, the built renderer, and the
// same server `npm start` runs (token, Host and Origin checks included).

export interface WebApp {
  readonly server: WebServer;
  readonly service: AppService;
  readonly dataDir: string;
  /** Open this in a fresh browser context: it sets the session cookie. */
  readonly launchUrl: string;
  close(): Promise<void>;
}

export async function startWebApp(ctx: NetworkContext, label: string): Promise<WebApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `ktalk-web-${label}-`));
  const service = createAppService({
    appDataDir: dataDir,
    devProfilePath: profilePath(ctx.dataDir),
    kdfCost: KDF_INTERACTIVE,
  });
  const server = await startWebServer({ api: service, events: service, mounts: rendererMounts() });
  return {
    server,
    service,
    dataDir,
    launchUrl: server.launchUrl,
    async close() {
      await server.close();
      await service.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The enrollment secret the dev network's CA registered `user` with (what an admin hands over). */
export async function devSecret(ctx: NetworkContext, orgName: string, user: string): Promise<string> {
  const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
  if (!org) throw new Error(`no org ${orgName}`);
  const secret = await secretStore(ctx.dataDir).get(org.ca.name, user);
  if (!secret) throw new Error(`no enrollment secret for ${user} at ${org.ca.name}`);
  return secret;
}
