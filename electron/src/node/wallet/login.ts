import type { ConnectionProfile } from '../../common/connection-profile';
import { type DirectoryClient, directoryClient } from '../fabric/directory';
import { connectWithProfile } from '../fabric/connect';
import type { GatewayConnection } from '../fabric/gateway';
import { certificateValidity, renewIfDue } from './enrollment';
import { WalletError, isWalletError } from './errors';
import { ensureKeysPublished } from './messaging-keys';
import type { MessagingKey } from './wallet-data';
import type { Wallet } from './wallet';

// Signing in with a wallet account: renew the certificate if it is due,
// connect to the org's gateway peer from the profile, and on the first
// login publish the account's messaging keys.

export interface LoginSession {
  readonly accountId: string;
  readonly connection: GatewayConnection;
  readonly directory: DirectoryClient;
  readonly messagingKey: MessagingKey;
  readonly renewed: boolean;
  /** Why a due renewal failed (the session runs on the old, still valid, certificate); null otherwise. */
  readonly renewalError: string | null;
  readonly firstLogin: boolean;
  close(): void;
}

export async function login(
  wallet: Wallet,
  profile: ConnectionProfile,
  id: string | null = wallet.activeAccountId,
): Promise<LoginSession> {
  if (id === null) throw new WalletError('UNKNOWN_ACCOUNT', 'no account is active in this wallet');
  let renewed = false;
  let renewalError: string | null = null;
  try {
    renewed = (await renewIfDue(wallet, profile, id)) === 'renewed';
  } catch (error) {
    // A CA that is down must not lock out a user whose certificate still works.
    const stillValid = certificateValidity(wallet.account(id).certificatePem).notAfter > new Date();
    if (!isWalletError(error, 'BAD_ENROLLMENT') || !stillValid) throw error;
    renewalError = error.message;
  }
  const account = wallet.account(id);
  const connection = connectWithProfile(profile, account);
  try {
    const directory = directoryClient(connection, profile);
    const published = await ensureKeysPublished(wallet, id, directory);
    return {
      accountId: id,
      connection,
      directory,
      messagingKey: published.key,
      renewed,
      renewalError,
      firstLogin: published.outcome === 'published',
      close: () => connection.close(),
    };
  } catch (error) {
    connection.close();
    throw error;
  }
}
