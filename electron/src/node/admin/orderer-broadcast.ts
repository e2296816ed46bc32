import * as grpc from '@grpc/grpc-js';
import { type common, orderer } from '@hyperledger/fabric-protos';
import type { OrdererProfile } from '../../common/connection-profile';
import { AdminError } from './errors';

// Sends one envelope to the ordering service over its AtomicBroadcast
// stream (TLS, the profile's root and server name) and reads the answer.
// Orderers are tried in profile order while they are unreachable or say
// SERVICE_UNAVAILABLE; any other answer is final.

export const BROADCAST_DEADLINE_MS = 15_000;

/** common.Status values the orderer answers with. */
const SUCCESS = 200;
const SERVICE_UNAVAILABLE = 503;

export interface BroadcastOutcome {
  readonly status: number;
  readonly info: string;
  readonly orderer: string;
}

function broadcastOnce(
  target: OrdererProfile,
  envelope: common.Envelope,
  deadlineMs: number,
): Promise<BroadcastOutcome> {
  const client = new orderer.AtomicBroadcastClient(
    target.endpoint,
    grpc.credentials.createSsl(Buffer.from(target.tlsRootCertificate)),
    { 'grpc.ssl_target_name_override': target.tlsServerName },
  );
  return new Promise<BroadcastOutcome>((resolve, reject) => {
    const stream = client.broadcast({ deadline: Date.now() + deadlineMs });
    let settled = false;
    const finish = (outcome: BroadcastOutcome | Error) => {
      if (settled) return;
      settled = true;
      stream.end();
      client.close();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    stream.on('data', (response: orderer.BroadcastResponse) =>
      finish({ status: response.getStatus(), info: response.getInfo(), orderer: target.endpoint }),
    );
    stream.on('error', (error: Error) => finish(error));
    stream.on('end', () => finish(new Error(`${target.endpoint} closed the stream without an answer`)));
    stream.write(envelope);
  });
}

/** Broadcasts `envelope`; resolves with the first orderer's definitive answer. */
export async function broadcast(
  orderers: readonly OrdererProfile[],
  envelope: common.Envelope,
  deadlineMs = BROADCAST_DEADLINE_MS,
): Promise<BroadcastOutcome> {
  const failures: string[] = [];
  for (const target of orderers) {
    try {
      const outcome = await broadcastOnce(target, envelope, deadlineMs);
      if (outcome.status !== SERVICE_UNAVAILABLE) return outcome;
      failures.push(`${target.endpoint}: SERVICE_UNAVAILABLE ${outcome.info}`);
    } catch (error) {
      failures.push(`${target.endpoint}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  throw new AdminError('NETWORK_UNAVAILABLE', `no orderer took the config update (${failures.join('; ')})`);
}

export const isSuccess = (outcome: BroadcastOutcome) => outcome.status === SUCCESS;
