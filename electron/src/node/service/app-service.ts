import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type {
  AccountInfo,
  ApiEvent,
  ApiInput,
  ApiMethod,
  ApiOutput,
  Contact,
  KTalkApi,
  KTalkEvents,
  ProfileSummary,
  Result,
  SessionState,
} from '../../common/api';
import { type ConnectionProfile, ProfileError, parseConnectionProfile } from '../../common/connection-profile';
import * as compliance from '../compliance';
import { safetyNumber } from '../crypto';
import { rememberFact } from '../messaging/card-facts';
import { profileHealth } from '../fabric/reachability';
import { writeFileAtomic } from '../fs/atomic-file';
import { Messenger, type MessengerOptions } from '../messaging/messenger';
import * as groupOps from '../messaging/group-ops';
import { listSharedWithMe, rememberName } from '../messaging/shared-with-me';
import * as payments from '../payments';
import {
  defaultAppDataDir,
  defaultProfilePath,
  listImportedProfiles,
  loadImportedProfile,
  loadProfile,
  profilesDir,
} from '../profile/profile-files';
import { type OpenedSession, openClientSession } from '../session/open-session';
import * as sharing from '../sharing';
import { type Store, openStoreWithProtector } from '../store';
import { type KeyProtector, KDF_MODERATE, type KdfCost, Wallet, enrollAccount, passphraseProtector } from '../wallet';
import { certificateValidity } from '../wallet/enrollment';
import { readAccountIndex } from '../wallet/wallet-file';
import { publishInboxPolicy } from '../settings/inbox-policy';
import { readAccountSettings, readLastUsedSettings, saveSettings } from '../settings/user-settings';
import { rotateKeys, userIdOf } from '../wallet/messaging-keys';
import { checkOwnKeys, vetoOwnKeyChange } from '../session/own-keys';
import { certificateAttributes } from '../../shared/cert-attributes';
import * as admin from '../admin';
import { ServiceError, toApiError } from './api-errors';

// The one implementation of KTalkApi, in plain Node: the Electron main
// process, the local web mode and the `ktalk` CLI all serve this object.
// Each method validates nothing itself (the transports ran the schemas) and
// never throws: failures come back as typed Results.

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

interface Signed {
  readonly session: OpenedSession;
  readonly store: Store;
  readonly messenger: Messenger;
  /** Refunds the user's open escrows when claims close, so a held claim cannot settle late. */
  readonly escrows: payments.EscrowKeeper;
}

export type AppService = KTalkApi & KTalkEvents & { close(): Promise<void> };

