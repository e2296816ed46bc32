import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChaincodeStub } from 'fabric-shim-api';

// Routes a call the way the peer does: fabric-shim loads the package's
// `contracts` export through its own bootstrap, splits "Contract:Function",
// recognises ctx by its declared type, unmarshals the string arguments and
// builds ClientIdentity from a real X.509 certificate. Calling contract
// methods directly skips all of that (and once hid a bug that failed every
// transaction on a real peer).

interface ShimResponse {
  status: number;
  payload?: Uint8Array;
  message?: string;
}

interface ContractDispatcher {
  Invoke(stub: ChaincodeStub): Promise<ShimResponse>;
  metadata: { contracts: Record<string, { transactions: Array<{ name: string; parameters?: unknown[] }> }> };
}

interface BootstrapInfo {
  contracts: unknown[];
  serializers: unknown;
  title: string;
  version: string;
}

// fabric-shim ships no types for its contract SPI internals.
const Bootstrap = require('fabric-shim/lib/contract-spi/bootstrap') as {
  getInfoFromContract(modulePath: string): BootstrapInfo;
};
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract') as new (
  contracts: unknown[],
  serializers: unknown,
  metadata: object,
  title: string,
  version: string,
) => ContractDispatcher;

const CHAINCODE_PACKAGE = path.resolve(__dirname, '..', '..', '..');

let dispatcher: ContractDispatcher | null = null;

/** The chaincode exactly as `fabric-chaincode-node server` loads it from package.json. */
export function chaincode(): ContractDispatcher {
  if (!dispatcher) {
    const info = Bootstrap.getInfoFromContract(CHAINCODE_PACKAGE);
    // The shim appends its system contract to the array it is given.
    dispatcher = new ChaincodeFromContract([...info.contracts], info.serializers, {}, info.title, info.version);
  }
  return dispatcher;
}

/** "Contract:Function" for a transaction passed as a (possibly bound) method. */
export function qualifiedName(method: { name: string }): string {
  const fn = method.name.replace(/^bound /, '');
  const owners = Object.entries(chaincode().metadata.contracts)
    .filter(([name, c]) => name !== 'org.hyperledger.fabric' && c.transactions.some((t) => t.name === fn))
    .map(([name]) => name);
  if (owners.length !== 1) {
    throw new Error(`transaction ${fn} is declared by ${owners.length} contracts (${owners.join(', ')})`);
  }
  return `${owners[0]}:${fn}`;
}

export function decodeResponse(response: ShimResponse): { ok: true; payload: string } | { ok: false; error: Error } {
  if (response.status === 200) return { ok: true, payload: Buffer.from(response.payload ?? []).toString('utf8') };
  return { ok: false, error: new Error(response.message ?? `chaincode status ${response.status}`) };
}

const certificates = new Map<string, Uint8Array>();

/**
 * A self-signed certificate carrying Fabric CA's attribute extension, so
 * fabric-shim's ClientIdentity parses the caller just as on a peer.
 */
export function certificateFor(enrollmentId: string, attrs: Record<string, string>): Uint8Array {
  const cacheKey = JSON.stringify([enrollmentId, attrs]);
  const cached = certificates.get(cacheKey);
  if (cached) return cached;
  const dir = mkdtempSync(path.join(tmpdir(), 'ktalk-cert-'));
  try {
    const extension = Buffer.from(JSON.stringify({ attrs })).toString('hex');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        `/OU=client/CN=${enrollmentId}`,
        '-addext',
        `1.2.3.4.5.6.7.8.1=DER:${extension}`,
      ],
      { stdio: 'ignore' },
    );
    const pem = readFileSync(path.join(dir, 'cert.pem'));
    certificates.set(cacheKey, pem);
    return pem;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
