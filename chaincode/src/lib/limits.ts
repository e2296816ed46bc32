import { DEFAULT_LIMITS, type Limits } from '@ktalk/protocol';

// The protocol's limits, overridable per deployment through the chaincode
// process environment (the same value must be set on every peer's
// chaincode). The request schemas keep the protocol's bounds, so an
// override only tightens what the contracts' own checks allow.
function limitFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number(raw);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return parsed;
}

export const LIMITS: Limits = {
  envelopeBytes: limitFromEnv('KTALK_MAX_ENVELOPE_BYTES', DEFAULT_LIMITS.envelopeBytes),
  itemPayloadBytes: limitFromEnv('KTALK_MAX_ITEM_BYTES', DEFAULT_LIMITS.itemPayloadBytes),
  argumentBytes: limitFromEnv('KTALK_MAX_ARGUMENT_BYTES', DEFAULT_LIMITS.argumentBytes),
  groupMembers: limitFromEnv('KTALK_MAX_GROUP_MEMBERS', DEFAULT_LIMITS.groupMembers),
  pageSize: limitFromEnv('KTALK_MAX_PAGE_SIZE', DEFAULT_LIMITS.pageSize),
  mintPerTransaction: limitFromEnv('KTALK_MAX_MINT', DEFAULT_LIMITS.mintPerTransaction),
  balance: limitFromEnv('KTALK_MAX_BALANCE', DEFAULT_LIMITS.balance),
};
