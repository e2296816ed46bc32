import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DirectoryContract } from '../src/contracts/directory-contract';
import { GroupsContract } from '../src/contracts/groups-contract';
import { SharingContract } from '../src/contracts/sharing-contract';
import {
  type AccessRecord,
  type GrantRecord,
  type ItemRecord,
  TICKET_TTL_MS,
  type TicketRecord,
} from '../src/domain/sharing';
import { CLOCK_SKEW_MS } from '../src/lib/clock';
import { LIMITS } from '../src/lib/limits';
import { COLLECTIONS } from '../src/lib/state';
import {
  FakeLedger,
  type InvokeOptions,
  type TestIdentity,
  alice,
  bob,
  carol,
  dave,
  userIdFor,
} from './support/fake-ledger';
import {
  addGroup,
  addUser,
  auditOf,
  bind,
  newKeys,
  ok,
  rejects,
  removeMember,
  sendsKeysInTransient,
  setUserStatus,
  worldJson,
} from './support/sharing-setup';
import { TAG, openPolicy } from './support/groups-fixtures';

const sharing = bind(new SharingContract(), [
  'RegisterItem',
  'GrantAccess',
  'RevokeGrant',
  'ListGrants',
  'ListAccesses',
  'RequestAccess',
  'GetTicket',
  'ReadItem',
] as const);

const directory = bind(new DirectoryContract(), ['PublishKeys'] as const);
const groups = bind(new GroupsContract(), ['CreateGroup', 'RemoveMember'] as const);

const PAYLOAD = Buffer.from('ciphertext: not really, but opaque to the chaincode');
const PLAIN_HASH = createHash('sha256').update('the plaintext').digest('hex');
const wrapped = (fill: number): string => Buffer.alloc(80, fill).toString('base64');
const HOUR = 3600_000;

type AccessResult = { ok: true; ticketId: string; expiresAt: number } | { ok: false; code: string };
interface Served {
  payload: string;
  wrappedKey: string;
  grantId: string;
  granteeKind: string;
  epoch?: number;
  contentHash: string;
}

/** Alice registers `doc1`; alice, bob, carol and dave are active directory users. */
async function setup(): Promise<FakeLedger> {
  const ledger = sendsKeysInTransient(new FakeLedger());
  for (const who of [alice, bob, carol, dave]) addUser(ledger, who);
  ok(
    await ledger.invoke(
      alice,
      sharing.RegisterItem,
      { itemId: 'doc1', contentHash: PLAIN_HASH, size: 13, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) },
      { transient: { payload: PAYLOAD } },
    ),
  );
  return ledger;
}

async function grantUser(
  ledger: FakeLedger,
  from: TestIdentity,
  to: TestIdentity,
  opts: { canReshare?: boolean; expiresAt?: number; fill?: number } = {},
): Promise<GrantRecord> {
  return ok(
    await ledger.invoke<GrantRecord>(from, sharing.GrantAccess, {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(to) },
      canReshare: opts.canReshare ?? false,
      expiresAt: opts.expiresAt ?? ledger.clock + HOUR,
      wrappedKey: wrapped(opts.fill ?? 2),
    }),
  );
}

/** RequestAccess (which answers only the ticket id), then the committed decision from GetTicket. */
async function requestAccess(
  ledger: FakeLedger,
  who: TestIdentity,
  itemId = 'doc1',
  options: InvokeOptions = {},
): Promise<AccessResult> {
  const { ticketId } = ok(await ledger.invoke<{ ticketId: string }>(who, sharing.RequestAccess, { itemId }, options));
  // Decided at the request's own stamp when the test sets one.
  const at: InvokeOptions = options.time !== undefined ? { time: options.time } : {};
  const decided = ok(await ledger.invoke<AccessResult>(who, sharing.GetTicket, { itemId, ticketId }, at));
  return decided.ok
    ? { ok: true, ticketId: decided.ticketId, expiresAt: decided.expiresAt }
    : { ok: false, code: decided.code };
}

async function ticketFor(ledger: FakeLedger, who: TestIdentity): Promise<string> {
  const res = await requestAccess(ledger, who);
  assert.ok(res.ok, `expected a ticket, got ${JSON.stringify(res)}`);
  return res.ticketId;
}

/** The owner's access log, as ListAccesses answers it (outcomes judged as of each attempt). */
async function accesses(ledger: FakeLedger): Promise<AccessRecord[]> {
  const list = ok(await ledger.invoke<{ accesses: AccessRecord[] }>(alice, sharing.ListAccesses, { itemId: 'doc1' }));
  return list.accesses;
}

