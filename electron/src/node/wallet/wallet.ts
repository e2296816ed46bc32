import { access } from 'node:fs/promises';
import { writeFileAtomic } from '../fs/atomic-file';
import { loadSodium } from '../crypto/sodium';
import { WalletError } from './errors';
import type { KeyProtector, Protection } from './key-protector';
import { type Account, EMPTY_WALLET, type WalletData, walletDataSchema } from './wallet-data';
import { accountIndexOf, sameIndex } from './wallet-index';
import {
  type WalletFile,
  openData,
  readWalletFile,
  sealData,
  serializeWalletFile,
  unwrapDataKey,
  wrapDataKey,
} from './wallet-file';

// An open wallet: several accounts (identities on one or more networks),
// one of them active. Every change is validated, encrypted and written
// atomically before it becomes visible here, so memory and disk agree even
// when a write fails. Changes are serialised, each one applied to the state
// the previous one left.

/** An account without its secrets, for listings and the UI. */
export interface AccountSummary {
  readonly id: string;
  readonly profile: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: Account['role'];
  readonly active: boolean;
  readonly publishedKeys: number;
}

function unlockFailure(protection: Protection): WalletError {
  return protection.kind === 'passphrase'
    ? new WalletError('WRONG_PASSPHRASE', 'the passphrase does not open this wallet')
    : new WalletError('UNLOCK_FAILED', 'the OS keychain key does not open this wallet');
}

function decodeData(plaintext: Uint8Array): WalletData {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(plaintext).toString('utf8'));
  } catch {
    throw new WalletError('CORRUPT', 'the decrypted wallet is not JSON');
  }
  const parsed = walletDataSchema.safeParse(raw);
  if (!parsed.success) throw new WalletError('CORRUPT', `wallet contents: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export class Wallet {
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly header: Pick<WalletFile, 'protection' | 'key'>,
    private readonly dataKey: Uint8Array,
    private data: WalletData,
  ) {}

  static async exists(file: string): Promise<boolean> {
    return access(file).then(
      () => true,
      () => false,
    );
  }

  /** A new, empty wallet at `file`; refuses to replace an existing one. */
  static async create(file: string, protector: KeyProtector): Promise<Wallet> {
    if (await Wallet.exists(file)) throw new WalletError('ALREADY_EXISTS', `a wallet already exists at ${file}`);
    const { kek, protection } = await protector.createKey();
    const { dataKey, key } = await wrapDataKey(kek, protection);
    (await loadSodium()).memzero(kek);
    const wallet = new Wallet(file, { protection, key }, dataKey, EMPTY_WALLET);
    await wallet.write(EMPTY_WALLET);
    return wallet;
  }

  /** Opens a wallet; WRONG_PASSPHRASE / UNLOCK_FAILED / TAMPERED leave the file untouched. */
  static async open(file: string, protector: KeyProtector): Promise<Wallet> {
    const stored = await readWalletFile(file);
    if (stored.protection.kind !== protector.kind) {
      throw new WalletError('WRONG_PROTECTOR', `this wallet is protected by ${stored.protection.kind}`);
    }
    const kek = await protector.recoverKey(stored.protection);
    const dataKey = await unwrapDataKey(kek, stored);
    (await loadSodium()).memzero(kek);
    if (!dataKey) throw unlockFailure(stored.protection);
    const data = decodeData(await openData(dataKey, stored));
    const wallet = new Wallet(file, { protection: stored.protection, key: stored.key }, dataKey, data);
    // The clear index is only a hint: an older file has none, an edited one lies. The decrypted data wins.
    if (!sameIndex(stored.index, accountIndexOf(data))) await wallet.write(data);
    return wallet;
  }

  get protectionKind(): Protection['kind'] {
    return this.header.protection.kind;
  }

  list(): AccountSummary[] {
    return this.data.accounts.map((a) => ({
      id: a.id,
      profile: a.profile,
      mspId: a.mspId,
      enrollmentId: a.enrollmentId,
      role: a.role,
      active: a.id === this.data.activeAccount,
      publishedKeys: a.messagingKeys.filter((k) => k.validFrom !== null).length,
    }));
  }

  get activeAccountId(): string | null {
    return this.data.activeAccount;
  }

  /** The full account, secrets included: for the Node core only, never for the renderer. */
  account(id: string): Account {
    this.assertOpen();
    const account = this.data.accounts.find((a) => a.id === id);
    if (!account) throw new WalletError('UNKNOWN_ACCOUNT', `no account ${id} in this wallet`);
    // A copy: changes go through updateAccount, which persists them.
    return structuredClone(account);
  }

  async addAccount(account: Account, options: { activate?: boolean } = {}): Promise<void> {
    await this.mutate((d) => {
      if (d.accounts.some((a) => a.id === account.id)) {
        throw new WalletError('DUPLICATE_ACCOUNT', `${account.id} is already in this wallet`);
      }
      const activate = options.activate ?? d.activeAccount === null;
      return { accounts: [...d.accounts, account], activeAccount: activate ? account.id : d.activeAccount };
    });
  }

  async removeAccount(id: string): Promise<void> {
    await this.mutate((d) => {
      if (!d.accounts.some((a) => a.id === id)) throw new WalletError('UNKNOWN_ACCOUNT', `no account ${id}`);
      return {
        accounts: d.accounts.filter((a) => a.id !== id),
        activeAccount: d.activeAccount === id ? null : d.activeAccount,
      };
    });
  }

  async switchAccount(id: string): Promise<void> {
    await this.mutate((d) => {
      if (!d.accounts.some((a) => a.id === id)) throw new WalletError('UNKNOWN_ACCOUNT', `no account ${id}`);
      return { ...d, activeAccount: id };
    });
  }

  /** Replaces one account with what `change` makes of it (its id must stay). */
  async updateAccount(id: string, change: (account: Account) => Account): Promise<Account> {
    let updated: Account | undefined;
    await this.mutate((d) => {
      const current = d.accounts.find((a) => a.id === id);
      if (!current) throw new WalletError('UNKNOWN_ACCOUNT', `no account ${id}`);
      updated = change(current);
      if (updated.id !== id) throw new WalletError('BAD_INPUT', 'an update cannot change the account id');
      const next = updated;
      return { ...d, accounts: d.accounts.map((a) => (a.id === id ? next : a)) };
    });
    if (!updated) throw new WalletError('UNKNOWN_ACCOUNT', `no account ${id}`);
    return updated;
  }

  /** Forgets the data key; the wallet must be opened again to be used. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    this.closed = true;
    (await loadSodium()).memzero(this.dataKey);
    this.data = EMPTY_WALLET;
  }

  private assertOpen(): void {
    if (this.closed) throw new WalletError('BAD_INPUT', 'the wallet is closed');
  }

  private mutate(change: (data: WalletData) => WalletData): Promise<void> {
    const run = this.queue.then(async () => {
      this.assertOpen();
      const next = change(this.data);
      const checked = walletDataSchema.safeParse(next);
      if (!checked.success) throw new WalletError('BAD_INPUT', `wallet update: ${checked.error.issues[0]?.message}`);
      await this.write(checked.data);
      this.data = checked.data;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(data: WalletData): Promise<void> {
    const plaintext = new TextEncoder().encode(JSON.stringify(data));
    const sealed = await sealData(this.dataKey, this.header.protection, this.header.key, plaintext);
    (await loadSodium()).memzero(plaintext);
    const file: WalletFile = { ...sealed, index: accountIndexOf(data) };
    await writeFileAtomic(this.file, serializeWalletFile(file), 0o600);
  }
}
