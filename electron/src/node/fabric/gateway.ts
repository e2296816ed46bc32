import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { type Gateway, connect, hash, signers } from '@hyperledger/fabric-gateway';

// One gRPC connection per peer, a deadline on every call type, and the
// caller closes both in `finally`.

export interface PeerEndpoint {
  readonly address: string;
  readonly tlsRootPem: string;
  /** Name in the peer's TLS certificate when it differs from the address host. */
  readonly hostOverride?: string;
}

export interface GatewayIdentity {
  readonly mspId: string;
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

export interface GatewayConnection {
  readonly gateway: Gateway;
  readonly client: grpc.Client;
  close(): void;
}

export const DEADLINES = {
  evaluateMs: 5_000,
  endorseMs: 15_000,
  submitMs: 5_000,
  commitStatusMs: 60_000,
} as const;

/** A gateway for one identity over an existing gRPC connection, with a deadline on every call type. */
export function connectGateway(client: grpc.Client, identity: GatewayIdentity): Gateway {
  const after = (ms: number) => () => ({ deadline: Date.now() + ms });
  return connect({
    client,
    identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificatePem) },
    signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem)),
    hash: hash.sha256,
    evaluateOptions: after(DEADLINES.evaluateMs),
    endorseOptions: after(DEADLINES.endorseMs),
    submitOptions: after(DEADLINES.submitMs),
    commitStatusOptions: after(DEADLINES.commitStatusMs),
  });
}

/** Largest answer accepted from a peer. */
export const MAX_RECEIVE_BYTES = 32 * 1024 * 1024;

export function openGateway(peer: PeerEndpoint, identity: GatewayIdentity): GatewayConnection {
  const options: grpc.ChannelOptions = {
    // grpc-js stops at 4 MiB; a shared item (ReadItem) is up to 8 MiB of ciphertext, base64 in JSON.
    'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
    ...(peer.hostOverride ? { 'grpc.ssl_target_name_override': peer.hostOverride } : {}),
  };
  const client = new grpc.Client(peer.address, grpc.credentials.createSsl(Buffer.from(peer.tlsRootPem)), options);
  const gateway = connectGateway(client, identity);
  return {
    gateway,
    client,
    close() {
      gateway.close();
      client.close();
    },
  };
}
