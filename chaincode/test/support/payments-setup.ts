import { type BalanceRecord, type EscrowRecord, balanceKey } from '../../src/domain/payments';
import { toBytes } from '../../src/lib/canonical-json';
import type { FakeLedger, TestIdentity } from './fake-ledger';
import { userIdFor } from './fake-ledger';
import { worldJson, worldKeys } from './sharing-setup';

// Ledger inspection helpers for the payments tests.

/** An org admin without the treasury attribute. */
export const org1PlainAdmin: TestIdentity = {
  mspId: 'Org1MSP',
  enrollmentId: 'org1plain',
  attrs: { 'ktalk.role': 'admin' },
};

export function setBalance(ledger: FakeLedger, who: TestIdentity, balance: number): void {
  const userId = userIdFor(who);
  ledger.world.set(balanceKey(userId), toBytes({ userId, balance }));
}

export function balanceOf(ledger: FakeLedger, who: TestIdentity): number {
  return worldJson<BalanceRecord>(ledger, balanceKey(userIdFor(who)))?.balance ?? 0;
}

export function allBalances(ledger: FakeLedger): number[] {
  return worldKeys(ledger, 'balance|').map((k) => worldJson<BalanceRecord>(ledger, k)?.balance ?? 0);
}

export function escrows(ledger: FakeLedger): EscrowRecord[] {
  return worldKeys(ledger, 'escrow|').map((k) => worldJson<EscrowRecord>(ledger, k) as EscrowRecord);
}

/** Every unit that exists: spendable balances plus funds held in open escrows. */
export function moneySupply(ledger: FakeLedger): number {
  const held = escrows(ledger)
    .filter((e) => e.state === 'open')
    .reduce((sum, e) => sum + e.amount, 0);
  return allBalances(ledger).reduce((sum, b) => sum + b, 0) + held;
}

/** Deterministic xorshift32 PRNG so a failing random run can be replayed from its seed. */
export function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
