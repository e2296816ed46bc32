import { createHash } from 'node:crypto';
import { Info, Transaction } from 'fabric-contract-api';
import { CLOCK_SKEW_MS, sortableTime } from '../lib/clock';
// A value import: fabric-contract-api recognises ctx by its emitted design:paramtypes.
import { KTalkContext } from '../lib/context';
import { ChaincodeError, badInput, forbidden, notFound } from '../lib/errors';
import { orgOfUserId } from '../lib/identity';
import { KTalkContract } from '../lib/ktalk-contract';
import { LIMITS } from '../lib/limits';
import {
  COLLECTIONS,
  key,
  prefixEnd,
  readJson,
  readPage,
  readPrivateJson,
  writeJson,
  writePrivateJson,
} from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';
import {
  type GroupRecord,
  listMembers,
  mayPost,
  readGroup,
  requireMember,
  requireNoPendingRekey,
} from '../domain/groups';
import { requireMayPostDirect } from '../domain/inbox';
import { activeUser } from './directory-contract';
import {
  type MessagePayload,
  type MessageRecord,
  messageIndexSchema,
  messagePayloadSchema,
  messageRecordSchema,
} from '@ktalk/protocol';

// Layout: the public record is keyed by time so listings are range scans;
// an index by message id serves replays and deletes. Content lives only in
// the purgeable private collection.
//   msg|<conv>|<time>|<messageId>   public metadata / tombstone
//   msgidx|<conv>|<messageId>       -> { time }
//   private ktalkMessages: msg|<conv>|<messageId> -> payload

const DEFAULT_PURGE_LIMIT = 50;

/** Same (conversation, sender, client id) always maps to the same message id. */
export function messageIdFor(conversationId: string, sender: string, clientMessageId: string): string {
  const digest = createHash('sha256').update(`${conversationId}\n${sender}\n${clientMessageId}`).digest('hex');
  return `m-${digest.slice(0, 40)}`;
}

const recordKey = (conv: string, time: number, messageId: string): string =>
  key('msg', conv, sortableTime(time), messageId);
const indexKey = (conv: string, messageId: string): string => key('msgidx', conv, messageId);
const privateKey = (conv: string, messageId: string): string => key('msg', conv, messageId);

function ciphertextFromTransient(ctx: KTalkContext): Buffer {
  const raw = ctx.stub.getTransient().get('ciphertext');
  if (!raw || raw.length === 0) throw badInput("transient field 'ciphertext' is required");
  if (raw.length > LIMITS.envelopeBytes) {
    throw new ChaincodeError('TOO_LARGE', `ciphertext exceeds ${LIMITS.envelopeBytes} bytes`);
  }
  return Buffer.from(raw);
}

/** Tombstone: status and erasure facts only, nothing derived from content. */
function tombstone(record: MessageRecord, now: number, reason: 'retention' | 'sender'): MessageRecord {
  const { ciphertextHash, size, ...rest } = record;
  return { ...rest, status: 'erased', erasedAt: now, reason };
}

async function findMessage(ctx: KTalkContext, conv: string, messageId: string): Promise<MessageRecord | null> {
  const index = await readJson(ctx, indexKey(conv, messageId), messageIndexSchema);
  if (!index) return null;
  return readJson(ctx, recordKey(conv, index.time, messageId), messageRecordSchema);
}

@Info({ title: 'MessagesContract', description: 'Encrypted messages, listing, deletion and retention purge' })
export class MessagesContract extends KTalkContract {
  constructor() {
    super('messages');
  }

