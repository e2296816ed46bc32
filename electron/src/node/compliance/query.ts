import type { ApiInput, AuditFilter, AuditRecordView, Page } from '../../common/api';
import { API_ARGS } from '../../common/api-args';
import type { ClientSession } from '../session/client-session';
import { badInput } from './errors';
import { type AuditRecord, matchesFilter, toView } from './records';

// One page of the caller's org copy of the audit trail. The chaincode
// filters actor/action/target within each page it scans and not outcome, so
// a chaincode page may hold fewer matches than asked (even none) while a
// bookmark remains; this keeps scanning, asking only for what is still
// missing, so a page never overflows and the bookmark stays exact.

export const DEFAULT_PAGE_SIZE = 50;
/** The chaincode's page limit (LIMITS.pageSize). */
export const MAX_CHAINCODE_PAGE = 200;

export interface ChaincodePage {
  readonly records: AuditRecord[];
  /** Empty on the last page. */
  readonly bookmark: string;
}

/** One QueryAudit call, outcome filtered here; FORBIDDEN etc. come back as LedgerError. */
export async function queryChaincodePage(
  session: ClientSession,
  filter: AuditFilter,
  pageSize: number,
  bookmark: string | undefined,
): Promise<ChaincodePage> {
  const answer = await session.ledger.evaluate('audit', 'QueryAudit', {
    from: filter.from,
    to: filter.to,
    actor: filter.actor,
    action: filter.action,
    target: filter.target,
    pageSize,
    bookmark,
  });
  // matchesFilter re-checks what the chaincode filtered too: a record outside the query never reaches a view.
  return { records: answer.records.filter((r) => matchesFilter(r, filter)), bookmark: answer.bookmark };
}

export interface AuditQueryOptions {
  /** Chaincode calls per page at most before answering with what was found (and the cursor). */
  readonly maxScans?: number;
}

export async function auditQuery(
  session: ClientSession,
  input: ApiInput<'auditQuery'>,
  options: AuditQueryOptions = {},
): Promise<Page<AuditRecordView>> {
  const parsed = API_ARGS.auditQuery.safeParse([input]);
  if (!parsed.success) throw badInput(parsed.error.issues[0]?.message ?? 'invalid audit query');
  const [{ cursor, pageSize = DEFAULT_PAGE_SIZE, ...filter }] = parsed.data;
  const maxScans = options.maxScans ?? 10;

  const items: AuditRecordView[] = [];
  let bookmark = cursor;
  for (let scans = 0; scans < maxScans && items.length < pageSize; scans++) {
    const page = await queryChaincodePage(session, filter, pageSize - items.length, bookmark);
    items.push(...page.records.map(toView));
    bookmark = page.bookmark;
    if (bookmark === '') break;
  }
  return bookmark ? { items, next: bookmark } : { items };
}
