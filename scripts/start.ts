import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { type NetworkContext, status, up } from '../network/src/network';
import { DEV_PROFILE_PATH, appProfileFor, devProfileCopies } from '../network/src/connection-profile';
import { NetworkError } from '../network/src/errors';
import { dataDir, defaultDataDir } from '../network/src/paths';
import { CHAINCODE_NAME, CHANNEL, HOST, buildTopology, portBaseFromEnv } from '../network/src/topology';
import { createAppService } from '../electron/src/node/service/app-service';
import { rendererMounts } from '../electron/src/node/web/renderer-mounts';
import { startWebServer } from '../electron/src/node/web/server';

// npm start: bring the network up (idempotent), say how to connect, then
// open the app: the Electron shell when its binary is installed, otherwise
// (or with --web, as npm run start:web does) the local web mode.

const ROOT = path.resolve(__dirname, '..', '..');
const MAIN_JS = path.join(ROOT, 'build', 'electron', 'src', 'main', 'main.js');

/**
 * The installed Electron binary, or null. Not require('electron'): since
 * Electron 45 that downloads the binary on first use, from outside the registry.
 */
function electronBinary(): string | null {
  try {
    const dir = path.dirname(require.resolve('electron/package.json'));
    const relative = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), relative);
    return relative !== '' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

let appProfile = DEV_PROFILE_PATH;

async function startNetwork(): Promise<void> {
  const ctx: NetworkContext = {
    dataDir: dataDir(),
    topology: buildTopology(portBaseFromEnv()),
    log: (l) => console.log(l),
  };
  await up({ ...ctx, profileCopies: devProfileCopies(ctx.dataDir, defaultDataDir()) });
  // Another data dir is another network: the app reads its profile, and the default one stays as it was.
  appProfile = appProfileFor(ctx.dataDir, defaultDataDir());
  if (appProfile !== DEV_PROFILE_PATH) process.env.KTALK_CONNECTION_PROFILE = appProfile;
  const health = await status(ctx);
  console.log(`\n${health.filter((h) => h.healthy).length}/${health.length} nodes healthy`);
  console.log(`channel ${CHANNEL}, chaincode ${CHAINCODE_NAME}`);
  for (const peer of ctx.topology.peers) console.log(`gateway ${peer.mspId}: ${HOST}:${peer.port}`);
  console.log(`connection profile (what the app reads): ${appProfile}`);
  console.log(`identities and TLS roots: ${ctx.dataDir}/crypto`);
  console.log('try it: npm run smoke   stop it: npm run network:down');
}

async function startWebMode(): Promise<void> {
  const service = createAppService();
  const server = await startWebServer({
    api: service,
    events: service,
    mounts: rendererMounts(),
    onError: (error) => console.error('web mode: API call failed:', error),
  });
  console.log(`\nKTalk web mode on ${server.origin} (127.0.0.1 only). Open this one-time URL:`);
  console.log(`  ${server.launchUrl}`);
  console.log(
    'It works once: it is exchanged for a session cookie scoped to this launch, and the token leaves the address bar. Ctrl-C stops.',
  );
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`\n${signal}: stopping web mode`);
    Promise.all([server.close(), service.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function startElectron(binary: string): void {
  console.log(`\nstarting the desktop app (${binary})`);
  const child = spawn(binary, [MAIN_JS], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

async function main(): Promise<void> {
  await startNetwork();
  const binary = process.argv.includes('--web') ? null : electronBinary();
  if (binary) return startElectron(binary);
  if (!process.argv.includes('--web')) {
    console.log('\nno Electron binary installed (node_modules/electron/dist is missing): using the local web mode');
  }
  await startWebMode();
}

main().catch((error: unknown) => {
  console.error(error instanceof NetworkError ? error.describe() : error);
  process.exit(1);
});
