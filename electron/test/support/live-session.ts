import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readCaCert } from '../../../network/src/ca/ca-server';
import { profilePath } from '../../../network/src/connection-profile';
import type { NetworkContext } from '../../../network/src/network';
import type { ApiEvent } from '../../src/common/api';
import { type OpenedSession, openClientSession } from '../../src/node/session/open-session';
import { loadProfile } from '../../src/node/profile/profile-files';
import { KDF_INTERACTIVE, Wallet, WalletError, accountId, passphraseProtector } from '../../src/node/wallet';
import { approveKeyRecovery } from './approve-recovery';
import { certificateAttributes } from '../../src/shared/cert-attributes';
import { readDevIdentity } from './dev-identities';

// A signed-in ClientSession for a development user of a live test network:
// the user's CA-issued identity goes into a fresh passphrase wallet, and the
// real sign-in (renewal check, gateway, key publication) runs on it.

export interface LiveSession extends OpenedSession {
  /** Every event the session emitted, oldest first. */
  readonly events: ApiEvent[];
  readonly wallet: Wallet;
}

export async function liveSession(
  ctx: NetworkContext,
  orgName: 'Org1' | 'Org2',
  user: string,
): Promise<LiveSession & { close(): void }> {
  const org = ctx.topology.peerOrgs.find((o) => o.name === orgName);
  if (!org) throw new Error(`no org ${orgName}`);
  const profile = await loadProfile(profilePath(ctx.dataDir));
  const identity = await readDevIdentity(ctx.dataDir, org, user);
  const dir = await mkdtemp(path.join(tmpdir(), `ktalk-session-${user}-`));
  const wallet = await Wallet.create(
    path.join(dir, 'wallet.json'),
    passphraseProtector('test passphrase', KDF_INTERACTIVE),
  );
  const role = certificateAttributes(identity.certificatePem)['ktalk.role'];
  if (role !== 'staff' && role !== 'admin' && role !== 'compliance') throw new Error(`${user} has no KTalk role`);
  const id = accountId(profile.name, org.mspId, user);
  await wallet.addAccount(
    {
      id,
      profile: profile.name,
      mspId: org.mspId,
      enrollmentId: user,
      role,
      certificatePem: identity.certificatePem,
      privateKeyPem: identity.privateKeyPem,
      caChainPem: await readCaCert(ctx.dataDir, org.ca),
      enrolledAt: Date.now(),
      messagingKeys: [],
    },
    { activate: true },
  );
  const events: ApiEvent[] = [];
  const open = () => openClientSession(wallet, profile, id, dir, (event) => events.push(event));
  const session = await open().catch(async (error: unknown) => {
    // The person has keys from another device: this one's wait for a second party (key continuity).
    if (!(error instanceof WalletError) || error.code !== 'KEY_RECOVERY_PENDING') throw error;
    await approveKeyRecovery(ctx, `${org.mspId}::${user}`);
    return open();
  });
  return {
    ...session,
    events,
    wallet,
    close() {
      session.close();
      void wallet.close().finally(() => rm(dir, { recursive: true, force: true }));
    },
  };
}
