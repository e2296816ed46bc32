// The protocol's bounds. The request schemas enforce these values; a
// deployment may lower the chaincode's own checks through its environment
// (chaincode/src/lib/limits.ts) but never widen what the schemas accept.

export const DEFAULT_LIMITS = {
  /** A message's ciphertext (transient `ciphertext`). */
  envelopeBytes: 64 * 1024,
  /** A shared item's payload (transient `payload`). */
  itemPayloadBytes: 8 * 1024 * 1024,
  /** The JSON request argument. */
  argumentBytes: 256 * 1024,
  groupMembers: 500,
  pageSize: 200,
  /** Credits per mint, in minor units. */
  mintPerTransaction: 1_000_000_00,
  /** Balance cap, in minor units. */
  balance: 1_000_000_000_00,
} as const;
export type Limits = { readonly [K in keyof typeof DEFAULT_LIMITS]: number };

/** Ten years: long enough for any retention rule, small enough to stay exact. */
export const MAX_RETENTION_SECONDS = 10 * 366 * 24 * 3600;

/** Escrows settle within a year; longer locks are almost certainly mistakes. */
export const MAX_ESCROW_MS = 366 * 24 * 3600 * 1000;

/**
 * How far a proposal's timestamp (set by the client) may differ from the
 * peers' clocks: the peers' peer.authentication.timewindow. Every time rule
 * keeps this guard band in the direction that favours the rule, not the caller.
 */
export const CLOCK_SKEW_MS = 60_000;

/** A payment's, request's or escrow's memo. */
export const MAX_MEMO_CHARS = 280;

/** Attachments on one message. */
export const MAX_ATTACHMENTS = 16;

/** X25519 sealed box of a 32-byte group key: 32 (ephemeral pk) + 32 + 16 (MAC). */
export const WRAPPED_KEY_BYTES = 80;

/** An event tag: HMAC-SHA256 output the client computes (chaincode/README.md, "Events"). */
export const EVENT_TAG_BYTES = 32;
