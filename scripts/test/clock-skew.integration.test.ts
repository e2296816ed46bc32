import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { gatewayErrorText } from '../lib/ktalk-session';
import {
  type AuditRow,
  type ReadBack,
  type User,
  sleepUntil,
  uid,
  useLiveLedger,
  valueOf,
} from './support/transactions-fixture';
import {
  accesses,
  balance,
  escrow,
  getUser,
  grantTransient,
  itemTransient,
  keys,
  plainItem,
  signedRotation,
  signingKeyPair,
} from './support/read-backs';

// Clients stamp their own proposals; the peers accept stamps within 60 s of
// their clocks (peer.authentication.timewindow) and the chaincode keeps a
// 60 s guard band on every time rule (CLOCK_SKEW_MS). Here clients whose
// clocks are off by 50 s (inside the window) try to bend the rules on the
// live network, and each attempt is refused with state read back unchanged
// by another user. A skewed client is played by stamping its proposals with
// the real clock + an offset (support/clock-offset.ts says how).
//
// Escrow deadlines must be more than 2 x 60 s away, so the escrow is
// created first and the other checks run while its deadline approaches;
// the legitimate refund then comes from a client 50 s ahead, which may
// refund as soon as the true time passes the deadline (an accurate clock
// waits the full 60 s guard band; the transactions suite shows that case).

const SKEW = 60_000;
/** Inside the peers' window, outside the chaincode's old zero-width rules. */
const OFF = 50_000;

interface Escrow {
  escrowId: string;
  deadline: number;
  state: string;
  settledAt?: number;
  settledBy?: string;
}
interface Ticket {
  ok: boolean;
  ticketId: string;
  code?: string;
}
interface UserRecord {
  encryptionKey: string;
  keysSince: number;
}

const keysAt = (as: User, userId: string, at: number): ReadBack => ({
  as,
  contract: 'directory',
  tx: 'GetKeysAt',
  request: { userId, at },
});

