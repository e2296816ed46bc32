import type {
  AccessRecord,
  AccountInfo,
  ApiErrorCode,
  ApiEvent,
  AuditRecordView,
  Contact,
  ConversationSummary,
  EscrowInfo,
  GrantInfo,
  Grantee,
  GroupAction,
  GroupDetails,
  GroupPolicy,
  GroupRole,
  IdentityRow,
  KTalkApi,
  MessageContent,
  MessageView,
  PaymentRecord,
  ProfileSummary,
  Result,
  Role,
  SessionState,
  SharedItem,
  FileData,
  MembershipNotice,
  UserSettings,
  OwnKeyStatus,
} from '../../../electron/src/common/api';
import { textPreview } from '../../../electron/src/common/message-preview';
import { type ReactionToggle, aggregateReactions } from '../../../electron/src/common/reactions';
import { dispatchApi, parseApiArgs } from '../../../electron/src/common/api-args';
import { type ApiClient, type ClientOptions, type Transport, clientOver } from './client-core';
import {
  DIRECT_POLICY_FIELDS,
  allowedActions,
  isManager,
  keepsAnOwner,
  mayAddWithRole,
  mayChangePolicy,
  mayChangeRole,
  mayLeave,
  mayManageMembers,
  mayPost,
  mayRemove,
  mayTransferOwnership,
} from '@ktalk/protocol/group-roles';

// An in-memory KTalkApi for component tests, screenshots and the UI bench.
// It keeps the rules the UI depends on (roles decide allowed actions, pages
// come newest first with a cursor to older ones) but nothing is encrypted or
// sent anywhere. Never used by the app itself or by end-to-end tests.
//
// It is a transport, not a second client: what tests and the harness hold is
// the renderer's own client (client-core.ts) over the fake's transport, so
// arguments, answers and events take the same checks as over IPC or the web
// mode. Every group role decision is a call into the protocol's role rules
// (@ktalk/protocol/group-roles), the very functions the chaincode enforces.

export interface FakeUser {
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly role: Role;
  readonly treasury?: boolean;
}

export interface FakeOptions {
  /** userId of the signed-in account; absent = first run (no account). */
  readonly signedInAs?: string;
  /** false = no OS keychain, so enroll and sign-in ask for a passphrase. */
  readonly keychain?: boolean;
  /** Fill conversations, groups, payments and an audit trail. */
  readonly seed?: boolean;
  /** Adds a direct conversation with this many messages (for paging and the bench). */
  readonly bigConversation?: number;
  /** Where the fake's clock starts (it never reads the wall clock); each change moves it on by a second. */
  readonly now?: number;
  /** Delay every call (ms) to show loading states. */
  readonly latencyMs?: number;
  /** Told about each pushed event the client dropped as malformed (default: console.warn, as in the app). */
  readonly onDroppedEvent?: ClientOptions['onDroppedEvent'];
  /**
   * What survives a restart, shared by the fake instances given the same
   * disk (the conformance suite's restart): the wallet's accounts and the
   * passphrase set when the first account was enrolled.
   */
  readonly disk?: FakeDisk;
}

/** The fake's model of an app data dir. */
export interface FakeDisk {
  accounts: AccountInfo[];
  /** Set by the first enroll without a keychain; every later sign-in and enroll must match it. */
  passphrase?: string;
  lastAccountId?: string;
  /** Like the account's encrypted store: its settings, by account id. */
  settings?: Record<string, UserSettings>;
  /** Like the app data dir's plain settings file: the language and theme used last. */
  lastUsed?: Pick<UserSettings, 'language' | 'theme'>;
}

const DEFAULT_FAKE_SETTINGS: UserSettings = {
  language: 'en',
  theme: 'system',
  notifications: true,
  directFrom: 'anyone',
  blockedUsers: [],
};

/** The renderer's client over the fake's transport (neutral code, so Node tests can import the fake too), plus controls. */
export interface FakeApi extends ApiClient {
  /** Pushes an event to subscribers as the real app would (through the client's event parsing). */
  emit(event: ApiEvent): void;
  /** Pushes any value as an event, as a broken or newer service might: the client drops what does not parse. */
  emitRaw(value: unknown): void;
  /** The next call to `method` fails with `code`. */
  failNext(method: keyof KTalkApi, code: ApiErrorCode, message?: string): void;
  /** Every call made, in order (method names). */
  readonly calls: string[];
  /** Appends an incoming message from `sender` and emits it. */
  receive(conversationId: string, sender: string, text: string): MessageView;
  /** Marks a contact's key as changed (and emits keyChange). */
  changeKey(userId: string): void;
  /** Someone else filed a key change for the signed-in user (keyAlarm, as the real client raises it). */
  foreignKeyChange(requestedAt: number, effectiveAt: number): void;
  /** An unsigned key change is pending for a contact (contactKeyPending). */
  contactKeyPending(userId: string, requestedAt: number, effectiveAt: number): void;
  /** The contact's pending key change ended (vetoed, approved or completed). */
  contactKeyPendingEnded(userId: string): void;
  /** Another member removes the signed-in user from a group (the group re-keys; a conversation event says so). */
  removeMe(conversationId: string): void;
  readonly conversations: Map<string, FakeConversation>;
  /** The fake's current time, for the UI's clock in tests and screenshots. */
  now(): number;
}

export interface FakeConversation {
  summary: ConversationSummary;
  members: Map<string, GroupRole>;
  policy: GroupPolicy;
  owner: string;
  messages: MessageView[];
  /** Reaction toggles in arrival order (the fake's ledger order), with the message each points at. */
  reactions?: (ReactionToggle & { to: string })[];
  epochChangedAt?: number;
}

export const FAKE_USERS: readonly FakeUser[] = [
  { mspId: 'Org1MSP', enrollmentId: 'alice', role: 'staff' },
  { mspId: 'Org1MSP', enrollmentId: 'carol', role: 'staff' },
  { mspId: 'Org1MSP', enrollmentId: 'org1admin', role: 'admin', treasury: true },
  { mspId: 'Org1MSP', enrollmentId: 'auditor1', role: 'compliance' },
  { mspId: 'Org2MSP', enrollmentId: 'bob', role: 'staff' },
  { mspId: 'Org2MSP', enrollmentId: 'dave', role: 'staff' },
  { mspId: 'Org2MSP', enrollmentId: 'org2admin', role: 'admin', treasury: true },
  { mspId: 'Org2MSP', enrollmentId: 'auditor2', role: 'compliance' },
];

/** The secret every fake user enrolls with. */
export const FAKE_SECRET = 'secret-pw';
export const FAKE_PASSPHRASE = 'correct horse battery staple';

const DAY = 86_400_000;
/** The fake's default start time: fixed, so nothing a test sees depends on the day it runs. */
export const FAKE_NOW = Date.UTC(2026, 10, 23, 9, 30);
const idOf = (u: { mspId: string; enrollmentId: string }) => `${u.mspId}::${u.enrollmentId}`;
/**
 * The fake's MessageView.id: like the ledger's, it names conversation, sender and clientMessageId together,
 * in the same shape (m- and 40 hex digits, what api-args accepts): five FNV-1a rounds, not a secure hash.
 */