  @Transaction()
  async PostMessage(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('messages', 'PostMessage', request);
    const ciphertext = ciphertextFromTransient(ctx);
    const ciphertextHash = createHash('sha256').update(ciphertext).digest('hex');
    // Only reads of the group and member records: posting never writes a shared key.
    const { group, role } = await requireMember(ctx, req.conversationId, caller.userId);
    if (!mayPost(group.policy, role)) throw forbidden(`a ${role} cannot post in ${req.conversationId}`);

    const messageId = messageIdFor(req.conversationId, caller.userId, req.clientMessageId);
    const existing = await findMessage(ctx, req.conversationId, messageId);
    if (existing) {
      // A client retry: answer with the original, write nothing.
      if (existing.ciphertextHash !== undefined && existing.ciphertextHash !== ciphertextHash) {
        throw new ChaincodeError('CONFLICT', 'clientMessageId already used for different content');
      }
      return JSON.stringify({ messageId, time: existing.time, replayed: true });
    }
    // A former member still holds the current key: wait for the re-key.
    requireNoPendingRekey(group);
    if (group.kind === 'direct') await requireMayPostDirect(ctx, req.conversationId, caller.userId);
    if (req.epoch !== group.epoch) {
      throw new ChaincodeError('STALE_EPOCH', `conversation is at epoch ${group.epoch}, not ${req.epoch}`);
    }

    const now = ctx.now();
    const record: MessageRecord = {
      conversationId: req.conversationId,
      messageId,
      clientMessageId: req.clientMessageId,
      sender: caller.userId,
      epoch: req.epoch,
      time: now,
      txId: ctx.stub.getTxID(),
      status: 'active',
      ciphertextHash,
      size: ciphertext.length,
    };
    await writeJson(ctx, recordKey(req.conversationId, now, messageId), record);
    await writeJson(ctx, indexKey(req.conversationId, messageId), { time: now });
    await writePrivateJson(ctx, COLLECTIONS.messages, privateKey(req.conversationId, messageId), {
      ciphertext: ciphertext.toString('base64'),
      nonce: req.nonce,
      signature: req.signature,
      attachments: req.attachments,
    });
    // Every member org's compliance officer sees the post; the orgs come from
    // the group record already read, so posting still writes no shared key.
    await ctx.audit({
      action: 'message.post',
      target: messageId,
      orgs: group.memberOrgs,
      detail: `conversation=${req.conversationId} epoch=${req.epoch}`,
    });
    ctx.emitTagged('messages.MessagePosted', req.eventTag);
    return JSON.stringify({ messageId, time: now, replayed: false });
  }

  @Transaction(false)
  async ListMessages(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('messages', 'ListMessages', request);
    if (req.from !== undefined && req.to !== undefined && req.from > req.to) throw badInput('from is after to');
    await requireMember(ctx, req.conversationId, caller.userId);
    const prefix = key('msg', req.conversationId, '');
    const lower = req.from === undefined ? prefix : key('msg', req.conversationId, sortableTime(req.from));
    // `to` is inclusive.
    const upper = req.to === undefined ? prefixEnd(prefix) : key('msg', req.conversationId, sortableTime(req.to + 1));
    const page = await readPage(ctx, lower, upper, req.pageSize, req.bookmark, messageRecordSchema);
    const records = page.records.map((r) => r.value);
    const messages: Array<MessageRecord & { payload?: MessagePayload }> = [];
    for (const record of records) {
      const payload =
        record.status === 'active'
          ? await readPrivateJson(
              ctx,
              COLLECTIONS.messages,
              privateKey(record.conversationId, record.messageId),
              messagePayloadSchema,
            )
          : null;
      messages.push(payload ? { ...record, payload } : record);
    }
    return JSON.stringify({ messages, bookmark: page.bookmark });
  }

  @Transaction()
  async DeleteMessage(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('messages', 'DeleteMessage', request);
    const record = await findMessage(ctx, req.conversationId, req.messageId);
    if (!record) throw notFound(`message ${req.messageId} not found`);
    // Senders may erase their own words even after leaving the conversation.
    if (record.sender !== caller.userId) throw forbidden('only the sender can delete a message');
    if (record.status === 'erased') throw new ChaincodeError('CONFLICT', 'message is already erased');

    const now = ctx.now();
    await this.erase(ctx, record, now, 'sender');
    const group = await readGroup(ctx, req.conversationId);
    await ctx.audit({
      action: 'message.delete',
      target: req.messageId,
      orgs: group?.memberOrgs,
      detail: `conversation=${req.conversationId} reason=sender`,
      policyVersion: group?.policyVersion,
    });
    ctx.emitTagged('messages.MessageDeleted', req.eventTag);
    return JSON.stringify({ messageId: req.messageId, status: 'erased', erasedAt: now });
  }

