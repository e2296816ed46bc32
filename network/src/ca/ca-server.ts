import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { NetworkError } from '../errors';
import { type ProcessRecord, startProcess, waitUntilReady } from '../processes';
import { HOST, type CaNode } from '../topology';
import { pathExists } from '../fs-utils';

export interface CaPaths {
  readonly home: string;
  /** Root of trust for both the CA's identities and its TLS endpoint. */
  readonly caCert: string;
  readonly adminSecretFile: string;
}

export const caPaths = (dataDir: string, ca: CaNode): CaPaths => {
  const home = path.join(dataDir, 'ca', ca.name);
  return { home, caCert: path.join(home, 'ca-cert.pem'), adminSecretFile: path.join(home, 'bootstrap-admin.secret') };
};

export const caUrl = (ca: CaNode): string => `https://${HOST}:${ca.port}`;

/** A random bootstrap password per CA, kept only in the CA's data dir (0600). */
export async function bootstrapSecret(paths: CaPaths): Promise<string> {
  try {
    return (await readFile(paths.adminSecretFile, 'utf8')).trim();
  } catch {
    await mkdir(paths.home, { recursive: true });
    const secret = randomBytes(18).toString('base64url');
    await writeFile(paths.adminSecretFile, secret, { mode: 0o600 });
    return secret;
  }
}

export async function startCa(dataDir: string, binDir: string, ca: CaNode): Promise<ProcessRecord> {
  const paths = caPaths(dataDir, ca);
  const secret = await bootstrapSecret(paths);
  const command = path.join(binDir, 'fabric-ca-server');
  const record = await startProcess(dataDir, {
    name: ca.name,
    command,
    args: [
      'start',
      '--home',
      paths.home,
      '--boot',
      `admin:${secret}`,
      '--ca.name',
      ca.name,
      '--port',
      String(ca.port),
      '--tls.enabled',
      '--csr.hosts',
      `${HOST},localhost`,
      '--csr.cn',
      ca.name,
    ],
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      FABRIC_CA_SERVER_ADDRESS: HOST,
      FABRIC_CA_SERVER_OPERATIONS_LISTENADDRESS: `${HOST}:${ca.operationsPort}`,
      FABRIC_CA_SERVER_METRICS_PROVIDER: 'disabled',
    },
    cwd: paths.home,
  });
  await waitUntilReady(record, () => caHealthy(ca), 'starting the CA', 60_000);
  await waitUntilReady(record, () => pathExists(paths.caCert), 'writing ca-cert.pem', 10_000);
  return record;
}

/** The CA's operations endpoint answers /healthz once its database is up. */
export async function caHealthy(ca: CaNode): Promise<boolean> {
  try {
    const response = await fetch(`http://${HOST}:${ca.operationsPort}/healthz`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function readCaCert(dataDir: string, ca: CaNode): Promise<string> {
  try {
    return await readFile(caPaths(dataDir, ca).caCert, 'utf8');
  } catch {
    throw new NetworkError(`${ca.name} has no certificate yet`, 'run npm run network:up first');
  }
}
