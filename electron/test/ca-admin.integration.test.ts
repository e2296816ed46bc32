import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { bootstrapSecret, caPaths, caUrl, startCa } from '../../network/src/ca/ca-server';
import { stopAll } from '../../network/src/processes';
import { caBinDir, isolatedNetwork } from '../../network/test/support/test-network';
import { CaAdmin, CaError, type CaEndpoint, type KTalkRole, enroll } from '../src/node/ca/ca-admin';
import { certificateAttributes, certificateCommonName } from '../src/shared/cert-attributes';

// The app's provisioning path (npm fabric-ca-client) against a real CA.

describe('CaAdmin against a real Fabric CA', { timeout: 15 * 60_000 }, () => {
  let dataDir = '';
  let endpoint: CaEndpoint;
  let admin: CaAdmin;

  before(async () => {
    const net = await isolatedNetwork();
    dataDir = net.dataDir;
    const org1 = net.topology.peerOrgs[0];
    assert.ok(org1);
    await startCa(dataDir, await caBinDir(), org1.ca);
    const paths = caPaths(dataDir, org1.ca);
    endpoint = {
      url: caUrl(org1.ca),
      caName: org1.ca.name,
      tlsRootPem: await readFile(paths.caCert, 'utf8'),
      mspId: org1.mspId,
    };
    admin = await CaAdmin.connect(endpoint, 'admin', await bootstrapSecret(paths));
  });

  after(async () => {
    await stopAll(dataDir);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('registers and enrolls a fresh staff member whose certificate carries the role', async () => {
    const secret = await admin.register('erin', 'staff');
    const enrollment = await admin.enrollWithRole('erin', secret, 'staff');
    assert.equal(certificateCommonName(enrollment.certificatePem), 'erin');
    assert.equal(certificateAttributes(enrollment.certificatePem)['ktalk.role'], 'staff');
    assert.match(enrollment.privateKeyPem, /BEGIN PRIVATE KEY/);
    assert.equal(enrollment.mspId, 'Org1MSP');
  });

  it('registers a compliance officer with the compliance role', async () => {
    const secret = await admin.register('frank', 'compliance');
    const enrollment = await admin.enrollWithRole('frank', secret, 'compliance');
    assert.equal(certificateAttributes(enrollment.certificatePem)['ktalk.role'], 'compliance');
  });

  it('refuses enrollment with a wrong secret', async () => {
    await admin.register('grace', 'staff');
    await assert.rejects(
      enroll(endpoint, 'grace', 'not-the-secret'),
      (e: unknown) => e instanceof CaError && e.code === 'CA_REFUSED',
    );
  });

  it('refuses a malformed enrollment id before contacting the CA', async () => {
    await assert.rejects(
      admin.register('Bad Name!', 'staff'),
      (e: unknown) => e instanceof CaError && e.code === 'BAD_INPUT',
    );
    await assert.rejects(
      admin.register('x'.repeat(80), 'staff'),
      (e: unknown) => e instanceof CaError && e.code === 'BAD_INPUT',
    );
  });

  it('refuses an unknown role', async () => {
    // The role union is the compile-time guard; this proves the runtime one.
    await assert.rejects(
      admin.register('henry', 'superuser' as KTalkRole),
      (e: unknown) => e instanceof CaError && e.code === 'BAD_INPUT',
    );
  });

  it('refuses to register the same id twice', async () => {
    await admin.register('ivan', 'staff');
    await assert.rejects(
      admin.register('ivan', 'staff'),
      (e: unknown) => e instanceof CaError && e.code === 'CA_REFUSED',
    );
  });

  it('a revoked identity can no longer enroll', async () => {
    const secret = await admin.register('judy', 'staff');
    await admin.enrollWithRole('judy', secret, 'staff');
    await admin.revoke('judy');
    await assert.rejects(
      enroll(endpoint, 'judy', secret),
      (e: unknown) => e instanceof CaError && e.code === 'CA_REFUSED',
    );
  });

  it('reports an unreachable CA as such', async () => {
    const dead: CaEndpoint = { ...endpoint, url: 'https://127.0.0.1:1' };
    await assert.rejects(
      enroll(dead, 'erin', 'x'),
      (e: unknown) => e instanceof CaError && e.code === 'CA_UNREACHABLE',
    );
  });
});
