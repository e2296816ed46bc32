import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { AccountInfo, ApiEvent, SessionState } from '../../common/api';
import { Messenger, type MessengerOptions } from '../messaging/messenger';
import * as payments from '../payments';
import { type ProfileCatalog, profileNamed } from '../profile/profile-catalog';
import { defaultAppDataDir, defaultProfilePath } from '../profile/profile-files';
import { type OpenedSession, openClientSession } from '../session/open-session';
import { checkOwnKeys } from '../session/own-keys';
import * as sharing from '../sharing';
import { type Store, openStoreWithProtector } from '../store';
import { type KeyProtector, KDF_MODERATE, type KdfCost, Wallet, enrollAccount, passphraseProtector } from '../wallet';
import { accountInfoOf, lockedAccounts } from '../wallet/account-info';

// The app's one session: which wallet is open, who is signed in, and the
// store, messenger and escrow keeper that live exactly as long as the
// sign-in. Also the hub that forwards every push event to the transports.
// The API objects (./api) reach the signed-in parts only through need().

export interface AppServiceOptions {
  readonly appDataDir?: string;
  /** The development network's profile; defaultProfilePath(env) when absent. */
  readonly devProfilePath?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The OS keychain (Electron safeStorage); without it a passphrase protects keys. */
  readonly keychain?: KeyProtector;
  /** Argon2id cost for passphrase wallets (tests lower it). */
  readonly kdfCost?: KdfCost;
  /** Sync tuning and observers (tests count the sync's work). */
  readonly messenger?: MessengerOptions;
}

/** Everything that exists only while someone is signed in. */
export interface Signed {
  readonly wallet: Wallet;
  readonly session: OpenedSession;
  readonly store: Store;
  readonly messenger: Messenger;
  /** Refunds the user's open escrows when claims close, so a held claim cannot settle late. */
  readonly escrows: payments.EscrowKeeper;
}

export type SessionErrorCode = 'NOT_SIGNED_IN' | 'ALREADY_SIGNED_IN' | 'WRONG_PASSPHRASE' | 'UNKNOWN_ACCOUNT';

/** The session's own refusals: the wrong moment (signed in or not) or no way to open the wallet. */
export class SessionError extends Error {
  override readonly name = 'SessionError';

