import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { hash, signers } from '@hyperledger/fabric-gateway';
import { common, orderer } from '@hyperledger/fabric-protos';
import { signatureHeader } from '../../../electron/src/node/admin/channel-config';
import { nodeDir } from '../../../network/src/ca/crypto';
import { CHANNEL, HOST, type OrdererNode, type Topology } from '../../../network/src/topology';
import type { GatewayIdentity } from '../../../electron/src/node/fabric/gateway';

// Asks an orderer's own Deliver service for blocks, the way any client that
// can reach it could: a DELIVER_SEEK_INFO envelope signed by `identity`,
// over TLS with no client certificate. Answers 'delivered' when a block
// arrives, or the orderer's status ('FORBIDDEN', …).

function varint(value: number): number[] {
  const out: number[] = [];
  let v = value;
  while (v > 127) {
    out.push((v % 128) | 128);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/**
 * A ChannelHeader holding only a timestamp (field 3: seconds, nanos),
 * decoded from its wire form: the protobuf Timestamp class lives in a
 * package this project does not depend on directly.
 */
function headerAt(ms: number): common.ChannelHeader {
  const timestamp = [0x08, ...varint(Math.floor(ms / 1000)), 0x10, ...varint((ms % 1000) * 1_000_000)];
  return common.ChannelHeader.deserializeBinary(Uint8Array.from([0x1a, timestamp.length, ...timestamp]));
}

function seekEnvelope(identity: GatewayIdentity, channel: string): { payload: Uint8Array; envelope: common.Envelope } {
  const position = (oldest: boolean) => {
    const p = new orderer.SeekPosition();
    if (oldest) p.setOldest(new orderer.SeekOldest());
    else p.setNewest(new orderer.SeekNewest());
    return p;
  };
  const seek = new orderer.SeekInfo();
  seek.setStart(position(true));
  seek.setStop(position(false));
  seek.setBehavior(orderer.SeekInfo.SeekBehavior.FAIL_IF_NOT_READY);

  // The orderer refuses a seek whose timestamp is outside its time window.
  const channelHeader = headerAt(Date.now());
  channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
  channelHeader.setChannelId(channel);
  const header = new common.Header();
  header.setChannelHeader(channelHeader.serializeBinary());
  header.setSignatureHeader(signatureHeader(identity).serializeBinary());
  const payload = new common.Payload();
  payload.setHeader(header);
  payload.setData(seek.serializeBinary());
  const bytes = payload.serializeBinary();
  const envelope = new common.Envelope();
  envelope.setPayload(bytes);
  return { payload: bytes, envelope };
}

const STATUS_NAMES = new Map(Object.entries(common.Status).map(([name, code]) => [code, name]));

export async function ordererDelivery(
  dataDir: string,
  topology: Topology,
  node: OrdererNode,
  identity: GatewayIdentity,
): Promise<'delivered' | string> {
  const tlsRoot = await readFile(path.join(nodeDir(dataDir, topology.ordererOrg, node.name), 'tls', 'ca.crt'));
  const { payload, envelope } = seekEnvelope(identity, CHANNEL);
  const sign = signers.newPrivateKeySigner(createPrivateKey(identity.privateKeyPem));
  envelope.setSignature(await sign(hash.sha256(payload)));
  const client = new orderer.AtomicBroadcastClient(`${HOST}:${node.port}`, grpc.credentials.createSsl(tlsRoot), {
    'grpc.ssl_target_name_override': node.name,
  });
  try {
    return await new Promise<string>((resolve, reject) => {
      const stream = client.deliver({ deadline: Date.now() + 15_000 });
      stream.on('data', (response: orderer.DeliverResponse) => {
        stream.cancel();
        if (response.hasBlock()) resolve('delivered');
        else resolve(STATUS_NAMES.get(response.getStatus()) ?? String(response.getStatus()));
      });
      stream.on('error', (error: grpc.ServiceError) => {
        if (error.code !== grpc.status.CANCELLED) reject(error);
      });
      stream.on('end', () => resolve('stream ended'));
      stream.write(envelope);
    });
  } finally {
    client.close();
  }
}
