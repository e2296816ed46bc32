import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

// Node OUs let Fabric tell clients, peers, orderers and admins apart by the
// OU that Fabric CA writes from the identity type.
export function nodeOuConfig(caCertFile: string): string {
  const ou = (name: string) =>
    `  ${name}:\n    Certificate: cacerts/${caCertFile}\n    OrganizationalUnitIdentifier: ${name.replace('OUIdentifier', '').toLowerCase()}\n`;
  return `NodeOUs:\n  Enable: true\n${['ClientOUIdentifier', 'PeerOUIdentifier', 'AdminOUIdentifier', 'OrdererOUIdentifier'].map(ou).join('')}`;
}

/** The org-level MSP that goes into the channel configuration. */
export async function writeOrgMsp(orgMspDir: string, caCertPem: string): Promise<void> {
  for (const sub of ['cacerts', 'tlscacerts']) {
    await mkdir(path.join(orgMspDir, sub), { recursive: true });
    await writeFile(path.join(orgMspDir, sub, 'ca.pem'), caCertPem);
  }
  await writeFile(path.join(orgMspDir, 'config.yaml'), nodeOuConfig('ca.pem'));
}

/** Makes an enrolled local MSP self-contained: fixed cacert name and Node OU config. */
export async function finishLocalMsp(mspDir: string, caCertPem: string): Promise<void> {
  await rm(path.join(mspDir, 'cacerts'), { recursive: true, force: true });
  await mkdir(path.join(mspDir, 'cacerts'), { recursive: true });
  await writeFile(path.join(mspDir, 'cacerts', 'ca.pem'), caCertPem);
  await mkdir(path.join(mspDir, 'tlscacerts'), { recursive: true });
  await writeFile(path.join(mspDir, 'tlscacerts', 'ca.pem'), caCertPem);
  await writeFile(path.join(mspDir, 'config.yaml'), nodeOuConfig('ca.pem'));
}
