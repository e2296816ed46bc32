import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { common, msp } from '@hyperledger/fabric-protos';
import { AdminError, adminListIdentities, adminRegister, adminReissueSecret, adminRevoke } from '../src/node/admin';
import {
  caFailure,
  certificatesResponseSchema,
  crlResponseSchema,
  identitiesResponseSchema,
} from '../src/node/admin/ca-registrar';
import { channelHasCrl, crlConfigUpdate, orgMspOf, signedConfigUpdateEnvelope } from '../src/node/admin/channel-config';
import { CrlParseError, crlsCover, parseCrl } from '../src/node/admin/crl';
import { revocationStates } from '../src/node/admin/identities';
import { FIXTURE_CA_PEM, FIXTURE_LEAF_KEY_PEM, FIXTURE_LEAF_PEM } from './support/profile-fixtures';

// The admin module's own logic, off the network: reading CRLs, computing
// the config update (read and write set versions), signing it, validating
// what the CA answers, and refusing bad input before anything is touched.

// Made with openssl (`openssl ca -gencrl`), issuer CN=fixture-crl-ca: one
// revoking serials 0x1000 and 0x1001, one revoking nothing.
const CRL_TWO = `-----BEGIN X509 CRL-----
MIHgMIGHAgEBMAoGCCqGSM49BAMCMBkxFzAVBgNVBAMMDmZpeHR1cmUtY3JsLWNh
Fw0yNjExMjMwMzMyMTZaGA8yMTI2MTAzMDAzMzIxNlowKjATAgIQABcNMjYxMTIz
MDMzMjE2WjATAgIQARcNMjYxMTIzMDMzMjE2WqAPMA0wCwYDVR0UBAQCAhABMAoG
CCqGSM49BAMCA0gAMEUCIQDFnkQp56XMrPwO6knuKJ9FCbG/bXiwel9un+vFCwBn
7gIgC1HBBSZ7wGDdegbzO1wJ3wvXVtH++1EW7cgKbTWbQW0=
-----END X509 CRL-----
`;
const CRL_EMPTY = `-----BEGIN X509 CRL-----
MIGzMFsCAQEwCgYIKoZIzj0EAwIwGTEXMBUGA1UEAwwOZml4dHVyZS1jcmwtY2EX
DTI2MTEyMzAzMzIxNloYDzIxMjYxMDMwMDMzMjE2WqAPMA0wCwYDVR0UBAQCAhAA
MAoGCCqGSM49BAMCA0gAMEUCIQCczrXjmTrDRMleQNwxNc1wZh8n+HmqT3Qvg7oG
OJQeJgIgVpuGirKBrdAsagOhlZ5ma/vhuMPg5VPUwLM90PVHUHs=
-----END X509 CRL-----
`;