describe('SharingContract.RegisterItem', () => {
  it('stores the ciphertext in the private collection and only metadata in world state', async () => {
    const ledger = await setup();
    const item = worldJson<ItemRecord>(ledger, 'item|doc1');
    assert.ok(item);
    assert.equal(item.owner, userIdFor(alice));
    assert.equal(item.contentHash, PLAIN_HASH);
    assert.equal(item.ciphertextHash, createHash('sha256').update(PAYLOAD).digest('hex'));
    assert.equal(item.ciphertextSize, PAYLOAD.length);
    assert.equal(item.mimeType, 'text/plain');
    const stored = ledger.privateData.get(COLLECTIONS.items)?.get('payload|doc1');
    assert.ok(stored && Buffer.from(stored).equals(PAYLOAD));
    const marker = PAYLOAD.toString('base64');
    for (const v of ledger.world.values()) assert.ok(!Buffer.from(v).toString().includes(marker));
    assert.equal(auditOf(ledger, 'Org1MSP').at(-1)?.action, 'sharing.RegisterItem');
  });

  it('emits an id-only event', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    const out = await ledger.invoke(
      alice,
      sharing.RegisterItem,
      { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'image/png', ownerWrappedKey: wrapped(1) },
      { transient: { payload: PAYLOAD } },
    );
    assert.ok(out.ok);
    assert.deepEqual(out.event, { name: 'sharing.ItemRegistered', payload: { itemId: 'd', owner: userIdFor(alice) } });
  });

  it('a missing payload is refused', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    const req = { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) };
    await rejects(ledger, alice, sharing.RegisterItem, req, 'BAD_INPUT');
    await rejects(ledger, alice, sharing.RegisterItem, req, 'BAD_INPUT', { transient: { payload: Buffer.alloc(0) } });
  });

  it('a payload over the item limit is refused as TOO_LARGE', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    const req = { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) };
    const big = Buffer.alloc(LIMITS.itemPayloadBytes + 1);
    await rejects(ledger, alice, sharing.RegisterItem, req, 'TOO_LARGE', { transient: { payload: big } });
  });

  it('an existing item id is a conflict', async () => {
    const ledger = await setup();
    const req = {
      itemId: 'doc1',
      contentHash: PLAIN_HASH,
      size: 1,
      mimeType: 'text/plain',
      ownerWrappedKey: wrapped(1),
    };
    await rejects(ledger, bob, sharing.RegisterItem, req, 'CONFLICT', { transient: { payload: PAYLOAD } });
  });

  it('a claimed owner, a bad hash or a bad mime type is refused', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    const base = { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) };
    const t = { transient: { payload: PAYLOAD } };
    await rejects(ledger, alice, sharing.RegisterItem, { ...base, owner: userIdFor(bob) }, 'BAD_INPUT', t);
    await rejects(ledger, alice, sharing.RegisterItem, { ...base, contentHash: 'ABC' }, 'BAD_INPUT', t);
    await rejects(ledger, alice, sharing.RegisterItem, { ...base, mimeType: 'nonsense' }, 'BAD_INPUT', t);
    await rejects(ledger, alice, sharing.RegisterItem, { ...base, size: -1 }, 'BAD_INPUT', t);
    await rejects(ledger, alice, sharing.RegisterItem, { ...base, itemId: 'a|b' }, 'BAD_INPUT', t);
  });

  it('a disabled user cannot register', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    addUser(ledger, alice, 'disabled');
    const req = { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) };
    await rejects(ledger, alice, sharing.RegisterItem, req, 'DISABLED', { transient: { payload: PAYLOAD } });
  });
});

