import { MAX_RETENTION_SECONDS } from '@ktalk/protocol/limits';
import { en } from 'zod/locales';
import { isEmojiKey } from './reactions';
import { z } from 'zod/mini';
import {
  API_METHODS,
  DIRECT_FROM,
  LANGUAGES,
  THEMES,
  type ApiInput,
  type ApiMethod,
  type InputProblem,
  type KTalkApi,
  type Result,
} from './api';
import {
  MAX_FILE_BYTES,
  MAX_MEMO_CHARS,
  MAX_MESSAGE_CHARS,
  MAX_MESSAGE_FILES,
  MAX_MESSAGE_FILES_BYTES,
} from './limits';

// Argument schemas for every API method, shared by every transport (Electron
// IPC, local web mode, the CLI) so there is exactly one validator per
// operation. Arguments travel positionally as a JSON array: [] or [input].
// Declared with zod/mini (functional checks, the same core and the same
// issues as classic zod) because the renderer ships these schemas in its
// first screen: classic zod's method-chaining API cannot be tree-shaken and
// was an eighth of that download.

// zod/mini ships no messages: this sets the English ones classic zod sets for
// itself (the same global config), so a refusal reads the same in the
// renderer, the service and the CLI.
z.config(en());

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;
const id = z.string().check(z.regex(ID, 'must be 1-128 characters of letters, digits and ._:@-'));
/** A message's id (MessageView.id): the ledger's hash of conversation, sender and clientMessageId. */
const messageId = z.string().check(z.regex(/^m-[0-9a-f]{40}$/, 'must be a message id'));
const userId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._-]{1,64}::[a-z][a-z0-9._-]{1,63}$/, 'must look like Org1MSP::alice'));
const enrollmentId = z
  .string()
  .check(z.regex(/^[a-z][a-z0-9._-]{1,63}$/, 'must be 2-64 lowercase letters, digits or ._-'));
const mspId = z.string().check(z.regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an MSP id'));
const cursor = z.string().check(z.minLength(1), z.maxLength(2048));
const time = z.int().check(z.nonnegative(), z.lte(8.64e15));
const amount = z.number().check(z.int('must be whole minor units'), z.positive(), z.lte(Number.MAX_SAFE_INTEGER));
const memo = z.string().check(z.maxLength(MAX_MEMO_CHARS));
const passphrase = z.string().check(z.minLength(8, 'must be at least 8 characters'), z.maxLength(1024));
const role = z.enum(['staff', 'admin', 'compliance']);
const groupRole = z.enum(['owner', 'admin', 'member', 'reader']);
const whoCan = z.enum(['admins', 'members']);
/** Decoded size of a base64 string, without decoding it. */
export const base64Bytes = (text: string): number =>
  Math.floor((text.length * 3) / 4) - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
// Files travel base64 in JSON; the limit is on the decoded bytes, as the person counts them.
const base64 = (maxBytes: number) =>
  z.string().check(
    z.regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
    z.refine((text) => base64Bytes(text) <= maxBytes, {
      message: `must be at most ${maxBytes} bytes`,
      params: { rule: 'too_large', limit: maxBytes, unit: 'bytes' },
    }),
  );

export { MAX_FILE_BYTES, MAX_MESSAGE_CHARS } from './limits';

const fileData = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(255)),
  mimeType: z.string().check(z.regex(/^[\w.+-]+\/[\w.+-]+$/, 'must be a MIME type')),
  dataBase64: base64(MAX_FILE_BYTES),
});
const attachments = z.array(fileData).check(
  z.maxLength(MAX_MESSAGE_FILES),
  z.refine((files) => files.reduce((sum, f) => sum + base64Bytes(f.dataBase64), 0) <= MAX_MESSAGE_FILES_BYTES, {
    message: `must be at most ${MAX_MESSAGE_FILES_BYTES} bytes together`,
    params: { rule: 'too_large', limit: MAX_MESSAGE_FILES_BYTES, unit: 'bytes' },
  }),
);

