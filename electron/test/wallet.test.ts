import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fsp from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { keychainUsable, safeStorageProtector, type SafeStorageApi } from '../src/main/safe-storage-protector';
import { generateIdentity, rotationStatement } from '../src/node/crypto';
import { DirectoryError, type DirectoryClient, type DirectoryUser } from '../src/node/fabric/directory';
import {
  type Account,
  KDF_INTERACTIVE,
  type KeyProtector,
  Wallet,
  type WalletErrorCode,
  accountId,
  checkIssuedIdentity,
  currentMessagingKey,
  ensureKeysPublished,
  isWalletError,
  messagingKeyAt,
  passphraseProtector,
  renewalDue,
  rotateKeys,
} from '../src/node/wallet';
import { readAccountIndex } from '../src/node/wallet/wallet-file';
import { FIXTURE_CA_PEM, FIXTURE_LEAF_KEY_PEM, FIXTURE_LEAF_PEM } from './support/profile-fixtures';

// Wallets here use libsodium's INTERACTIVE Argon2id cost (the floor a
// wallet may claim) so each unlock takes ~0.1 s instead of MODERATE's ~2.5 s.

const DAY = 24 * 3600 * 1000;

const refused = (code: WalletErrorCode) => (error: unknown) => {
  assert.ok(isWalletError(error), `expected WalletError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  return true;
};

function makeAccount(profile: string, mspId: string, enrollmentId: string): Account {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    id: accountId(profile, mspId, enrollmentId),
    profile,
    mspId,
    enrollmentId,
    role: 'staff',
    certificatePem: FIXTURE_LEAF_PEM,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    caChainPem: FIXTURE_CA_PEM,
    enrolledAt: 1_700_000_000_000,
    messagingKeys: [],
  };
}

const protector = (passphrase = 'correct horse battery staple') => passphraseProtector(passphrase, KDF_INTERACTIVE);

describe('wallet file: encryption at rest', () => {
  let dir = '';
  before(async () => {
    dir = await fsp.mkdtemp(path.join(tmpdir(), 'ktalk-wallet-'));
  });
  after(async () => {
    await fsp.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => mock.restoreAll());

  const fresh = async (name: string) => {
    const file = path.join(dir, name, 'wallet.json');
    const wallet = await Wallet.create(file, protector());
    await wallet.addAccount(makeAccount('net-a', 'Org1MSP', 'alice'));
    return { file, wallet };
  };

  it('round trip: what is stored opens again with the passphrase, and nothing secret is readable in the file', async () => {
    const { file, wallet } = await fresh('roundtrip');
    const keys = await generateIdentity();
    const secret = Buffer.from(keys.signing.secretKey).toString('base64');
    await wallet.updateAccount(wallet.list()[0]?.id ?? '', (a) => ({
      ...a,
      messagingKeys: [
        {
          encryptionPublicKey: Buffer.from(keys.encryption.publicKey).toString('base64'),
          encryptionSecretKey: Buffer.from(keys.encryption.secretKey).toString('base64'),
          signingPublicKey: Buffer.from(keys.signing.publicKey).toString('base64'),
          signingSecretKey: secret,
          createdAt: 1,
          validFrom: 2,
        },
      ],
    }));
    const before = wallet.account(accountId('net-a', 'Org1MSP', 'alice'));
    const text = await fsp.readFile(file, 'utf8');
    // Who the accounts are is in the clear index (for the sign-in list); nothing secret is.
    const secrets = ['PRIVATE KEY', 'CERTIFICATE', secret, before.privateKeyPem.split('\n')[1] ?? 'x'];
    for (const visible of secrets) {
      assert.equal(text.includes(visible), false, `${visible.slice(0, 20)} is readable in the file`);
    }
    const stored = JSON.parse(text) as { protection: Record<string, unknown>; index: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(stored.index[0] ?? {}).sort(), [
      'active',
      'certificateExpiresAt',
      'enrollmentId',
      'id',
      'mspId',
      'profile',
      'role',
      'treasury',
    ]);
    assert.deepEqual(
      { ...stored.protection, salt: typeof stored.protection.salt },
      { kind: 'passphrase', kdf: 'argon2id13', opslimit: 2, memlimit: 64 * 1024 * 1024, salt: 'string' },
    );
    assert.equal((await fsp.stat(file)).mode & 0o777, 0o600);

    const reopened = await Wallet.open(file, protector());
    assert.deepEqual(reopened.account(before.id), before);
    assert.equal(reopened.activeAccountId, before.id);
  });

  it('the clear account index follows every write, and a locked wallet lists its accounts from it', async () => {
    const { file, wallet } = await fresh('index');
    await wallet.addAccount(makeAccount('net-b', 'Org2MSP', 'bob'), { activate: true });
    const index = await readAccountIndex(file);
    assert.deepEqual(
      index?.map((a) => [a.id, a.enrollmentId, a.mspId, a.profile, a.role, a.active]),
      [
        [accountId('net-a', 'Org1MSP', 'alice'), 'alice', 'Org1MSP', 'net-a', 'staff', false],
        [accountId('net-b', 'Org2MSP', 'bob'), 'bob', 'Org2MSP', 'net-b', 'staff', true],
      ],
    );
    await wallet.removeAccount(accountId('net-a', 'Org1MSP', 'alice'));
    assert.deepEqual(
      (await readAccountIndex(file))?.map((a) => a.enrollmentId),
      ['bob'],
    );
  });

  it('an index that disagrees with the decrypted accounts (edited, or absent in an older file) is rewritten on unlock', async () => {
    const { file } = await fresh('index-edited');
    const truth = await readAccountIndex(file);
    const raw = JSON.parse(await fsp.readFile(file, 'utf8')) as Record<string, unknown>;
    // Someone renames the account in the clear index: it is only a hint, the wallet still opens.
    const lie = truth?.map((a) => ({ ...a, enrollmentId: 'mallory', role: 'admin' as const }));
    await fsp.writeFile(file, JSON.stringify({ ...raw, index: lie }));
    assert.equal((await readAccountIndex(file))?.[0]?.enrollmentId, 'mallory');
    await Wallet.open(file, protector());
    assert.deepEqual(await readAccountIndex(file), truth);

    // A wallet written before the index existed opens as before and gains one.
    const { index: _dropped, ...old } = raw;
    await fsp.writeFile(file, JSON.stringify(old));
    assert.equal(await readAccountIndex(file), undefined);
    const reopened = await Wallet.open(file, protector());
    assert.equal(reopened.list()[0]?.enrollmentId, 'alice');
    assert.deepEqual(await readAccountIndex(file), truth);
  });

  it('a malformed index (not the schema: extra fields, bad ids) makes the file CORRUPT', async () => {
    const { file } = await fresh('index-bad');
    const raw = JSON.parse(await fsp.readFile(file, 'utf8')) as { index: Record<string, unknown>[] };
    const withKey = { ...raw, index: raw.index.map((a) => ({ ...a, privateKeyPem: 'x' })) };
    await fsp.writeFile(file, JSON.stringify(withKey));
    await assert.rejects(readAccountIndex(file), refused('CORRUPT'));
    await fsp.writeFile(
      file,
      JSON.stringify({ ...raw, index: raw.index.map((a) => ({ ...a, enrollmentId: '../x' })) }),
    );
    await assert.rejects(Wallet.open(file, protector()), refused('CORRUPT'));
  });

  it('every wallet gets its own salt', async () => {
    const a = JSON.parse(await fsp.readFile((await fresh('salt-a')).file, 'utf8')) as { protection: { salt: string } };
    const b = JSON.parse(await fsp.readFile((await fresh('salt-b')).file, 'utf8')) as { protection: { salt: string } };
    assert.notEqual(a.protection.salt, b.protection.salt);
    assert.equal(Buffer.from(a.protection.salt, 'base64').length, 16);
  });

  it('a wrong passphrase is WRONG_PASSPHRASE and changes nothing', async () => {
    const { file } = await fresh('wrong');
    const before = await fsp.readFile(file);
    await assert.rejects(Wallet.open(file, protector('Correct horse battery staple')), refused('WRONG_PASSPHRASE'));
    assert.deepEqual(await fsp.readFile(file), before);
    assert.ok(await Wallet.open(file, protector()));
  });

  it('a changed file is refused: data (TAMPERED), key envelope or KDF record (fails unlocking), structure (CORRUPT)', async () => {
    const { file } = await fresh('tamper');
    const original = await fsp.readFile(file, 'utf8');
    type Stored = {
      version: number;
      protection: { opslimit: number; memlimit: number; salt: string };
      key: { ciphertext: string };
      data: { ciphertext: string; nonce: string };
    };
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, 'base64');
      bytes[bytes.length >> 1] = (bytes[bytes.length >> 1] ?? 0) ^ 1;
      return bytes.toString('base64');
    };
    const attempt = async (edit: (s: Stored) => void, code: WalletErrorCode) => {
      const stored = JSON.parse(original) as Stored;
      edit(stored);
      await fsp.writeFile(file, JSON.stringify(stored));
      await assert.rejects(Wallet.open(file, protector()), refused(code));
    };
    await attempt((s) => (s.data.ciphertext = flip(s.data.ciphertext)), 'TAMPERED');
    await attempt((s) => (s.data.nonce = flip(s.data.nonce)), 'TAMPERED');
    await attempt((s) => (s.key.ciphertext = flip(s.key.ciphertext)), 'WRONG_PASSPHRASE');
    await attempt((s) => (s.protection.salt = flip(s.protection.salt)), 'WRONG_PASSPHRASE');
    await attempt((s) => (s.protection.opslimit = 3), 'WRONG_PASSPHRASE');
    // Out-of-bounds cost is refused before any work: a crafted file cannot ask for 64 GiB.
    await attempt((s) => (s.protection.memlimit = 64 * 1024 ** 3), 'CORRUPT');
    await attempt((s) => (s.protection.opslimit = 1), 'CORRUPT');
    await attempt((s) => (s.version = 2), 'UNSUPPORTED_VERSION');
    await attempt((s) => Object.assign(s, { extra: true }), 'CORRUPT');
    await fsp.writeFile(file, 'not json');
    await assert.rejects(Wallet.open(file, protector()), refused('CORRUPT'));
    await assert.rejects(Wallet.open(path.join(dir, 'absent.json'), protector()), refused('NOT_FOUND'));
  });

  it('a failed write (rename or open) leaves the old wallet on disk and in memory, and no temp file', async () => {
    const { file, wallet } = await fresh('atomic');
    const before = await fsp.readFile(file);
    const listed = wallet.list();
    const renamer = mock.method(fsp, 'rename', async () => {
      throw Object.assign(new Error('simulated ENOSPC'), { code: 'ENOSPC' });
    });
    await assert.rejects(wallet.addAccount(makeAccount('net-a', 'Org1MSP', 'carol')), /simulated ENOSPC/);
    assert.equal(renamer.mock.callCount(), 1);
    renamer.mock.restore();
    const opener = mock.method(fsp, 'open', async () => {
      throw Object.assign(new Error('simulated EIO'), { code: 'EIO' });
    });
    await assert.rejects(wallet.switchAccount(listed[0]?.id ?? ''), /simulated EIO/);
    opener.mock.restore();

    assert.deepEqual(await fsp.readFile(file), before);
    assert.deepEqual(wallet.list(), listed);
    assert.deepEqual(await fsp.readdir(path.dirname(file)), ['wallet.json']);
    assert.deepEqual((await Wallet.open(file, protector())).list(), listed);
    // The wallet still works once the disk does.
    await wallet.addAccount(makeAccount('net-a', 'Org1MSP', 'carol'));
    assert.equal((await Wallet.open(file, protector())).list().length, 2);
  });

  it('several accounts on different orgs and networks: add, list, switch, remove', async () => {
    const file = path.join(dir, 'multi', 'wallet.json');
    const wallet = await Wallet.create(file, protector());
    const alice = makeAccount('net-a', 'Org1MSP', 'alice');
    const bob = makeAccount('net-a', 'Org2MSP', 'bob');
    const alice2 = makeAccount('net-b', 'Org1MSP', 'alice');
    await wallet.addAccount(alice);
    await wallet.addAccount(bob);
    await wallet.addAccount(alice2, { activate: true });
    assert.deepEqual(
      wallet.list().map((a) => [a.id, a.active]),
      [
        ['net-a/Org1MSP::alice', false],
        ['net-a/Org2MSP::bob', false],
        ['net-b/Org1MSP::alice', true],
      ],
    );
    await assert.rejects(wallet.addAccount(bob), refused('DUPLICATE_ACCOUNT'));
    await wallet.switchAccount(bob.id);
    await assert.rejects(wallet.switchAccount('net-c/Org1MSP::zed'), refused('UNKNOWN_ACCOUNT'));
    await wallet.removeAccount(alice.id);
    assert.equal(wallet.activeAccountId, bob.id);
    await wallet.removeAccount(bob.id);
    assert.equal(wallet.activeAccountId, null);
    await assert.rejects(wallet.removeAccount(bob.id), refused('UNKNOWN_ACCOUNT'));

    const reopened = await Wallet.open(file, protector());
    assert.deepEqual(
      reopened.list().map((a) => a.id),
      [alice2.id],
    );
    assert.equal(reopened.activeAccountId, null);
  });

  it('refuses to overwrite a wallet, an empty passphrase, another protector kind, and invalid accounts', async () => {
    const { file, wallet } = await fresh('refusals');
    await assert.rejects(Wallet.create(file, protector()), refused('ALREADY_EXISTS'));
    assert.throws(() => passphraseProtector(''), refused('BAD_INPUT'));
    assert.throws(() => passphraseProtector('x', { opslimit: 1, memlimit: 8192 }), refused('CORRUPT'));
    const keychain: KeyProtector = { ...protector(), kind: 'os-keychain' };
    await assert.rejects(Wallet.open(file, keychain), refused('WRONG_PROTECTOR'));
    const bad = { ...makeAccount('net-a', 'Org1MSP', 'dave'), id: 'forged' };
    await assert.rejects(wallet.addAccount(bad), refused('BAD_INPUT'));
    await assert.rejects(
      wallet.updateAccount(wallet.list()[0]?.id ?? '', (a) => ({ ...a, privateKeyPem: 'nope' })),
      refused('BAD_INPUT'),
    );
  });
});

describe('OS keychain protector (safeStorage stand-in)', () => {
  // Stands in for Electron's safeStorage: XOR with a fixed pad is enough to
  // show the KEK is stored only in sealed form and recovered through it.
  const fakeStorage = (broken = false): SafeStorageApi => ({
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (text) => Buffer.from(Buffer.from(text).map((b) => b ^ 0x5a)),
    decryptString: (sealed) => {
      if (broken) throw new Error('keyring locked');
      return Buffer.from(sealed.map((b) => b ^ 0x5a)).toString();
    },
  });

  it('creates and reopens a wallet whose KEK only the keychain can unseal; a locked keychain is UNLOCK_FAILED', async () => {
    const dir = await fsp.mkdtemp(path.join(tmpdir(), 'ktalk-keychain-'));
    try {
      const file = path.join(dir, 'wallet.json');
      const wallet = await Wallet.create(file, safeStorageProtector(fakeStorage()));
      await wallet.addAccount(makeAccount('net-a', 'Org1MSP', 'alice'));
      const stored = JSON.parse(await fsp.readFile(file, 'utf8')) as { protection: { kind: string } };
      assert.equal(stored.protection.kind, 'os-keychain');
      assert.equal((await Wallet.open(file, safeStorageProtector(fakeStorage()))).list().length, 1);
      await assert.rejects(Wallet.open(file, safeStorageProtector(fakeStorage(true))), refused('UNLOCK_FAILED'));
      await assert.rejects(Wallet.open(file, protector()), refused('WRONG_PROTECTOR'));
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it("is not used on Linux when Electron falls back to its built-in 'basic_text' key", async () => {
    const basic: SafeStorageApi = { ...fakeStorage(), getSelectedStorageBackend: () => 'basic_text' };
    assert.equal(await keychainUsable(basic, 'linux'), false);
    assert.equal(await keychainUsable(fakeStorage(), 'linux'), true);
    assert.equal(await keychainUsable(basic, 'darwin'), true);
    const none: SafeStorageApi = { ...fakeStorage(), isEncryptionAvailable: () => false };
    assert.equal(await keychainUsable(none, 'win32'), false);
  });
});

describe('certificate renewal threshold', () => {
  const validity = (lifetimeDays: number) => ({
    notBefore: new Date(Date.UTC(2030, 0, 1)),
    notAfter: new Date(Date.UTC(2030, 0, 1) + lifetimeDays * DAY),
  });
  const at = (v: { notAfter: Date }, daysLeft: number) => new Date(v.notAfter.getTime() - daysLeft * DAY);

  it('a one-year certificate renews from 30 days before expiry', () => {
    const year = validity(365);
    assert.equal(renewalDue(year, at(year, 31), undefined), false);
    assert.equal(renewalDue(year, at(year, 30)), true);
    assert.equal(renewalDue(year, at(year, 1)), true);
    assert.equal(renewalDue(year, year.notBefore), false);
  });

  it('a short-lived certificate renews at 20% of its lifetime left, not 30 days', () => {
    const tenDays = validity(10);
    assert.equal(renewalDue(tenDays, at(tenDays, 2.01)), false);
    assert.equal(renewalDue(tenDays, at(tenDays, 2)), true);
  });

  it('an expired certificate is due; a custom policy is honoured', () => {
    const year = validity(365);
    assert.equal(renewalDue(year, at(year, -1)), true);
    assert.equal(renewalDue(year, at(year, 60), { maxRemainingMs: 90 * DAY, remainingFraction: 0.5 }), true);
  });
});

describe("checks on the CA's answer", () => {
  const input = { enrollmentId: 'leaf', certificatePem: FIXTURE_LEAF_PEM, caChainPem: FIXTURE_CA_PEM };

  it('refuses a certificate for another key, another name, another issuer, or without a ktalk.role', () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const otherPem = other.export({ type: 'pkcs8', format: 'pem' }).toString();
    const bad = (partial: Partial<Parameters<typeof checkIssuedIdentity>[0]>, why: RegExp) =>
      assert.throws(
        () => checkIssuedIdentity({ ...input, privateKeyPem: FIXTURE_LEAF_KEY_PEM, ...partial }),
        (e: unknown) => refused('BAD_ENROLLMENT')(e) && why.test((e as Error).message),
      );
    bad({ privateKeyPem: otherPem }, /does not certify the key/);
    bad({ enrollmentId: 'mallory' }, /names/);
    bad({ certificatePem: 'garbage' }, /not an X\.509/);
    bad({ caChainPem: FIXTURE_LEAF_PEM }, /chain did not issue/);
    bad({ pinnedCaChainPem: FIXTURE_LEAF_PEM }, /CA of the first enrollment/);
    bad({ now: new Date(Date.UTC(2200, 0, 1)) }, /not valid now/);
    // Everything else holds for the fixture; only the role is missing.
    bad({}, /ktalk\.role is missing/);
  });
});

/** Ed25519 check as the chaincode does it (raw 32-byte key behind the SPKI header). */
function ed25519Verify(signingKey: string, statement: string, signature: string): boolean {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(signingKey, 'base64')]);
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  return verify(null, Buffer.from(statement, 'utf8'), key, Buffer.from(signature, 'base64'));
}

describe('messaging keys and the directory (stand-in directory)', () => {
  /** Behaves like directory.PublishKeys/GetUser; `lose` drops the answer of the next publish after committing it. */
  function fakeDirectory(userId: string) {
    let record: DirectoryUser | null = null;
    let clock = 1_000;
    const state = { lose: false, publishes: 0 };
    const client: DirectoryClient = {
      async publishKeys({ signature, ...keys }) {
        if (record?.encryptionKey === keys.encryptionKey && record.signingKey === keys.signingKey) {
          throw new DirectoryError('CONFLICT', 'CONFLICT: these keys are already current');
        }
        state.publishes++;
        clock += 1_000;
        if (record?.signingKey && record.keysSince !== undefined) {
          // Key continuity: only a rotation signed by the current key takes effect.
          const statement = rotationStatement(userId, record.keysSince, keys);
          if (!signature) {
            record = { ...record, keyChange: { ...keys, requestedAt: clock, effectiveAt: clock + 1e9 } };
            return record;
          }
          if (!ed25519Verify(record.signingKey, statement, signature))
            throw new DirectoryError('FORBIDDEN', 'FORBIDDEN');
        }
        record = {
          userId,
          mspId: 'Org1MSP',
          enrollmentId: 'alice',
          status: 'active',
          registeredAt: 0,
          ...keys,
          keysSince: clock,
        };
        if (state.lose) {
          state.lose = false;
          throw new DirectoryError(null, 'commit status deadline exceeded');
        }
        return record;
      },
      async getUser() {
        if (!record) throw new DirectoryError('NOT_FOUND', 'NOT_FOUND');
        return record;
      },
      async getKeysAt() {
        throw new Error('not used');
      },
      async vetoKeyChange() {
        throw new Error('not used');
      },
    };
    return { client, state };
  }

  it('first login generates, stores, then publishes; a lost answer is finished on the next login; rotation keeps old keys', async () => {
    const dir = await fsp.mkdtemp(path.join(tmpdir(), 'ktalk-keys-'));
    try {
      const file = path.join(dir, 'wallet.json');
      const wallet = await Wallet.create(file, protector());
      const account = makeAccount('net-a', 'Org1MSP', 'alice');
      await wallet.addAccount(account);
      const { client, state } = fakeDirectory('Org1MSP::alice');

      state.lose = true;
      await assert.rejects(ensureKeysPublished(wallet, account.id, client), refused('DIRECTORY_FAILED'));
      // The secret keys were on disk before the directory was asked.
      const pending = (await Wallet.open(file, protector())).account(account.id).messagingKeys;
      assert.equal(pending.length, 1);
      assert.equal(pending[0]?.validFrom, null);

      const first = await ensureKeysPublished(wallet, account.id, client);
      assert.equal(first.outcome, 'published');
      assert.equal(first.key.validFrom, 2_000);
      assert.equal(first.key.signingPublicKey, pending[0]?.signingPublicKey, 'the stored keys, not new ones');
      assert.equal(state.publishes, 1);
      assert.equal((await ensureKeysPublished(wallet, account.id, client)).outcome, 'already-published');

      const rotated = await rotateKeys(wallet, account.id, client);
      assert.equal(rotated.validFrom, 3_000);
      const stored = (await Wallet.open(file, protector())).account(account.id);
      assert.equal(stored.messagingKeys.length, 2);
      assert.equal(currentMessagingKey(stored)?.signingPublicKey, rotated.signingPublicKey);
      assert.equal(messagingKeyAt(stored, 2_500)?.signingSecretKey, first.key.signingSecretKey);
      assert.equal(messagingKeyAt(stored, 999), null);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  it('a device without the current keys (lost wallet, or an admin who re-enrolled the user) only files a recovery request: KEY_RECOVERY_PENDING, nothing confirmed', async () => {
    const dir = await fsp.mkdtemp(path.join(tmpdir(), 'ktalk-keys-'));
    try {
      const { client } = fakeDirectory('Org1MSP::alice');
      const first = await Wallet.create(path.join(dir, 'a.json'), protector());
      const account = makeAccount('net-a', 'Org1MSP', 'alice');
      await first.addAccount(account);
      const original = await ensureKeysPublished(first, account.id, client);
      const other = await Wallet.create(path.join(dir, 'b.json'), protector());
      await other.addAccount(makeAccount('net-a', 'Org1MSP', 'alice'));
      await assert.rejects(ensureKeysPublished(other, account.id, client), refused('KEY_RECOVERY_PENDING'));
      // Asked again, it is still pending: nothing is filed twice, nothing confirmed.
      await assert.rejects(ensureKeysPublished(other, account.id, client), refused('KEY_RECOVERY_PENDING'));
      assert.equal(currentMessagingKey(other.account(account.id)), null);
      const record = await client.getUser('Org1MSP::alice');
      assert.equal(record.signingKey, original.key.signingPublicKey);
      assert.equal(record.keyChange?.signingKey, other.account(account.id).messagingKeys[0]?.signingPublicKey);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});
