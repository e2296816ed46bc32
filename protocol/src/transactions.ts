import type { z } from 'zod';
import { auditPageSchema, auditRecordSchema, auditRequests } from './contracts/audit';
import { directoryPageSchema, directoryRequests, keysAtSchema } from './contracts/directory';
import {
  epochAnswerSchema,
  groupViewSchema,
  groupsRequests,
  inboxPolicySchema,
  leaveAnswerSchema,
  membersSchema,
  myConversationsSchema,
  myEpochKeySchema,
  myInboxPolicySchema,
  openDirectAnswerSchema,
  ownershipSchema,
  policyUpdatedSchema,
  roleChangedSchema,
} from './contracts/groups';
import { deletedSchema, messagePageSchema, messagesRequests, postedSchema, purgedSchema } from './contracts/messages';
import { balanceSchema, escrowSchema, historyPageSchema, paidSchema, paymentsRequests } from './contracts/payments';
import {
  accessPageSchema,
  grantListSchema,
  grantSchema,
  itemSchema,
  servedItemSchema,
  sharingRequests,
  ticketDecisionSchema,
  ticketIdSchema,
} from './contracts/sharing';
import { benchPutSchema, benchRequests, noteSchema, smokeRequests } from './contracts/smoke';
import { userRecordSchema } from './records/directory';

// Every transaction of every contract, declared once: whether it is
// submitted (writes, ordered) or evaluated (reads one peer), the schema its
// one JSON argument must pass, and the schema of its JSON answer. The
// chaincode validates requests with these schemas; the client's ledger
// calls are typed from this map (electron/src/node/ledger).

export type TransactionKind = 'submit' | 'evaluate';

export interface TransactionSpec<
  K extends TransactionKind = TransactionKind,
  Req extends z.ZodType = z.ZodType,
  Res extends z.ZodType = z.ZodType,
> {
  readonly kind: K;
  readonly request: Req;
  readonly response: Res;
}

const submit = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) =>
  ({ kind: 'submit', request, response }) as const satisfies TransactionSpec<'submit', Req, Res>;
const evaluate = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) =>
  ({ kind: 'evaluate', request, response }) as const satisfies TransactionSpec<'evaluate', Req, Res>;

const d = directoryRequests;
const g = groupsRequests;
const m = messagesRequests;
const p = paymentsRequests;
const s = sharingRequests;
const a = auditRequests;