describe('SharingContract.GrantAccess', () => {
  it('the owner grants a user, with an id-only event and an audit record for both orgs', async () => {
    const ledger = await setup();
    const out = await ledger.invoke<GrantRecord>(alice, sharing.GrantAccess, {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(bob) },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: wrapped(2),
    });
    const grant = ok(out);
    assert.equal(grant.grantor, userIdFor(alice));
    assert.equal(grant.grantId, out.ok ? out.txId : '');
    assert.deepEqual(out.ok ? out.event : null, {
      name: 'sharing.AccessGranted',
      payload: {
        itemId: 'doc1',
        grantId: grant.grantId,
        granteeUserId: userIdFor(bob),
        grantor: userIdFor(alice),
        expiresAt: String(grant.expiresAt),
      },
    });
    assert.equal(auditOf(ledger, 'Org2MSP').at(-1)?.action, 'sharing.GrantAccess');
    const key = ledger.privateData.get(COLLECTIONS.items)?.get(`itemkey|doc1|${grant.grantId}`);
    assert.ok(key);
  });

  it('someone without a grant cannot grant', async () => {
    const ledger = await setup();
    const req = {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(carol) },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: wrapped(2),
    };
    await rejects(ledger, bob, sharing.GrantAccess, req, 'FORBIDDEN');
  });

  it('a grant for an unknown item, an unknown user or a disabled user is refused', async () => {
    const ledger = await setup();
    setUserStatus(ledger, dave, 'disabled');
    const req = (userId: string, itemId = 'doc1') => ({
      itemId,
      grantee: { kind: 'user', userId },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: wrapped(2),
    });
    await rejects(ledger, alice, sharing.GrantAccess, req(userIdFor(bob), 'nope'), 'NOT_FOUND');
    await rejects(ledger, alice, sharing.GrantAccess, req('Org2MSP::ghost'), 'NOT_FOUND');
    await rejects(ledger, alice, sharing.GrantAccess, req(userIdFor(dave)), 'DISABLED');
    await rejects(ledger, alice, sharing.GrantAccess, req(userIdFor(alice)), 'BAD_INPUT');
  });

  it('a grant that is already expired, or has extra fields, is refused', async () => {
    const ledger = await setup();
    const base = {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(bob) },
      canReshare: false,
      expiresAt: ledger.clock,
      wrappedKey: wrapped(2),
    };
    await rejects(ledger, alice, sharing.GrantAccess, base, 'BAD_INPUT');
    const later = { ...base, expiresAt: ledger.clock + HOUR };
    await rejects(ledger, alice, sharing.GrantAccess, { ...later, grantor: userIdFor(carol) }, 'BAD_INPUT');
    await rejects(ledger, alice, sharing.GrantAccess, { ...later, grantee: { kind: 'org', id: 'x' } }, 'BAD_INPUT');
  });

  it('a wrapped key in the request, where it would outlive its purge in the block, is refused as BAD_INPUT; one missing from the transient map is BAD_INPUT, an oversized one TOO_LARGE; all write nothing', async () => {
    const ledger = new FakeLedger();
    for (const who of [alice, bob]) addUser(ledger, who);
    const item = { itemId: 'd', contentHash: PLAIN_HASH, size: 1, mimeType: 'text/plain' };
    const payload = { payload: PAYLOAD };
    const inRequest = await rejects(
      ledger,
      alice,
      sharing.RegisterItem,
      { ...item, ownerWrappedKey: wrapped(1) },
      'BAD_INPUT',
      {
        transient: { ...payload, ownerWrappedKey: Buffer.from(wrapped(1), 'base64') },
      },
    );
    assert.match(inRequest, /transient/);
    await rejects(ledger, alice, sharing.RegisterItem, item, 'BAD_INPUT', { transient: payload });
    await rejects(ledger, alice, sharing.RegisterItem, item, 'TOO_LARGE', {
      transient: { ...payload, ownerWrappedKey: Buffer.alloc(385) },
    });
    ok(
      await ledger.invoke(alice, sharing.RegisterItem, item, {
        transient: { ...payload, ownerWrappedKey: Buffer.from(wrapped(1), 'base64') },
      }),
    );
    assert.deepEqual(
      JSON.parse(Buffer.from(ledger.privateData.get(COLLECTIONS.items)?.get('itemkey|d|owner') ?? []).toString()),
      { wrappedKey: wrapped(1) },
    );
    const grant = {
      itemId: 'd',
      grantee: { kind: 'user', userId: userIdFor(bob) },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
    };
    const key = { wrappedKey: Buffer.from(wrapped(2), 'base64') };
    await rejects(ledger, alice, sharing.GrantAccess, { ...grant, wrappedKey: wrapped(2) }, 'BAD_INPUT', {
      transient: key,
    });
    await rejects(ledger, alice, sharing.GrantAccess, grant, 'BAD_INPUT');
    await rejects(ledger, alice, sharing.GrantAccess, grant, 'TOO_LARGE', {
      transient: { wrappedKey: Buffer.alloc(385) },
    });
    const granted = ok(await ledger.invoke<GrantRecord>(alice, sharing.GrantAccess, grant, { transient: key }));
    assert.ok(!JSON.stringify(granted).includes(wrapped(2)), 'the answer does not echo the key');
  });

  it('a grant that would never count as active (expiresAt ≤ now + 60 s) is refused as BAD_INPUT and writes nothing; now + 60.001 s is accepted', async () => {
    const ledger = await setup();
    const now = ledger.clock + 10_000;
    const req = (expiresAt: number) => ({
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(bob) },
      canReshare: false,
      expiresAt,
      wrappedKey: wrapped(2),
    });
    for (const ahead of [1, 30_000, CLOCK_SKEW_MS]) {
      await rejects(ledger, alice, sharing.GrantAccess, req(now + ahead), 'BAD_INPUT', { time: now });
    }
    ok(await ledger.invoke(alice, sharing.GrantAccess, req(now + CLOCK_SKEW_MS + 1), { time: now }));
  });

  it('a group grant needs an existing group that the granter belongs to', async () => {
    const ledger = await setup();
    addGroup(ledger, 'team', [
      [bob, 'owner'],
      [carol, 'member'],
    ]);
    const req = (conversationId: string) => ({
      itemId: 'doc1',
      grantee: { kind: 'group', conversationId },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: wrapped(3),
    });
    await rejects(ledger, alice, sharing.GrantAccess, req('nope'), 'NOT_FOUND');
    await rejects(ledger, alice, sharing.GrantAccess, req('team'), 'FORBIDDEN');
  });

  it('a grantee without canReshare cannot grant onward', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob, { canReshare: false });
    const req = {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(dave) },
      canReshare: false,
      expiresAt: ledger.clock + HOUR,
      wrappedKey: wrapped(4),
    };
    await rejects(ledger, bob, sharing.GrantAccess, req, 'FORBIDDEN');
  });

  it('a resharer cannot grant beyond the expiry of their own grant', async () => {
    const ledger = await setup();
    const own = await grantUser(ledger, alice, bob, { canReshare: true });
    const req = {
      itemId: 'doc1',
      grantee: { kind: 'user', userId: userIdFor(dave) },
      canReshare: false,
      expiresAt: own.expiresAt + 1,
      wrappedKey: wrapped(4),
    };
    await rejects(ledger, bob, sharing.GrantAccess, req, 'FORBIDDEN');
  });

  it('a resharer may grant onward within their grant, and the child records its parent', async () => {
    const ledger = await setup();
    const own = await grantUser(ledger, alice, bob, { canReshare: true });
    const child = await grantUser(ledger, bob, dave, { expiresAt: own.expiresAt, fill: 5 });
    assert.equal(child.parentGrantId, own.grantId);
    assert.equal(child.grantor, userIdFor(bob));
    const res = await requestAccess(ledger, dave);
    assert.ok(res.ok);
  });

  it('revoking a parent grant cuts off everything reshared from it', async () => {
    const ledger = await setup();
    const own = await grantUser(ledger, alice, bob, { canReshare: true });
    await grantUser(ledger, bob, dave, { expiresAt: own.expiresAt, fill: 5 });
    const ticket = await ticketFor(ledger, dave);
    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: own.grantId }));
    await rejects(ledger, dave, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'FORBIDDEN');
    assert.deepEqual(await requestAccess(ledger, dave), { ok: false, code: 'FORBIDDEN' });
  });
});