const adminError = (code: string) => (error: unknown) => {
  assert.ok(error instanceof AdminError, `expected AdminError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

function mspValue(mspId: string, version: number, crls: string[]): common.ConfigValue {
  const fabric = new msp.FabricMSPConfig();
  fabric.setName(mspId);
  fabric.setRootCertsList([Buffer.from(FIXTURE_CA_PEM)]);
  fabric.setRevocationListList(crls.map((c) => Buffer.from(c)));
  const config = new msp.MSPConfig();
  config.setType(0);
  config.setConfig(fabric.serializeBinary());
  const value = new common.ConfigValue();
  value.setVersion(version);
  value.setModPolicy('Admins');
  value.setValue(config.serializeBinary());
  return value;
}

/** A channel config: Channel v3 > Application v2 > Org1MSP v1 (MSP v4) and Org2MSP v7 (MSP v9). */
function channelConfig(org1Crls: string[] = []): common.Config {
  const group = (version: number) => {
    const g = new common.ConfigGroup();
    g.setVersion(version);
    g.setModPolicy('Admins');
    return g;
  };
  const org1 = group(1);
  org1.getValuesMap().set('MSP', mspValue('Org1MSP', 4, org1Crls));
  const policy = new common.ConfigPolicy();
  policy.setVersion(0);
  policy.setModPolicy('Admins');
  org1.getPoliciesMap().set('Admins', policy);
  const org2 = group(7);
  org2.getValuesMap().set('MSP', mspValue('Org2MSP', 9, []));
  const application = group(2);
  application.getGroupsMap().set('Org1MSP', org1);
  application.getGroupsMap().set('Org2MSP', org2);
  const orderer = group(5);
  const channel = group(3);
  channel.getGroupsMap().set('Application', application);
  channel.getGroupsMap().set('Orderer', orderer);
  const config = new common.Config();
  config.setSequence(12);
  config.setChannelGroup(channel);
  // A round trip, as a config fetched from a peer would be.
  return common.Config.deserializeBinary(config.serializeBinary());
}

const only = <T>(map: { getEntryList(): Array<[string, T]> }): Array<[string, T]> => map.getEntryList();

describe('CRL reading', () => {
  it('reads the issuer and the revoked serial numbers', () => {
    const two = parseCrl(CRL_TWO);
    assert.deepEqual([...two.serials].sort(), ['1000', '1001']);
    const empty = parseCrl(Buffer.from(CRL_EMPTY));
    assert.equal(empty.serials.size, 0);
    assert.equal(empty.issuer, two.issuer);
  });

  it('covers a CRL only with CRLs of the same issuer revoking at least the same serials', () => {
    const two = parseCrl(CRL_TWO);
    const empty = parseCrl(CRL_EMPTY);
    assert.equal(crlsCover([two], empty), true);
    assert.equal(crlsCover([two], two), true);
    assert.equal(crlsCover([empty], two), false);
    assert.equal(crlsCover([], two), false);
    assert.equal(crlsCover([{ issuer: 'other', serials: two.serials }], two), false);
  });

  it('refuses what is not a CRL', () => {
    assert.throws(() => parseCrl('hello'), CrlParseError);
    assert.throws(() => parseCrl(FIXTURE_CA_PEM), CrlParseError);
    const truncated = CRL_TWO.replace('7gIgC1HBBSZ7wGDdegbzO1wJ3wvXVtH++1EW7cgKbTWbQW0=', '');
    assert.throws(() => parseCrl(truncated), CrlParseError);
  });
});

describe('the CRL config update', () => {
  it("pins the path's versions in the read set and moves only the MSP value to version + 1 in the write set", () => {
    const update = crlConfigUpdate(channelConfig(), 'ktalk', 'Org1MSP', CRL_TWO);
    assert.ok(update);
    assert.equal(update.getChannelId(), 'ktalk');
    for (const [set, mspVersion] of [
      [update.getReadSet(), 4],
      [update.getWriteSet(), 5],
    ] as const) {
      assert.ok(set);
      assert.equal(set.getVersion(), 3, 'channel group');
      assert.deepEqual(
        only(set.getGroupsMap()).map(([k]) => k),
        ['Application'],
      );
      assert.equal(set.getValuesMap().getLength() + set.getPoliciesMap().getLength(), 0);
      const application = set.getGroupsMap().get('Application');
      assert.equal(application?.getVersion(), 2);
      assert.deepEqual(
        only(application?.getGroupsMap() ?? new common.ConfigGroup().getGroupsMap()).map(([k]) => k),
        ['Org1MSP'],
        'the other org is not touched',
      );
      const org = application?.getGroupsMap().get('Org1MSP');
      assert.equal(org?.getVersion(), 1);
      assert.equal(org?.getPoliciesMap().getLength(), 0, 'unchanged policies stay out');
      assert.equal(org?.getGroupsMap().getLength(), 0);
      assert.deepEqual(
        only(org?.getValuesMap() ?? new common.ConfigGroup().getValuesMap()).map(([k]) => k),
        ['MSP'],
      );
      assert.equal(org?.getValuesMap().get('MSP')?.getVersion(), mspVersion);
    }
    const read = update.getReadSet()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP');
    assert.equal(read?.getValuesMap().get('MSP')?.getValue_asU8().length, 0, 'the read set carries versions only');
    const written = update.getWriteSet()?.getGroupsMap().get('Application')?.getGroupsMap().get('Org1MSP');
    const value = written?.getValuesMap().get('MSP');
    assert.equal(value?.getModPolicy(), 'Admins');
    const config = msp.MSPConfig.deserializeBinary(value?.getValue_asU8() ?? new Uint8Array());
    const fabric = msp.FabricMSPConfig.deserializeBinary(config.getConfig_asU8());
    assert.equal(fabric.getName(), 'Org1MSP');
    assert.deepEqual(
      fabric.getRootCertsList_asU8().map((c) => Buffer.from(c).toString()),
      [FIXTURE_CA_PEM],
      'the rest of the MSP is kept',
    );
    assert.deepEqual(
      fabric.getRevocationListList_asU8().map((c) => Buffer.from(c).toString()),
      [CRL_TWO],
    );
  });

  it('replaces an older CRL of the same CA, and is null once the channel covers the CRL', () => {
    const older = channelConfig([CRL_EMPTY]);
    assert.equal(channelHasCrl(older, 'Org1MSP', CRL_TWO), false);
    assert.ok(crlConfigUpdate(older, 'ktalk', 'Org1MSP', CRL_TWO));
    const current = channelConfig([CRL_TWO]);
    assert.equal(channelHasCrl(current, 'Org1MSP', CRL_TWO), true);
    assert.equal(crlConfigUpdate(current, 'ktalk', 'Org1MSP', CRL_TWO), null);
    assert.equal(crlConfigUpdate(current, 'ktalk', 'Org1MSP', CRL_EMPTY), null);
  });

  it('refuses an org the channel does not have, and leaves the config as it was', () => {
    const config = channelConfig();
    const before = Buffer.from(config.serializeBinary());
    assert.throws(() => crlConfigUpdate(config, 'ktalk', 'Org9MSP', CRL_TWO), adminError('NOT_FOUND'));
    crlConfigUpdate(config, 'ktalk', 'Org1MSP', CRL_TWO);
    assert.deepEqual(Buffer.from(config.serializeBinary()), before, 'computing an update changes no input');
    assert.equal(orgMspOf(config, 'Org1MSP').fabricMsp.getRevocationListList().length, 0);
  });

  it('is wrapped in an envelope the admin signed twice: the config signature and the submitter signature', async () => {
    const key = createPrivateKey(FIXTURE_LEAF_KEY_PEM);
    const update = crlConfigUpdate(channelConfig(), 'ktalk', 'Org1MSP', CRL_TWO);
    assert.ok(update);
    const envelope = await signedConfigUpdateEnvelope(update, {
      mspId: 'Org1MSP',
      certificatePem: FIXTURE_LEAF_PEM,
      sign: async (message) => sign('sha256', message, key),
    });
    const publicKey = new X509Certificate(FIXTURE_LEAF_PEM).publicKey;
    const payloadBytes = envelope.getPayload_asU8();
    assert.ok(verify('sha256', payloadBytes, publicKey, envelope.getSignature_asU8()));
    const payload = common.Payload.deserializeBinary(payloadBytes);
    const channelHeader = common.ChannelHeader.deserializeBinary(
      payload.getHeader()?.getChannelHeader_asU8() ?? new Uint8Array(),
    );
    assert.equal(channelHeader.getType(), common.HeaderType.CONFIG_UPDATE);
    assert.equal(channelHeader.getChannelId(), 'ktalk');
    const creatorOf = (header: Uint8Array) => {
      const signatureHeader = common.SignatureHeader.deserializeBinary(header);
      assert.equal(signatureHeader.getNonce_asU8().length, 24);
      const creator = msp.SerializedIdentity.deserializeBinary(signatureHeader.getCreator_asU8());
      return [creator.getMspid(), Buffer.from(creator.getIdBytes_asU8()).toString()];
    };
    assert.deepEqual(creatorOf(payload.getHeader()?.getSignatureHeader_asU8() ?? new Uint8Array()), [
      'Org1MSP',
      FIXTURE_LEAF_PEM,
    ]);
    const updateEnvelope = common.ConfigUpdateEnvelope.deserializeBinary(payload.getData_asU8());
    assert.deepEqual(Buffer.from(updateEnvelope.getConfigUpdate_asU8()), Buffer.from(update.serializeBinary()));
    const [configSignature, ...more] = updateEnvelope.getSignaturesList();
    assert.ok(configSignature);
    assert.equal(more.length, 0);
    assert.deepEqual(creatorOf(configSignature.getSignatureHeader_asU8()), ['Org1MSP', FIXTURE_LEAF_PEM]);
    const signed = Buffer.concat([configSignature.getSignatureHeader_asU8(), updateEnvelope.getConfigUpdate_asU8()]);
    assert.ok(verify('sha256', signed, publicKey, configSignature.getSignature_asU8()));
  });
});

describe('CA answers', () => {
  const identity = {
    id: 'erin',
    type: 'client',
    affiliation: '',
    attrs: [{ name: 'ktalk.role', value: 'staff', ecert: true }],
    max_enrollments: 1,
  };

  it('accepts the identity list fabric-ca sends, and refuses a malformed one', () => {
    const ok = identitiesResponseSchema.parse({ success: true, result: { identities: [identity], caname: 'ca-org1' } });
    assert.equal(ok.result.identities?.[0]?.id, 'erin');
    assert.deepEqual(identitiesResponseSchema.parse({ result: { identities: null } }).result.identities, null);
    for (const bad of [
      {},
      { result: { identities: [{ ...identity, id: '' }] } },
      { result: { identities: [{ ...identity, max_enrollments: '1' }] } },
      { result: { identities: [{ ...identity, attrs: [{ name: 'ktalk.role' }] }] } },
      { result: { identities: 'erin' } },
    ]) {
      assert.equal(identitiesResponseSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  it('accepts certificates as PEM only, and a CRL only as base64 of a PEM CRL', () => {
    assert.equal(
      certificatesResponseSchema.safeParse({ result: { certs: [{ PEM: FIXTURE_LEAF_PEM }] } }).success,
      true,
    );
    assert.equal(certificatesResponseSchema.safeParse({ result: { certs: [{ PEM: 'x' }] } }).success, false);
    assert.equal(crlResponseSchema.parse(Buffer.from(CRL_TWO).toString('base64')), CRL_TWO);
    assert.equal(crlResponseSchema.safeParse(Buffer.from(FIXTURE_CA_PEM).toString('base64')).success, false);
    assert.equal(crlResponseSchema.safeParse('').success, false);
  });

  it('types CA failures by what fabric-ca says', () => {
    const caError = (code: number, message: string) =>
      Object.assign(new Error(`fabric-ca request failed`), { errors: [{ code, message }] });
    assert.equal(caFailure(caError(71, 'Authorization failure'), 'x').code, 'FORBIDDEN');
    assert.equal(caFailure(caError(20, 'Authentication failure'), 'x').code, 'FORBIDDEN');
    assert.equal(caFailure(caError(74, 'Identity already registered'), 'x').code, 'ALREADY_REGISTERED');
    assert.equal(caFailure(caError(63, 'Failed to get user'), 'x').code, 'NOT_FOUND');
    assert.equal(caFailure(caError(0, 'Something else'), 'x').code, 'CA_REFUSED');
    assert.equal(caFailure(new Error('connect ECONNREFUSED 127.0.0.1:7054'), 'x').code, 'CA_UNREACHABLE');
  });

  it('calls an identity revoked when it has certificates and none unrevoked', () => {
    const states = revocationStates([FIXTURE_LEAF_PEM, FIXTURE_LEAF_PEM, FIXTURE_CA_PEM], [FIXTURE_CA_PEM]);
    assert.deepEqual(states.get('leaf'), { certificates: 2, revoked: true });
    assert.deepEqual(states.get('fixture-ca'), { certificates: 1, revoked: false });
    assert.equal(states.get('nobody'), undefined);
    assert.equal(revocationStates([FIXTURE_LEAF_PEM], [FIXTURE_LEAF_PEM]).get('leaf')?.revoked, false);
  });
});

describe('bad input changes nothing', () => {
  // Any use of the session (CA, ledger, gateway) would throw "touched".
  const untouchable = new Proxy(
    {},
    {
      get() {
        throw new Error('touched');
      },
    },
  ) as Parameters<typeof adminRevoke>[0];

  it('is refused as BAD_INPUT before the session is used', async () => {
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['register: bad id', () => adminRegister(untouchable, { enrollmentId: 'Erin!', role: 'staff' })],
      ['register: short id', () => adminRegister(untouchable, { enrollmentId: 'e', role: 'staff' })],
      ['register: unknown role', () => adminRegister(untouchable, { enrollmentId: 'erin', role: 'root' as 'staff' })],
      [
        'register: extra field',
        () =>
          adminRegister(untouchable, { enrollmentId: 'erin', role: 'staff', type: 'admin' } as {
            enrollmentId: string;
            role: 'staff';
          }),
      ],
      ['reissue: bad id', () => adminReissueSecret(untouchable, { enrollmentId: '../admin' })],
      ['revoke: bad id', () => adminRevoke(untouchable, { enrollmentId: 'admin:x' })],
      ['revoke: not an object', () => adminRevoke(untouchable, null as unknown as { enrollmentId: string })],
    ];
    for (const [what, run] of cases) await assert.rejects(run(), adminError('BAD_INPUT'), what);
    await assert.rejects(adminListIdentities(untouchable), /touched/, 'a control: listing does use the session');
  });
});
