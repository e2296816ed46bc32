import { DEFAULT_GROUP_POLICY } from '@ktalk/protocol';
import assert from 'node:assert/strict';
import { DirectoryContract } from '../../src/contracts/directory-contract';
import { GroupsContract } from '../../src/contracts/groups-contract';
import { MessagesContract } from '../../src/contracts/messages-contract';
import type { KTalkContext } from '../../src/lib/context';
import type { AuditRecord } from '../../src/lib/context';
import { FakeLedger, type Outcome, type TestIdentity, alice, bob, carol, dave, userIdFor } from './fake-ledger';

// Shared fixtures for the directory, groups and messages tests.

export const erin: TestIdentity = { mspId: 'Org1MSP', enrollmentId: 'erin', attrs: { 'ktalk.role': 'staff' } };

type Method = (ctx: KTalkContext, request: string) => Promise<string>;
const bindAll = <C extends object>(c: C, names: Array<keyof C>): Record<string, Method> =>
  Object.fromEntries(names.map((n) => [n, (c[n] as unknown as Method).bind(c)]));

const directory = new DirectoryContract();
const groups = new GroupsContract();
const messages = new MessagesContract();

export const dir = bindAll(directory, [
  'PublishKeys',
  'GetUser',
  'GetKeysAt',
  'ListOrgDirectory',
  'DisableUser',
  'EnableUser',
  'VetoKeyChange',
  'ApproveKeyChange',
  'CompleteKeyChange',
]) as Record<
  | 'PublishKeys'
  | 'GetUser'
  | 'GetKeysAt'
  | 'ListOrgDirectory'
  | 'DisableUser'
  | 'EnableUser'
  | 'VetoKeyChange'
  | 'ApproveKeyChange'
  | 'CompleteKeyChange',
  Method
>;
export const grp = bindAll(groups, [
  'OpenDirect',
  'CreateGroup',
  'AddMember',
  'RemoveMember',
  'Leave',
  'Rekey',
  'ChangeRole',
  'TransferOwnership',
  'UpdatePolicy',
  'GetGroup',
  'ListMembers',
  'GetMyEpochKey',
  'ListMyConversations',
  'SetInboxPolicy',
  'GetMyInboxPolicy',
]) as Record<
  | 'OpenDirect'
  | 'CreateGroup'
  | 'AddMember'
  | 'RemoveMember'
  | 'Leave'
  | 'Rekey'
  | 'ChangeRole'
  | 'TransferOwnership'
  | 'UpdatePolicy'
  | 'GetGroup'
  | 'ListMembers'
  | 'GetMyEpochKey'
  | 'ListMyConversations'
  | 'SetInboxPolicy'
  | 'GetMyInboxPolicy',
  Method
>;
export const msg = bindAll(messages, ['PostMessage', 'ListMessages', 'DeleteMessage', 'PurgeExpired']) as Record<
  'PostMessage' | 'ListMessages' | 'DeleteMessage' | 'PurgeExpired',
  Method
>;

/** Base64 of `n` bytes all equal to `fill`. */
export const b64 = (n: number, fill = 7): string => Buffer.alloc(n, fill).toString('base64');

/**
 * An event tag as a client sends it (32 bytes of base64). The chaincode only
 * checks its shape; tests of recognition compute real tags (security tests).
 */
export const TAG = b64(32, 9);

/** A wrapped-key map (80-byte sealed boxes) for exactly these identities. */
export const wrappedFor = (...who: Array<TestIdentity | string>): Record<string, string> =>
  Object.fromEntries(who.map((w, i) => [typeof w === 'string' ? w : userIdFor(w), b64(80, i + 1)]));

export const openPolicy = DEFAULT_GROUP_POLICY;

export function ok<T>(outcome: Outcome<T>): T & object {
  if (!outcome.ok) assert.fail(`expected success, got ${outcome.error.message}`);
  return outcome.value as T & object;
}

export async function publish(ledger: FakeLedger, ...who: TestIdentity[]): Promise<void> {
  let fill = 1;
  for (const w of who) {
    ok(await ledger.invoke(w, dir.PublishKeys, { encryptionKey: b64(32, fill++), signingKey: b64(32, fill++) }));
  }
}

export { rejects } from './fake-ledger';

export function auditRecords(ledger: FakeLedger, org = 'Org1MSP'): AuditRecord[] {
  return [...ledger.world]
    .filter(([k]) => k.startsWith(`audit|${org}|`))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, v]) => JSON.parse(Buffer.from(v).toString('utf8')) as AuditRecord);
}

export function readWorld<T>(ledger: FakeLedger, k: string): T | null {
  const v = ledger.world.get(k);
  return v ? (JSON.parse(Buffer.from(v).toString('utf8')) as T) : null;
}

/** Keys whose value differs between two world dumps (written or deleted). */
export function changedKeys(before: Map<string, Uint8Array>, after: Map<string, Uint8Array>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => {
    const a = before.get(k);
    const b = after.get(k);
    return !a || !b || Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0;
  });
}

/** alice owns g1 "Team": carol is admin, dave member, erin reader (bob is keyed but outside). */
export async function teamGroup(policy: Record<string, unknown> = openPolicy): Promise<FakeLedger> {
  const ledger = new FakeLedger();
  await publish(ledger, alice, bob, carol, dave, erin);
  ok(
    await ledger.invoke(alice, grp.CreateGroup, {
      eventTag: TAG,
      groupId: 'g1',
      name: 'Team',
      policy,
      members: [
        { userId: userIdFor(carol), role: 'admin' },
        { userId: userIdFor(dave), role: 'member' },
        { userId: userIdFor(erin), role: 'reader' },
      ],
      wrappedKeys: wrappedFor(alice, carol, dave, erin),
    }),
  );
  return ledger;
}