describe('SharingContract.RevokeGrant', () => {
  it('a revoked grant serves nothing, even from a ticket issued before', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob);
    const ticket = await ticketFor(ledger, bob);
    ok(await ledger.invoke(bob, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }));
    const revoked = ok(
      await ledger.invoke<GrantRecord>(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: grant.grantId }),
    );
    assert.equal(revoked.revokedBy, userIdFor(alice));
    assert.equal(ledger.privateData.get(COLLECTIONS.items)?.has(`itemkey|doc1|${grant.grantId}`), false);
    await rejects(ledger, bob, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'FORBIDDEN');
    assert.deepEqual(await requestAccess(ledger, bob), { ok: false, code: 'FORBIDDEN' });
  });

  it('a grant cannot be revoked twice', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob);
    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: grant.grantId }));
    await rejects(ledger, alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: grant.grantId }, 'CONFLICT');
  });

  it('only the owner or the grantor may revoke', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob);
    await rejects(ledger, carol, sharing.RevokeGrant, { itemId: 'doc1', grantId: grant.grantId }, 'FORBIDDEN');
    await rejects(ledger, bob, sharing.RevokeGrant, { itemId: 'doc1', grantId: grant.grantId }, 'FORBIDDEN');
  });

  it('a resharer may revoke what they granted', async () => {
    const ledger = await setup();
    const own = await grantUser(ledger, alice, bob, { canReshare: true });
    const child = await grantUser(ledger, bob, dave, { expiresAt: own.expiresAt });
    ok(await ledger.invoke(bob, sharing.RevokeGrant, { itemId: 'doc1', grantId: child.grantId }));
    assert.deepEqual(await requestAccess(ledger, dave), { ok: false, code: 'FORBIDDEN' });
  });

  it('an unknown grant or item is NOT_FOUND', async () => {
    const ledger = await setup();
    await rejects(ledger, alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: 'tx999' }, 'NOT_FOUND');
    await rejects(ledger, alice, sharing.RevokeGrant, { itemId: 'nope', grantId: 'tx999' }, 'NOT_FOUND');
  });
});

