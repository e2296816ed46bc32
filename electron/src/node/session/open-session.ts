import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ApiEvent } from '../../common/api';
import type { ConnectionProfile } from '../../common/connection-profile';
import { certificateAttributes } from '../../shared/cert-attributes';
import { ledgerClient } from '../ledger';
import { type Wallet, login } from '../wallet';
import { currentMessagingKey, messagingKeyAt, userIdOf } from '../wallet/messaging-keys';
import type { ClientSession } from './client-session';

// Signing in turns a wallet account into a ClientSession: renew if due,
// connect to the org's gateway, publish keys on first login, and give the
// account its own data directory (store, checkpoints).

export interface OpenedSession extends ClientSession {
  readonly firstLogin: boolean;
  /** Why a due certificate renewal failed (the session still works); null otherwise. */
  readonly renewalError: string | null;
  close(): void;
}

/** A file-system-safe, collision-free directory name for an account id. */
export function accountDirName(accountId: string): string {
  return Buffer.from(accountId, 'utf8').toString('base64url');
}

export async function openClientSession(
  wallet: Wallet,
  profile: ConnectionProfile,
  accountId: string,
  appDataDir: string,
  emit: (event: ApiEvent) => void,
): Promise<OpenedSession> {
  const signedIn = await login(wallet, profile, accountId);
  try {
    const account = wallet.account(accountId);
    const dataDir = path.join(appDataDir, 'accounts', accountDirName(accountId));
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const attributes = certificateAttributes(account.certificatePem);
    return {
      profile,
      profileName: profile.name,
      account,
      userId: userIdOf(account),
      role: account.role,
      treasury: attributes['ktalk.treasury'] === 'true',
      identity: { mspId: account.mspId, certificatePem: account.certificatePem, privateKeyPem: account.privateKeyPem },
      connection: signedIn.connection,
      ledger: ledgerClient(signedIn.connection, profile),
      directory: signedIn.directory,
      // Read through the wallet each time: a rotation replaces the current key.
      messagingKey: () => currentMessagingKey(wallet.account(accountId)) ?? signedIn.messagingKey,
      allMessagingKeys: () => wallet.account(accountId).messagingKeys,
      messagingKeyAt: (at) => messagingKeyAt(wallet.account(accountId), at),
      dataDir,
      emit,
      firstLogin: signedIn.firstLogin,
      renewalError: signedIn.renewalError,
      close: () => signedIn.close(),
    };
  } catch (error) {
    signedIn.close();
    throw error;
  }
}
