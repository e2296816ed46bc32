import path from 'node:path';
import { prepareBinaries, type NetworkContext, deploy, down, reset, status, up } from './network';
import { NetworkError } from './errors';
import { revokeUser } from './channel/revoke';
import { CHAINCODE_DIR } from './nodes/chaincode';
import { packChaincode } from './nodes/chaincode-tarball';
import { appProfileFor, devProfileCopies } from './connection-profile';
import { dataDir, defaultDataDir } from './paths';
import { buildTopology, portBaseFromEnv } from './topology';

const USAGE =
  'usage: network <up|down|reset|status|deploy|binaries|pack-chaincode>\n       network revoke --org <Org1|Org2> --id <enrollment id> [--admin <ktalk admin>]';

/** `--name value` pairs after the command. */
function flags(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i];
    const value = args[i + 1];
    if (!name?.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new NetworkError(`unexpected argument ${name ?? ''}`, USAGE);
    }
    out.set(name.slice(2), value);
  }
  return out;
}

function batchTimeoutFromEnv(value: string): string {
  if (!/^[1-9]\d{0,4}(ms|s)$/.test(value)) {
    throw new NetworkError(`KTALK_BATCH_TIMEOUT=${value} is not a duration`, 'use e.g. 100ms, 250ms or 1s');
  }
  return value;
}

async function main(command: string | undefined, rest: readonly string[]): Promise<number> {
  const ctx: NetworkContext = {
    dataDir: dataDir(),
    topology: buildTopology(portBaseFromEnv()),
    log: (line) => console.log(line),
    // Only read when a new channel is created (it lives in the genesis block).
    ...(process.env.KTALK_BATCH_TIMEOUT ? { batchTimeout: batchTimeoutFromEnv(process.env.KTALK_BATCH_TIMEOUT) } : {}),
  };
  switch (command) {
    case 'up': {
      const started = Date.now();
      const outcome = await up({ ...ctx, profileCopies: devProfileCopies(ctx.dataDir, defaultDataDir()) });
      if (outcome === 'started')
        console.log(`network up in ${((Date.now() - started) / 1000).toFixed(1)} s (data in ${ctx.dataDir})`);
      const appProfile = appProfileFor(ctx.dataDir, defaultDataDir());
      console.log(`connection profile: ${appProfile}`);
      if (devProfileCopies(ctx.dataDir, defaultDataDir()).length === 0) {
        console.log(
          `(not the default network: the app keeps its own profile; KTALK_CONNECTION_PROFILE=${appProfile} points it here)`,
        );
      }
      return 0;
    }
    case 'down':
      await down(ctx);
      return 0;
    case 'reset':
      await reset(ctx);
      return 0;
    case 'status': {
      const health = await status(ctx);
      for (const h of health)
        console.log(
          `${h.healthy ? 'healthy  ' : 'DOWN     '} ${h.kind.padEnd(8)} ${h.name.padEnd(14)} ${h.endpoint}  ${h.detail}`,
        );
      const healthy = health.filter((h) => h.healthy).length;
      console.log(`${healthy}/${health.length} nodes healthy`);
      return healthy === health.length ? 0 : 1;
    }
    case 'deploy':
      await deploy(ctx);
      return 0;
    case 'pack-chaincode': {
      console.log(await packChaincode(CHAINCODE_DIR, path.join(CHAINCODE_DIR, '..', 'build')));
      return 0;
    }
    case 'binaries': {
      const bins = await prepareBinaries(ctx);
      console.log(`fabric ${bins.fabric.version}: ${bins.fabric.dir} (${bins.fabric.source})`);
      console.log(`fabric-ca ${bins.ca.version}: ${bins.ca.dir} (${bins.ca.source})`);
      return 0;
    }
    case 'revoke': {
      const args = flags(rest);
      const orgName = args.get('org');
      const enrollmentId = args.get('id');
      if (!orgName || !enrollmentId) throw new NetworkError('revoke needs --org and --id', USAGE);
      const bins = await prepareBinaries(ctx);
      const outcome = await revokeUser(
        { dataDir: ctx.dataDir, binDir: bins.fabric.dir, caBinDir: bins.ca.dir, topology: ctx.topology },
        { orgName, enrollmentId, ktalkAdmin: args.get('admin') ?? `${orgName.toLowerCase()}admin`, log: ctx.log },
      );
      console.log(`${outcome.userId}: revoked at the CA, CRL on the channel, ${outcome.directory} in the directory`);
      return 0;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof NetworkError ? error.describe() : error);
    process.exit(1);
  },
);
