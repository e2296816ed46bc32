import { request } from 'node:https';
import * as grpc from '@grpc/grpc-js';
import type { NodeHealth } from '../../common/api';
import type { ConnectionProfile } from '../../common/connection-profile';

// What a client can learn about a network from its profile alone: whether
// each org's CA answers over TLS and each gateway peer completes a TLS
// handshake. Operations endpoints are the operators' business, not the app's.

const PROBE_MS = 2_000;

function caAnswers(url: string, tlsRootPem: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      new URL('api/v1/cainfo', url.endsWith('/') ? url : `${url}/`),
      { method: 'GET', ca: tlsRootPem, timeout: PROBE_MS },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

function gatewayAnswers(endpoint: string, tlsServerName: string, tlsRootPem: string): Promise<boolean> {
  const client = new grpc.Client(endpoint, grpc.credentials.createSsl(Buffer.from(tlsRootPem)), {
    'grpc.ssl_target_name_override': tlsServerName,
  });
  return new Promise<boolean>((resolve) => {
    client.waitForReady(Date.now() + PROBE_MS, (error) => resolve(!error));
  }).finally(() => client.close());
}

export async function profileHealth(profile: ConnectionProfile): Promise<NodeHealth[]> {
  const probes = profile.organizations.flatMap((org) => [
    caAnswers(org.ca.url, org.ca.tlsRootCertificate).then((healthy): NodeHealth => ({
      name: org.ca.name,
      kind: 'ca',
      healthy,
    })),
    gatewayAnswers(org.gateway.endpoint, org.gateway.tlsServerName, org.gateway.tlsRootCertificate).then(
      (healthy): NodeHealth => ({ name: org.gateway.tlsServerName, kind: 'peer', healthy }),
    ),
  ]);
  return Promise.all(probes);
}
