import { type NetworkContext, status, up } from '../network/src/network';
import { DEV_PROFILE_PATH } from '../network/src/connection-profile';
import { NetworkError } from '../network/src/errors';
import { dataDir } from '../network/src/paths';
import { CHAINCODE_NAME, CHANNEL, HOST, buildTopology, portBaseFromEnv } from '../network/src/topology';

// npm start: bring the network up (idempotent), then say how to connect.
// The desktop app and its local web mode attach here in a later milestone.
async function main(): Promise<void> {
  const ctx: NetworkContext = {
    dataDir: dataDir(),
    topology: buildTopology(portBaseFromEnv()),
    log: (l) => console.log(l),
  };
  await up({ ...ctx, profileCopies: [DEV_PROFILE_PATH] });
  const health = await status(ctx);
  console.log(`\n${health.filter((h) => h.healthy).length}/${health.length} nodes healthy`);
  console.log(`channel ${CHANNEL}, chaincode ${CHAINCODE_NAME}`);
  for (const peer of ctx.topology.peers) console.log(`gateway ${peer.mspId}: ${HOST}:${peer.port}`);
  console.log(`connection profile (what the app reads): ${DEV_PROFILE_PATH}`);
  console.log(`identities and TLS roots: ${ctx.dataDir}/crypto`);
  console.log('try it: npm run smoke   stop it: npm run network:down');
}

main().catch((error: unknown) => {
  console.error(error instanceof NetworkError ? error.describe() : error);
  process.exit(1);
});
