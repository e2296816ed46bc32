import { describe, expect, it } from 'vitest';
import { creditsInputValue, formatCredits, parseCredits } from '../src/features/payments/money';
import { allowedEscrowActions, CLOCK_SKEW_MS } from '../src/features/payments/escrow-rules';
import type { EscrowInfo } from '../../electron/src/common/api';

describe('credits are integer minor units', () => {
  it('parses whole and decimal credits into minor units', () => {
    expect(parseCredits('12')).toEqual({ ok: true, minor: 1200 });
    expect(parseCredits('12.5')).toEqual({ ok: true, minor: 1250 });
    expect(parseCredits('12.05')).toEqual({ ok: true, minor: 1205 });
    expect(parseCredits('0.01')).toEqual({ ok: true, minor: 1 });
    expect(parseCredits('.5')).toEqual({ ok: true, minor: 50 });
    expect(parseCredits(' 1,234.56 ')).toEqual({ ok: true, minor: 123456 });
  });

  it('reads full-width digits typed with a Chinese input method', () => {
    expect(parseCredits('１２．３４')).toEqual({ ok: true, minor: 1234 });
  });

  it('never rounds: a third decimal is refused, not dropped', () => {
    expect(parseCredits('1.005')).toEqual({ ok: false, error: 'tooManyDecimals' });
  });

  it('refuses empty, zero, negative, malformed and oversized amounts', () => {
    expect(parseCredits('')).toEqual({ ok: false, error: 'empty' });
    expect(parseCredits('0.00')).toEqual({ ok: false, error: 'notPositive' });
    expect(parseCredits('-3')).toEqual({ ok: false, error: 'notPositive' });
    expect(parseCredits('1e3')).toEqual({ ok: false, error: 'invalid' });
    expect(parseCredits('12,34')).toEqual({ ok: false, error: 'invalid' });
    expect(parseCredits('.')).toEqual({ ok: false, error: 'invalid' });
    expect(parseCredits('99999999999999999')).toEqual({ ok: false, error: 'tooLarge' });
  });

  it('formats minor units with two decimals and grouping, exactly for large values', () => {
    expect(formatCredits(123456)).toBe('1,234.56');
    expect(formatCredits(5)).toBe('0.05');
    expect(formatCredits(-250)).toBe('-2.50');
    expect(formatCredits(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91');
    expect(formatCredits(100, 'zh-CN')).toBe('1.00');
  });

  it('round-trips through the input value', () => {
    for (const minor of [1, 99, 100, 123456, Number.MAX_SAFE_INTEGER]) {
      expect(parseCredits(creditsInputValue(minor))).toEqual({ ok: true, minor });
    }
  });
});

describe('escrow actions offered', () => {
  const now = 1_800_000_000_000;
  const escrow: EscrowInfo = {
    escrowId: 'e1',
    from: 'Org1MSP::alice',
    to: 'Org2MSP::bob',
    amount: 500,
    deadline: now + 3600_000,
    state: 'open',
  };

  it('the sender may release and the recipient may claim before the deadline', () => {
    expect(allowedEscrowActions(escrow, 'Org1MSP::alice', now)).toEqual(['release']);
    expect(allowedEscrowActions(escrow, 'Org2MSP::bob', now)).toEqual(['claim']);
    expect(allowedEscrowActions(escrow, 'Org1MSP::carol', now)).toEqual([]);
  });

  it('claims close a clock skew before the deadline, when the sender may refund; the recipient may refund a skew after', () => {
    const late = escrow.deadline - CLOCK_SKEW_MS;
    expect(allowedEscrowActions(escrow, 'Org2MSP::bob', late)).toEqual([]);
    expect(allowedEscrowActions(escrow, 'Org2MSP::bob', late - 1)).toEqual(['claim']);
    expect(allowedEscrowActions(escrow, 'Org1MSP::alice', late)).toEqual(['release', 'refund']);
    expect(allowedEscrowActions(escrow, 'Org1MSP::alice', late - 1)).toEqual(['release']);
    const after = escrow.deadline + CLOCK_SKEW_MS;
    expect(allowedEscrowActions(escrow, 'Org2MSP::bob', after)).toEqual(['refund']);
    expect(allowedEscrowActions(escrow, 'Org1MSP::alice', after)).toEqual(['release', 'refund']);
  });

  it('a settled escrow offers nothing', () => {
    expect(allowedEscrowActions({ ...escrow, state: 'released' }, 'Org1MSP::alice', now)).toEqual([]);
  });
});
