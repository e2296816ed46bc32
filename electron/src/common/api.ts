import type { GroupAction } from '@ktalk/protocol/group-roles';
// The whole surface between the UI and the privileged side, declared once.
// Neutral code: no Node and no DOM APIs here. Every operation takes at most
// one argument object (validated by the schemas in api-args.ts) and answers
// with a Result; nothing is thrown across the boundary.

import type { ApiEvent } from './api-events';

/** Typed failure codes the UI can translate; `message` carries the detail. */
export const API_ERROR_CODES = [
  // Input and session.
  'BAD_INPUT',
  'NOT_SIGNED_IN',
  'ALREADY_SIGNED_IN',
  'WRONG_PASSPHRASE',
  'UNKNOWN_ACCOUNT',
  'PROFILE_INVALID',
  // Enrollment and the CA.
  'WRONG_SECRET',
  'CA_UNREACHABLE',
  'CA_REFUSED',
  'CERT_EXPIRED',
  'CERT_REVOKED',
  // The chaincode's own refusals.
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'EXPIRED',
  'DISABLED',
  'INSUFFICIENT_FUNDS',
  'LIMIT_EXCEEDED',
  'TOO_LARGE',
  'STALE_EPOCH',
  'REKEY_REQUIRED',
  /** The caller is not (or no longer) a member of the conversation: removed, or left. */
  'NOT_MEMBER',
  // Transport, crypto, verification.
  'NETWORK_UNAVAILABLE',
  /** The app's own local service does not answer (web mode's server stopped): nothing was sent or queued. */
  'APP_UNREACHABLE',
  'KEY_CHANGED',
  'DECRYPT_FAILED',
  'VERIFY_FAILED',
  'INTERNAL',
  // Refusals with a cause of their own, so the UI can name it.
  'UNKNOWN_USER',
  'ALREADY_REGISTERED',
  'SELF_PAYMENT',
  'NOT_AN_EXPORT',
  /** New keys published without the previous ones wait out the directory's recovery period or a co-approval. */
  'KEY_RECOVERY_PENDING',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** Which rule an input broke, so the UI can word it with its limit. */
export type InputRule = 'too_long' | 'too_short' | 'too_large' | 'too_small' | 'too_many' | 'format' | 'required';

/** What was wrong with the input of a BAD_INPUT: the field (dotted path) and, where there is one, the limit. */
export interface InputProblem {
  readonly field: string;
  readonly rule: InputRule;
  readonly limit?: number;
  /** What `limit` counts. */
  readonly unit?: 'characters' | 'bytes' | 'items' | 'value';
}

export interface ApiError {
  readonly code: ApiErrorCode;
  readonly message: string;
  /** For BAD_INPUT from the argument schemas; optional so older transports' errors still fit. */
  readonly detail?: InputProblem;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** One page of a listing; `next` is an opaque cursor, absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly next?: string;
}

// ---- network, profiles, accounts -------------------------------------------

export interface NodeHealth {
  readonly name: string;
  readonly kind: 'ca' | 'orderer' | 'peer';
  readonly healthy: boolean;
}

export interface ProfileSummary {
  /** `dev` for the development network's profile, else the imported name. */
  readonly name: string;
  readonly channel: string;
  readonly organizations: { mspId: string; name: string }[];
}

export type Role = 'staff' | 'admin' | 'compliance';

export interface AccountInfo {
  readonly accountId: string;
  readonly profile: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  /** `<mspId>::<enrollmentId>`, the id the chaincode knows. */
  readonly userId: string;
  readonly role: Role;
  /** Allowed to mint credits (ktalk.treasury=true). */
  readonly treasury: boolean;
  /** Certificate notAfter, ms since the epoch. */
  readonly certificateExpiresAt: number;
}

export interface SessionState {
  /** `signed-out`: accounts exist but none is open; `no-account`: first run. */
  readonly state: 'no-account' | 'signed-out' | 'signed-in';
  readonly account?: AccountInfo;
  readonly accounts: AccountInfo[];
  /** True when keys are protected by the OS keychain, so no passphrase is asked. */
  readonly keychain: boolean;
  readonly sync: SyncState;
}

/** 'revoked': the network refused this identity (its certificate was revoked); nothing will sync again. */
export type SyncState = 'offline' | 'connecting' | 'connected' | 'reconnecting' | 'revoked';

export const LANGUAGES = ['en', 'zh-CN'] as const;
export const THEMES = ['light', 'dark', 'system'] as const;

/**
 * A person's display preferences. Signed in, they live in the account's
 * encrypted store (they follow the account, not the browser origin, whose
 * port changes on every web-mode launch); the language and theme used last
 * are also kept in a small non-secret file, for the screens before sign-in.
 */
export interface UserSettings {
  readonly language: (typeof LANGUAGES)[number];
  readonly theme: (typeof THEMES)[number];
  readonly notifications: boolean;
  /**
   * Who may open a direct conversation with me: anyone, my org, or my
   * contacts (people I verified or already have a direct conversation with).
   * Published on the ledger, where the chaincode enforces it.
   */
  readonly directFrom: (typeof DIRECT_FROM)[number];
  /** Users whose messages are hidden and who can neither open a direct conversation with me nor invite me. */
  readonly blockedUsers: readonly string[];
}

export const DIRECT_FROM = ['anyone', 'org', 'contacts'] as const;

// ---- directory and contacts -------------------------------------------------

export interface Contact {
  readonly userId: string;
  readonly mspId: string;
  readonly enrollmentId: string;
  readonly status: 'active' | 'disabled';
  /** Short fingerprint of the current signing key; absent before keys are published. */
  readonly fingerprint?: string;
  /** The key changed since this user last compared safety numbers (or first saw it). */
  readonly keyChanged: boolean;
  /** The user compared safety numbers for exactly the keys the contact has now. */
  readonly verified: boolean;
  /**
   * The keys of a contact the user had verified changed and the user has not
   * looked at the change yet: messages to conversations with them wait
   * (failed with KEY_CHANGED) until acknowledgeKeyChange or a new markVerified.
   */
  readonly keyChangePending: boolean;
  /**
   * Someone published new keys for this user without their current ones: the
   * change is pending until `effectiveAt` (or a compliance officer's
   * approval) and the user can veto it. Messages still go to the current keys.
   */
  readonly pendingKeyChange?: { readonly requestedAt: number; readonly effectiveAt: number };
}

/**
 * The signed-in user's own directory entry as this device sees it:
 * ok (its keys are current, nothing pending), pending (a key change this
 * device did not make waits; veto it), replaced (the directory's current keys
 * are not this device's: someone changed them).
 */
export interface OwnKeyStatus {
  readonly state: 'ok' | 'pending' | 'replaced';
  readonly requestedAt?: number;
  readonly effectiveAt?: number;
}

export interface SafetyNumber {
  readonly userId: string;
  /** 60 digits in groups of five, the same on both sides. */
  readonly digits: string;
  readonly keyChanged: boolean;
  readonly verified: boolean;
}

// ---- conversations and messages ---------------------------------------------

export type GroupRole = 'owner' | 'admin' | 'member' | 'reader';
export type WhoCan = 'admins' | 'members';

export interface GroupPolicy {
  readonly whoCanPost: WhoCan;
  readonly whoCanInvite: WhoCan;
  /** 0 = keep forever; else messages are erased this long after sending. */
  readonly retentionSeconds: number;
  readonly paymentsAllowed: boolean;
  readonly crossOrg: boolean;
}

export interface ConversationSummary {
  readonly id: string;
  readonly kind: 'direct' | 'group';
  readonly title: string;
  /** For a direct conversation, the other user. */
  readonly peer?: string;
  readonly unread: number;
  readonly lastMessageAt?: number;
  readonly lastPreview?: string;
  readonly epoch: number;
  readonly retentionSeconds: number;
  /** A member left; a manager's client must re-key before anyone posts. */
  readonly rekeyRequired: boolean;
  /** What this user began writing here and has not sent (kept in this device's encrypted store). */
  readonly draft?: string;
}

export interface GroupMemberInfo {
  readonly userId: string;
  readonly role: GroupRole;
}

/** What a member may do in a conversation (the protocol's role rules decide). */
export type { GroupAction };

export interface GroupDetails {
  readonly conversation: ConversationSummary;
  readonly members: GroupMemberInfo[];
  readonly policy: GroupPolicy;
  readonly owner: string;
  readonly myRole: GroupRole;
  /** What the caller's role allows, so the UI offers nothing else. */
  readonly allowedActions: GroupAction[];
  readonly epochChangedAt?: number;
}

export type DeliveryState = 'pending' | 'endorsed' | 'committed' | 'failed' | 'erased';

export interface AttachmentInfo {
  readonly index: number;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
}

/** What a message carries, after decryption; payments show as payment messages. */
export type MessageContent =
  | { type: 'text'; text: string }
  | { type: 'payment'; paymentId: string; amount: number; memo: string; to: string; requestId?: string }
  | { type: 'payment-request'; amount: number; memo: string }
  | { type: 'escrow'; escrowId: string; amount: number; deadline: number; to: string };

export interface MessageView {
  /**
   * The message's identity: the ledger's message id (a hash of conversation,
   * sender and clientMessageId). A clientMessageId alone is the sender's own
   * choice and another member may reuse it, so it never identifies a message.
   */
  readonly id: string;
  readonly conversationId: string;
  readonly clientMessageId: string;
  readonly sender: string;
  readonly sentAt: number;
  readonly outgoing: boolean;
  readonly state: DeliveryState;
  /** Why a failed message failed, as an error code the UI translates. */
  readonly failure?: ApiErrorCode;
  /** The sender's signature checked out against the directory key valid at sentAt. */
  readonly verified: boolean;
  readonly epoch: number;
  readonly content?: MessageContent;
  /**
   * Payment and escrow content only: true once this user read the referenced
   * payment or escrow on the ledger and its payer, payee and amount are the
   * card's. Otherwise the card is only what the sender claims (someone else's
   * payment cannot be read, and a forged one is never on the ledger).
   */
  readonly ledgerConfirmed?: boolean;
  readonly attachments: AttachmentInfo[];
  /** Set on a timeline notice the client wrote from the group's events (no content, nobody sent it). */
  readonly notice?: MembershipNotice;
  /** A reply: the message it quotes. */
  readonly replyTo?: ReplyQuote;
  /** A reply: the first message of its chain (what the thread panel opens). */
  readonly threadRoot?: string;
  /** A thread's root: how many replies its chain has (absent for none). */
  readonly replyCount?: number;
  /** Reactions, one entry per emoji in the order first reacted (absent for none). */
  readonly reactions?: ReactionSummary[];
  /** The content is of a newer format or type than this client reads: say a newer KTalk is needed. */
  readonly needsNewerClient?: boolean;
}

/** The message a reply quotes; `missing` when this device does not have it (erased, or never seen). */
export interface ReplyQuote {
  readonly id: string;
  readonly sender?: string;
  readonly excerpt?: string;
  readonly missing?: boolean;
}

/** One emoji's reactions: each user counted once (their last toggle wins), `by` names the first few. */
export interface ReactionSummary {
  readonly emoji: string;
  readonly count: number;
  /** This user's own reaction is on. */
  readonly mine: boolean;
  readonly by: string[];
}

/** A thread: its root (absent when this device does not have it) and the replies, oldest first. */
export interface ThreadView {
  readonly rootId: string;
  readonly root?: MessageView;
  readonly replies: MessageView[];
}

/** "bob was added / removed / left", in the timeline where it happened. */
export interface MembershipNotice {
  readonly change: 'added' | 'removed' | 'left';
  /** Whom it is about (the signed-in user for "you were removed"). */
  readonly userId: string;
}

export interface SearchHit {
  /** The hit's MessageView.id. */
  readonly messageId: string;
  readonly conversationId: string;
  readonly sender: string;
  readonly clientMessageId: string;
  readonly sentAt: number;
  readonly snippet: string;
}

export interface AttachmentUpload {
  readonly name: string;
  readonly mimeType: string;
  readonly dataBase64: string;
}

export interface FileData {
  readonly name: string;
  readonly mimeType: string;
  readonly dataBase64: string;
}

// ---- sharing -------------------------------------------------------------------

export type Grantee = { kind: 'user'; userId: string } | { kind: 'group'; groupId: string };

export interface SharedItem {
  readonly itemId: string;
  readonly name: string;
  readonly mimeType: string;
  readonly size: number;
  readonly owner: string;
  readonly createdAt: number;
}

/** An item someone shared with this user directly (learnt from the grant's event). */
export interface SharedWithMe {
  readonly itemId: string;
  readonly grantId: string;
  readonly sharedAt: number;
  /** Known once the item was opened here (the name travels encrypted). */
  readonly name?: string;
  /** Who shared it and until when (from the grant's event; absent for grants learnt before they were carried). */
  readonly grantor?: string;
  readonly expiresAt?: number;
  /** The owner (or a resharer) revoked this access. */
  readonly revoked?: boolean;
}

export interface GrantInfo {
  readonly grantId: string;
  readonly grantee: Grantee;
  readonly grantor: string;
  readonly expiresAt: number;
  readonly canReshare: boolean;
  readonly state: 'active' | 'revoked' | 'expired';
}

export interface AccessRecord {
  readonly time: number;
  readonly accessor: string;
  readonly outcome: 'ok' | 'denied';
  readonly code?: string;
  readonly txId: string;
}

// ---- payments -----------------------------------------------------------------

export interface PaymentRecord {
  readonly paymentId: string;
  /**
   * mint, transfer-in/out, escrow-out (held), escrow-in (an escrow paid to me),
   * escrow-refund (mine came back), escrow-claimed / escrow-released (notices:
   * my held escrow was claimed by the recipient / released by me; no money moves).
   */
  readonly kind: string;
  /** What this row changed in my balance: negative out, positive in, 0 for a notice. Rows add up to the balance. */
  readonly delta: number;
  readonly amount: number;
  readonly counterparty?: string;
  readonly memo?: string;
  readonly time: number;
}

export interface EscrowInfo {
  readonly escrowId: string;
  readonly from: string;
  readonly to: string;
  readonly amount: number;
  readonly deadline: number;
  readonly state: 'open' | 'released' | 'claimed' | 'refunded';
  /** The payer's note, seen by both parties. */
  readonly memo?: string;
}

// ---- admin -------------------------------------------------------------------

export interface IdentityRow {
  readonly enrollmentId: string;
  readonly userId: string;
  readonly role?: Role;
  readonly type: string;
  /** At the CA: revoked identities can never enroll again. */
  readonly caState: 'active' | 'revoked';
  /** In the KTalk directory. */
  readonly directory: 'active' | 'disabled' | 'not-published';
}

export interface RevokeReport {
  readonly userId: string;
  readonly caRevoked: boolean;
  /** The CRL now in the org's MSP in the channel configuration. */
  readonly crlInChannel: boolean;
  readonly directoryDisabled: boolean;
}

// ---- compliance ---------------------------------------------------------------

export interface AuditFilter {
  readonly from: number;
  readonly to: number;
  readonly actor?: string;
  readonly action?: string;
  readonly target?: string;
  readonly outcome?: 'ok' | 'denied';
}

export interface AuditRecordView {
  readonly time: number;
  readonly txId: string;
  readonly seq: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  /** Stamped up to 60 s outside the window (clock skew); ordered by its block. */
  readonly edge: boolean;
}

export interface AuditExport {
  readonly fileName: string;
  readonly format: 'csv' | 'json';
  readonly content: string;
  readonly records: number;
}

export interface RecordVerdict {
  readonly txId: string;
  readonly seq: number;
  readonly ok: boolean;
  readonly blockNumber?: number;
  /** Why it failed, naming what did not match. */
  readonly reason?: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly records: RecordVerdict[];
  /** The hash chain from each record's block up to the trusted block. */
  readonly chain: { ok: boolean; trustedBlock: number; reason?: string };
  /** Who exported it and when, as the ledger's audit.export record says (not as the file claims). */
  readonly attestation: { ok: boolean; exporter?: string; exportedAt?: number; reason?: string };
  /** Every record of the window and filter committed up to the anchor is in the export. */
  readonly completeness: { ok: boolean; missing: number; reason?: string };
}

// ---- push events ----------------------------------------------------------------

// Declared once, as a schema, in api-events.ts (the receiving side of every
// transport parses with it). Re-exported here as types only, so api.ts never
// loads api-events.ts at run time (api-events.ts reads API_ERROR_CODES from here).
export type { ApiEvent, ApiEventType } from './api-events';

// ---- the operations -----------------------------------------------------------------

type Op<I, O> = (input: I) => Promise<Result<O>>;
type Op0<O> = () => Promise<Result<O>>;

export interface KTalkApi {
  // Network, profiles, session.
  /** Health of every network node, as the operations endpoints report it. */
  networkStatus: Op0<NodeHealth[]>;
  listProfiles: Op0<ProfileSummary[]>;
  importProfile: Op<{ name: string; json: string }, ProfileSummary>;
  sessionState: Op0<SessionState>;
  /** First run on a profile: enroll with the id and secret the admin handed over. */
  enroll: Op<
    { profile: string; mspId: string; enrollmentId: string; secret: string; passphrase?: string },
    AccountInfo
  >;
  /** Opens the wallet and signs in; without accountId, the account used last. */
  signIn: Op<{ accountId?: string; passphrase?: string }, AccountInfo>;
  signOut: Op0<null>;
  rotateKeys: Op0<{ validFrom: number }>;
  /** Reads the user's own directory entry now (also raises keyAlarm when not ok). */
  ownKeyStatus: Op0<OwnKeyStatus>;
  /** Refuses a pending key change with this device's current keys. */
  vetoKeyChange: Op0<OwnKeyStatus>;
  /** The signed-in account's settings; signed out, the language and theme used last on this machine. */
  getSettings: Op0<UserSettings>;
  /** Changes some settings (the account's when signed in) and answers all of them. */
  saveSettings: Op<Partial<UserSettings>, UserSettings>;

  // Directory and contacts.
  listDirectory: Op<{ mspId: string; cursor?: string }, Page<Contact>>;
  getContact: Op<{ userId: string }, Contact>;
  safetyNumber: Op<{ userId: string }, SafetyNumber>;
  /**
   * `digits`: the safety number the user compared. Refused with KEY_CHANGED,
   * nothing marked, when the contact's current keys give another number.
   */
  markVerified: Op<{ userId: string; digits: string }, Contact>;
  /** The user saw that a verified contact's keys changed: waiting messages to them go out. */
  acknowledgeKeyChange: Op<{ userId: string }, Contact>;

  // Conversations, messages, search.
  listConversations: Op0<ConversationSummary[]>;
  openDirect: Op<{ userId: string }, ConversationSummary>;
  /** Newest first; `before` is the previous page's `next`, to page back in time. */
  listMessages: Op<{ conversationId: string; before?: string; limit?: number }, Page<MessageView>>;
  /** `replyTo`: the id of a message of this conversation it answers (NOT_FOUND when there is none). */
  sendMessage: Op<
    { conversationId: string; text: string; attachments?: AttachmentUpload[]; replyTo?: string },
    MessageView
  >;
  /** Toggles this user's reaction on a message; answers the message's view with its reactions. */
  react: Op<{ conversationId: string; messageId: string; emoji: string; on: boolean }, MessageView>;
  /** The thread a message is the root of (or, for a reply, the thread it is in). */
  listThread: Op<{ conversationId: string; messageId: string }, ThreadView>;
  retryMessage: Op<{ conversationId: string; clientMessageId: string }, MessageView>;
  deleteMessage: Op<{ conversationId: string; clientMessageId: string }, null>;
  markRead: Op<{ conversationId: string }, null>;
  /**
   * Keeps the unsent text of a conversation on this device (encrypted store), for the sidebar's
   * "Draft:" and the composer after a restart; blank text removes it, and sending clears it.
   * Answers the conversation as it is now.
   */
  saveDraft: Op<{ conversationId: string; text: string }, ConversationSummary>;
  /** The message by its full identity (sender too): a colliding clientMessageId never opens another's file. */
  getAttachment: Op<{ conversationId: string; sender: string; clientMessageId: string; index: number }, FileData>;
  search: Op<{ query: string; limit?: number }, SearchHit[]>;

  // Groups and roles.
  createGroup: Op<{ title: string; members: string[]; policy: GroupPolicy }, ConversationSummary>;
  getGroup: Op<{ conversationId: string }, GroupDetails>;
  addMember: Op<{ conversationId: string; userId: string; role: GroupRole }, GroupDetails>;
  removeMember: Op<{ conversationId: string; userId: string }, GroupDetails>;
  leaveGroup: Op<{ conversationId: string }, null>;
  changeRole: Op<{ conversationId: string; userId: string; role: GroupRole }, GroupDetails>;
  transferOwnership: Op<{ conversationId: string; userId: string }, GroupDetails>;
  updatePolicy: Op<{ conversationId: string; policy: Partial<GroupPolicy> }, GroupDetails>;

  // Sharing, access and access history.
  shareItem: Op<{ file: FileData; grantee: Grantee; expiresAt: number; canReshare: boolean }, SharedItem>;
  listMyItems: Op0<SharedItem[]>;
  grantAccess: Op<{ itemId: string; grantee: Grantee; expiresAt: number; canReshare: boolean }, GrantInfo>;
  listGrants: Op<{ itemId: string }, GrantInfo[]>;
  revokeGrant: Op<{ itemId: string; grantId: string }, null>;
  openItem: Op<{ itemId: string }, FileData>;
  /** Items shared with me directly, newest first (group grants are opened from the group). */
  listSharedWithMe: Op0<SharedWithMe[]>;
  accessHistory: Op<{ itemId: string; cursor?: string }, Page<AccessRecord>>;

  // Payments and escrow.
  getBalance: Op0<{ balance: number }>;
  /** `requestId`: the payment-request message this pays (its clientMessageId), so both sides see it paid. */
  sendPayment: Op<
    { to: string; amount: number; memo: string; conversationId?: string; requestId?: string },
    PaymentRecord
  >;
  requestPayment: Op<{ conversationId: string; amount: number; memo: string }, MessageView>;
  paymentHistory: Op<{ cursor?: string }, Page<PaymentRecord>>;
  createEscrow: Op<{ to: string; amount: number; deadline: number; memo: string; conversationId?: string }, EscrowInfo>;
  settleEscrow: Op<{ escrowId: string; action: 'release' | 'claim' | 'refund' }, EscrowInfo>;
  getEscrow: Op<{ escrowId: string }, EscrowInfo>;
  mint: Op<{ to: string; amount: number }, { balance: number }>;

  // Admin: register, enroll secrets, revoke, list.
  adminRegister: Op<{ enrollmentId: string; role: Role }, { enrollmentId: string; secret: string }>;
  adminReissueSecret: Op<{ enrollmentId: string }, { enrollmentId: string; secret: string }>;
  adminListIdentities: Op0<IdentityRow[]>;
  adminRevoke: Op<{ enrollmentId: string }, RevokeReport>;

  // Compliance: query, export, verify.
  auditQuery: Op<AuditFilter & { cursor?: string; pageSize?: number }, Page<AuditRecordView>>;
  auditExport: Op<AuditFilter & { format: 'csv' | 'json' }, AuditExport>;
  auditVerify: Op<{ content: string }, VerifyReport>;
  /** The second party of a recovery: lets a user's pending key change of the officer's own org take effect now. */
  approveKeyChange: Op<{ userId: string }, Contact>;
}

export const API_METHODS = [
  'networkStatus',
  'listProfiles',
  'importProfile',
  'sessionState',
  'enroll',
  'signIn',
  'signOut',
  'rotateKeys',
  'ownKeyStatus',
  'vetoKeyChange',
  'getSettings',
  'saveSettings',
  'listDirectory',
  'getContact',
  'safetyNumber',
  'markVerified',
  'acknowledgeKeyChange',
  'listConversations',
  'openDirect',
  'listMessages',
  'sendMessage',
  'react',
  'listThread',
  'retryMessage',
  'deleteMessage',
  'markRead',
  'saveDraft',
  'getAttachment',
  'search',
  'createGroup',
  'getGroup',
  'addMember',
  'removeMember',
  'leaveGroup',
  'changeRole',
  'transferOwnership',
  'updatePolicy',
  'shareItem',
  'listMyItems',
  'grantAccess',
  'listGrants',
  'revokeGrant',
  'openItem',
  'listSharedWithMe',
  'accessHistory',
  'getBalance',
  'sendPayment',
  'requestPayment',
  'paymentHistory',
  'createEscrow',
  'settleEscrow',
  'getEscrow',
  'mint',
  'adminRegister',
  'adminReissueSecret',
  'adminListIdentities',
  'adminRevoke',
  'auditQuery',
  'auditExport',
  'auditVerify',
  'approveKeyChange',
] as const satisfies ReadonlyArray<keyof KTalkApi>;
export type ApiMethod = (typeof API_METHODS)[number];

// Fails to compile when a method is declared but not listed.
type Unlisted = Exclude<keyof KTalkApi, ApiMethod>;
const everyMethodListed: Unlisted extends never ? true : false = true;
void everyMethodListed;

/** The argument a method takes (undefined for none). */
export type ApiInput<M extends ApiMethod> = Parameters<KTalkApi[M]> extends [infer I] ? I : undefined;
/** What a method answers on success. */
export type ApiOutput<M extends ApiMethod> = Awaited<ReturnType<KTalkApi[M]>> extends Result<infer O> ? O : never;

/** Push events, for every transport. */
export interface KTalkEvents {
  subscribe(listener: (event: ApiEvent) => void): () => void;
}

export const IPC_CHANNEL_PREFIX = 'ktalk:';
export const IPC_EVENT_CHANNEL = 'ktalk:event';
export const WEB_EVENTS_PATH = '/api/events';
