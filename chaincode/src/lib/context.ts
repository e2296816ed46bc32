import { Context } from 'fabric-contract-api';
import {
  AUDIT_OUTCOMES,
  type AuditRecord,
  type NamedEventName,
  type NamedEventPayload,
  type TaggedEventName,
  userStatusSchema,
} from '@ktalk/protocol';
import { toBytes } from './canonical-json';
import { sortableTime, txTimeMs } from './clock';
import { ChaincodeError } from './errors';
import { type Caller, readCaller } from './identity';
import { key, readJson, writeJson } from './state';

export { AUDIT_OUTCOMES, type AuditRecord, auditRecordSchema } from '@ktalk/protocol';

export interface AuditInput {
  action: string;
  target: string;
  outcome?: (typeof AUDIT_OUTCOMES)[number];
  /** Extra orgs involved besides the actor's (e.g. the target user's org). */
  orgs?: string[];
  detail?: string;
  policyVersion?: number;
}

/**
 * Per-transaction context: the verified caller, the audit appender and the
 * single chaincode event Fabric allows per transaction.
 */
export class KTalkContext extends Context {
  private cachedCaller: Caller | null = null;
  private auditSeq = 0;

  caller(): Caller {
    this.cachedCaller ??= readCaller(this);
    return this.cachedCaller;
  }

  /** The caller, refused if an org admin disabled them in the directory. */
  async activeCaller(): Promise<Caller> {
    const caller = this.caller();
    const record = await readJson(this, key('user', caller.userId), userStatusSchema);
    if (record?.status === 'disabled') {
      throw new ChaincodeError('DISABLED', `${caller.userId} is disabled`);
    }
    return caller;
  }

  now(): number {
    return txTimeMs(this);
  }

  async audit(input: AuditInput): Promise<AuditRecord> {
    const caller = this.caller();
    const txId = this.stub.getTxID();
    const orgs = [...new Set([caller.mspId, ...(input.orgs ?? [])])].filter((o) => o !== '').sort();
    const record: AuditRecord = {
      txId,
      seq: this.auditSeq++,
      time: this.now(),
      actor: caller.userId,
      action: input.action,
      target: input.target,
      outcome: input.outcome ?? 'ok',
      orgs,
      detail: input.detail,
      policyVersion: input.policyVersion,
    };
    // One copy per org keeps each compliance officer's query a single range scan.
    const seq = record.seq.toString().padStart(4, '0');
    for (const org of orgs) {
      await writeJson(this, key('audit', org, sortableTime(record.time), txId, seq), record);
    }
    return record;
  }

  /** Events carry ids and metadata only; callers must never pass content. Names and payloads: the protocol's events.ts. */
  emit<N extends NamedEventName>(name: N, payload: NamedEventPayload<N>): void {
    this.stub.setEvent(name, toBytes(payload));
  }

  /**
   * A conversation event: every staff client can listen, so the payload is
   * only the caller's tag (an HMAC of the txId under a key derived from the
   * conversation key), which only members can recognise.
   */
  emitTagged(name: TaggedEventName, tag: string): void {
    this.stub.setEvent(name, toBytes({ tag }));
  }
}