  @Transaction()
  async PurgeExpired(ctx: KTalkContext, request: string): Promise<string> {
    const caller = await activeUser(ctx);
    const req = parseTransactionRequest('messages', 'PurgeExpired', request);
    const group = await readGroup(ctx, req.conversationId);
    if (!group) throw notFound(`conversation ${req.conversationId} not found`);
    await this.requirePurger(ctx, group, caller.userId, caller.mspId, caller.role === 'admin');
    const retention = group.policy.retentionSeconds;
    if (retention === 0) return JSON.stringify({ purged: 0, messageIds: [], more: false });

    const now = ctx.now();
    // Erase only what is surely past retention (time + retention <= now - skew),
    // so a purger stamping early cannot erase anything early.
    const cutoff = now - CLOCK_SKEW_MS - retention * 1000;
    const prefix = key('msg', req.conversationId, '');
    const limit = req.limit ?? DEFAULT_PURGE_LIMIT;
    const expired: MessageRecord[] = [];
    let more = false;
    const iterator = await ctx.stub.getStateByRange(
      prefix,
      key('msg', req.conversationId, sortableTime(Math.max(cutoff + 1, 0))),
    );
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const record = messageRecordSchema.parse(JSON.parse(Buffer.from(next.value.value).toString('utf8')));
        if (record.status === 'erased') continue;
        if (expired.length === limit) {
          more = true;
          break;
        }
        expired.push(record);
      }
    } finally {
      await iterator.close();
    }

    // Every org with a member in the conversation gets the erasure receipt:
    // their compliance officers must be able to show the data is gone.
    const memberOrgs =
      expired.length === 0 ? [] : (await listMembers(ctx, req.conversationId)).map((m) => orgOfUserId(m.userId));
    for (const record of expired) {
      await this.erase(ctx, record, now, 'retention');
      // One erasure receipt per message; the audit record adds txId and time.
      await ctx.audit({
        action: 'retention.purge',
        target: record.messageId,
        orgs: [orgOfUserId(record.sender), ...memberOrgs],
        detail: `conversation=${req.conversationId} retentionSeconds=${retention} sentAt=${record.time}`,
        policyVersion: group.policyVersion,
      });
    }
    if (expired.length > 0 && req.eventTag !== undefined) ctx.emitTagged('messages.Purged', req.eventTag);
    return JSON.stringify({ purged: expired.length, messageIds: expired.map((r) => r.messageId), more });
  }

  /** Members, or an org admin whose org has a member here (the scheduled job). */
  private async requirePurger(
    ctx: KTalkContext,
    group: GroupRecord,
    userId: string,
    mspId: string,
    isOrgAdmin: boolean,
  ): Promise<void> {
    const members = await listMembers(ctx, group.conversationId);
    if (members.some((m) => m.userId === userId)) return;
    if (isOrgAdmin && members.some((m) => orgOfUserId(m.userId) === mspId)) return;
    throw forbidden('only members or an admin of a member org can purge');
  }

  private async erase(
    ctx: KTalkContext,
    record: MessageRecord,
    now: number,
    reason: 'retention' | 'sender',
  ): Promise<void> {
    // purgePrivateData also drops the payload from peers' private-data history.
    await ctx.stub.purgePrivateData(COLLECTIONS.messages, privateKey(record.conversationId, record.messageId));
    await writeJson(
      ctx,
      recordKey(record.conversationId, record.time, record.messageId),
      tombstone(record, now, reason),
    );
  }
}

export { MAX_ATTACHMENTS, type MessageRecord, messageRecordSchema } from '@ktalk/protocol';