describe('Clock skew on the live network: time rules hold for clients 50 s off', { timeout: 10 * 60_000 }, () => {
  /** Deadline passes while the other checks run; claimed late, refunded early, then refunded. */
  let lapsing: Escrow;
  /** Claimed legitimately by a client whose clock is behind. */
  let claimable: Escrow;
  /** Bob's grant on alice's item, expiring about a minute in. */
  let grantExpiresAt: number;
  let bobTicket: string;
  const payload = randomBytes(64);

  const live = useLiveLedger('clock-skew', async (ledger) => {
    // Carol publishes her first keys in the key test, so her history starts there.
    for (const user of ['alice', 'bob', 'dave'] as const) {
      await ledger.submit(user, 'directory', 'PublishKeys', keys());
    }
    await ledger.submit('org1admin', 'payments', 'Mint', { toUserId: uid('alice'), amount: 1_000 });
  });

  it('payments.CreateEscrow: a deadline 100 s ahead leaves no safe claim window and is refused (BAD_INPUT, balance unchanged as read by bob); 2 x 60 s + 3 s is accepted', async () => {
    const create = (amount: number, deadline: number) => ({
      as: 'alice' as const,
      contract: 'payments',
      tx: 'CreateEscrow',
      request: { toUserId: uid('bob'), amount, deadline },
    });
    await live().refused(
      create(10, Date.now() + 100_000),
      'BAD_INPUT',
      balance('bob'),
      escrow('bob', 'no-such-escrow'),
    );
    lapsing = await live().call<Escrow>(create(100, Date.now() + 2 * SKEW + 3_000));
    claimable = await live().call<Escrow>(create(50, Date.now() + 2 * SKEW + 3_000));
    assert.equal(lapsing.state, 'open');
    assert.equal((await live().evaluate<{ balance: number }>('alice', 'payments', 'GetBalance', {})).balance, 850);
  });

  it('sharing: alice grants bob her item for the shortest time allowed (60 s + 5 s) and he reads it with a committed ticket', async () => {
    await live().submit('alice', 'sharing', 'RegisterItem', plainItem('doc'), itemTransient(payload));
    const grant = await live().submit<{ expiresAt: number }>(
      'alice',
      'sharing',
      'GrantAccess',
      {
        itemId: 'doc',
        grantee: { kind: 'user', userId: uid('bob') },
        canReshare: false,
        expiresAt: Date.now() + SKEW + 5_000,
      },
      grantTransient(),
    );
    grantExpiresAt = grant.expiresAt;
    const { ticketId } = await live().submit<{ ticketId: string }>('bob', 'sharing', 'RequestAccess', {
      itemId: 'doc',
    });
    bobTicket = ticketId;
    const served = await live().evaluate<{ payload: string }>('bob', 'sharing', 'ReadItem', {
      itemId: 'doc',
      ticketId,
    });
    assert.equal(served.payload, payload.toString('base64'));
  });

  it('the peers themselves refuse a proposal stamped 90 s ahead or behind, before any chaincode runs; the escrow unchanged (read by alice)', async () => {
    for (const offset of [90_000, -90_000]) {
      const readBacks = [escrow('alice', claimable.escrowId), balance('alice')];
      const before = await Promise.all(readBacks.map((r) => live().read(r)));
      await assert.rejects(
        live().submit('bob', 'payments', 'ClaimEscrow', { escrowId: claimable.escrowId }, undefined, offset),
        (error: unknown) => {
          // Fabric's TimeWindowCheck auth filter on the endorsing peer.
          assert.match(gatewayErrorText(error), /incorrect timestamp.*peer\.authentication\.timewindow 1m0s/);
          return true;
        },
      );
      assert.deepEqual(await Promise.all(readBacks.map((r) => live().read(r))), before, `offset ${offset} ms`);
    }
    assert.equal(valueOf<Escrow>(await live().read(escrow('alice', claimable.escrowId))).state, 'open');
  });

  it('payments.ClaimEscrow: bob, his clock 50 s behind, claims before the deadline and it works; the stamp really is 50 s back, and a compliance query over the true time window still returns its audit record, marked edge', async () => {
    const from = Date.now();
    const settled = await live().submit<Escrow>(
      'bob',
      'payments',
      'ClaimEscrow',
      { escrowId: claimable.escrowId },
      undefined,
      -OFF,
    );
    const to = Date.now();
    assert.equal(settled.state, 'claimed');
    const settledAt = settled.settledAt ?? 0;
    assert.ok(settledAt >= from - OFF && settledAt <= to - OFF, `stamped ${settledAt - from} ms from real time`);
    assert.equal(valueOf<Escrow>(await live().read(escrow('alice', claimable.escrowId))).state, 'claimed');

    const page = await live().evaluate<{ records: Array<AuditRow & { edge?: true }> }>(
      'auditor2',
      'audit',
      'QueryAudit',
      {
        from,
        to,
        action: 'payments.ClaimEscrow',
        pageSize: 200,
      },
    );
    assert.deepEqual(
      page.records.map((r) => [r.target, r.time, r.edge]),
      [[`escrow:${claimable.escrowId}`, settledAt, true]],
    );
  });

  it('directory.PublishKeys: carol, her clock 50 s behind, tries to rotate to a key valid from before her current one (CONFLICT); her record and key history unchanged (read by dave); an honest rotation then works', async () => {
    const signer = signingKeyPair();
    const current = await live().submit<UserRecord>('carol', 'directory', 'PublishKeys', {
      ...keys(),
      signingKey: signer.publicKey,
    });
    // Signed by her current key (key continuity), so only the time rule can refuse it.
    const rotation = () => signedRotation(uid('carol'), current.keysSince, signer, keys());
    const readBacks = [
      getUser('dave', uid('carol')),
      keysAt('dave', uid('carol'), current.keysSince),
      keysAt('bob', uid('carol'), current.keysSince - 30_000),
    ];
    const [, atCurrent, earlier] = await live().refused(
      {
        as: 'carol',
        contract: 'directory',
        tx: 'PublishKeys',
        request: rotation(),
        clockOffsetMs: -OFF,
      },
      'CONFLICT',
      ...readBacks,
    );
    assert.equal(valueOf<UserRecord>(atCurrent).encryptionKey, current.encryptionKey);
    // Nothing got inserted into the past: she still had no keys 30 s before her current ones.
    assert.deepEqual(earlier, { ok: false, code: 'NOT_FOUND' });

    const rotated = await live().submit<UserRecord>('carol', 'directory', 'PublishKeys', rotation());
    assert.ok(rotated.keysSince > current.keysSince);
  });

  it('sharing: 2 s after his grant expired, bob with his clock 50 s behind can neither read with his still-fresh ticket (EXPIRED; access log unchanged, read by alice) nor get a new ticket (denied EXPIRED, recorded)', async () => {
    await sleepUntil(grantExpiresAt + 2_000);
    await live().refused(
      {
        as: 'bob',
        contract: 'sharing',
        tx: 'ReadItem',
        request: { itemId: 'doc', ticketId: bobTicket },
        evaluate: true,
        clockOffsetMs: -OFF,
      },
      'EXPIRED',
      accesses('alice', 'doc'),
    );
    const { ticketId } = await live().submit<{ ticketId: string }>(
      'bob',
      'sharing',
      'RequestAccess',
      { itemId: 'doc' },
      undefined,
      -OFF,
    );
    const decision = await live().evaluate<Ticket>('bob', 'sharing', 'GetTicket', { itemId: 'doc', ticketId });
    assert.deepEqual([decision.ok, decision.code], [false, 'EXPIRED']);
  });

  it('payments.RefundEscrow: carol, her clock 50 s ahead, tries to refund alice’s escrow 40 s before its deadline (FORBIDDEN; her stamp is past the deadline); escrow and balances unchanged (read by alice and bob)', async () => {
    await sleepUntil(lapsing.deadline - 40_000);
    const [seen] = await live().refused(
      {
        as: 'carol',
        contract: 'payments',
        tx: 'RefundEscrow',
        request: { escrowId: lapsing.escrowId },
        clockOffsetMs: OFF,
      },
      'FORBIDDEN',
      escrow('alice', lapsing.escrowId),
      escrow('bob', lapsing.escrowId),
      balance('alice'),
    );
    assert.equal(valueOf<Escrow>(seen).state, 'open');
  });

  it('payments.ClaimEscrow: bob, his clock 50 s behind, tries to claim 2 s after the deadline (EXPIRED; his stamp is before it), and an honest refund right after the deadline is still inside the guard band (FORBIDDEN); escrow and balances unchanged (read by alice and carol)', async () => {
    await sleepUntil(lapsing.deadline + 2_000);
    await live().refused(
      {
        as: 'bob',
        contract: 'payments',
        tx: 'ClaimEscrow',
        request: { escrowId: lapsing.escrowId },
        clockOffsetMs: -OFF,
      },
      'EXPIRED',
      escrow('alice', lapsing.escrowId),
      balance('alice'),
    );
    await live().refused(
      { as: 'carol', contract: 'payments', tx: 'RefundEscrow', request: { escrowId: lapsing.escrowId } },
      'FORBIDDEN',
      escrow('alice', lapsing.escrowId),
      balance('alice'),
    );
    assert.equal((await live().evaluate<{ balance: number }>('bob', 'payments', 'GetBalance', {})).balance, 50);
  });

  it('payments.RefundEscrow: once the deadline has truly passed, carol (clock 50 s ahead) refunds alice; the funds are back (read by alice and bob)', async () => {
    // Stamped deadline + 60 s: the earliest true time this can be accepted is the deadline itself.
    await sleepUntil(lapsing.deadline + SKEW - OFF + 2_000);
    const before = Date.now();
    const settled = await live().submit<Escrow>(
      'carol',
      'payments',
      'RefundEscrow',
      { escrowId: lapsing.escrowId },
      undefined,
      OFF,
    );
    assert.equal(settled.state, 'refunded');
    assert.ok((settled.settledAt ?? 0) - OFF >= before && before > lapsing.deadline, 'refunded after the deadline');
    for (const party of ['alice', 'bob'] as const) {
      const seen = valueOf<Escrow>(await live().read(escrow(party, lapsing.escrowId)));
      assert.deepEqual([seen.state, seen.settledBy], ['refunded', uid('carol')]);
    }
    assert.equal((await live().evaluate<{ balance: number }>('alice', 'payments', 'GetBalance', {})).balance, 950);
  });
});
