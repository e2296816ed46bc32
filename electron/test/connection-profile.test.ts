import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  MAX_PROFILE_BYTES,
  ProfileError,
  type ProfileErrorCode,
  isCertificatePem,
  organizationOf,
  parseConnectionProfile,
} from '../src/common/connection-profile';
import {
  defaultProfilePath,
  importProfile,
  listImportedProfiles,
  loadImportedProfile,
  loadProfile,
} from '../src/node/profile/profile-files';
import { FIXTURE_CA_PEM, FIXTURE_LEAF_PEM, fixtureProfile } from './support/profile-fixtures';

type Json = Record<string, unknown>;

const good = (): Json => JSON.parse(JSON.stringify(fixtureProfile(17700))) as Json;
const org0 = (p: Json) => (p.organizations as Json[])[0] as Json & { gateway?: Json; ca: Json };

function refused(code: ProfileErrorCode, field?: string) {
  return (error: unknown) => {
    assert.ok(error instanceof ProfileError, `expected ProfileError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (field !== undefined) assert.equal(error.field, field);
    return true;
  };
}

const parse = (value: unknown) => () =>
  parseConnectionProfile(typeof value === 'string' ? value : JSON.stringify(value));

describe('connection profile validation', () => {
  it('accepts a complete profile and finds each org by MSP id', () => {
    const profile = parseConnectionProfile(JSON.stringify(good()));
    assert.equal(profile.organizations.length, 2);
    assert.equal(organizationOf(profile, 'Org2MSP').gateway.tlsServerName, 'peer0.org2');
    assert.throws(() => organizationOf(profile, 'Org9MSP'), refused('MISSING_ORG'));
  });

  it('refuses text that is not JSON, or not an object', () => {
    assert.throws(parse('{"format": '), refused('BAD_JSON'));
    assert.throws(parse(''), refused('BAD_JSON'));
    assert.throws(parse('[1,2]'), refused('BAD_FIELD'));
    assert.throws(parse('null'), refused('BAD_FIELD'));
  });

  it('refuses another format or version', () => {
    assert.throws(parse({ ...good(), format: 'fabric-network' }), refused('UNSUPPORTED_FORMAT'));
    assert.throws(parse({ ...good(), version: 2 }), refused('UNSUPPORTED_FORMAT'));
  });

  it('refuses a missing field, naming it', () => {
    const p = good();
    delete p.channel;
    assert.throws(parse(p), refused('MISSING_FIELD', 'channel'));
    const q = good();
    delete org0(q).ca.name;
    assert.throws(parse(q), refused('MISSING_FIELD', 'organizations.0.ca.name'));
    const r = good();
    delete org0(r).gateway;
    assert.throws(parse(r), refused('MISSING_FIELD', 'organizations.0.gateway'));
  });

  it('refuses unknown fields at every level, and reserved keys', () => {
    assert.throws(parse({ ...good(), peers: [] }), refused('UNKNOWN_FIELD'));
    const p = good();
    (org0(p).gateway as Json).grpcOptions = {};
    assert.throws(parse(p), refused('UNKNOWN_FIELD', 'organizations.0.gateway'));
    const text = JSON.stringify(good()).replace('{', '{"__proto__": {"polluted": true},');
    assert.throws(parse(text), refused('UNKNOWN_FIELD'));
  });

  it('refuses a profile without organizations, or one naming an org twice', () => {
    assert.throws(parse({ ...good(), organizations: [] }), refused('MISSING_ORG', 'organizations'));
    const p = good();
    (p.organizations as Json[])[1] = org0(p);
    assert.throws(parse(p), refused('DUPLICATE_ORG', 'organizations'));
  });

  it('refuses bad PEM: not PEM, a key instead of a certificate, broken base64, truncated DER', () => {
    const body = FIXTURE_CA_PEM.split('\n').slice(1, -2).join('\n');
    const cases = [
      'not a certificate',
      FIXTURE_CA_PEM.replace(/CERTIFICATE/g, 'PRIVATE KEY'),
      FIXTURE_CA_PEM.replace(body, body.replace(/A/g, '*')),
      FIXTURE_CA_PEM.replace(body, body.slice(0, body.length - 40)),
      '',
    ];
    for (const pem of cases) {
      assert.equal(isCertificatePem(pem), false, pem);
      const p = good();
      org0(p).ca.tlsRootCertificate = pem;
      assert.throws(parse(p), refused('BAD_PEM', 'organizations.0.ca.tlsRootCertificate'));
    }
    assert.equal(isCertificatePem(`${FIXTURE_CA_PEM}${FIXTURE_LEAF_PEM}`), true, 'a bundle of two is fine');
  });

  it('refuses bad endpoints, CA URLs and names', () => {
    const with_ = (edit: (p: Json) => void) => {
      const p = good();
      edit(p);
      return p;
    };
    for (const endpoint of ['127.0.0.1', '127.0.0.1:0', '127.0.0.1:70000', 'http://127.0.0.1:7051', ':7051']) {
      assert.throws(
        parse(with_((p) => ((org0(p).gateway as Json).endpoint = endpoint))),
        refused('BAD_ENDPOINT'),
        endpoint,
      );
    }
    for (const url of ['http://127.0.0.1:7054', 'ftp://ca', 'https://', 'https://ca:99999', 'ca.example.com']) {
      assert.throws(parse(with_((p) => (org0(p).ca.url = url))), refused('BAD_URL'), url);
    }
    assert.throws(parse(with_((p) => ((org0(p).gateway as Json).tlsServerName = 'bad name'))), refused('BAD_FIELD'));
    assert.throws(parse(with_((p) => (p.channel = 'Bad Channel'))), refused('BAD_FIELD', 'channel'));
    assert.throws(parse(with_((p) => (p.name = '../evil'))), refused('BAD_FIELD', 'name'));
    assert.throws(parse(with_((p) => (org0(p).mspId = 42))), refused('BAD_FIELD', 'organizations.0.mspId'));
    assert.doesNotThrow(parse(with_((p) => (org0(p).ca.url = 'https://ca.org1.example.com/'))));
    assert.doesNotThrow(parse(with_((p) => ((org0(p).gateway as Json).endpoint = '[::1]:7051'))));
  });

  it('takes orderers as optional (a version 1 profile without them stays valid) and checks each one', () => {
    const without = good();
    delete without.orderers;
    assert.equal(parseConnectionProfile(JSON.stringify(without)).orderers, undefined);
    assert.equal(parseConnectionProfile(JSON.stringify(good())).orderers?.[0]?.tlsServerName, 'orderer1');
    const orderer0 = (p: Json) => (p.orderers as Json[])[0] as Json;
    const with_ = (edit: (p: Json) => void) => {
      const p = good();
      edit(p);
      return p;
    };
    assert.throws(parse(with_((p) => (p.orderers = []))), refused('BAD_FIELD', 'orderers'));
    assert.throws(
      parse(with_((p) => (orderer0(p).endpoint = '127.0.0.1'))),
      refused('BAD_ENDPOINT', 'orderers.0.endpoint'),
    );
    assert.throws(
      parse(with_((p) => (orderer0(p).tlsServerName = '127.0.0.1:7050'))),
      refused('BAD_FIELD', 'orderers.0.tlsServerName'),
    );
    assert.throws(
      parse(with_((p) => (orderer0(p).tlsRootCertificate = 'not pem'))),
      refused('BAD_PEM', 'orderers.0.tlsRootCertificate'),
    );
    assert.throws(parse(with_((p) => (orderer0(p).clientKey = 'x'))), refused('UNKNOWN_FIELD', 'orderers.0'));
    assert.throws(
      parse(with_((p) => delete orderer0(p).tlsRootCertificate)),
      refused('MISSING_FIELD', 'orderers.0.tlsRootCertificate'),
    );
  });

  it('refuses oversized text before parsing it', () => {
    assert.throws(parse(' '.repeat(MAX_PROFILE_BYTES + 1)), refused('TOO_LARGE'));
  });
});

describe('connection profile files', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ktalk-profile-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('loads a profile and checks its certificates really parse as CA certificates', async () => {
    const file = path.join(dir, 'ok.json');
    await writeFile(file, JSON.stringify(good()));
    assert.equal((await loadProfile(file)).name, 'fixture-net');

    const leafRoot = good();
    (org0(leafRoot).gateway as Json).tlsRootCertificate = FIXTURE_LEAF_PEM;
    await writeFile(file, JSON.stringify(leafRoot));
    await assert.rejects(loadProfile(file), refused('BAD_PEM', 'organizations.0.gateway.tlsRootCertificate'));

    const leafOrderer = good();
    ((leafOrderer.orderers as Json[])[0] as Json).tlsRootCertificate = FIXTURE_LEAF_PEM;
    await writeFile(file, JSON.stringify(leafOrderer));
    await assert.rejects(loadProfile(file), refused('BAD_PEM', 'orderers.0.tlsRootCertificate'));
  });

  it('reports a missing file, a directory and an oversized file with their own codes', async () => {
    await assert.rejects(loadProfile(path.join(dir, 'nope.json')), refused('NOT_FOUND'));
    await assert.rejects(loadProfile(dir), refused('UNREADABLE'));
    const big = path.join(dir, 'big.json');
    await writeFile(big, Buffer.alloc(MAX_PROFILE_BYTES + 1, 0x20));
    await assert.rejects(loadProfile(big), refused('TOO_LARGE'));
  });

  it('imports a valid profile into the app data dir (0600) and lists it; a bad one changes nothing', async () => {
    const appData = path.join(dir, 'app');
    const source = path.join(dir, 'to-import.json');
    await writeFile(source, JSON.stringify(good()));
    const { profile, storedAt } = await importProfile(source, appData);
    assert.equal(storedAt, path.join(appData, 'profiles', 'fixture-net.json'));
    assert.equal((await stat(storedAt)).mode & 0o777, 0o600);
    assert.deepEqual(await loadImportedProfile('fixture-net', appData), profile);
    assert.deepEqual(await listImportedProfiles(appData), ['fixture-net']);

    const before = await readFile(storedAt, 'utf8');
    await writeFile(source, JSON.stringify({ ...good(), extra: 1 }));
    await assert.rejects(importProfile(source, appData), refused('UNKNOWN_FIELD'));
    assert.equal(await readFile(storedAt, 'utf8'), before);
    assert.deepEqual(await listImportedProfiles(appData), ['fixture-net']);
    await assert.rejects(loadImportedProfile('../x', appData), refused('BAD_FIELD'));
  });

  it('defaults to KTALK_CONNECTION_PROFILE, else the dev network profile under .ktalk', () => {
    assert.equal(defaultProfilePath({ KTALK_CONNECTION_PROFILE: '/etc/ktalk/p.json' }), '/etc/ktalk/p.json');
    assert.match(defaultProfilePath({}), /\.ktalk\/connection-profile\.json$/);
  });
});
