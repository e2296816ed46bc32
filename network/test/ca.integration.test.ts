import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { certificateAttributes, certificateOrganizationalUnits } from '../../electron/src/shared/cert-attributes';
import { devUsers, issueOrgCrypto, nodeDir, userMspDir } from '../src/ca/crypto';
import { caHealthy, caPaths, startCa } from '../src/ca/ca-server';
import { isRunning, readRecords, stopAll } from '../src/processes';
import { type Topology } from '../src/topology';
import { caBinDir, isolatedNetwork } from './support/test-network';

// Runs the real fabric-ca-server 1.5.21 (built from its Go module) and
// issues an org's whole crypto set through it, as network:up does.

describe('Fabric CA bootstrap (real fabric-ca-server)', { timeout: 15 * 60_000 }, () => {
  let dataDir = '';
  let topology: Topology;
  let binDir = '';
  const logs: string[] = [];

  before(async () => {
    ({ dataDir, topology } = await isolatedNetwork());
    binDir = await caBinDir();
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    await startCa(dataDir, binDir, org1.ca);
    await issueOrgCrypto(dataDir, binDir, org1, ['peer0.org1'], 'peer', devUsers(org1), (l) => logs.push(l));
  });

  after(async () => {
    await stopAll(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves a healthy operations endpoint', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1 && (await caHealthy(org1.ca)));
  });

  it('keeps the bootstrap admin secret out of reach of other users (mode 0600)', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const { stat } = await import('node:fs/promises');
    const mode = (await stat(caPaths(dataDir, org1.ca).adminSecretFile)).mode & 0o777;
    assert.equal(mode, 0o600);
  });

  it('issues the peer an identity with OU=peer, signed by the org CA', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const msp = path.join(nodeDir(dataDir, org1, 'peer0.org1'), 'msp');
    const cert = new X509Certificate(await readFile(path.join(msp, 'signcerts', 'cert.pem')));
    const ca = new X509Certificate(await readFile(path.join(msp, 'cacerts', 'ca.pem')));
    assert.match(cert.subject, /OU=peer/);
    assert.ok(cert.verify(ca.publicKey));
    assert.equal((await readdir(path.join(msp, 'keystore'))).length, 1);
    assert.match(await readFile(path.join(msp, 'config.yaml'), 'utf8'), /Enable: true/);
  });

  it('issues a TLS server certificate for 127.0.0.1 under fixed file names', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const tls = path.join(nodeDir(dataDir, org1, 'peer0.org1'), 'tls');
    assert.deepEqual((await readdir(tls)).sort(), ['ca.crt', 'server.crt', 'server.key']);
    const cert = new X509Certificate(await readFile(path.join(tls, 'server.crt')));
    assert.ok(cert.checkIP('127.0.0.1'));
  });

  it('puts ktalk.role in every development user certificate', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const expected: Record<string, string> = {
      alice: 'staff',
      carol: 'staff',
      org1admin: 'admin',
      auditor1: 'compliance',
    };
    for (const [user, role] of Object.entries(expected)) {
      const pem = await readFile(path.join(userMspDir(dataDir, org1, user), 'signcerts', 'cert.pem'), 'utf8');
      const attrs = certificateAttributes(pem);
      assert.equal(attrs['ktalk.role'], role, `${user} role`);
      assert.equal(attrs['hf.EnrollmentID'], user, `${user} enrollment id`);
      // The KTalk org admin is also a Fabric MSP admin (it signs its org's CRL updates).
      const type = user === 'org1admin' ? 'admin' : 'client';
      assert.ok(certificateOrganizationalUnits(pem).includes(type), `${user} OU=${type}`);
    }
    const admin = await readFile(path.join(userMspDir(dataDir, org1, 'org1admin'), 'signcerts', 'cert.pem'), 'utf8');
    assert.equal(certificateAttributes(admin)['ktalk.treasury'], 'true');
  });

  it('gives the org Fabric admin OU=admin for channel and lifecycle operations', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const pem = await readFile(path.join(userMspDir(dataDir, org1, 'Admin'), 'signcerts', 'cert.pem'), 'utf8');
    assert.ok(certificateOrganizationalUnits(pem).includes('admin'));
  });

  it('is idempotent: issuing again re-registers nobody', async () => {
    const org1 = topology.peerOrgs[0];
    assert.ok(org1);
    const before = await readFile(path.join(userMspDir(dataDir, org1, 'alice'), 'signcerts', 'cert.pem'), 'utf8');
    await issueOrgCrypto(dataDir, binDir, org1, ['peer0.org1'], 'peer', devUsers(org1), () => undefined);
    const again = await readFile(path.join(userMspDir(dataDir, org1, 'alice'), 'signcerts', 'cert.pem'), 'utf8');
    assert.equal(again, before);
  });

  it('stops the CA by its PID and leaves no process behind', async () => {
    const records = await readRecords(dataDir);
    assert.equal(records.length, 1);
    await stopAll(dataDir);
    for (const record of records) assert.equal(await isRunning(record), false);
    assert.deepEqual(await readRecords(dataDir), []);
  });
});
