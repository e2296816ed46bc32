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
  /** The running server and service (new objects after a restart). */
  readonly server: WebServer;
  readonly service: AppService;
  readonly dataDir: string;
  /** Open this in a fresh browser context: it sets the session cookie. */
  readonly launchUrl: string;
  /** Quits the app: the web server and the service stop; the data dir stays. */
  stop(): Promise<void>;
  /**
   * Starts the app again on the same data dir. Like `npm start`, a launch
   * gets a new port and token (a new origin: the browser's storage for the
   * old one is out of reach); `samePort` keeps both, as a backend restarted
   * under an open page.
   */
  start(options?: { samePort?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function startWebApp(ctx: NetworkContext, label: string): Promise<WebApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `ktalk-web-${label}-`));
  let running: { server: WebServer; service: AppService } | null = null;
  let last: { port: number; token: string } | null = null;
  const launch = async (keep?: { port: number; token: string }) => {
    const service = createAppService({
      appDataDir: dataDir,
      devProfilePath: profilePath(ctx.dataDir),
      kdfCost: KDF_INTERACTIVE,
    });
    const server = await startWebServer({ api: service, events: service, mounts: rendererMounts(), ...keep });
    running = { server, service };
    last = { port: server.port, token: server.token };
  };
  const current = () => {
    if (!running) throw new Error(`the ${label} app is stopped`);
    return running;
  };
  const stop = async () => {
    const was = running;
    running = null;
    if (!was) return;
    await was.server.close();
    await was.service.close();
  };
  await launch();
  return {
    get server() {
      return current().server;
    },
    get service() {
      return current().service;
    },
    dataDir,
    get launchUrl() {
      return current().server.launchUrl;
    },
    stop,
    async start(options = {}) {
      if (running) throw new Error(`the ${label} app is running already`);
      await launch(options.samePort && last ? last : undefined);
    },
    async close() {
      await stop();
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
