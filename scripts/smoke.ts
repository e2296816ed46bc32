import { NetworkError } from '../network/src/errors';
import { dataDir } from '../network/src/paths';
import { buildTopology, portBaseFromEnv } from '../network/src/topology';
import { runSmokeFlow } from './lib/smoke-flow';

// npm run smoke: one transaction through the running network, end to end.
runSmokeFlow(dataDir(), buildTopology(portBaseFromEnv())).then(
  (result) => {
    console.log(`fresh user        ${result.user}`);
    console.log(`transaction id    ${result.transactionId}`);
    console.log(`block number      ${result.blockNumber}`);
    console.log(`event (as Org2)   ${result.eventSeenByOrg2.name} ${JSON.stringify(result.eventSeenByOrg2.payload)}`);
    console.log(`read back (Org2)  ${JSON.stringify(result.readBackByOrg2)}`);
    console.log(`submit→event      ${result.latencyMs.toFixed(0)} ms`);
  },
  (error: unknown) => {
    console.error(error instanceof NetworkError ? error.describe() : error);
    console.error('hint: is the network up? npm run network:status');
    process.exit(1);
  },
);