const policy = z.strictObject({
  whoCanPost: whoCan,
  whoCanInvite: whoCan,
  retentionSeconds: z.int().check(
    z.gte(0),
    z.lte(MAX_RETENTION_SECONDS),
    z.refine((s) => s === 0 || s >= 60, 'must be 0 (keep) or at least 60 seconds'),
  ),
  paymentsAllowed: z.boolean(),
  crossOrg: z.boolean(),
});

const grantee = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('user'), userId }),
  z.strictObject({ kind: z.literal('group'), groupId: id }),
]);

const auditFilter = {
  from: time,
  to: time,
  actor: z.optional(userId),
  action: z.optional(z.string().check(z.regex(/^[A-Za-z]+\.[A-Za-z]+$/, 'must look like messages.PostMessage'))),
  target: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
  outcome: z.optional(z.enum(['ok', 'denied'])),
};
const window = <S extends z.ZodMiniType<{ from: number; to: number }>>(s: S): S =>
  s.check(z.refine((f) => f.from <= f.to, 'from must not be after to'));

/** Settings as the API and the stores hold them (the stores parse what they read with it too). */
export const userSettingsSchema = z.strictObject({
  language: z.enum(LANGUAGES),
  theme: z.enum(THEMES),
  notifications: z.boolean(),
  directFrom: z.enum(DIRECT_FROM),
  blockedUsers: z.readonly(
    z.array(userId).check(
      z.maxLength(1000),
      z.refine((ids) => new Set(ids).size === ids.length, 'must not repeat a user'),
    ),
  ),
});

const none = z.tuple([]);
const one = <S extends z.ZodMiniType>(schema: S) => z.tuple([schema]);