  constructor(
    readonly code: SessionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface EnrollRequest {
  readonly profile: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly secret: string;
  readonly passphrase?: string | undefined;
}

export class AppSession {
  readonly catalog: ProfileCatalog;
  readonly keychain: boolean;
  private readonly walletFile: string;
  private readonly listeners = new Set<(event: ApiEvent) => void>();
  private wallet: Wallet | null = null;
  private protector: KeyProtector | null;
  private signed: Signed | null = null;

  constructor(private readonly options: AppServiceOptions = {}) {
    const env = options.env ?? process.env;
    const appDataDir = options.appDataDir ?? defaultAppDataDir(env);
    this.catalog = { appDataDir, devProfilePath: options.devProfilePath ?? defaultProfilePath(env) };
    this.walletFile = path.join(appDataDir, 'wallet.json');
    this.keychain = options.keychain !== undefined;
    this.protector = options.keychain ?? null;
  }

  get appDataDir(): string {
    return this.catalog.appDataDir;
  }

  readonly emit = (event: ApiEvent): void => {
    for (const listener of this.listeners) listener(event);
  };

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The signed-in parts, or NOT_SIGNED_IN. */
  need(): Signed {
    if (!this.signed) throw new SessionError('NOT_SIGNED_IN', 'sign in first');
    return this.signed;
  }

  /** The signed-in parts when someone is signed in (for what also works signed out). */
  current(): Signed | null {
    return this.signed;
  }

  async state(): Promise<SessionState> {
    const wallet = this.wallet;
    const exists = await Wallet.exists(this.walletFile);
    // Locked (after a restart or sign-out), the accounts come from the wallet's clear index.
    const locked = wallet || !exists ? { known: [], indexed: false } : await lockedAccounts(this.walletFile);
    const accounts = wallet ? wallet.list().map((a) => accountInfoOf(wallet.account(a.id))) : locked.known;
    // An older wallet without an index still has accounts: offer sign-in rather than a first run.
    const hasAccounts = accounts.length > 0 || (exists && !wallet && !locked.indexed);
    const signed = this.signed;
    return {
      state: signed ? 'signed-in' : hasAccounts ? 'signed-out' : 'no-account',
      ...(signed ? { account: accountInfoOf(signed.wallet.account(signed.session.account.id)) } : {}),
      accounts,
      keychain: this.keychain,
      sync: signed ? signed.messenger.state : 'offline',
    };
  }

  /** Sign-up: enroll with the CA into the wallet (creating it on first run), then sign in. */
  async enroll(request: EnrollRequest): Promise<AccountInfo> {
    if (this.signed) throw new SessionError('ALREADY_SIGNED_IN', 'sign out first');
    const profile = await profileNamed(this.catalog, request.profile);
    const firstAccount = !(await Wallet.exists(this.walletFile));
    const wallet = await this.openWallet(request.passphrase, true);
    let account;
    try {
      account = await enrollAccount(wallet, profile, request.mspId, request.enrollmentId, request.secret, {
        activate: true,
      });
    } catch (error) {
      // A failed first enroll leaves no empty wallet behind, so the next try may choose another passphrase.
      if (firstAccount) {
        await this.closeWallet();
        await rm(this.walletFile, { force: true });
      }
      throw error;
    }
    return this.signIn(account.id, request.passphrase);
  }

  async signIn(accountId: string | undefined, passphrase: string | undefined): Promise<AccountInfo> {
    if (this.signed) throw new SessionError('ALREADY_SIGNED_IN', 'sign out first');
    const wallet = await this.openWallet(passphrase, false);
    const id = accountId ?? wallet.activeAccountId ?? wallet.list()[0]?.id;
    if (!id) throw new SessionError('UNKNOWN_ACCOUNT', 'there is no account on this machine yet');
    const account = wallet.account(id);
    if (wallet.activeAccountId !== id) await wallet.switchAccount(id);
    const profile = await profileNamed(this.catalog, account.profile);
    const session = await openClientSession(wallet, profile, id, this.appDataDir, this.emit);
    let store: Store | null = null;
    try {
      if (!this.protector) throw new SessionError('WRONG_PASSPHRASE', 'the wallet is locked');
      store = await openStoreWithProtector({ file: path.join(session.dataDir, 'ktalk.db'), protector: this.protector });
      // An older version's plaintext list of my items moves into the encrypted store.
      await sharing.importLegacyItemsFile(session.dataDir, sharing.myItemsIn(store));
      const messenger = new Messenger(session, store, this.options.messenger);
      const escrows = new payments.EscrowKeeper(session.userId, payments.sessionEscrowLedger(session));
      this.signed = { wallet, session, store, messenger, escrows };
      void escrows.start().catch(() => undefined);
      // Catch-up runs in the background; the UI shows sync state from events.
      void messenger.start().catch(() => this.emit({ type: 'sync', state: 'offline' }));
      this.emit({ type: 'session', state: 'signed-in' });
      // A key change this device did not make raises keyAlarm; events keep watching after this.
      void checkOwnKeys(session).catch(() => undefined);
      return accountInfoOf(wallet.account(id));
    } catch (error) {
      store?.close();
      session.close();
      this.signed = null;
      throw error;
    }
  }

  async signOut(): Promise<void> {
    const current = this.signed;
    this.signed = null;
    if (current) {
      current.escrows.stop();
      await current.messenger.stop().catch(() => undefined);
      current.store.close();
      current.session.close();
    }
    if (!this.options.keychain) await this.closeWallet();
    this.emit({ type: 'session', state: 'signed-out' });
  }

  /** A refused identity is the session's state from then on, whatever call met it. */
  revoked(): void {
    this.signed?.messenger.markRevoked();
  }

  async close(): Promise<void> {
    await this.signOut();
    this.listeners.clear();
  }

  /** Opens the wallet with what the user gave: a passphrase wallet left open in memory is opened again, so the passphrase is always checked. */
  private async openWallet(passphrase: string | undefined, create: boolean): Promise<Wallet> {
    const { keychain, kdfCost } = this.options;
    if (this.wallet && keychain) return this.wallet;
    await this.closeWallet();
    const chosen = keychain ?? (passphrase ? passphraseProtector(passphrase, kdfCost ?? KDF_MODERATE) : null);
    if (!chosen) throw new SessionError('WRONG_PASSPHRASE', 'a passphrase is needed to open your keys on this machine');
    const exists = await Wallet.exists(this.walletFile);
    if (!exists && !create) throw new SessionError('UNKNOWN_ACCOUNT', 'there is no account on this machine yet');
    await mkdir(this.appDataDir, { recursive: true, mode: 0o700 });
    this.wallet = exists ? await Wallet.open(this.walletFile, chosen) : await Wallet.create(this.walletFile, chosen);
    this.protector = chosen;
    return this.wallet;
  }

  private async closeWallet(): Promise<void> {
    if (!this.wallet) return;
    await this.wallet.close();
    this.wallet = null;
    this.protector = null;
  }
}
