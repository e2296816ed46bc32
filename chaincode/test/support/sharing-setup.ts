import assert from 'node:assert/strict';
import { type UserRecord, userKey } from '../../src/contracts/directory-contract';
import {
  type GroupPolicy,
  type GroupRecord,
  type GroupRole,
  groupKey,
  memberKey,
  memberOfKey,
} from '../../src/domain/groups';
import { toBytes } from '../../src/lib/canonical-json';
import type { AuditRecord, KTalkContext } from '../../src/lib/context';
import { type FakeLedger, type Outcome, type TestIdentity, userIdFor } from './fake-ledger';
import { openPolicy } from './groups-fixtures';

// Fixtures for the sharing, audit and payments tests. Directory users and
// groups are written straight into committed state (canonical JSON, typed
// by the other contracts' record types) so these tests do not depend on the
// directory and groups transactions.

export type Method = (ctx: KTalkContext, request: string) => Promise<string>;

/** Binds the named transactions of a contract so tests can pass them to invoke(). */
export function bind<C extends object, K extends keyof C & string>(
  contract: C,
  names: readonly K[],
): Record<K, Method> {
  const out = {} as Record<K, Method>;
  for (const n of names) out[n] = (contract[n] as unknown as Method).bind(contract);
  return out;
}

function put(ledger: FakeLedger, k: string, value: unknown): void {
  ledger.world.set(k, toBytes(value));
}

export function addUser(ledger: FakeLedger, who: TestIdentity, status: 'active' | 'disabled' = 'active'): string {
  const userId = userIdFor(who);
  const record: UserRecord = {
    userId,
    mspId: who.mspId,
    enrollmentId: who.enrollmentId,
    status,
    encryptionKey: Buffer.alloc(32, 1).toString('base64'),
    signingKey: Buffer.alloc(32, 2).toString('base64'),
    keysSince: ledger.clock,
    registeredAt: ledger.clock,
  };
  put(ledger, userKey(userId), record);
  return userId;
}

export function setUserStatus(ledger: FakeLedger, who: TestIdentity, status: 'active' | 'disabled'): void {
  addUser(ledger, who, status);
}

export function addGroup(
  ledger: FakeLedger,
  conversationId: string,
  members: Array<[TestIdentity, GroupRole]>,
  policy: Partial<GroupPolicy> = {},
): void {
  const [first] = members;
  assert.ok(first, 'a group needs at least one member');
  const creator = userIdFor(first[0]);
  const group: GroupRecord = {
    conversationId,
    kind: 'group',
    name: conversationId,
    creator,
    creatorOrg: first[0].mspId,
    createdAt: ledger.clock,
    updatedAt: ledger.clock,
    policy: { ...openPolicy, ...policy },
    policyVersion: 1,
    epoch: 1,
    memberCount: members.length,
    memberOrgs: [...new Set(members.map(([who]) => who.mspId))].sort(),
  };
  put(ledger, groupKey(conversationId), group);
  // The member record and the member's own index, as the groups contract writes them together.
  for (const [who, role] of members) {
    put(ledger, memberKey(conversationId, userIdFor(who)), { role, since: ledger.clock });
    put(ledger, memberOfKey(userIdFor(who), conversationId), { since: ledger.clock });
  }
}

export function removeMember(ledger: FakeLedger, conversationId: string, who: TestIdentity): void {
  ledger.world.delete(memberKey(conversationId, userIdFor(who)));
  ledger.world.delete(memberOfKey(userIdFor(who), conversationId));
}

export function ok<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) assert.fail(`expected success, got ${outcome.error.message}`);
  return outcome.value;
}

export { rejects } from './fake-ledger';

export function worldJson<T>(ledger: FakeLedger, k: string): T | null {
  const v = ledger.world.get(k);
  return v ? (JSON.parse(Buffer.from(v).toString('utf8')) as T) : null;
}

export function worldKeys(ledger: FakeLedger, prefix: string): string[] {
  return [...ledger.world.keys()].filter((k) => k.startsWith(prefix)).sort();
}

export function auditOf(ledger: FakeLedger, org: string): AuditRecord[] {
  return worldKeys(ledger, `audit|${org}|`).map((k) => worldJson<AuditRecord>(ledger, k) as AuditRecord);
}

/** Keys added or changed between two snapshots of the world. */
export function newKeys(before: ReadonlyMap<string, Uint8Array>, ledger: FakeLedger): string[] {
  return [...ledger.world.keys()].filter((k) => {
    const old = before.get(k);
    const now = ledger.world.get(k);
    return !old || !now || Buffer.compare(Buffer.from(old), Buffer.from(now)) !== 0;
  });
}

/**
 * Makes `ledger` send the wrapped keys of RegisterItem (ownerWrappedKey) and
 * GrantAccess (wrappedKey) the way the client does: out of the request, as
 * raw bytes in the transient map. Tests of other rules keep writing them in
 * the request object for readability; the transport itself is tested on a
 * ledger without this.
 */
export function sendsKeysInTransient<L extends FakeLedger>(ledger: L): L {
  const fields: Record<string, string> = {
    'sharing:RegisterItem': 'ownerWrappedKey',
    'sharing:GrantAccess': 'wrappedKey',
  };
  ledger.rewrite = (transaction, request, options) => {
    const field = fields[transaction];
    if (!field || typeof request !== 'object' || request === null || !(field in request)) return { request, options };
    const { [field]: wrapped, ...rest } = request as Record<string, unknown>;
    const bytes = Buffer.from(String(wrapped), 'base64');
    return { request: rest, options: { ...options, transient: { ...options.transient, [field]: bytes } } };
  };
  return ledger;
}
