// Size limits, overridable per deployment through the chaincode process
// environment (the same value must be set on every peer's chaincode).
function limitFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const parsed = Number(raw);
  if (!Number.isSafeInteger(parsed) || parsed <= 0) {
    throw new Error(`${name} must be a positive integer, got "${raw}"`);
  }
  return parsed;
}

export const LIMITS = {
  envelopeBytes: limitFromEnv('KTALK_MAX_ENVELOPE_BYTES', 64 * 1024),
  itemPayloadBytes: limitFromEnv('KTALK_MAX_ITEM_BYTES', 8 * 1024 * 1024),
  argumentBytes: limitFromEnv('KTALK_MAX_ARGUMENT_BYTES', 256 * 1024),
  groupMembers: limitFromEnv('KTALK_MAX_GROUP_MEMBERS', 500),
  pageSize: limitFromEnv('KTALK_MAX_PAGE_SIZE', 200),
  mintPerTransaction: limitFromEnv('KTALK_MAX_MINT', 1_000_000_00),
  balance: limitFromEnv('KTALK_MAX_BALANCE', 1_000_000_000_00),
} as const;
