import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import type { ChaincodeEvent } from '@hyperledger/fabric-gateway';
import { bootstrapSecret, caPaths, caUrl } from '../../network/src/ca/ca-server';
import { CHAINCODE_NAME, CHANNEL, type Topology } from '../../network/src/topology';
import { CaAdmin } from '../../electron/src/node/ca/ca-admin';
import { openGateway } from '../../electron/src/node/fabric/gateway';
import { devIdentity, peerEndpoint } from './identities';

// The first end-to-end path: a fresh Org1 user submits, an Org2 user sees
// the chaincode event and reads the result back.

export interface SmokeResult {
  readonly user: string;
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly latencyMs: number;
  readonly eventSeenByOrg2: { readonly name: string; readonly payload: unknown };
  readonly readBackByOrg2: unknown;
}

const EVENT_TIMEOUT_MS = 30_000;

async function waitForEvent(
  events: AsyncIterable<ChaincodeEvent>,
  transactionId: string,
): Promise<{ event: ChaincodeEvent; at: number }> {
  const timeout = new Promise<never>((_, reject) => {
    setTimeout(
      () => reject(new Error(`no chaincode event for ${transactionId} within ${EVENT_TIMEOUT_MS} ms`)),
      EVENT_TIMEOUT_MS,
    ).unref();
  });
  const found = (async () => {
    for await (const event of events) {
      if (event.transactionId === transactionId) return { event, at: performance.now() };
    }
    throw new Error('event stream ended');
  })();
  return Promise.race([found, timeout]);
}

export async function runSmokeFlow(dataDir: string, topology: Topology): Promise<SmokeResult> {
  const [org1, org2] = topology.peerOrgs;
  const [peer1, peer2] = topology.peers;
  if (!org1 || !org2 || !peer1 || !peer2) throw new Error('topology needs two orgs with a peer each');

  const registrar = await CaAdmin.connect(
    {
      url: caUrl(org1.ca),
      caName: org1.ca.name,
      tlsRootPem: await readFile(caPaths(dataDir, org1.ca).caCert, 'utf8'),
      mspId: org1.mspId,
    },
    'admin',
    await bootstrapSecret(caPaths(dataDir, org1.ca)),
  );
  const user = `smoke-${randomBytes(4).toString('hex')}`;
  const enrollment = await registrar.enrollWithRole(user, await registrar.register(user, 'staff'), 'staff');

  const org1Conn = openGateway(await peerEndpoint(dataDir, topology, peer1), enrollment);
  const org2Conn = openGateway(await peerEndpoint(dataDir, topology, peer2), await devIdentity(dataDir, org2, 'bob'));
  const events = await org2Conn.gateway.getNetwork(CHANNEL).getChaincodeEvents(CHAINCODE_NAME);
  try {
    const contract = org1Conn.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, 'smoke');
    const request = JSON.stringify({ noteId: user, text: 'hello from the smoke test' });
    const started = performance.now();
    const submitted = await contract.submitAsync('PutNote', { arguments: [request] });
    const transactionId = submitted.getTransactionId();
    const seen = waitForEvent(events, transactionId);
    const status = await submitted.getStatus();
    if (!status.successful) throw new Error(`transaction ${transactionId} failed validation: code ${status.code}`);
    const { event, at } = await seen;
    const org2Contract = org2Conn.gateway.getNetwork(CHANNEL).getContract(CHAINCODE_NAME, 'smoke');
    const readBack: unknown = JSON.parse(
      Buffer.from(await org2Contract.evaluateTransaction('GetNote', JSON.stringify({ noteId: user }))).toString('utf8'),
    );
    return {
      user: `${org1.mspId}::${user}`,
      transactionId,
      blockNumber: status.blockNumber,
      latencyMs: at - started,
      eventSeenByOrg2: {
        name: event.eventName,
        payload: JSON.parse(Buffer.from(event.payload).toString('utf8')) as unknown,
      },
      readBackByOrg2: readBack,
    };
  } finally {
    events.close();
    org1Conn.close();
    org2Conn.close();
  }
}