export const TRANSACTIONS = {
  directory: {
    PublishKeys: submit(d.PublishKeys, userRecordSchema),
    VetoKeyChange: submit(d.VetoKeyChange, userRecordSchema),
    ApproveKeyChange: submit(d.ApproveKeyChange, userRecordSchema),
    CompleteKeyChange: submit(d.CompleteKeyChange, userRecordSchema),
    GetUser: evaluate(d.GetUser, userRecordSchema),
    GetKeysAt: evaluate(d.GetKeysAt, keysAtSchema),
    ListOrgDirectory: evaluate(d.ListOrgDirectory, directoryPageSchema),
    DisableUser: submit(d.DisableUser, userRecordSchema),
    EnableUser: submit(d.EnableUser, userRecordSchema),
  },
  groups: {
    OpenDirect: submit(g.OpenDirect, openDirectAnswerSchema),
    CreateGroup: submit(g.CreateGroup, epochAnswerSchema),
    AddMember: submit(g.AddMember, epochAnswerSchema),
    RemoveMember: submit(g.RemoveMember, epochAnswerSchema),
    Leave: submit(g.Leave, leaveAnswerSchema),
    Rekey: submit(g.Rekey, epochAnswerSchema),
    ChangeRole: submit(g.ChangeRole, roleChangedSchema),
    TransferOwnership: submit(g.TransferOwnership, ownershipSchema),
    UpdatePolicy: submit(g.UpdatePolicy, policyUpdatedSchema),
    SetInboxPolicy: submit(g.SetInboxPolicy, inboxPolicySchema),
    GetMyInboxPolicy: evaluate(g.GetMyInboxPolicy, myInboxPolicySchema),
    GetGroup: evaluate(g.GetGroup, groupViewSchema),
    ListMembers: evaluate(g.ListMembers, membersSchema),
    GetMyEpochKey: evaluate(g.GetMyEpochKey, myEpochKeySchema),
    ListMyConversations: evaluate(g.ListMyConversations, myConversationsSchema),
  },
  messages: {
    PostMessage: submit(m.PostMessage, postedSchema),
    ListMessages: evaluate(m.ListMessages, messagePageSchema),
    DeleteMessage: submit(m.DeleteMessage, deletedSchema),
    PurgeExpired: submit(m.PurgeExpired, purgedSchema),
  },
  payments: {
    Mint: submit(p.Mint, paidSchema),
    Transfer: submit(p.Transfer, paidSchema),
    GetBalance: evaluate(p.GetBalance, balanceSchema),
    GetHistory: evaluate(p.GetHistory, historyPageSchema),
    CreateEscrow: submit(p.CreateEscrow, escrowSchema),
    ReleaseEscrow: submit(p.ReleaseEscrow, escrowSchema),
    ClaimEscrow: submit(p.ClaimEscrow, escrowSchema),
    RefundEscrow: submit(p.RefundEscrow, escrowSchema),
    GetEscrow: evaluate(p.GetEscrow, escrowSchema),
  },
  sharing: {
    RegisterItem: submit(s.RegisterItem, itemSchema),
    GrantAccess: submit(s.GrantAccess, grantSchema),
    RevokeGrant: submit(s.RevokeGrant, grantSchema),
    ListGrants: evaluate(s.ListGrants, grantListSchema),
    ListAccesses: evaluate(s.ListAccesses, accessPageSchema),
    RequestAccess: submit(s.RequestAccess, ticketIdSchema),
    GetTicket: evaluate(s.GetTicket, ticketDecisionSchema),
    ReadItem: evaluate(s.ReadItem, servedItemSchema),
  },
  audit: {
    QueryAudit: evaluate(a.QueryAudit, auditPageSchema),
    RecordExport: submit(a.RecordExport, auditRecordSchema),
    GetAuditRecord: evaluate(a.GetAuditRecord, auditRecordSchema),
  },
  smoke: {
    PutNote: submit(smokeRequests.PutNote, noteSchema),
    GetNote: evaluate(smokeRequests.GetNote, noteSchema),
  },
  bench: {
    Put: submit(benchRequests.Put, benchPutSchema),
  },
} as const;

export type Transactions = typeof TRANSACTIONS;
export type ContractName = keyof Transactions;
export type TransactionName<C extends ContractName> = keyof Transactions[C] & string;
type Spec<C extends ContractName, T extends TransactionName<C>> = Transactions[C][T] extends TransactionSpec
  ? Transactions[C][T]
  : never;

/** Transactions of contract C of the given kind. */
export type TransactionOfKind<C extends ContractName, K extends TransactionKind> = {
  [T in TransactionName<C>]: Spec<C, T>['kind'] extends K ? T : never;
}[TransactionName<C>];
export type SubmitName<C extends ContractName> = TransactionOfKind<C, 'submit'>;
export type EvaluateName<C extends ContractName> = TransactionOfKind<C, 'evaluate'>;

/** What the caller passes (before the schema's defaults and transforms). */
export type RequestOf<C extends ContractName, T extends TransactionName<C>> = z.input<Spec<C, T>['request']>;
/** What the chaincode reads after validation. */
export type ParsedRequestOf<C extends ContractName, T extends TransactionName<C>> = z.output<Spec<C, T>['request']>;
export type ResponseOf<C extends ContractName, T extends TransactionName<C>> = z.output<Spec<C, T>['response']>;

export function transaction<C extends ContractName, T extends TransactionName<C>>(contract: C, name: T): Spec<C, T> {
  return TRANSACTIONS[contract][name] as Spec<C, T>;
}