describe('SharingContract.ListGrants and ListAccesses', () => {
  it('the owner lists grants with their current state', async () => {
    const ledger = await setup();
    const g1 = await grantUser(ledger, alice, bob);
    const g2 = await grantUser(ledger, alice, carol, { expiresAt: ledger.clock + CLOCK_SKEW_MS + 5000 });
    ledger.clock += 10_000;
    ok(await ledger.invoke(alice, sharing.RevokeGrant, { itemId: 'doc1', grantId: g1.grantId }));
    const g3 = await grantUser(ledger, alice, dave);
    const list = ok(
      await ledger.invoke<{ grants: Array<GrantRecord & { state: string }> }>(alice, sharing.ListGrants, {
        itemId: 'doc1',
      }),
    );
    const states = Object.fromEntries(list.grants.map((g) => [g.grantId, g.state]));
    assert.deepEqual(states, { [g1.grantId]: 'revoked', [g2.grantId]: 'expired', [g3.grantId]: 'active' });
  });

  it('only the owner may list grants or accesses', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    await rejects(ledger, bob, sharing.ListGrants, { itemId: 'doc1' }, 'FORBIDDEN');
    await rejects(ledger, bob, sharing.ListAccesses, { itemId: 'doc1' }, 'FORBIDDEN');
    await rejects(ledger, alice, sharing.ListGrants, { itemId: 'nope' }, 'NOT_FOUND');
  });

  it('the access log shows every access: who, when, under which grant, and the outcome', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob);
    const t1 = await ticketFor(ledger, bob);
    await requestAccess(ledger, carol);
    const t3 = await ticketFor(ledger, alice);
    const list = ok(
      await ledger.invoke<{ accesses: AccessRecord[]; bookmark: string }>(alice, sharing.ListAccesses, {
        itemId: 'doc1',
      }),
    );
    assert.deepEqual(
      list.accesses.map((a) => [a.accessor, a.outcome, a.grantId ?? a.code, a.txId]),
      [
        [userIdFor(bob), 'granted', grant.grantId, t1],
        [userIdFor(carol), 'denied', 'FORBIDDEN', list.accesses[1]?.txId],
        [userIdFor(alice), 'granted', 'owner', t3],
      ],
    );
    assert.ok(list.accesses.every((a) => a.time > 0));
    assert.equal(list.bookmark, '');
  });

  it('the access log keeps the decision as of each attempt: a group member granted before her removal stays granted, her attempt after it is denied', async () => {
    const ledger = await setup();
    addGroup(ledger, 'team', [
      [alice, 'owner'],
      [carol, 'member'],
    ]);
    ok(
      await ledger.invoke(alice, sharing.GrantAccess, {
        itemId: 'doc1',
        grantee: { kind: 'group', conversationId: 'team' },
        canReshare: false,
        expiresAt: ledger.clock + HOUR,
        wrappedKey: wrapped(3),
      }),
    );
    assert.ok((await requestAccess(ledger, carol)).ok);
    removeMember(ledger, 'team', carol);
    assert.deepEqual(await requestAccess(ledger, carol), { ok: false, code: 'FORBIDDEN' });
    assert.deepEqual(
      (await accesses(ledger)).map((a) => a.outcome),
      ['granted', 'denied'],
    );
  });

  it('the access log pages with a bookmark, and refuses a bookmark from outside the item', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    for (let i = 0; i < 3; i++) await requestAccess(ledger, bob);
    const p1 = ok(
      await ledger.invoke<{ accesses: AccessRecord[]; bookmark: string }>(alice, sharing.ListAccesses, {
        itemId: 'doc1',
        pageSize: 2,
      }),
    );
    assert.equal(p1.accesses.length, 2);
    assert.notEqual(p1.bookmark, '');
    const p2 = ok(
      await ledger.invoke<{ accesses: AccessRecord[]; bookmark: string }>(alice, sharing.ListAccesses, {
        itemId: 'doc1',
        pageSize: 2,
        bookmark: p1.bookmark,
      }),
    );
    assert.equal(p2.accesses.length, 1);
    await rejects(
      ledger,
      alice,
      sharing.ListAccesses,
      { itemId: 'doc1', pageSize: 2, bookmark: 'access|a' },
      'BAD_INPUT',
    );
  });
});

