import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bootstrapSecret, caPaths } from '../../network/src/ca/ca-server';
import { profilePath } from '../../network/src/connection-profile';
import { type NetworkContext, down, up } from '../../network/src/network';
import { isolatedNetwork } from '../../network/test/support/test-network';
import { type ConnectionProfile, organizationOf } from '../src/common/connection-profile';
import { CaAdmin } from '../src/node/ca/ca-admin';
import { loadProfile } from '../src/node/profile/profile-files';
import {
  Wallet,
  certificateValidity,
  enrollAccount,
  isWalletError,
  login,
  passphraseProtector,
  renewIfDue,
  rotateKeys,
  userIdOf,
} from '../src/node/wallet';

// The client's identity path on a real network: the org admin registers a
// user, the user enrolls into an encrypted wallet using only the connection
// profile network:up wrote, logs in (keys published on first login), and
// another org's user finds those keys in the directory.

describe('wallet and identities against the real network', { timeout: 20 * 60_000 }, () => {
  let ctx: NetworkContext;
  let profile: ConnectionProfile;
  let walletDir = '';
  let walletFile = '';
  const passphrase = 'integration passphrase';

  const admin = async (mspId: string) => {
    const org = ctx.topology.peerOrgs.find((o) => o.mspId === mspId);
    assert.ok(org);
    const entry = organizationOf(profile, mspId);
    return CaAdmin.connect(
      { url: entry.ca.url, caName: entry.ca.name, tlsRootPem: entry.ca.tlsRootCertificate, mspId },
      'admin',
      await bootstrapSecret(caPaths(ctx.dataDir, org.ca)),
    );
  };

  before(async () => {
    const net = await isolatedNetwork();
    ctx = { ...net, log: (line) => console.log(`  [wallet] ${line}`) };
    await up(ctx);
    profile = await loadProfile(profilePath(ctx.dataDir));
    walletDir = await mkdtemp(path.join(tmpdir(), 'ktalk-wallet-it-'));
    walletFile = path.join(walletDir, 'wallet.json');
  });

  after(async () => {
    if (ctx) {
      await down(ctx);
      await rm(ctx.dataDir, { recursive: true, force: true });
    }
    if (walletDir) await rm(walletDir, { recursive: true, force: true });
  });

  it('network:up wrote a profile the app accepts, naming both orgs', () => {
    assert.equal(profile.channel, 'ktalk');
    assert.deepEqual(
      profile.organizations.map((o) => o.mspId),
      ['Org1MSP', 'Org2MSP'],
    );
  });

  it('a registered user enrolls into a passphrase wallet; the wallet reopens from disk', async () => {
    const secret = await (await admin('Org1MSP')).register('wendy', 'staff');
    const wallet = await Wallet.create(walletFile, passphraseProtector(passphrase));
    const account = await enrollAccount(wallet, profile, 'Org1MSP', 'wendy', secret);
    assert.equal(account.role, 'staff');
    assert.equal((await stat(walletFile)).mode & 0o777, 0o600);
    await wallet.close();

    const reopened = await Wallet.open(walletFile, passphraseProtector(passphrase));
    assert.deepEqual(reopened.account(account.id), account);
    assert.equal(reopened.activeAccountId, account.id);
    await assert.rejects(Wallet.open(walletFile, passphraseProtector('not the passphrase')), (e: unknown) =>
      isWalletError(e, 'WRONG_PASSPHRASE'),
    );
  });

  it('a wrong enrollment secret is refused and adds nothing', async () => {
    await (await admin('Org1MSP')).register('yuri', 'staff');
    const wallet = await Wallet.open(walletFile, passphraseProtector(passphrase));
    await assert.rejects(enrollAccount(wallet, profile, 'Org1MSP', 'yuri', 'wrong-secret'), (e: unknown) =>
      isWalletError(e, 'BAD_ENROLLMENT'),
    );
    assert.equal(wallet.list().length, 1);
  });

  it('first login publishes the keys; a user of the other org reads them; rotation keeps the old key readable at its time', async () => {
    const wallet = await Wallet.open(walletFile, passphraseProtector(passphrase));
    const wendyId = wallet.activeAccountId;
    assert.ok(wendyId);
    const wendy = await login(wallet, profile);
    const first = wendy.messagingKey;
    try {
      assert.equal(wendy.firstLogin, true);
      assert.ok(first.validFrom !== null);
    } finally {
      wendy.close();
    }
    const again = await login(wallet, profile);
    again.close();
    assert.equal(again.firstLogin, false, 'keys are published once');

    // Another account in the same wallet, on the other org.
    const xavierSecret = await (await admin('Org2MSP')).register('xavier', 'staff');
    const xavier = await enrollAccount(wallet, profile, 'Org2MSP', 'xavier', xavierSecret, { activate: true });
    assert.equal(wallet.activeAccountId, xavier.id);
    const reader = await login(wallet, profile);
    try {
      const wendyUserId = userIdOf(wallet.account(wendyId));
      const seen = await reader.directory.getUser(wendyUserId);
      assert.equal(seen.encryptionKey, first.encryptionPublicKey);
      assert.equal(seen.signingKey, first.signingPublicKey);

      await wallet.switchAccount(wendyId);
      const session = await login(wallet, profile);
      let rotated;
      try {
        rotated = await rotateKeys(wallet, wendyId, session.directory);
      } finally {
        session.close();
      }
      assert.ok(rotated.validFrom !== null && first.validFrom !== null && rotated.validFrom > first.validFrom);

      const old = await reader.directory.getKeysAt(wendyUserId, rotated.validFrom - 1);
      assert.equal(old.signingKey, first.signingPublicKey);
      assert.equal(old.validFrom, first.validFrom);
      const current = await reader.directory.getKeysAt(wendyUserId, rotated.validFrom);
      assert.equal(current.signingKey, rotated.signingPublicKey);

      // Both secret keys survive in the wallet on disk, each with its validFrom.
      const stored = (await Wallet.open(walletFile, passphraseProtector(passphrase))).account(wendyId);
      assert.deepEqual(
        stored.messagingKeys.map((k) => [k.signingSecretKey, k.validFrom]),
        [
          [first.signingSecretKey, first.validFrom],
          [rotated.signingSecretKey, rotated.validFrom],
        ],
      );
    } finally {
      reader.close();
    }
  });

  it('re-enrollment replaces certificate and key together, and the new identity works on the network', async () => {
    const wallet = await Wallet.open(walletFile, passphraseProtector(passphrase));
    const id = wallet.list().find((a) => a.enrollmentId === 'wendy')?.id;
    assert.ok(id);
    await wallet.switchAccount(id);
    const before = wallet.account(id);
    assert.equal(await renewIfDue(wallet, profile, id), 'not-due', 'a fresh one-year certificate is not due');
    assert.equal(await renewIfDue(wallet, profile, id, { force: true }), 'renewed');
    const after = (await Wallet.open(walletFile, passphraseProtector(passphrase))).account(id);
    assert.notEqual(after.certificatePem, before.certificatePem);
    assert.notEqual(after.privateKeyPem, before.privateKeyPem);
    assert.ok(
      certificateValidity(after.certificatePem).notAfter >= certificateValidity(before.certificatePem).notAfter,
    );
    // Due by policy: a threshold longer than the certificate's life renews it.
    assert.equal(
      await renewIfDue(wallet, profile, id, {
        policy: { maxRemainingMs: 10 * 365 * 86_400_000, remainingFraction: 1 },
      }),
      'renewed',
    );

    const session = await login(wallet, profile, id);
    try {
      assert.equal(session.firstLogin, false);
      const me = await session.directory.getUser(userIdOf(wallet.account(id)));
      assert.equal(me.status, 'active');
    } finally {
      session.close();
    }
  });
});
