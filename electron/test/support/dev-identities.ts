import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { userMspDir } from '../../../network/src/ca/crypto';
import type { Org } from '../../../network/src/topology';
import type { GatewayIdentity } from '../../src/node/fabric/gateway';

/** A development user network:up enrolled, read from its MSP folder. */
export async function readDevIdentity(dataDir: string, org: Org, user: string): Promise<GatewayIdentity> {
  const msp = userMspDir(dataDir, org, user);
  const [keyFile] = await readdir(path.join(msp, 'keystore'));
  if (!keyFile) throw new Error(`no private key for ${user} in ${msp}`);
  return {
    mspId: org.mspId,
    certificatePem: await readFile(path.join(msp, 'signcerts', 'cert.pem'), 'utf8'),
    privateKeyPem: await readFile(path.join(msp, 'keystore', keyFile), 'utf8'),
  };
}