export function createAppService(options: AppServiceOptions = {}): AppService {
  const env = options.env ?? process.env;
  const appDataDir = options.appDataDir ?? defaultAppDataDir(env);
  const devProfilePath = options.devProfilePath ?? defaultProfilePath(env);
  const walletFile = path.join(appDataDir, 'wallet.json');
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) listener(event);
  };
  let wallet: Wallet | null = null;
  let protector: KeyProtector | null = options.keychain ?? null;
  let signed: Signed | null = null;

  const profileNamed = async (name: string): Promise<ConnectionProfile> => {
    const dev = await loadProfile(devProfilePath).catch(() => null);
    if (dev && dev.name === name) return dev;
    return loadImportedProfile(name, appDataDir);
  };

  /** Opens the wallet with what the user gave: a passphrase wallet left open in memory is opened again, so the passphrase is always checked. */
  const openWallet = async (passphrase: string | undefined, create: boolean): Promise<Wallet> => {
    if (wallet && options.keychain) return wallet;
    if (wallet) {
      await wallet.close();
      wallet = null;
      protector = null;
    }
    const chosen =
      options.keychain ?? (passphrase ? passphraseProtector(passphrase, options.kdfCost ?? KDF_MODERATE) : null);
    if (!chosen) throw new ServiceError('WRONG_PASSPHRASE', 'a passphrase is needed to open your keys on this machine');
    const exists = await Wallet.exists(walletFile);
    if (!exists && !create) throw new ServiceError('UNKNOWN_ACCOUNT', 'there is no account on this machine yet');
    await mkdir(appDataDir, { recursive: true, mode: 0o700 });
    wallet = exists ? await Wallet.open(walletFile, chosen) : await Wallet.create(walletFile, chosen);
    protector = chosen;
    return wallet;
  };

  /** The accounts a locked wallet lists from its clear index (indexed: false for a file older than the index). */
  const lockedAccounts = async (): Promise<{ known: AccountInfo[]; indexed: boolean }> => {
    const index = await readAccountIndex(walletFile).catch(() => undefined);
    if (!index) return { known: [], indexed: false };
    const known = index.map((entry) => ({
      accountId: entry.id,
      profile: entry.profile,
      mspId: entry.mspId,
      enrollmentId: entry.enrollmentId,
      userId: `${entry.mspId}::${entry.enrollmentId}`,
      role: entry.role,
      treasury: entry.treasury,
      certificateExpiresAt: entry.certificateExpiresAt,
    }));
    return { known, indexed: true };
  };

  const accountInfo = (w: Wallet, id: string): AccountInfo => {
    const a = w.account(id);
    return {
      accountId: a.id,
      profile: a.profile,
      mspId: a.mspId,
      enrollmentId: a.enrollmentId,
      userId: userIdOf(a),
      role: a.role,
      treasury: certificateAttributes(a.certificatePem)['ktalk.treasury'] === 'true',
      certificateExpiresAt: certificateValidity(a.certificatePem).notAfter.getTime(),
    };
  };

  const signIn = async (accountId: string | undefined, passphrase: string | undefined): Promise<AccountInfo> => {
    if (signed) throw new ServiceError('ALREADY_SIGNED_IN', 'sign out first');
    const w = await openWallet(passphrase, false);
    const id = accountId ?? w.activeAccountId ?? w.list()[0]?.id;
    if (!id) throw new ServiceError('UNKNOWN_ACCOUNT', 'there is no account on this machine yet');
    const account = w.account(id);
    if (w.activeAccountId !== id) await w.switchAccount(id);
    const profile = await profileNamed(account.profile);
    const session = await openClientSession(w, profile, id, appDataDir, emit);
    let store: Store | null = null;
    try {
      if (!protector) throw new ServiceError('WRONG_PASSPHRASE', 'the wallet is locked');
      store = await openStoreWithProtector({ file: path.join(session.dataDir, 'ktalk.db'), protector });
      // An older version's plaintext list of my items moves into the encrypted store.
      await sharing.importLegacyItemsFile(session.dataDir, sharing.myItemsIn(store));
      const messenger = new Messenger(session, store, options.messenger);
      const escrows = new payments.EscrowKeeper(session.userId, payments.sessionEscrowLedger(session));
      signed = { session, store, messenger, escrows };
      void escrows.start().catch(() => undefined);
      // Catch-up runs in the background; the UI shows sync state from events.
      void messenger.start().catch(() => emit({ type: 'sync', state: 'offline' }));
      emit({ type: 'session', state: 'signed-in' });
      // A key change this device did not make raises keyAlarm; events keep watching after this.
      void checkOwnKeys(session).catch(() => undefined);
      return accountInfo(w, id);
    } catch (error) {
      store?.close();
      session.close();
      signed = null;
      throw error;
    }
  };

  const signOut = async (): Promise<void> => {
    const current = signed;
    signed = null;
    if (current) {
      current.escrows.stop();
      await current.messenger.stop().catch(() => undefined);
      current.store.close();
      current.session.close();
    }
    if (!options.keychain && wallet) {
      await wallet.close();
      wallet = null;
      protector = null;
    }
    emit({ type: 'session', state: 'signed-out' });
  };

  const need = (): Signed => {
    if (!signed) throw new ServiceError('NOT_SIGNED_IN', 'sign in first');
    return signed;
  };

  /** The safety number of the contact's keys as the directory has them now, with those keys. */
  const currentSafetyNumber = async (userId: string) => {
    const { session, messenger } = need();
    const other = await messenger.senders.refresh(userId);
    if (!other.signingKey || !other.encryptionKey) throw new ServiceError('NOT_FOUND', `${userId} has no keys yet`);
    const mine = session.messagingKey();
    const b = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
    const digits = await safetyNumber(
      { userId: session.userId, signingKey: b(mine.signingPublicKey), encryptionKey: b(mine.encryptionPublicKey) },
      { userId, signingKey: b(other.signingKey), encryptionKey: b(other.encryptionKey) },
    );
    return { other, digits, keys: { signingKey: other.signingKey, encryptionKey: other.encryptionKey } };
  };

  const contactOf = async (userId: string): Promise<Contact> => {
    const { messenger } = need();
    return messenger.senders.toApiContact(await messenger.senders.refresh(userId));
  };

  const impl: { [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutput<M>> } = {
    networkStatus: async () => profileHealth(signed?.session.profile ?? (await loadProfile(devProfilePath))),
    listProfiles: async () => {
      const out: ProfileSummary[] = [];
      const dev = await loadProfile(devProfilePath).catch(() => null);
      if (dev) out.push(summaryOf(dev));
      for (const name of await listImportedProfiles(appDataDir)) {
        if (dev && name === dev.name) continue;
        out.push(summaryOf(await loadImportedProfile(name, appDataDir)));
      }
      return out;
    },
    importProfile: async ({ name, json }) => {
      const profile = parseConnectionProfile(json);
      if (profile.name !== name) throw new ServiceError('PROFILE_INVALID', `the file names itself ${profile.name}`);
      await writeFileAtomic(
        path.join(profilesDir(appDataDir), `${name}.json`),
        `${JSON.stringify(profile, null, 2)}\n`,
      );
      return summaryOf(profile);
    },
    sessionState: async (): Promise<SessionState> => {
      const exists = await Wallet.exists(walletFile);
      // Locked (after a restart or sign-out), the accounts come from the wallet's clear index.
      const locked = wallet || !exists ? { known: [], indexed: false } : await lockedAccounts();
      const accounts = wallet ? wallet.list().map((a) => accountInfo(wallet as Wallet, a.id)) : locked.known;
      // An older wallet without an index still has accounts: offer sign-in rather than a first run.
      const hasAccounts = accounts.length > 0 || (exists && !wallet && !locked.indexed);
      return {
        state: signed ? 'signed-in' : hasAccounts ? 'signed-out' : 'no-account',
        ...(signed ? { account: accountInfo(wallet as Wallet, signed.session.account.id) } : {}),
        accounts,
        keychain: options.keychain !== undefined,
        sync: signed ? signed.messenger.state : 'offline',
      };
    },
    enroll: async ({ profile: name, mspId, enrollmentId, secret, passphrase }) => {
      if (signed) throw new ServiceError('ALREADY_SIGNED_IN', 'sign out first');
      const profile = await profileNamed(name);
      const firstAccount = !(await Wallet.exists(walletFile));
      const w = await openWallet(passphrase, true);
      let account;
      try {
        account = await enrollAccount(w, profile, mspId, enrollmentId, secret, { activate: true });
      } catch (error) {
        // A failed first enroll leaves no empty wallet behind, so the next try may choose another passphrase.
        if (firstAccount) {
          await w.close();
          wallet = null;
          protector = null;
          await rm(walletFile, { force: true });
        }
        throw error;
      }
      return signIn(account.id, passphrase);
    },
    signIn: ({ accountId, passphrase }) => signIn(accountId, passphrase),
    signOut: async () => {
      await signOut();
      return null;
    },
    getSettings: async () =>
      signed ? readAccountSettings(signed.store, appDataDir) : readLastUsedSettings(appDataDir),
    saveSettings: async (change) => {
      if (change.directFrom !== undefined || change.blockedUsers !== undefined) {
        // Published first: if the ledger refuses, the local settings stay as they were.
        const { session, store, messenger } = need();
        const next = { ...(await readAccountSettings(store, appDataDir)), ...change };
        const peers = messenger.listConversations().flatMap((c) => (c.peer ? [c.peer] : []));
        await publishInboxPolicy(session.ledger, store, peers, next);
      }
      return saveSettings(signed, appDataDir, change);
    },
    rotateKeys: async () => {
      const { session } = need();
      const key = await rotateKeys(wallet as Wallet, session.account.id, session.directory);
      return { validFrom: key.validFrom ?? Date.now() };
    },
    ownKeyStatus: async () => checkOwnKeys(need().session),
    vetoKeyChange: async () => vetoOwnKeyChange(need().session),
    approveKeyChange: async ({ userId }) => {
      await need().session.ledger.submit('directory', 'ApproveKeyChange', { userId });
      return contactOf(userId);
    },
    listDirectory: async ({ mspId, cursor }) => {
      const { session, messenger } = need();
      const page = await session.ledger.evaluate('directory', 'ListOrgDirectory', {
        mspId,
        pageSize: 100,
        ...(cursor ? { bookmark: cursor } : {}),
      });
      const items = page.users.map((u) => messenger.senders.toApiContact(u));
      return { items, ...(page.users.length === 100 && page.bookmark ? { next: page.bookmark } : {}) };
    },
    getContact: ({ userId }) => contactOf(userId),
    safetyNumber: async ({ userId }) => {
      const { messenger } = need();
      const { other, digits } = await currentSafetyNumber(userId);
      const contact = messenger.senders.toApiContact(other);
      return { userId, digits, keyChanged: contact.keyChanged, verified: contact.verified };
    },
    markVerified: async ({ userId, digits }) => {
      const { messenger } = need();
      // Bound to the keys the user compared: the number shown must still be the current keys' number.
      const current = await currentSafetyNumber(userId);
      if (current.digits !== digits) {
        throw new ServiceError('KEY_CHANGED', `${userId}'s keys changed since that safety number was shown`);
      }
      messenger.store.markVerified(userId, current.keys);
      messenger.keyChangeResolved();
      return messenger.senders.toApiContact(current.other);
    },
    acknowledgeKeyChange: async ({ userId }) => {
      const { messenger } = need();
      messenger.acknowledgeKeyChange(userId);
      return contactOf(userId);
    },
    listConversations: async () => need().messenger.listConversations(),
    openDirect: ({ userId }) => need().messenger.openDirect(userId),
    listMessages: async ({ conversationId, before, limit }) =>
      need().messenger.listMessages(conversationId, before, limit),
    sendMessage: async ({ conversationId, text, attachments }) => {
      const { session, messenger } = need();
      const refs = [];
      for (const file of attachments ?? []) refs.push(await sharing.uploadAttachment(session, conversationId, file));
      return messenger.sendContent(conversationId, { type: 'text', text }, refs);
    },
    retryMessage: async ({ conversationId, clientMessageId }) =>
      need().messenger.retry(conversationId, clientMessageId),
    deleteMessage: async ({ conversationId, clientMessageId }) => {
      await need().messenger.deleteMessage(conversationId, clientMessageId);
      return null;
    },
    markRead: async ({ conversationId }) => {
      need().messenger.markRead(conversationId);
      return null;
    },
    getAttachment: async ({ conversationId, sender, clientMessageId, index }) => {
      const { session, messenger } = need();
      const ref = messenger.attachmentRef({ conversationId, sender, clientMessageId }, index);
      return sharing.downloadAttachment(session, ref);
    },
    search: async ({ query, limit }) => need().messenger.search(query, limit),
    createGroup: async (input) => {
      const { messenger } = need();
      return messenger.summary(await groupOps.createGroup(messenger, input));
    },
    getGroup: ({ conversationId }) => groupOps.groupDetails(need().messenger, conversationId),
    addMember: async ({ conversationId, userId, role }) => {
      const { messenger } = need();
      await groupOps.addMember(messenger, conversationId, userId, role);
      return groupOps.groupDetails(messenger, conversationId);
    },
    removeMember: async ({ conversationId, userId }) => {
      const { messenger } = need();
      await groupOps.removeFromGroup(messenger, conversationId, userId);
      return groupOps.groupDetails(messenger, conversationId);
    },
    leaveGroup: async ({ conversationId }) => {
      await groupOps.leave(need().messenger, conversationId);
      return null;
    },
    changeRole: async ({ conversationId, userId, role }) => {
      const { messenger } = need();
      await groupOps.changeRole(messenger, conversationId, userId, role);
      return groupOps.groupDetails(messenger, conversationId);
    },
    transferOwnership: async ({ conversationId, userId }) => {
      const { messenger } = need();
      await groupOps.transferOwnership(messenger, conversationId, userId);
      return groupOps.groupDetails(messenger, conversationId);
    },
    updatePolicy: async ({ conversationId, policy }) => {
      const { messenger } = need();
      await groupOps.updatePolicy(messenger, conversationId, policy);
      return groupOps.groupDetails(messenger, conversationId);
    },
    shareItem: (input) => sharing.shareItem(need().session, sharing.myItemsIn(need().store), input),
    listMyItems: () => sharing.listMyItems(sharing.myItemsIn(need().store)),
    grantAccess: (input) => sharing.grantAccess(need().session, input),
    listGrants: (input) => sharing.listGrants(need().session, input),
    revokeGrant: (input) => sharing.revokeGrant(need().session, input),
    openItem: async (input) => {
      const { session, store } = need();
      const file = await sharing.openItem(session, input);
      rememberName(store, input.itemId, file.name);
      return file;
    },
    listSharedWithMe: async () => listSharedWithMe(need().store),
    accessHistory: (input) => sharing.accessHistory(need().session, input),
    getBalance: () => payments.getBalance(need().session),
    sendPayment: async (input) => {
      const { session, messenger } = need();
      const record = await payments.sendPayment(session, input);
      // The committed transfer is the ledger fact the card states: this side's card is confirmed by it.
      rememberFact(
        messenger.store,
        { type: 'payment', paymentId: record.paymentId },
        {
          from: session.userId,
          to: input.to,
          amount: input.amount,
        },
      );
      if (input.conversationId) {
        messenger.sendContent(input.conversationId, {
          type: 'payment',
          paymentId: record.paymentId,
          amount: input.amount,
          memo: input.memo,
          to: input.to,
          ...(input.requestId !== undefined ? { requestId: input.requestId } : {}),
        });
      }
      return record;
    },
    requestPayment: async ({ conversationId, amount, memo }) =>
      need().messenger.sendContent(conversationId, { type: 'payment-request', amount, memo }),
    paymentHistory: (input) => payments.paymentHistory(need().session, input),
    createEscrow: async (input) => {
      const { session, messenger, escrows } = need();
      const escrow = await payments.createEscrow(session, input);
      escrows.watch(escrow);
      const { from, to, amount, deadline } = escrow;
      rememberFact(messenger.store, { type: 'escrow', escrowId: escrow.escrowId }, { from, to, amount, deadline });
      if (input.conversationId) {
        messenger.sendContent(input.conversationId, {
          type: 'escrow',
          escrowId: escrow.escrowId,
          amount: escrow.amount,
          deadline: escrow.deadline,
          to: escrow.to,
        });
      }
      return escrow;
    },
    settleEscrow: (input) => payments.settleEscrow(need().session, input),
    getEscrow: (input) => payments.getEscrow(need().session, input),
    mint: (input) => payments.mint(need().session, input),
    adminRegister: (input) => admin.adminRegister(need().session, input),
    adminReissueSecret: (input) => admin.adminReissueSecret(need().session, input),
    // People only: the CA also lists its bootstrap registrar and node identities, which carry no KTalk role.
    adminListIdentities: async () =>
      (await admin.adminListIdentities(need().session)).filter((row) => row.role !== undefined),
    adminRevoke: (input) => admin.adminRevoke(need().session, input),
    auditQuery: (input) => compliance.auditQuery(need().session, input),
    auditExport: (input) => compliance.auditExport(need().session, input),
    auditVerify: (input) => compliance.auditVerify(need().session, input),
  };

  const api = {} as Record<ApiMethod, (input: unknown) => Promise<Result<unknown>>>;
  for (const method of Object.keys(impl) as ApiMethod[]) {
    const run = impl[method] as (input: unknown) => Promise<unknown>;
    api[method] = async (input: unknown) => {
      try {
        return { ok: true, value: await run(input) };
      } catch (error) {
        const failure = error instanceof ProfileError ? profileError(error) : toApiError(error);
        // Whatever call met it, a refused identity is the session's state from then on.
        if (failure.code === 'CERT_REVOKED') signed?.messenger.markRevoked();
        return { ok: false, error: failure };
      }
    };
  }
  return Object.assign(api as unknown as KTalkApi, {
    subscribe(listener: (event: ApiEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await signOut();
      listeners.clear();
    },
  });
}

function profileError(error: ProfileError) {
  return { code: 'PROFILE_INVALID' as const, message: error.message };
}

function summaryOf(profile: ConnectionProfile): ProfileSummary {
  return {
    name: profile.name,
    channel: profile.channel,
    organizations: profile.organizations.map((o) => ({ mspId: o.mspId, name: o.mspId.replace(/MSP$/, '') })),
  };
}