export const API_ARGS = {
  networkStatus: none,
  listProfiles: none,
  importProfile: one(
    z.strictObject({
      name: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a short lowercase name')),
      json: z.string().check(z.minLength(2), z.maxLength(1024 * 1024)),
    }),
  ),
  sessionState: none,
  enroll: one(
    z.strictObject({
      profile: z.string().check(z.regex(/^[a-z0-9][a-z0-9_-]{0,63}$/)),
      mspId,
      enrollmentId,
      secret: z.string().check(z.minLength(1), z.maxLength(256)),
      passphrase: z.optional(passphrase),
    }),
  ),
  signIn: one(
    z.strictObject({
      accountId: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
      passphrase: z.optional(passphrase),
    }),
  ),
  signOut: none,
  rotateKeys: none,
  ownKeyStatus: none,
  vetoKeyChange: none,
  getSettings: none,
  saveSettings: one(z.partial(userSettingsSchema)),
  listDirectory: one(z.strictObject({ mspId, cursor: z.optional(cursor) })),
  getContact: one(z.strictObject({ userId })),
  safetyNumber: one(z.strictObject({ userId })),
  markVerified: one(
    z.strictObject({ userId, digits: z.string().check(z.regex(/^(\d{5} ){11}\d{5}$/, 'not a safety number')) }),
  ),
  acknowledgeKeyChange: one(z.strictObject({ userId })),
  approveKeyChange: one(z.strictObject({ userId })),
  listConversations: none,
  openDirect: one(z.strictObject({ userId })),
  listMessages: one(
    z.strictObject({
      conversationId: id,
      before: z.optional(cursor),
      limit: z.optional(z.int().check(z.gte(1), z.lte(500))),
    }),
  ),
  sendMessage: one(
    z.strictObject({
      conversationId: id,
      text: z.string().check(z.maxLength(MAX_MESSAGE_CHARS)),
      attachments: z.optional(attachments),
      replyTo: z.optional(messageId),
    }),
  ),
  react: one(
    z.strictObject({
      conversationId: id,
      messageId,
      emoji: z.string().check(z.refine(isEmojiKey, { message: 'not one emoji' })),
      on: z.boolean(),
    }),
  ),
  listThread: one(z.strictObject({ conversationId: id, messageId })),
  retryMessage: one(z.strictObject({ conversationId: id, clientMessageId: id })),
  deleteMessage: one(z.strictObject({ conversationId: id, clientMessageId: id })),
  markRead: one(z.strictObject({ conversationId: id })),
  saveDraft: one(z.strictObject({ conversationId: id, text: z.string().check(z.maxLength(MAX_MESSAGE_CHARS)) })),
  getAttachment: one(
    z.strictObject({
      conversationId: id,
      sender: userId,
      clientMessageId: id,
      index: z.int().check(z.gte(0), z.lte(15)),
    }),
  ),
  search: one(
    z.strictObject({
      query: z.string().check(z.minLength(1), z.maxLength(256)),
      limit: z.optional(z.int().check(z.gte(1), z.lte(200))),
    }),
  ),
  createGroup: one(
    z.strictObject({
      title: z.string().check(z.trim(), z.minLength(1), z.maxLength(100)),
      members: z.array(userId).check(z.maxLength(499)),
      policy,
    }),
  ),
  getGroup: one(z.strictObject({ conversationId: id })),
  addMember: one(z.strictObject({ conversationId: id, userId, role: groupRole })),
  removeMember: one(z.strictObject({ conversationId: id, userId })),
  leaveGroup: one(z.strictObject({ conversationId: id })),
  changeRole: one(z.strictObject({ conversationId: id, userId, role: groupRole })),
  transferOwnership: one(z.strictObject({ conversationId: id, userId })),
  updatePolicy: one(
    z.strictObject({
      conversationId: id,
      policy: z.partial(policy).check(z.refine((p) => Object.keys(p).length > 0, 'must change at least one setting')),
    }),
  ),
  shareItem: one(z.strictObject({ file: fileData, grantee, expiresAt: time, canReshare: z.boolean() })),
  listMyItems: none,
  grantAccess: one(z.strictObject({ itemId: id, grantee, expiresAt: time, canReshare: z.boolean() })),
  listGrants: one(z.strictObject({ itemId: id })),
  revokeGrant: one(z.strictObject({ itemId: id, grantId: id })),
  openItem: one(z.strictObject({ itemId: id })),
  listSharedWithMe: none,
  accessHistory: one(z.strictObject({ itemId: id, cursor: z.optional(cursor) })),
  getBalance: none,
  sendPayment: one(
    z.strictObject({ to: userId, amount, memo, conversationId: z.optional(id), requestId: z.optional(id) }),
  ),
  requestPayment: one(z.strictObject({ conversationId: id, amount, memo })),
  paymentHistory: one(z.strictObject({ cursor: z.optional(cursor) })),
  createEscrow: one(z.strictObject({ to: userId, amount, deadline: time, memo, conversationId: z.optional(id) })),
  settleEscrow: one(z.strictObject({ escrowId: id, action: z.enum(['release', 'claim', 'refund']) })),
  getEscrow: one(z.strictObject({ escrowId: id })),
  mint: one(z.strictObject({ to: userId, amount })),
  adminRegister: one(z.strictObject({ enrollmentId, role })),
  adminReissueSecret: one(z.strictObject({ enrollmentId })),
  adminListIdentities: none,
  adminRevoke: one(z.strictObject({ enrollmentId })),
  auditQuery: one(
    window(
      z.strictObject({
        ...auditFilter,
        cursor: z.optional(cursor),
        pageSize: z.optional(z.int().check(z.gte(1), z.lte(200))),
      }),
    ),
  ),
  auditExport: one(window(z.strictObject({ ...auditFilter, format: z.enum(['csv', 'json']) }))),
  auditVerify: one(
    z.strictObject({
      content: z.string().check(z.minLength(2), z.maxLength(64 * 1024 * 1024)),
    }),
  ),
} as const satisfies Record<ApiMethod, z.ZodMiniType<readonly unknown[]>>;

// Each schema's parsed input must be exactly what the method declares.
type SchemaInput<M extends ApiMethod> = z.infer<(typeof API_ARGS)[M]> extends [infer I] ? I : undefined;
type Mismatched = {
  [M in ApiMethod]: [SchemaInput<M>] extends [ApiInput<M>] ? ([ApiInput<M>] extends [SchemaInput<M>] ? never : M) : M;
}[ApiMethod];
const schemasMatchDeclarations: [Mismatched] extends [never] ? true : Mismatched = true;
void schemasMatchDeclarations;

