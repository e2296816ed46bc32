import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { API_ERROR_CODES, API_METHODS, type ApiErrorCode } from '../src/common/api';
import { ProfileError, type ProfileErrorCode } from '../src/common/connection-profile';
import { CaError, type CaErrorCode } from '../src/node/ca/ca-admin';
import { ContactError } from '../src/node/contacts/errors';
import { CryptoError, type CryptoErrorCode } from '../src/node/crypto/errors';
import { DirectoryError } from '../src/node/fabric/directory';
import { MemberKeyError, type MemberKeyErrorCode } from '../src/node/groups';
import { HeldForKeyChange } from '../src/node/outbox';
import { CHAINCODE_CODES, LEDGER_API_CODES, LedgerError, type LedgerErrorCode } from '../src/node/ledger';
import { adminApi } from '../src/node/service/api/admin-api';
import { complianceApi } from '../src/node/service/api/compliance-api';
import { contactsApi } from '../src/node/service/api/contacts-api';
import { groupsApi } from '../src/node/service/api/groups-api';
import { messagesApi } from '../src/node/service/api/messages-api';
import { ownKeysApi } from '../src/node/service/api/own-keys-api';
import { paymentsApi } from '../src/node/service/api/payments-api';
import { sessionApi } from '../src/node/service/api/session-api';
import { settingsApi } from '../src/node/service/api/settings-api';
import { sharingApi } from '../src/node/service/api/sharing-api';
import type { Handlers } from '../src/node/service/api/handlers';
import {
  CA_API_CODES,
  CRYPTO_API_CODES,
  MEMBER_KEY_API_CODES,
  PROFILE_API_CODES,
  STORE_API_CODES,
  WALLET_API_CODES,
  toApiError,
} from '../src/node/service/api-errors';
import { apiHandlers, createAppService } from '../src/node/service/app-service';
import { AppSession, SessionError } from '../src/node/service/session';
import { SettingsError } from '../src/node/settings/change-settings';
import { StoreError, type StoreErrorCode } from '../src/node/store/errors';
import { WalletError, type WalletErrorCode } from '../src/node/wallet/errors';
import { fixtureProfile } from './support/profile-fixtures';

describe('API service', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ktalk-api-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reports each org's CA and gateway peer from the profile as down when nothing answers, as a result rather than a throw", async () => {
    const file = path.join(dir, 'profile.json');
    await writeFile(file, JSON.stringify(fixtureProfile(1)));
    const result = await createAppService({ devProfilePath: file }).networkStatus();
    assert.ok(result.ok);
    assert.deepEqual(
      result.value.map((n) => `${n.kind} ${n.name}`),
      ['ca ca-org1', 'peer peer0.org1', 'ca ca-org2', 'peer peer0.org2'],
    );
    assert.ok(result.value.every((n) => !n.healthy));
  });

  it('turns a missing or bad profile into a typed error', async () => {
    const missing = await createAppService({ devProfilePath: path.join(dir, 'none.json') }).networkStatus();
    assert.equal(missing.ok ? '' : missing.error.code, 'PROFILE_INVALID');
    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{ not json');
    const broken = await createAppService({ devProfilePath: bad }).networkStatus();
    assert.equal(broken.ok ? '' : broken.error.code, 'PROFILE_INVALID');
  });

  it('reads the profile named by KTALK_CONNECTION_PROFILE by default', async () => {
    const result = await createAppService({
      env: { KTALK_CONNECTION_PROFILE: path.join(dir, 'elsewhere.json') },
    }).networkStatus();
    assert.equal(result.ok ? '' : result.error.code, 'PROFILE_INVALID');
    assert.match(result.ok ? '' : result.error.message, /elsewhere\.json/);
  });
});