describe('SharingContract.RequestAccess and ReadItem', () => {
  it('a valid grant yields a committed ticket, and ReadItem serves the payload and the grantee key', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob, { fill: 9 });
    const out = await ledger.invoke<{ ticketId: string }>(bob, sharing.RequestAccess, { itemId: 'doc1' });
    const res = ok(out);
    assert.equal(res.ticketId, out.ok ? out.txId : '');
    const ticket = worldJson<TicketRecord>(ledger, `ticket|doc1|${userIdFor(bob)}|${res.ticketId}`);
    assert.ok(ticket);
    assert.deepEqual(Object.keys(ticket).sort(), ['expiresAt', 'holder', 'issuedAt', 'itemId', 'ticketId']);
    assert.equal(ticket.expiresAt - ticket.issuedAt, TICKET_TTL_MS);
    assert.equal(TICKET_TTL_MS, 180_000);
    assert.deepEqual(out.ok ? out.event : null, {
      name: 'sharing.AccessRequested',
      payload: { itemId: 'doc1', accessor: userIdFor(bob) },
    });

    const before = ledger.snapshot();
    const served = ok(await ledger.invoke<Served>(bob, sharing.ReadItem, { itemId: 'doc1', ticketId: res.ticketId }));
    assert.equal(ledger.snapshot(), before, 'a read writes nothing');
    assert.ok(Buffer.from(served.payload, 'base64').equals(PAYLOAD));
    assert.equal(served.wrappedKey, wrapped(9));
    assert.equal(served.grantId, grant.grantId);
    assert.equal(served.contentHash, PLAIN_HASH);
  });

  it("a denied access still commits its attempt and an audit record, and the owner's log shows it denied", async () => {
    const ledger = await setup();
    const before = new Map(ledger.world);
    const res = await requestAccess(ledger, carol);
    assert.deepEqual(res, { ok: false, code: 'FORBIDDEN' });
    const written = newKeys(before, ledger);
    assert.ok(written.some((k) => k.startsWith('access|doc1|')));
    const tickets = written.filter((k) => k.startsWith('ticket|'));
    assert.equal(tickets.length, 1);
    const [denied] = await accesses(ledger);
    assert.equal(denied?.outcome, 'denied');
    assert.equal(denied?.accessor, userIdFor(carol));
    assert.equal(denied?.code, 'FORBIDDEN');
    const audit = auditOf(ledger, 'Org1MSP').at(-1);
    assert.equal(audit?.action, 'sharing.RequestAccess');
    assert.equal(audit?.outcome, 'ok', 'the audit record holds no decision');
  });

  it('RequestAccess writes the same keys, values (but for the caller, time and txId), audit record and event whether access would be granted or refused, and answers only the ticket id: an endorsement that is never submitted tells nothing', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    const time = ledger.clock + 10_000;
    const sims = await Promise.all(
      // Same org, so the audit copies go to the same org keys.
      [bob, dave].map((who) =>
        ledger.simulate<{ ticketId: string }>(who, sharing.RequestAccess, { itemId: 'doc1' }, { time }),
      ),
    );
    const shape = (sim: (typeof sims)[number], who: TestIdentity) => {
      assert.ok(sim.outcome.ok);
      const anon = (text: string) =>
        text
          .split(userIdFor(who))
          .join('<caller>')
          .split(sim.outcome.ok ? sim.outcome.txId : '')
          .join('<tx>');
      return {
        answer: anon(JSON.stringify(sim.outcome.value)),
        event: anon(JSON.stringify(sim.outcome.event)),
        reads: [...sim.rwset.reads].map(anon).sort(),
        ranges: sim.rwset.ranges.map(([start, end]) => [anon(start), anon(end)]),
        writes: [...sim.rwset.writes].map(anon).sort(),
      };
    };
    const [granted, refused] = [
      shape(sims[0] as (typeof sims)[number], bob),
      shape(sims[1] as (typeof sims)[number], dave),
    ];
    assert.deepEqual(granted, refused);
    // The decision is recorded for the owner's log only in private data (the proposal response holds its
    // hash), blinded with the owner's wrapped key, which the requester cannot read.
    assert.ok(granted.writes.includes('ktalkItems/attempt|doc1|<tx>'), JSON.stringify(granted.writes));
    assert.ok(granted.reads.includes('ktalkItems/itemkey|doc1|owner'));
  });

  it('an expired grant is denied as EXPIRED and the denial is recorded', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + CLOCK_SKEW_MS + 1500 });
    ledger.clock += 5000;
    assert.deepEqual(await requestAccess(ledger, bob), { ok: false, code: 'EXPIRED' });
    assert.equal((await accesses(ledger)).at(-1)?.code, 'EXPIRED');
  });

  it('a grant stops counting 60 s before expiresAt: a request stamped expiresAt − 30 s (a grantee backdating past the expiry) or − 60 s is denied as EXPIRED with no ticket; one at − 60.001 s gets a ticket', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + HOUR });
    for (const before of [30_000, CLOCK_SKEW_MS]) {
      const out = await requestAccess(ledger, bob, 'doc1', { time: grant.expiresAt - before });
      assert.deepEqual(out, { ok: false, code: 'EXPIRED' });
      assert.equal((await accesses(ledger)).at(-1)?.code, 'EXPIRED');
    }
    const granted = await requestAccess(ledger, bob, 'doc1', { time: grant.expiresAt - CLOCK_SKEW_MS - 1 });
    assert.ok(granted.ok);
  });

  it('an access request for an unknown item is NOT_FOUND and audited', async () => {
    const ledger = await setup();
    const before = new Map(ledger.world);
    assert.deepEqual(await requestAccess(ledger, bob, 'ghost'), { ok: false, code: 'NOT_FOUND' });
    // No access row (it would sit under an id someone may register later): the audit record and the caller's ticket.
    const written = newKeys(before, ledger);
    assert.ok(written.some((k) => k.startsWith('audit|Org2MSP|')));
    assert.ok(written.every((k) => k.startsWith('audit|Org2MSP|') || k.startsWith(`ticket|ghost|${userIdFor(bob)}|`)));
    const probe = auditOf(ledger, 'Org2MSP').at(-1);
    assert.deepEqual([probe?.action, probe?.outcome, probe?.detail], ['sharing.RequestAccess', 'denied', 'NOT_FOUND']);
  });

  it('a ticket is served only to its holder', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    await grantUser(ledger, alice, dave);
    const ticket = await ticketFor(ledger, bob);
    await rejects(ledger, dave, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'FORBIDDEN');
  });

  it('a read without a committed ticket serves nothing', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    await rejects(ledger, bob, sharing.ReadItem, { itemId: 'doc1', ticketId: 'tx000001' }, 'FORBIDDEN');
    await rejects(ledger, bob, sharing.ReadItem, { itemId: 'ghost', ticketId: 'tx000001' }, 'NOT_FOUND');
  });

  it('a ticket serves only while now + 60 s < expiresAt and not before issuedAt − 60 s: a read stamped expiresAt − 30 s (a reader backdating past the window), − 60 s, or issuedAt − 60.001 s is refused as EXPIRED and writes nothing; − 60.001 s and issuedAt − 60 s are served', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + 10 * HOUR });
    const ticketId = await ticketFor(ledger, bob);
    const ticket = worldJson<TicketRecord>(ledger, `ticket|doc1|${userIdFor(bob)}|${ticketId}`);
    assert.ok(ticket);
    const req = { itemId: 'doc1', ticketId };
    for (const time of [
      ticket.expiresAt,
      ticket.expiresAt - 30_000,
      ticket.expiresAt - CLOCK_SKEW_MS,
      ticket.issuedAt - CLOCK_SKEW_MS - 1,
    ]) {
      await rejects(ledger, bob, sharing.ReadItem, req, 'EXPIRED', { time });
    }
    ok(await ledger.invoke(bob, sharing.ReadItem, req, { time: ticket.expiresAt - CLOCK_SKEW_MS - 1 }));
    ok(await ledger.invoke(bob, sharing.ReadItem, req, { time: ticket.issuedAt - CLOCK_SKEW_MS }));
    // An honest reader keeps at least 60 s even if the request was stamped 60 s early.
    assert.ok(ticket.expiresAt - CLOCK_SKEW_MS - (ticket.issuedAt + CLOCK_SKEW_MS) >= 60_000);
  });

  it('an expired grant serves nothing even from a ticket still in its window: a read stamped grant expiresAt − 60 s is refused as EXPIRED, − 60.001 s is served', async () => {
    const ledger = await setup();
    const grant = await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + CLOCK_SKEW_MS + 30_000 });
    const ticket = await ticketFor(ledger, bob);
    const req = { itemId: 'doc1', ticketId: ticket };
    await rejects(ledger, bob, sharing.ReadItem, req, 'EXPIRED', { time: grant.expiresAt });
    await rejects(ledger, bob, sharing.ReadItem, req, 'EXPIRED', { time: grant.expiresAt - CLOCK_SKEW_MS });
    ok(await ledger.invoke(bob, sharing.ReadItem, req, { time: grant.expiresAt - CLOCK_SKEW_MS - 1 }));
  });

  it('group members access through a group grant, and a removed member loses it', async () => {
    const ledger = await setup();
    addGroup(ledger, 'team', [
      [alice, 'owner'],
      [bob, 'member'],
      [dave, 'reader'],
    ]);
    const grant = ok(
      await ledger.invoke<GrantRecord>(alice, sharing.GrantAccess, {
        itemId: 'doc1',
        grantee: { kind: 'group', conversationId: 'team' },
        canReshare: false,
        expiresAt: ledger.clock + HOUR,
        wrappedKey: wrapped(7),
      }),
    );
    assert.equal(grant.epoch, 1);
    const ticket = await ticketFor(ledger, dave);
    const served = ok(await ledger.invoke<Served>(dave, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }));
    assert.equal(served.granteeKind, 'group');
    assert.equal(served.epoch, 1);
    assert.equal(served.wrappedKey, wrapped(7));
    assert.deepEqual(await requestAccess(ledger, carol), { ok: false, code: 'FORBIDDEN' });

    removeMember(ledger, 'team', dave);
    await rejects(ledger, dave, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'FORBIDDEN');
    assert.deepEqual(await requestAccess(ledger, dave), { ok: false, code: 'FORBIDDEN' });
  });

  it('a group member with a reshare grant may grant onward; leaving the group cuts the child off', async () => {
    const ledger = await setup();
    addGroup(ledger, 'team', [
      [alice, 'owner'],
      [bob, 'member'],
    ]);
    const parent = ok(
      await ledger.invoke<GrantRecord>(alice, sharing.GrantAccess, {
        itemId: 'doc1',
        grantee: { kind: 'group', conversationId: 'team' },
        canReshare: true,
        expiresAt: ledger.clock + HOUR,
        wrappedKey: wrapped(7),
      }),
    );
    const child = await grantUser(ledger, bob, carol, { expiresAt: parent.expiresAt });
    assert.equal(child.parentGrantId, parent.grantId);
    assert.ok((await requestAccess(ledger, carol)).ok);
    removeMember(ledger, 'team', bob);
    assert.deepEqual(await requestAccess(ledger, carol), { ok: false, code: 'FORBIDDEN' });
  });

  it('the owner reads through the same logged path', async () => {
    const ledger = await setup();
    const ticket = await ticketFor(ledger, alice);
    const served = ok(await ledger.invoke<Served>(alice, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }));
    assert.equal(served.grantId, 'owner');
    assert.equal(served.wrappedKey, wrapped(1));
    assert.deepEqual((await accesses(ledger)).at(-1)?.accessor, userIdFor(alice));
  });

  it('a disabled user can neither request access nor read', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob);
    const ticket = await ticketFor(ledger, bob);
    setUserStatus(ledger, bob, 'disabled');
    await rejects(ledger, bob, sharing.RequestAccess, { itemId: 'doc1' }, 'DISABLED');
    await rejects(ledger, bob, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'DISABLED');
  });

  it('malformed access requests are refused and write nothing', async () => {
    const ledger = await setup();
    await rejects(ledger, bob, sharing.RequestAccess, { itemId: 'doc1', userId: userIdFor(alice) }, 'BAD_INPUT');
    await rejects(ledger, bob, sharing.RequestAccess, 'not json', 'BAD_INPUT');
    await rejects(ledger, bob, sharing.ReadItem, { itemId: 'doc1' }, 'BAD_INPUT');
  });

  it('the longest-lived covering grant is the one used', async () => {
    const ledger = await setup();
    await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + 2 * CLOCK_SKEW_MS });
    const long = await grantUser(ledger, alice, bob, { expiresAt: ledger.clock + HOUR });
    const ticket = await ticketFor(ledger, bob);
    const served = ok(await ledger.invoke<Served>(bob, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }));
    assert.equal(served.grantId, long.grantId);
  });

  it('group grants follow membership managed by the real GroupsContract', async () => {
    const ledger = sendsKeysInTransient(new FakeLedger());
    let fill = 1;
    for (const who of [alice, bob, dave]) {
      const k = () => Buffer.alloc(32, fill++).toString('base64');
      ok(await ledger.invoke(who, directory.PublishKeys, { encryptionKey: k(), signingKey: k() }));
    }
    const keysFor = (...who: TestIdentity[]) => Object.fromEntries(who.map((w, i) => [userIdFor(w), wrapped(i + 1)]));
    ok(
      await ledger.invoke(alice, groups.CreateGroup, {
        groupId: 'real',
        policy: openPolicy,
        members: [
          { userId: userIdFor(bob), role: 'member' },
          { userId: userIdFor(dave), role: 'member' },
        ],
        wrappedKeys: keysFor(alice, bob, dave),
        eventTag: TAG,
      }),
    );
    ok(
      await ledger.invoke(
        alice,
        sharing.RegisterItem,
        { itemId: 'doc1', contentHash: PLAIN_HASH, size: 13, mimeType: 'text/plain', ownerWrappedKey: wrapped(1) },
        { transient: { payload: PAYLOAD } },
      ),
    );
    ok(
      await ledger.invoke(alice, sharing.GrantAccess, {
        itemId: 'doc1',
        grantee: { kind: 'group', conversationId: 'real' },
        canReshare: false,
        expiresAt: ledger.clock + HOUR,
        wrappedKey: wrapped(7),
      }),
    );
    const ticket = await ticketFor(ledger, dave);
    ok(
      await ledger.invoke(alice, groups.RemoveMember, {
        eventTag: TAG,
        conversationId: 'real',
        userId: userIdFor(dave),
        wrappedKeys: keysFor(alice, bob),
      }),
    );
    await rejects(ledger, dave, sharing.ReadItem, { itemId: 'doc1', ticketId: ticket }, 'FORBIDDEN');
    assert.deepEqual(await requestAccess(ledger, dave), { ok: false, code: 'FORBIDDEN' });
    assert.ok((await requestAccess(ledger, bob)).ok);
  });
});