export interface ParsedCall {
  readonly method: ApiMethod;
  /** Validated input, or undefined for a method that takes none. */
  readonly input: unknown;
}

/** Validates raw arguments for a method; the error is the typed BAD_INPUT every transport returns. */
export function parseApiArgs(method: ApiMethod, raw: unknown): Result<ParsedCall> {
  // reportInput: tells a missing field (required) from a wrong one; the input never reaches the message.
  const parsed = API_ARGS[method].safeParse(raw, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue ? issue.path.slice(1).map(String).join('.') : '';
    const where = path ? ` (${path})` : '';
    const detail = issue ? inputProblem(issue, path) : undefined;
    return {
      ok: false,
      error: {
        code: 'BAD_INPUT',
        message: `${method}: ${issue?.message ?? 'invalid arguments'}${where}`,
        ...(detail ? { detail } : {}),
      },
    };
  }
  const args: readonly unknown[] = parsed.data;
  return { ok: true, value: { method, input: args[0] } };
}

/** The detail as it arrives over a transport, checked before the UI words it. */
export const inputProblemSchema = z.object({
  field: z.string().check(z.maxLength(256)),
  rule: z.enum(['too_long', 'too_short', 'too_large', 'too_small', 'too_many', 'format', 'required']),
  limit: z.optional(z.number()),
  unit: z.optional(z.enum(['characters', 'bytes', 'items', 'value'])),
});

function unitOf(origin: string): InputProblem['unit'] {
  if (origin === 'string') return 'characters';
  if (origin === 'array') return 'items';
  return origin === 'number' ? 'value' : undefined;
}
const RULES: ReadonlySet<string> = new Set(['too_long', 'too_short', 'too_large', 'too_small', 'too_many', 'format']);

/** A schema issue as the typed detail the UI words: which field, which rule, which limit. */
export function inputProblem(issue: z.core.$ZodIssue, field: string): InputProblem {
  switch (issue.code) {
    case 'too_big':
    case 'too_small': {
      const big = issue.code === 'too_big';
      const unit = unitOf(issue.origin);
      const rule =
        unit === 'characters'
          ? big
            ? 'too_long'
            : 'too_short'
          : unit === 'items' && big
            ? 'too_many'
            : big
              ? 'too_large'
              : 'too_small';
      const bound = big ? issue.maximum : issue.minimum;
      const limit = typeof bound === 'number' ? bound : Number(bound);
      if (unit === 'characters' && !big && limit <= 1) return { field, rule: 'required' };
      return { field, rule, ...(Number.isFinite(limit) ? { limit } : {}), ...(unit ? { unit } : {}) };
    }
    case 'invalid_type':
      return issue.input === undefined ? { field, rule: 'required' } : { field, rule: 'format' };
    case 'custom': {
      const params = issue.params ?? {};
      const rule =
        typeof params.rule === 'string' && RULES.has(params.rule) ? (params.rule as InputProblem['rule']) : 'format';
      const limit = typeof params.limit === 'number' ? { limit: params.limit } : {};
      const unit = params.unit === 'bytes' ? { unit: 'bytes' as const } : {};
      return { field, rule, ...limit, ...unit };
    }
    default:
      return { field, rule: 'format' };
  }
}

type Dispatcher = (input: unknown) => Promise<Result<unknown>>;

/** Calls the implementation with already validated arguments. */
export function dispatchApi(api: KTalkApi, call: ParsedCall): Promise<Result<unknown>> {
  // The schema for `call.method` produced `call.input`, so the call is well typed by construction.
  const handler = api[call.method] as Dispatcher;
  return handler.call(api, call.input);
}

const METHOD_NAMES: ReadonlySet<string> = new Set(API_METHODS);

/** True for a declared operation (not for inherited names such as "constructor"). */
export function isApiMethod(name: string): name is ApiMethod {
  return METHOD_NAMES.has(name);
}