const fakeMessageId = (conversationId: string, sender: string, clientMessageId: string) => {
  const text = `${conversationId}\n${sender}\n${clientMessageId}`;
  let hex = '';
  for (let round = 0; round < 5; round++) {
    let h = (0x811c9dc5 ^ round) >>> 0;
    for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return `m-${hex}`;
};
const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = <T>(code: ApiErrorCode, message = code.toLowerCase().replace(/_/g, ' ')): Result<T> => ({
  ok: false,
  error: { code, message },
});

const PROFILE: ProfileSummary = {
  name: 'dev',
  channel: 'ktalk',
  organizations: [
    { mspId: 'Org1MSP', name: 'Org1' },
    { mspId: 'Org2MSP', name: 'Org2' },
  ],
};

/** What the fake's getGroup answers as allowedActions: the chaincode's rules, as the service computes them. */
export function allowedActionsFor(
  role: GroupRole,
  policy: GroupPolicy,
  kind: 'group' | 'direct' = 'group',
  owners = role === 'owner' ? 1 : 0,
): GroupAction[] {
  return allowedActions(kind, role, policy, owners);
}

const SAMPLE_LINES = [
  'Morning! Did the Q3 numbers come through?',
  'Yes, I shared the spreadsheet with you a minute ago.',
  'Great, thanks. Can we review it at 2pm?',
  'Works for me. I will book the small meeting room.',
  'Please keep the supplier names out of the group chat.',
  'Understood. Sending the contract draft separately.',
];

export function createFakeApi(options: FakeOptions = {}): FakeApi {
  let now = options.now ?? FAKE_NOW;
  const clock = () => (now += 1000);
  // Raw listeners: what the transport hands the client, which parses each event.
  const listeners = new Set<(event: unknown) => void>();
  const failures = new Map<string, { code: ApiErrorCode; message?: string }>();
  // The signed-in user's own directory entry as the real client would judge it.
  let ownKeys: OwnKeyStatus = { state: 'ok' };
  const calls: string[] = [];
  const emit = (event: unknown) => {
    for (const listener of [...listeners]) listener(event);
  };

  const contacts = new Map<string, Contact & { role: Role; treasury: boolean }>();
  for (const user of FAKE_USERS) {
    const userId = idOf(user);
    contacts.set(userId, {
      userId,
      mspId: user.mspId,
      enrollmentId: user.enrollmentId,
      status: 'active',
      fingerprint: `${user.enrollmentId.slice(0, 2).toUpperCase()}3F 9A1C 77E2`,
      keyChanged: false,
      verified: false,
      keyChangePending: false,
      role: user.role,
      treasury: user.treasury ?? false,
    });
  }
  const accountOf = (userId: string): AccountInfo => {
    const c = contacts.get(userId);
    if (!c) throw new Error(`unknown fake user ${userId}`);
    return {
      accountId: `acc-${c.enrollmentId}`,
      profile: 'dev',
      mspId: c.mspId,
      enrollmentId: c.enrollmentId,
      userId,
      role: c.role,
      treasury: c.treasury,
      certificateExpiresAt: Date.UTC(2027, 10, 23),
    };
  };

  const disk: FakeDisk = options.disk ?? { accounts: [] };
  const keychain = options.keychain ?? true;
  if (options.signedInAs && !disk.accounts.some((a) => a.userId === options.signedInAs)) {
    disk.accounts.push(accountOf(options.signedInAs));
    if (!keychain) disk.passphrase ??= FAKE_PASSPHRASE;
  }
  const accounts = disk.accounts;
  let current: AccountInfo | undefined = options.signedInAs
    ? accounts.find((a) => a.userId === options.signedInAs)
    : undefined;
  /** Like the real wallet: a passphrase is checked on every sign-in and every enroll into an existing wallet. */
  const passphraseRefusal = (passphrase: string | undefined): Result<never> | undefined => {
    if (keychain) return undefined;
    if (!passphrase) return fail('WRONG_PASSPHRASE', 'a passphrase is needed to open your keys on this machine');
    if (disk.passphrase !== undefined && passphrase !== disk.passphrase)
      return fail('WRONG_PASSPHRASE', 'that passphrase does not open this wallet');
    return undefined;
  };
  const profiles: ProfileSummary[] = [PROFILE];
  const conversations = new Map<string, FakeConversation>();
  const balances = new Map<string, number>();
  /** Each user's payment history, as the ledger keeps it: oldest first, rows adding up to the balance. */
  const history = new Map<string, PaymentRecord[]>();
  const escrows = new Map<string, EscrowInfo>();
  /** Appends a history row and moves the balance by its delta, as one ledger write would. */
  const addHistory = (owner: string, row: Omit<PaymentRecord, 'memo'> & { memo?: string }): PaymentRecord => {
    const { memo, ...rest } = row;
    const entry: PaymentRecord = { ...rest, ...(memo ? { memo } : {}) };
    history.set(owner, [...(history.get(owner) ?? []), entry]);
    balances.set(owner, (balances.get(owner) ?? 0) + row.delta);
    return entry;
  };
  const items = new Map<string, { item: SharedItem; file: FileData; grants: GrantInfo[]; accesses: AccessRecord[] }>();
  const audit: AuditRecordView[] = [];
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}-${++counter}`;
  /** Each contact's key generation: a change of keys changes the safety number, like the real one. */
  const keyVersions = new Map<string, number>();
  const safetyDigits = (userId: string) => {
    const seedText = [me(), userId].sort().join('|') + String(keyVersions.get(userId) ?? 0);
    let digits = '';
    for (let i = 0; digits.length < 60; i++)
      digits += String((seedText.charCodeAt(i % seedText.length) * (i + 7)) % 10);
    return digits.replace(/(\d{5})(?=\d)/g, '$1 ');
  };

  const me = () => current?.userId ?? '';
  const nameOf = (userId: string) => contacts.get(userId)?.enrollmentId ?? userId.split('::')[1] ?? userId;
  const record = (action: string, target: string, outcome = 'ok') =>
    audit.push({ time: clock(), txId: nextId('tx'), seq: 0, actor: me(), action, target, outcome, edge: false });

  function addConversation(
    kind: 'direct' | 'group',
    title: string,
    members: [string, GroupRole][],
    policy: GroupPolicy,
    peer?: string,
  ): FakeConversation {
    const id = nextId(kind === 'direct' ? 'dm' : 'grp');
    const conversation: FakeConversation = {
      summary: {
        id,
        kind,
        title,
        peer,
        unread: 0,
        epoch: 1,
        retentionSeconds: policy.retentionSeconds,
        rekeyRequired: false,
      },
      members: new Map(members),
      policy,
      owner: members.find(([, r]) => r === 'owner')?.[0] ?? members[0]?.[0] ?? '',
      messages: [],
    };
    conversations.set(id, conversation);
    return conversation;
  }

  /** Like the service's views: reactions folded, replies counted, a reply's quote read from its target. */
  function withRelations(c: FakeConversation, m: MessageView): MessageView {
    const reactions = aggregateReactions(
      (c.reactions ?? []).filter((r) => r.to === m.id),
      me(),
    );
    const replyCount = c.messages.filter((r) => r.threadRoot === m.id && r.state !== 'erased').length;
    const target = m.replyTo && c.messages.find((t) => t.id === m.replyTo?.id);
    const quoted = target?.content && target.state !== 'erased' ? target : undefined;
    const replyTo = m.replyTo
      ? quoted
        ? {
            id: m.replyTo.id,
            sender: quoted.sender,
            excerpt: textPreview(
              quoted.content?.type === 'text' ? quoted.content.text : '',
              quoted.attachments.map((a) => a.name),
            ).slice(0, 120),
          }
        : { id: m.replyTo.id, missing: true }
      : undefined;
    const { reactions: _r, replyCount: _n, replyTo: _q, ...rest } = m;
    return {
      ...rest,
      ...(replyTo ? { replyTo } : {}),
      ...(replyCount > 0 ? { replyCount } : {}),
      ...(reactions.length > 0 ? { reactions } : {}),
    };
  }

  function push(
    conversation: FakeConversation,
    sender: string,
    content: MessageContent,
    sentAt: number,
    state: MessageView['state'] = 'committed',
  ): MessageView {
    const clientMessageId = nextId('m');
    const message: MessageView = {
      id: fakeMessageId(conversation.summary.id, sender, clientMessageId),
      conversationId: conversation.summary.id,
      clientMessageId,
      sender,
      sentAt,
      outgoing: sender === me(),
      state,
      verified: true,
      epoch: conversation.summary.epoch,
      content,
      // Like the service: only a party (the fake's cards are all real) can confirm a card on the ledger.
      ...(content.type === 'payment' || content.type === 'escrow'
        ? { ledgerConfirmed: sender === me() || content.to === me() }
        : {}),
      attachments: [],
    };
    conversation.messages.push(message);
    conversation.summary = {
      ...conversation.summary,
      lastMessageAt: sentAt,
      lastPreview: content.type === 'text' ? textPreview(content.text, []) : undefined,
    };
    return message;
  }

  const directPolicy: GroupPolicy = {
    whoCanPost: 'members',
    whoCanInvite: 'admins',
    retentionSeconds: 0,
    paymentsAllowed: true,
    crossOrg: true,
  };

  function seed() {
    const self = me();
    if (!self) return;
    const others = [...contacts.keys()].filter((id) => id !== self);
    const [p1 = '', p2 = '', p3 = ''] = others.filter((id) => contacts.get(id)?.role === 'staff');
    const base = now - 2 * DAY;
    const d1 = addConversation(
      'direct',
      nameOf(p1),
      [
        [self, 'member'],
        [p1, 'member'],
      ],
      directPolicy,
      p1,
    );
    SAMPLE_LINES.forEach((line, i) => push(d1, i % 2 ? self : p1, { type: 'text', text: line }, base + i * 600_000));
    push(d1, p1, { type: 'payment-request', amount: 2500, memo: 'Team lunch' }, base + 4_000_000);
    d1.summary = { ...d1.summary, unread: 2 };
    // A few reactions, as the screenshots show them.
    const reacted = d1.messages[0]?.id;
    if (reacted) {
      d1.reactions = [
        { to: reacted, sender: p1, key: '👍', on: true },
        { to: reacted, sender: self, key: '👍', on: true },
        { to: reacted, sender: p1, key: '🎉', on: true },
      ];
    }
    const d2 = addConversation(
      'direct',
      nameOf(p2),
      [
        [self, 'member'],
        [p2, 'member'],
      ],
      { ...directPolicy, retentionSeconds: 30 * 86_400 },
      p2,
    );
    push(d2, p2, { type: 'text', text: 'Can you send me the onboarding checklist?' }, base + DAY);
    const failed = push(d2, self, { type: 'text', text: 'Sure, here it is.' }, base + DAY + 60_000, 'failed');
    d2.messages[d2.messages.length - 1] = { ...failed, failure: 'NETWORK_UNAVAILABLE' };
    push(d2, self, { type: 'text', text: 'Sending again in a moment.' }, base + DAY + 120_000, 'pending');
    const c3 = contacts.get(p3);
    if (c3) contacts.set(p3, { ...c3, keyChanged: true });
    const g = addConversation(
      'group',
      'Project Falcon',
      [
        [self, 'owner'],
        [p1, 'admin'],
        [p2, 'member'],
        [p3, 'reader'],
      ],
      {
        whoCanPost: 'members',
        whoCanInvite: 'admins',
        retentionSeconds: 30 * 86_400,
        paymentsAllowed: true,
        crossOrg: true,
      },
    );
    push(g, p1, { type: 'text', text: 'Kick-off notes are in the shared folder.' }, base + 2 * 3_600_000);
    push(g, self, { type: 'text', text: 'Thanks, reading them now.' }, base + 2 * 3_600_000 + 90_000);
    const erased = push(g, p2, { type: 'text', text: '' }, base + 2 * 3_600_000 + 300_000);
    g.messages[g.messages.length - 1] = { ...erased, state: 'erased', content: undefined };
    g.summary = { ...g.summary, unread: 1, epoch: 3 };
    g.epochChangedAt = base + 5 * 3_600_000;
    // A balance of 125,000 made of rows that add up to it, as the ledger keeps them.
    const treasurer = [...contacts.values()].find((c) => c.treasury && c.mspId === contacts.get(self)?.mspId);
    const mint = { kind: 'mint', delta: 117_500, amount: 117_500, counterparty: treasurer?.userId ?? p1 };
    addHistory(self, { paymentId: 'mint-0', ...mint, time: base - DAY });
    addHistory(self, {
      paymentId: 'pay-1',
      kind: 'transfer-out',
      delta: -2500,
      amount: 2500,
      counterparty: p1,
      memo: 'Coffee beans',
      time: base,
    });
    addHistory(self, {
      paymentId: 'pay-2',
      kind: 'transfer-in',
      delta: 10_000,
      amount: 10_000,
      counterparty: p2,
      memo: 'Conference tickets',
      time: base + DAY,
    });
    const itemId = 'item-1';
    items.set(itemId, {
      item: {
        itemId,
        name: 'q3-forecast.xlsx',
        mimeType: 'application/vnd.ms-excel',
        size: 48_213,
        owner: self,
        createdAt: base,
      },
      file: { name: 'q3-forecast.xlsx', mimeType: 'application/vnd.ms-excel', dataBase64: 'UEsDBA==' },
      grants: [
        {
          grantId: 'g-1',
          grantee: { kind: 'user', userId: p1 },
          grantor: self,
          expiresAt: now + 7 * DAY,
          canReshare: false,
          state: 'active',
        },
      ],
      accesses: [
        { time: base + 3_600_000, accessor: p1, outcome: 'ok', txId: 'tx-a1' },
        { time: base + 7_200_000, accessor: p2, outcome: 'denied', code: 'FORBIDDEN', txId: 'tx-a2' },
      ],
    });
    for (let i = 0; i < 24; i++) {
      audit.push({
        time: base + i * 3_600_000,
        txId: `tx-audit-${i}`,
        seq: 0,
        actor: others[i % others.length] ?? self,
        action: ['sendMessage', 'openItem', 'createGroup', 'sendPayment'][i % 4] ?? 'sendMessage',
        target: i % 2 ? 'grp-3' : 'item-1',
        outcome: i % 5 === 0 ? 'denied' : 'ok',
        edge: false,
      });
    }
  }

  function seedBig(size: number) {
    const self = me();
    const peer = [...contacts.keys()].find((id) => id !== self) ?? '';
    const big = addConversation(
      'direct',
      `${nameOf(peer)} (archive)`,
      [
        [self, 'member'],
        [peer, 'member'],
      ],
      directPolicy,
      peer,
    );
    const start = now - size * 60_000;
    for (let i = 0; i < size; i++) {
      const sender = i % 3 === 0 ? self : peer;
      big.messages.push({
        id: fakeMessageId(big.summary.id, sender, `big-${i}`),
        conversationId: big.summary.id,
        clientMessageId: `big-${i}`,
        sender,
        sentAt: start + i * 60_000,
        outgoing: sender === self,
        state: 'committed',
        verified: true,
        epoch: 1,
        content: { type: 'text', text: `${SAMPLE_LINES[i % SAMPLE_LINES.length] ?? ''} (#${i + 1})` },
        attachments: [],
      });
    }
    big.summary = { ...big.summary, lastMessageAt: now, lastPreview: 'archive' };
  }

  if (options.seed) seed();
  if (options.bigConversation && current) seedBig(options.bigConversation);

  const session = (): SessionState => ({
    state: current ? 'signed-in' : accounts.length ? 'signed-out' : 'no-account',
    account: current,
    accounts: [...accounts],
    keychain,
    sync: current ? 'connected' : 'offline',
  });

  const getConversation = (id: string) => conversations.get(id);
  const ownersOf = (c: FakeConversation) => [...c.members.values()].filter((role) => role === 'owner').length;
  /** Like the service: the owner shown is the first member holding the role (a group may have several). */
  const syncOwner = (c: FakeConversation) => {
    c.owner = [...c.members].find(([, role]) => role === 'owner')?.[0] ?? c.owner;
  };
  const details = (c: FakeConversation): GroupDetails => {
    const myRole = c.members.get(me()) ?? 'reader';
    return {
      conversation: { ...c.summary },
      members: [...c.members].map(([userId, role]) => ({ userId, role })),
      policy: { ...c.policy },
      owner: c.owner,
      myRole,
      allowedActions: allowedActionsFor(myRole, c.policy, c.summary.kind, ownersOf(c)),
      epochChangedAt: c.epochChangedAt,
    };
  };
  const needSignIn = <T>(f: () => Result<T>): Result<T> => (current ? f() : fail('NOT_SIGNED_IN'));
  /** Like the sharing service: yourself, then an id nobody holds (a group grantee is checked by its own rules). */
  const granteeRefusal = (grantee: Grantee): Result<never> | undefined => {
    if (grantee.kind !== 'user') return undefined;
    if (grantee.userId === me()) return fail('BAD_INPUT', 'you already hold your own items');
    const contact = contacts.get(grantee.userId);
    if (!contact) return fail('UNKNOWN_USER', `nobody is registered as ${grantee.userId}`);
    if (contact.status !== 'active') return fail('DISABLED', `${grantee.userId} is disabled`);
    return undefined;
  };
  /** Like the payments service: yourself, then an id nobody holds, then a disabled user. */
  const recipientRefusal = (to: string, self = 'a payment to yourself is not a payment'): Result<never> | undefined => {
    if (to === me()) return fail('SELF_PAYMENT', self);
    const contact = contacts.get(to);
    if (!contact) return fail('UNKNOWN_USER', `nobody is registered as ${to}`);
    if (contact.status !== 'active') return fail('DISABLED', `${to} is disabled`);
    return undefined;
  };
  /**
   * A group operation by a member, as the chaincode runs it: the group, the caller's membership, then `f`
   * with the caller's role (each operation asks the protocol's role rules). Membership of a direct conversation is fixed.
   */
  const manage = (
    conversationId: string,
    f: (c: FakeConversation, myRole: GroupRole) => Result<GroupDetails>,
    groupsOnly = true,
  ) =>
    needSignIn(() => {
      const c = getConversation(conversationId);
      if (!c) return fail<GroupDetails>('NOT_FOUND');
      const myRole = c.members.get(me());
      if (!myRole) return fail<GroupDetails>('NOT_MEMBER', `not a member of ${conversationId}`);
      if (groupsOnly && c.summary.kind !== 'group') {
        return fail<GroupDetails>('FORBIDDEN', 'membership of a direct conversation is fixed');
      }
      const result = f(c, myRole);
      if (result.ok) emit({ type: 'conversation', conversation: { ...c.summary } });
      return result;
    });
  const currentSettings = (): UserSettings => ({
    ...DEFAULT_FAKE_SETTINGS,
    ...disk.lastUsed,
    ...(current ? disk.settings?.[current.accountId] : undefined),
  });
  const signInTo = (account: AccountInfo): Result<AccountInfo> => {
    current = account;
    disk.lastAccountId = account.accountId;
    if (options.seed && conversations.size === 0) seed();
    emit({ type: 'session', state: 'signed-in' });
    emit({ type: 'sync', state: 'connected' });
    return ok(account);
  };
  /** Like the service: once no member's key change waits to be looked at, held messages go out. */
  const releaseHeld = () => {
    for (const c of conversations.values()) {
      const held = [...c.members.keys()].some((id) => id !== me() && contacts.get(id)?.keyChangePending);
      if (held) continue;
      c.messages = c.messages.map((m) => {
        if (m.state !== 'failed' || m.failure !== 'KEY_CHANGED' || !m.outgoing) return m;
        emit({
          type: 'delivery',
          messageId: m.id,
          conversationId: m.conversationId,
          clientMessageId: m.clientMessageId,
          state: 'committed',
        });
        return { ...m, state: 'committed', failure: undefined };
      });
    }
  };
  /** Like the service: a membership change leaves a notice in the group's timeline. */
  const notice = (c: FakeConversation, change: MembershipNotice['change'], userId: string) => {
    const noticeId = nextId('notice');
    const message: MessageView = {
      id: fakeMessageId(c.summary.id, 'ktalk:notice', noticeId),
      conversationId: c.summary.id,
      clientMessageId: noticeId,
      sender: 'ktalk:notice',
      sentAt: clock(),
      outgoing: false,
      state: 'committed',
      verified: true,
      epoch: c.summary.epoch,
      attachments: [],
      notice: { change, userId },
    };
    c.messages.push(message);
    emit({ type: 'message', message });
  };
  const rekey = (c: FakeConversation) => {
    c.summary = { ...c.summary, epoch: c.summary.epoch + 1 };
    c.epochChangedAt = clock();
  };

  const api: KTalkApi = {
    networkStatus: async () =>
      ok([
        { name: 'ca-org1', kind: 'ca', healthy: true },
        { name: 'orderer1', kind: 'orderer', healthy: true },
        { name: 'peer0.org1', kind: 'peer', healthy: true },
        { name: 'peer0.org2', kind: 'peer', healthy: true },
      ]),
    listProfiles: async () => ok([...profiles]),
    importProfile: async ({ name, json }) => {
      try {
        const parsed = JSON.parse(json) as { channel?: unknown; organizations?: unknown };
        if (typeof parsed.channel !== 'string' || !Array.isArray(parsed.organizations)) return fail('PROFILE_INVALID');
        const profile: ProfileSummary = {
          name,
          channel: parsed.channel,
          organizations: (parsed.organizations as { mspId: string; name: string }[]).map((o) => ({
            mspId: String(o.mspId),
            name: String(o.name),
          })),
        };
        profiles.push(profile);
        return ok(profile);
      } catch {
        return fail('PROFILE_INVALID', 'not JSON');
      }
    },
    sessionState: async () => ok(session()),
    enroll: async ({ profile, mspId, enrollmentId, secret, passphrase }) => {
      const userId = `${mspId}::${enrollmentId}`;
      if (current) return fail('ALREADY_SIGNED_IN', 'sign out first');
      if (!profiles.some((p) => p.name === profile)) return fail('PROFILE_INVALID');
      const refusal = passphraseRefusal(passphrase);
      if (refusal) return refusal;
      if (!contacts.has(userId)) return fail('WRONG_SECRET');
      if (secret !== FAKE_SECRET) return fail('WRONG_SECRET');
      if (!keychain) disk.passphrase ??= passphrase;
      const account = accountOf(userId);
      if (!accounts.some((a) => a.accountId === account.accountId)) accounts.push(account);
      return signInTo(account);
    },
    signIn: async ({ accountId, passphrase }) => {
      if (current) return fail('ALREADY_SIGNED_IN', 'sign out first');
      const account = accounts.find((a) => a.accountId === (accountId ?? disk.lastAccountId ?? accounts[0]?.accountId));
      if (!account) return fail('UNKNOWN_ACCOUNT', 'there is no account on this machine yet');
      const refusal = passphraseRefusal(passphrase);
      if (refusal) return refusal;
      return signInTo(account);
    },
    signOut: async () => {
      current = undefined;
      emit({ type: 'sync', state: 'offline' });
      emit({ type: 'session', state: 'signed-out' });
      return ok(null);
    },
    rotateKeys: async () => needSignIn(() => ok({ validFrom: clock() })),
    ownKeyStatus: async () => needSignIn(() => ok(ownKeys)),
    vetoKeyChange: async () =>
      needSignIn(() => {
        if (ownKeys.state !== 'pending') return fail<OwnKeyStatus>('NOT_FOUND', 'no key change is pending for you');
        ownKeys = { state: 'ok' };
        return ok(ownKeys);
      }),
    getSettings: async () => ok(currentSettings()),
    saveSettings: async (change) => {
      // Like the service: the inbox policy and block list are published on the ledger, so they need an account.
      if (change.directFrom !== undefined || change.blockedUsers !== undefined) {
        if (!current) return fail('NOT_SIGNED_IN');
        if (change.blockedUsers?.includes(me())) return fail('BAD_INPUT', 'you cannot block yourself');
      }
      const next = { ...currentSettings(), ...change };
      if (current) disk.settings = { ...disk.settings, [current.accountId]: next };
      disk.lastUsed = { language: next.language, theme: next.theme };
      return ok(next);
    },
    listDirectory: async ({ mspId }) =>
      needSignIn(() =>
        ok({
          items: [...contacts.values()].filter((c) => c.mspId === mspId).map(({ role: _r, treasury: _t, ...c }) => c),
        }),
      ),
    getContact: async ({ userId }) => {
      const c = contacts.get(userId);
      if (!c) return fail('NOT_FOUND');
      const { role: _r, treasury: _t, ...contact } = c;
      return ok(contact);
    },
    safetyNumber: async ({ userId }) => {
      const c = contacts.get(userId);
      if (!c) return fail('NOT_FOUND');
      return ok({ userId, digits: safetyDigits(userId), keyChanged: c.keyChanged, verified: c.verified });
    },
    // Like the service: bound to the number the user compared; another number is KEY_CHANGED, nothing marked.
    markVerified: async ({ userId, digits }) => {
      const c = contacts.get(userId);
      if (!c) return fail('NOT_FOUND');
      if (digits !== safetyDigits(userId)) return fail('KEY_CHANGED', `${userId}'s keys changed`);
      const next = { ...c, verified: true, keyChanged: false, keyChangePending: false };
      contacts.set(userId, next);
      releaseHeld();
      const { role: _r, treasury: _t, ...contact } = next;
      return ok(contact);
    },
    acknowledgeKeyChange: async ({ userId }) => {
      const c = contacts.get(userId);
      if (!c) return fail('NOT_FOUND');
      const next = { ...c, keyChangePending: false };
      contacts.set(userId, next);
      releaseHeld();
      const { role: _r, treasury: _t, ...contact } = next;
      return ok(contact);
    },
    listConversations: async () =>
      needSignIn(() =>
        ok(
          [...conversations.values()]
            .filter((c) => c.members.has(me()))
            .map((c) => ({ ...c.summary }))
            .sort((a, b) => (b.lastMessageAt ?? 0) - (a.lastMessageAt ?? 0)),
        ),
      ),
    openDirect: async ({ userId }) =>
      needSignIn(() => {
        if (!contacts.has(userId)) return fail('NOT_FOUND');
        const existing = [...conversations.values()].find(
          (c) => c.summary.kind === 'direct' && c.summary.peer === userId,
        );
        const c =
          existing ??
          addConversation(
            'direct',
            nameOf(userId),
            [
              [me(), 'member'],
              [userId, 'member'],
            ],
            directPolicy,
            userId,
          );
        return ok({ ...c.summary });
      }),
    listMessages: async ({ conversationId, before, limit = 50 }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        // Like the service: a removed member still reads what reached them before.
        if (!c) return fail('NOT_FOUND');
        const end = before === undefined ? c.messages.length : Number(before);
        if (!Number.isInteger(end) || end < 0 || end > c.messages.length) return fail('BAD_INPUT', 'bad cursor');
        const start = Math.max(0, end - limit);
        // Newest first, like the app's store; `next` continues with older ones. A blocked sender's are hidden.
        const blocked = new Set(currentSettings().blockedUsers);
        const items = c.messages
          .slice(start, end)
          .reverse()
          .filter((m) => !blocked.has(m.sender))
          .map((m) => withRelations(c, m));
        return ok({ items, next: start > 0 ? String(start) : undefined });
      }),
    sendMessage: async ({ conversationId, text, attachments = [], replyTo }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        // Like the service: a reply's target must be a message of this conversation.
        const target = replyTo === undefined ? undefined : c.messages.find((m) => m.id === replyTo);
        if (replyTo !== undefined && (!target || target.state === 'erased')) return fail('NOT_FOUND');
        if (!c.members.has(me())) return fail('NOT_MEMBER', `not a member of ${conversationId}`);
        if (c.summary.rekeyRequired) return fail('REKEY_REQUIRED');
        if (c.summary.kind === 'group' && !mayPost(c.policy, c.members.get(me()) ?? 'reader')) return fail('FORBIDDEN');
        // Like the service: a member whose keys changed after being verified holds the message.
        const held = [...c.members.keys()].some((id) => id !== me() && contacts.get(id)?.keyChangePending);
        const pushed = push(c, me(), { type: 'text', text }, clock(), held ? 'failed' : 'pending');
        const message: MessageView = held ? { ...pushed, failure: 'KEY_CHANGED' } : pushed;
        const withFiles: MessageView = {
          ...message,
          ...(target ? { replyTo: { id: target.id }, threadRoot: target.threadRoot ?? target.id } : {}),
          attachments: attachments.map((a, index) => ({
            index,
            name: a.name,
            mimeType: a.mimeType,
            size: Math.floor((a.dataBase64.length * 3) / 4),
          })),
        };
        c.messages[c.messages.length - 1] = withFiles;
        const { draft, ...withoutDraft } = c.summary;
        c.summary = {
          ...withoutDraft,
          lastPreview: textPreview(
            text,
            attachments.map((a) => a.name),
          ),
        };
        // Pushed too, like the service, so every view of the list sees it at once.
        emit({ type: 'message', message: withRelations(c, withFiles) });
        const root = target && c.messages.find((m) => m.id === (target.threadRoot ?? target.id));
        if (root) emit({ type: 'message', message: withRelations(c, root) });
        // Like the service: sending clears the draft, and the list hears so.
        if (draft !== undefined) emit({ type: 'conversation', conversation: { ...c.summary } });
        return ok(withRelations(c, withFiles));
      }),
    react: async ({ conversationId, messageId, emoji, on }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        if (!c.members.has(me())) return fail('NOT_MEMBER', `not a member of ${conversationId}`);
        const target = c.messages.find((m) => m.id === messageId && m.state !== 'erased');
        if (!target) return fail('NOT_FOUND');
        c.reactions = [...(c.reactions ?? []), { to: messageId, sender: me(), key: emoji, on }];
        const view = withRelations(c, target);
        emit({ type: 'message', message: view });
        return ok(view);
      }),
    listThread: async ({ conversationId, messageId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        const start = c.messages.find((m) => m.id === messageId);
        const rootId = start?.threadRoot ?? messageId;
        const root = c.messages.find((m) => m.id === rootId && m.state !== 'erased');
        const replies = c.messages
          .filter((m) => m.threadRoot === rootId && m.state !== 'erased')
          .map((m) => withRelations(c, m));
        return ok({ rootId, ...(root ? { root: withRelations(c, root) } : {}), replies });
      }),
    retryMessage: async ({ conversationId, clientMessageId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        const i = c?.messages.findIndex((m) => m.clientMessageId === clientMessageId) ?? -1;
        const m = c?.messages[i];
        if (!c || !m) return fail('NOT_FOUND');
        const next: MessageView = { ...m, state: 'pending', failure: undefined };
        c.messages[i] = next;
        return ok(next);
      }),
    deleteMessage: async ({ conversationId, clientMessageId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        const i = c?.messages.findIndex((m) => m.clientMessageId === clientMessageId) ?? -1;
        const m = c?.messages[i];
        if (!c || !m) return fail('NOT_FOUND');
        c.messages[i] = { ...m, state: 'erased', content: undefined, attachments: [] };
        return ok(null);
      }),
    markRead: async ({ conversationId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        const hadUnread = c.summary.unread > 0;
        c.summary = { ...c.summary, unread: 0 };
        // Like the service: every view of the list drops the badge.
        if (hadUnread) emit({ type: 'conversation', conversation: { ...c.summary } });
        return ok(null);
      }),
    saveDraft: async ({ conversationId, text }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        // Like the service: blank text removes the draft.
        const { draft: _old, ...withoutDraft } = c.summary;
        c.summary = text.trim() === '' ? withoutDraft : { ...withoutDraft, draft: text };
        return ok({ ...c.summary });
      }),
    getAttachment: async ({ conversationId, sender, clientMessageId, index }) => {
      const m = getConversation(conversationId)?.messages.find(
        (x) => x.sender === sender && x.clientMessageId === clientMessageId,
      );
      const a = m?.attachments[index];
      return a ? ok({ name: a.name, mimeType: a.mimeType, dataBase64: '' }) : fail('NOT_FOUND');
    },
    search: async ({ query, limit = 50 }) =>
      needSignIn(() => {
        const q = query.toLowerCase();
        const hits = [];
        for (const c of conversations.values()) {
          if (!c.members.has(me())) continue;
          for (const m of c.messages) {
            if (m.content?.type === 'text' && m.content.text.toLowerCase().includes(q)) {
              hits.push({
                messageId: m.id,
                conversationId: c.summary.id,
                sender: m.sender,
                clientMessageId: m.clientMessageId,
                sentAt: m.sentAt,
                snippet: m.content.text,
              });
              if (hits.length >= limit) return ok(hits);
            }
          }
        }
        return ok(hits);
      }),
    createGroup: async ({ title, members, policy }) =>
      needSignIn(() => {
        if (!title.trim()) return fail('BAD_INPUT', 'title required');
        const c = addConversation(
          'group',
          title.trim(),
          [[me(), 'owner'], ...members.filter((m) => m !== me()).map((m): [string, GroupRole] => [m, 'member'])],
          policy,
        );
        record('createGroup', c.summary.id);
        return ok({ ...c.summary });
      }),
    getGroup: async ({ conversationId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        if (!c) return fail('NOT_FOUND');
        // Like the chaincode: a conversation one was removed from (or left) answers with that cause.
        return c.members.has(me()) ? ok(details(c)) : fail('NOT_MEMBER', `not a member of ${conversationId}`);
      }),
    addMember: async ({ conversationId, userId, role }) =>
      manage(conversationId, (c, myRole) => {
        if (!mayManageMembers(c.policy, myRole)) return fail('FORBIDDEN', `a ${myRole} cannot add members here`);
        if (!mayAddWithRole(myRole, role)) return fail('FORBIDDEN', `a ${myRole} cannot add an ${role}`);
        if (c.members.has(userId)) return fail('CONFLICT', 'already a member');
        if (!contacts.has(userId)) return fail('NOT_FOUND');
        c.members.set(userId, role);
        notice(c, 'added', userId);
        return ok(details(c));
      }),
    removeMember: async ({ conversationId, userId }) =>
      manage(conversationId, (c, myRole) => {
        if (!isManager(myRole)) return fail('FORBIDDEN', `a ${myRole} cannot remove members`);
        if (userId === me()) return fail('BAD_INPUT', 'use Leave to leave a conversation');
        const target = c.members.get(userId);
        if (!target) return fail('NOT_FOUND');
        if (!mayRemove(myRole, target)) return fail('FORBIDDEN', `a ${myRole} cannot remove an ${target}`);
        c.members.delete(userId);
        syncOwner(c);
        rekey(c);
        notice(c, 'removed', userId);
        return ok(details(c));
      }),
    leaveGroup: async ({ conversationId }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        const myRole = c?.members.get(me());
        if (!c || !myRole) return fail('NOT_FOUND');
        if (c.summary.kind !== 'group') return fail('FORBIDDEN', 'membership of a direct conversation is fixed');
        // Like the chaincode: the last owner is refused; with another owner left, an owner leaves like anyone.
        if (!mayLeave(myRole, ownersOf(c) - (myRole === 'owner' ? 1 : 0))) {
          return fail('CONFLICT', 'the last owner must transfer ownership before leaving');
        }
        c.members.delete(me());
        syncOwner(c);
        c.summary = { ...c.summary, rekeyRequired: true };
        return ok(null);
      }),
    changeRole: async ({ conversationId, userId, role }) =>
      manage(conversationId, (c, myRole) => {
        if (!isManager(myRole)) return fail('FORBIDDEN', `a ${myRole} cannot change roles`);
        const target = c.members.get(userId);
        if (!target) return fail('NOT_FOUND', `${userId} is not a member`);
        if (target === role) return fail('CONFLICT', `${userId} is already ${role}`);
        if (!mayChangeRole(myRole, target, role))
          return fail('FORBIDDEN', 'an admin cannot demote an owner or make one');
        if (!keepsAnOwner(target, role, ownersOf(c))) return fail('CONFLICT', 'a group keeps at least one owner');
        c.members.set(userId, role);
        syncOwner(c);
        return ok(details(c));
      }),
    transferOwnership: async ({ conversationId, userId }) =>
      manage(conversationId, (c, myRole) => {
        if (!mayTransferOwnership(myRole)) return fail('FORBIDDEN', 'only an owner can transfer ownership');
        if (userId === me()) return fail('BAD_INPUT', 'already the owner');
        const target = c.members.get(userId);
        if (!target) return fail('NOT_FOUND', `${userId} is not a member`);
        if (target === 'owner') return fail('CONFLICT', `${userId} is already an owner`);
        // The previous owner stays on as an admin and may leave afterwards.
        c.members.set(userId, 'owner');
        c.members.set(me(), 'admin');
        c.owner = userId;
        return ok(details(c));
      }),
    updatePolicy: async ({ conversationId, policy }) =>
      manage(
        conversationId,
        (c, myRole) => {
          if (!mayChangePolicy(c.summary.kind, myRole)) return fail('FORBIDDEN', 'only an owner can change the policy');
          const fixed = (Object.keys(policy) as (keyof GroupPolicy)[]).filter((f) => !DIRECT_POLICY_FIELDS.includes(f));
          if (c.summary.kind === 'direct' && fixed.length > 0) {
            return fail('FORBIDDEN', `${fixed.sort().join(', ')} cannot change in a direct conversation`);
          }
          c.policy = { ...c.policy, ...policy };
          c.summary = { ...c.summary, retentionSeconds: c.policy.retentionSeconds };
          return ok(details(c));
        },
        false,
      ),
    shareItem: async ({ file, grantee, expiresAt, canReshare }) =>
      needSignIn(() => {
        const refused = granteeRefusal(grantee);
        if (refused) return refused;
        const itemId = nextId('item');
        const item: SharedItem = {
          itemId,
          name: file.name,
          mimeType: file.mimeType,
          size: Math.floor((file.dataBase64.length * 3) / 4),
          owner: me(),
          createdAt: clock(),
        };
        items.set(itemId, {
          item,
          file,
          grants: [{ grantId: nextId('g'), grantee, grantor: me(), expiresAt, canReshare, state: 'active' }],
          accesses: [],
        });
        record('shareItem', itemId);
        return ok(item);
      }),
    listMyItems: async () =>
      needSignIn(() => ok([...items.values()].filter((i) => i.item.owner === me()).map((i) => i.item))),
    grantAccess: async ({ itemId, grantee, expiresAt, canReshare }) =>
      needSignIn(() => {
        const entry = items.get(itemId);
        if (!entry) return fail('NOT_FOUND');
        const refused = granteeRefusal(grantee);
        if (refused) return refused;
        const grant: GrantInfo = {
          grantId: nextId('g'),
          grantee,
          grantor: me(),
          expiresAt,
          canReshare,
          state: 'active',
        };
        entry.grants.push(grant);
        return ok(grant);
      }),
    listGrants: async ({ itemId }) => {
      const entry = items.get(itemId);
      return entry ? ok([...entry.grants]) : fail('NOT_FOUND');
    },
    revokeGrant: async ({ itemId, grantId }) => {
      const entry = items.get(itemId);
      const i = entry?.grants.findIndex((g) => g.grantId === grantId) ?? -1;
      const grant = entry?.grants[i];
      if (!entry || !grant) return fail('NOT_FOUND');
      entry.grants[i] = { ...grant, state: 'revoked' };
      return ok(null);
    },
    openItem: async ({ itemId }) => {
      const entry = items.get(itemId);
      if (!entry) return fail('NOT_FOUND');
      const allowed =
        entry.item.owner === me() ||
        entry.grants.some((g) => g.state === 'active' && g.grantee.kind === 'user' && g.grantee.userId === me());
      entry.accesses.push({
        time: clock(),
        accessor: me(),
        outcome: allowed ? 'ok' : 'denied',
        code: allowed ? undefined : 'FORBIDDEN',
        txId: nextId('tx'),
      });
      return allowed ? ok(entry.file) : fail('FORBIDDEN');
    },
    listSharedWithMe: async () =>
      ok(
        [...items.values()]
          .flatMap(({ item, grants }) =>
            grants
              .filter((g) => g.grantee.kind === 'user' && g.grantee.userId === me())
              .map((g) => ({
                itemId: item.itemId,
                grantId: g.grantId,
                sharedAt: item.createdAt,
                name: item.name,
                grantor: g.grantor,
                expiresAt: g.expiresAt,
                ...(g.state === 'revoked' ? { revoked: true } : {}),
              })),
          )
          .sort((a, b) => b.sharedAt - a.sharedAt),
      ),
    accessHistory: async ({ itemId }) => {
      const entry = items.get(itemId);
      return entry ? ok({ items: [...entry.accesses] }) : fail('NOT_FOUND');
    },
    getBalance: async () => needSignIn(() => ok({ balance: balances.get(me()) ?? 0 })),
    sendPayment: async ({ to, amount, memo, conversationId, requestId }) =>
      needSignIn(() => {
        const balance = balances.get(me()) ?? 0;
        const refused = recipientRefusal(to);
        if (refused) return refused;
        if (amount > balance) return fail('INSUFFICIENT_FUNDS', 'the balance is too low');
        const paymentId = nextId('pay');
        const time = clock();
        const payment = addHistory(me(), {
          paymentId,
          kind: 'transfer-out',
          delta: -amount,
          amount,
          counterparty: to,
          memo,
          time,
        });
        addHistory(to, { paymentId, kind: 'transfer-in', delta: amount, amount, counterparty: me(), memo, time });
        const c = conversationId ? getConversation(conversationId) : undefined;
        const content = { type: 'payment', paymentId, amount, memo, to, ...(requestId ? { requestId } : {}) } as const;
        if (c) push(c, me(), content, payment.time);
        emit({ type: 'balance', balance: balances.get(me()) ?? 0 });
        return ok(payment);
      }),
    requestPayment: async ({ conversationId, amount, memo }) =>
      needSignIn(() => {
        const c = getConversation(conversationId);
        return c ? ok(push(c, me(), { type: 'payment-request', amount, memo }, clock())) : fail('NOT_FOUND');
      }),
    // Like the ledger: oldest first, one row per balance movement, notices with delta 0.
    paymentHistory: async ({ cursor }) =>
      needSignIn(() => {
        const mine = history.get(me()) ?? [];
        const start = cursor ? Number(cursor) : 0;
        const page = mine.slice(start, start + 50);
        return ok({ items: page, next: start + 50 < mine.length ? String(start + 50) : undefined });
      }),
    createEscrow: async ({ to, amount, deadline, memo, conversationId }) =>
      needSignIn(() => {
        const refused = recipientRefusal(to, 'an escrow to yourself is not a payment');
        if (refused) return refused;
        const balance = balances.get(me()) ?? 0;
        if (amount > balance) return fail('INSUFFICIENT_FUNDS', 'the balance is too low');
        const escrowId = nextId('esc');
        const escrow: EscrowInfo = {
          escrowId,
          from: me(),
          to,
          amount,
          deadline,
          state: 'open',
          ...(memo ? { memo } : {}),
        };
        escrows.set(escrowId, escrow);
        addHistory(me(), {
          paymentId: escrowId,
          kind: 'escrow-out',
          delta: -amount,
          amount,
          counterparty: to,
          memo,
          time: clock(),
        });
        const c = conversationId ? getConversation(conversationId) : undefined;
        if (c) push(c, me(), { type: 'escrow', escrowId, amount, deadline, to }, clock());
        emit({ type: 'balance', balance: balances.get(me()) ?? 0 });
        return ok(escrow);
      }),
    settleEscrow: async ({ escrowId, action }) => {
      const escrow = escrows.get(escrowId);
      if (!escrow) return fail('NOT_FOUND');
      if (escrow.state !== 'open') return fail('CONFLICT', `escrow already ${escrow.state}`);
      if (action === 'release' && me() !== escrow.from) return fail('FORBIDDEN', 'only the sender may release');
      if (action === 'claim' && me() !== escrow.to) return fail('FORBIDDEN', 'only the recipient may claim');
      const state = action === 'release' ? 'released' : action === 'claim' ? 'claimed' : 'refunded';
      const next: EscrowInfo = { ...escrow, state };
      escrows.set(escrowId, next);
      // The money moves once, to the payee; the payer of a paid-out escrow gets a notice.
      const payee = state === 'refunded' ? escrow.from : escrow.to;
      const row = { paymentId: `${escrowId}-settle`, amount: escrow.amount, time: clock() };
      const kind = state === 'refunded' ? 'escrow-refund' : 'escrow-in';
      addHistory(payee, {
        ...row,
        kind,
        delta: escrow.amount,
        counterparty: payee === escrow.from ? escrow.to : escrow.from,
      });
      if (state !== 'refunded') {
        addHistory(escrow.from, { ...row, kind: `escrow-${state}`, delta: 0, counterparty: escrow.to });
      }
      if (payee === me()) emit({ type: 'balance', balance: balances.get(me()) ?? 0 });
      return ok(next);
    },
    getEscrow: async ({ escrowId }) => {
      const escrow = escrows.get(escrowId);
      return escrow ? ok(escrow) : fail('NOT_FOUND');
    },
    mint: async ({ to, amount }) =>
      needSignIn(() => {
        if (!current?.treasury) return fail('FORBIDDEN');
        if (!contacts.has(to)) return fail('UNKNOWN_USER', `nobody is registered as ${to}`);
        if (contacts.get(to)?.mspId !== current.mspId)
          return fail('FORBIDDEN', 'may only mint to users of your own org');
        addHistory(to, {
          paymentId: nextId('mint'),
          kind: 'mint',
          delta: amount,
          amount,
          counterparty: me(),
          time: clock(),
        });
        if (to === me()) emit({ type: 'balance', balance: balances.get(to) ?? 0 });
        return ok({ balance: balances.get(to) ?? 0 });
      }),
    adminRegister: async ({ enrollmentId, role }) =>
      needSignIn(() => {
        if (current?.role !== 'admin') return fail('FORBIDDEN');
        const user = { mspId: current.mspId, enrollmentId, role };
        if (contacts.has(idOf(user))) return fail('ALREADY_REGISTERED', `${enrollmentId} is already registered`);
        contacts.set(idOf(user), {
          userId: idOf(user),
          mspId: user.mspId,
          enrollmentId,
          status: 'active',
          keyChanged: false,
          verified: false,
          keyChangePending: false,
          role,
          treasury: false,
        });
        return ok({ enrollmentId, secret: FAKE_SECRET });
      }),
    adminReissueSecret: async ({ enrollmentId }) =>
      needSignIn(() => (current?.role === 'admin' ? ok({ enrollmentId, secret: FAKE_SECRET }) : fail('FORBIDDEN'))),
    adminListIdentities: async () =>
      needSignIn((): Result<IdentityRow[]> => {
        if (current?.role !== 'admin') return fail('FORBIDDEN');
        const mine = [...contacts.values()].filter((c) => c.mspId === current?.mspId);
        return ok(
          mine.map((c) => ({
            enrollmentId: c.enrollmentId,
            userId: c.userId,
            role: c.role,
            type: 'client',
            caState: c.status === 'active' ? 'active' : 'revoked',
            directory: c.status,
          })),
        );
      }),
    adminRevoke: async ({ enrollmentId }) =>
      needSignIn(() => {
        if (current?.role !== 'admin') return fail('FORBIDDEN');
        const userId = `${current.mspId}::${enrollmentId}`;
        const c = contacts.get(userId);
        if (!c) return fail('NOT_FOUND');
        contacts.set(userId, { ...c, status: 'disabled' });
        return ok({ userId, caRevoked: true, crlInChannel: true, directoryDisabled: true });
      }),
    auditQuery: async ({ from, to, actor, action, target, outcome, cursor, pageSize = 50 }) =>
      needSignIn(() => {
        if (current?.role !== 'compliance') return fail('FORBIDDEN');
        const rows = audit.filter(
          (r) =>
            r.time >= from &&
            r.time <= to &&
            (!actor || r.actor === actor) &&
            (!action || r.action === action) &&
            (!target || r.target === target) &&
            (!outcome || r.outcome === outcome),
        );
        const start = cursor ? Number(cursor) : 0;
        return ok({
          items: rows.slice(start, start + pageSize),
          next: start + pageSize < rows.length ? String(start + pageSize) : undefined,
        });
      }),
    auditExport: async ({ from, to, format }) =>
      needSignIn(() => {
        if (current?.role !== 'compliance') return fail('FORBIDDEN');
        const rows = audit.filter((r) => r.time >= from && r.time <= to);
        const content =
          format === 'json'
            ? JSON.stringify(rows)
            : [
                'time,txId,actor,action,target,outcome',
                ...rows.map((r) => [r.time, r.txId, r.actor, r.action, r.target, r.outcome].join(',')),
              ].join('\n');
        return ok({ fileName: `audit.${format}`, format, content, records: rows.length });
      }),
    approveKeyChange: async ({ userId }) =>
      needSignIn(() => {
        if (current?.role !== 'compliance' || current.mspId !== userId.split('::')[0] || current.userId === userId) {
          return fail<Contact>('FORBIDDEN');
        }
        const c = contacts.get(userId);
        if (!c?.pendingKeyChange) return fail<Contact>('NOT_FOUND', `${userId} has no pending key change`);
        const { pendingKeyChange: _approved, role: _r, treasury: _t, ...rest } = c;
        contacts.set(userId, { ...rest, role: c.role, treasury: c.treasury, keyChanged: true, verified: false });
        emit({ type: 'keyChange', userId });
        return ok({ ...rest, keyChanged: true, verified: false });
      }),
    auditVerify: async ({ content }) => {
      if (/^\uFEFF?time,/.test(content)) return fail('NOT_AN_EXPORT', 'a CSV export cannot be verified');
      try {
        const rows = JSON.parse(content) as AuditRecordView[];
        return ok({
          ok: true,
          records: rows.map((r, i) => ({ txId: r.txId, seq: r.seq, ok: true, blockNumber: 10 + i })),
          chain: { ok: true, trustedBlock: 100 },
          attestation: { ok: true, exporter: me(), exportedAt: now },
          completeness: { ok: true, missing: 0 },
        });
      } catch {
        return fail('NOT_AN_EXPORT', 'not a KTalk audit export: the content is not JSON');
      }
    },
  };

  // The fake as a transport, run the way the hosts run a call (main/ipc.ts, the web route): recorded,
  // optionally delayed or failed once, arguments checked by the shared schemas, then the implementation.
  const transport: Transport = {
    invoke: async (method, args) => {
      calls.push(method);
      if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
      const planned = failures.get(method);
      if (planned) {
        failures.delete(method);
        return fail(planned.code, planned.message);
      }
      const call = parseApiArgs(method, args);
      return call.ok ? dispatchApi(api, call.value) : call;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const client = clientOver(transport, options.onDroppedEvent ? { onDroppedEvent: options.onDroppedEvent } : {});

  return {
    ...client,
    emit,
    emitRaw: emit,
    failNext: (method, code, message) => failures.set(method, { code, message }),
    calls,
    now: () => now,
    conversations,
    receive: (conversationId, sender, text) => {
      const c = conversations.get(conversationId);
      if (!c) throw new Error(`no fake conversation ${conversationId}`);
      const message = push(c, sender, { type: 'text', text }, clock());
      c.summary = { ...c.summary, unread: c.summary.unread + 1 };
      emit({ type: 'message', message });
      emit({ type: 'conversation', conversation: { ...c.summary } });
      return message;
    },
    foreignKeyChange: (requestedAt, effectiveAt) => {
      ownKeys = { state: 'pending', requestedAt, effectiveAt };
      emit({ type: 'keyAlarm', status: ownKeys });
    },
    contactKeyPending: (userId, requestedAt, effectiveAt) => {
      const c = contacts.get(userId);
      if (c) contacts.set(userId, { ...c, pendingKeyChange: { requestedAt, effectiveAt } });
      emit({ type: 'contactKeyPending', userId, requestedAt, effectiveAt });
    },
    contactKeyPendingEnded: (userId) => {
      const c = contacts.get(userId);
      if (c) {
        const { pendingKeyChange: _ended, ...rest } = c;
        contacts.set(userId, rest);
      }
      emit({ type: 'contactKeyPendingEnded', userId });
    },
    changeKey: (userId) => {
      const c = contacts.get(userId);
      // Like the store: the number changes, and a verified contact's change waits for the user to look.
      keyVersions.set(userId, (keyVersions.get(userId) ?? 0) + 1);
      if (c) contacts.set(userId, { ...c, keyChanged: true, verified: false, keyChangePending: c.verified });
      emit({ type: 'keyChange', userId });
    },
    removeMe: (conversationId) => {
      const c = conversations.get(conversationId);
      if (!c) throw new Error(`no fake conversation ${conversationId}`);
      c.members.delete(me());
      rekey(c);
      notice(c, 'removed', me());
      emit({ type: 'conversation', conversation: { ...c.summary } });
    },
  };
}
