import { Info, Transaction } from 'fabric-contract-api';

import { CLOCK_SKEW_MS, sortableTime } from '../lib/clock';
import { type AuditRecord, KTalkContext, auditRecordSchema } from '../lib/context';
import { badInput } from '../lib/errors';
import { requireRole } from '../lib/identity';
import { KTalkContract } from '../lib/ktalk-contract';
import { key, mustReadJson, prefixEnd } from '../lib/state';
import { parseTransactionRequest } from '../lib/validate';
import { readPage } from '../lib/state';
import { keySafe } from '../lib/identity';

/**
 * Read-only view of the audit trail for compliance officers. Each officer
 * scans only their own org's copy (audit|<msp>|...), which holds records of
 * their org's users and of anything that involved their org.
 */
@Info({ title: 'AuditContract', description: 'Compliance queries over the audit trail' })
export class AuditContract extends KTalkContract {
  constructor() {
    super('audit');
  }

  /**
   * Filters apply within one page of the time range, so a page may hold fewer
   * matches than pageSize (even none) while a bookmark remains: keep paging
   * until the bookmark is empty.
   *
   * A record's time is its transaction's client stamp, within CLOCK_SKEW_MS of
   * the true time, so the scan reaches that far past both ends of the window:
   * a record is never missed because its client's clock was off. Records
   * stamped outside [from, to] carry `edge: true`; their txId locates the
   * block, which fixes the real order.
   */
  @Transaction(false)
  async QueryAudit(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    requireRole(caller, 'compliance');
    const req = parseTransactionRequest('audit', 'QueryAudit', request);
    if (req.from !== undefined && req.to !== undefined && req.from > req.to) throw badInput('from is after to');

    const prefix = key('audit', caller.mspId, '');
    const start = req.from !== undefined ? prefix + sortableTime(Math.max(req.from - CLOCK_SKEW_MS, 0)) : prefix;
    // `to` is inclusive: stop before the first key of the next millisecond.
    const end = req.to !== undefined ? prefix + sortableTime(req.to + CLOCK_SKEW_MS + 1) : prefixEnd(prefix);
    // The bookmark check in readPage confines paging to this widened range.
    const page = await readPage(ctx, start, end, req.pageSize, req.bookmark, auditRecordSchema);
    const outside = (time: number): boolean =>
      (req.from !== undefined && time < req.from) || (req.to !== undefined && time > req.to);

    const records: Array<AuditRecord & { edge?: true }> = page.records
      .map((r) => r.value)
      .filter(
        (r) =>
          (req.actor === undefined || r.actor === req.actor) &&
          (req.action === undefined || r.action === req.action) &&
          (req.target === undefined || r.target === req.target),
      )
      .map((r) => (outside(r.time) ? { ...r, edge: true } : r));
    return JSON.stringify({ records, scanned: page.records.length, bookmark: page.bookmark });
  }

  /**
   * Attests an export: an audit record (action audit.export, target the
   * export's digest) written under the officer's own identity at the
   * transaction's time. The export names this record; a verifier finds it on
   * the ledger, so who exported which content, and when, cannot be rewritten.
   */
  @Transaction()
  async RecordExport(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    requireRole(caller, 'compliance');
    const req = parseTransactionRequest('audit', 'RecordExport', request);
    const record = await ctx.audit({
      action: 'audit.export',
      target: req.digest,
      detail: `records=${req.records};anchor=${req.anchorHeight}`,
    });
    return JSON.stringify(record);
  }

  /** One record by its coordinates (as returned by QueryAudit), in the caller's org copy. */
  @Transaction(false)
  async GetAuditRecord(ctx: KTalkContext, request: string): Promise<string> {
    const caller = keySafe(await ctx.activeCaller());
    requireRole(caller, 'compliance');
    const req = parseTransactionRequest('audit', 'GetAuditRecord', request);
    const k = key('audit', caller.mspId, sortableTime(req.time), req.txId, req.seq.toString().padStart(4, '0'));
    return JSON.stringify(await mustReadJson(ctx, k, auditRecordSchema, 'audit record'));
  }
}