describe('API service composition', () => {
  const app = new AppSession({ appDataDir: path.join(tmpdir(), 'ktalk-api-compose-unused') });
  const areas = {
    sessionApi,
    ownKeysApi,
    settingsApi,
    contactsApi,
    messagesApi,
    groupsApi,
    sharingApi,
    paymentsApi,
    adminApi,
    complianceApi,
  };

  it('serves every API method from exactly one area (a spread would hide a second one)', () => {
    const owner = new Map<string, string>();
    for (const [area, make] of Object.entries(areas)) {
      for (const method of Object.keys(make(app))) {
        assert.equal(owner.get(method), undefined, `${method} is in ${owner.get(method)} and ${area}`);
        owner.set(method, area);
      }
    }
    assert.deepEqual([...owner.keys()].sort(), [...API_METHODS].sort());
    assert.deepEqual(Object.keys(apiHandlers(app)).sort(), [...API_METHODS].sort());
    assert.deepEqual(
      Object.keys(createAppService({ appDataDir: app.appDataDir }))
        .filter((k) => k !== 'subscribe' && k !== 'close')
        .sort(),
      [...API_METHODS].sort(),
    );
  });

  it('refuses at compile time an area that misses a method, adds one or types one unlike KTalkApi', () => {
    const ok = { getContact: async () => Promise.reject(new Error('unused')) } satisfies Handlers<'getContact'>;
    // @ts-expect-error getContact is missing
    const missing = {} satisfies Handlers<'getContact'>;
    // @ts-expect-error search is not getContact's area
    const extra = { ...ok, search: async () => [] } satisfies Handlers<'getContact'>;
    // @ts-expect-error getContact answers a Contact, not a string
    const mistyped = { getContact: async () => 'bob' } satisfies Handlers<'getContact'>;
    assert.deepEqual(
      [ok, missing, extra, mistyped].map((area) => Object.keys(area).length),
      [1, 0, 2, 1],
    );
  });

  it('answers NOT_SIGNED_IN, as a result, for what needs a signed-in user', async () => {
    const service = createAppService({ appDataDir: app.appDataDir });
    for (const call of [
      () => service.listConversations(),
      () => service.getBalance(),
      () => service.getContact({ userId: 'Org1MSP::bob' }),
      () => service.adminListIdentities(),
      () => service.saveSettings({ directFrom: 'org' }),
    ]) {
      const result = await call();
      assert.equal(result.ok ? '' : result.error.code, 'NOT_SIGNED_IN');
    }
  });
});

describe('API error codes', () => {
  const known = new Set<string>(API_ERROR_CODES);
  const tables: [string, Readonly<Record<string, ApiErrorCode>>, (code: string) => Error][] = [
    ['wallet', WALLET_API_CODES, (c) => new WalletError(c as WalletErrorCode, 'x')],
    ['ca', CA_API_CODES, (c) => new CaError(c as CaErrorCode, 'x')],
    ['crypto', CRYPTO_API_CODES, (c) => new CryptoError(c as CryptoErrorCode, 'x')],
    ['store', STORE_API_CODES, (c) => new StoreError(c as StoreErrorCode, 'x')],
    ['profile', PROFILE_API_CODES, (c) => new ProfileError(c as ProfileErrorCode, 'x')],
    ['ledger', LEDGER_API_CODES, (c) => new LedgerError(c as LedgerErrorCode, 'x')],
    ['member keys', MEMBER_KEY_API_CODES, (c) => new MemberKeyError(c as MemberKeyErrorCode, 'u', 'x')],
  ];

  it("maps every code of each module's error class to a member of API_ERROR_CODES, as the table says", () => {
    for (const [name, table, make] of tables) {
      assert.ok(Object.keys(table).length > 0, name);
      for (const [code, api] of Object.entries(table)) {
        assert.ok(known.has(api), `${name} ${code} -> ${api}`);
        assert.equal(toApiError(make(code)).code, api, `${name} ${code}`);
      }
    }
    // Every chaincode refusal code has its row in the ledger table.
    for (const code of CHAINCODE_CODES) assert.equal(LEDGER_API_CODES[code], code);
  });

  it('keeps the codes of classes whose codes are API codes already', () => {
    const direct: (SessionError | SettingsError | ContactError)[] = [
      new SessionError('NOT_SIGNED_IN', 'x'),
      new SessionError('ALREADY_SIGNED_IN', 'x'),
      new SessionError('WRONG_PASSPHRASE', 'x'),
      new SessionError('UNKNOWN_ACCOUNT', 'x'),
      new SettingsError('NOT_SIGNED_IN', 'x'),
      new ContactError('NOT_FOUND', 'x'),
      new ContactError('KEY_CHANGED', 'x'),
    ];
    for (const error of direct) assert.equal(toApiError(error).code, error.code);
    assert.equal(toApiError(new HeldForKeyChange('bob changed keys')).code, 'KEY_CHANGED');
  });

  it("reads text only for the CA's refusals and the peers' refusal of an identity", () => {
    const refused = (text: string) => toApiError(new CaError('CA_REFUSED', text)).code;
    assert.equal(refused('Authentication failure'), 'WRONG_SECRET');
    assert.equal(refused('Identity bob is revoked'), 'CERT_REVOKED');
    assert.equal(refused('something else'), 'CA_REFUSED');
    assert.equal(toApiError(new WalletError('BAD_ENROLLMENT', 'connect ECONNREFUSED')).code, 'CA_UNREACHABLE');
    // Outside the CA, a message's words never choose the code.
    assert.equal(toApiError(new StoreError('CORRUPT', 'certificate revoked')).code, 'INTERNAL');
    assert.equal(toApiError(new Error('certificate revoked')).code, 'INTERNAL');
    assert.equal(toApiError(new DirectoryError('ACCESS_DENIED', 'access denied')).code, 'CERT_REVOKED');
    assert.equal(toApiError(new DirectoryError(null, 'directory.GetUser: failed')).code, 'INTERNAL');
  });
});
