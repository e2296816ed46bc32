import { canonicalJson } from '@ktalk/protocol';

// Endorsers on different orgs must produce byte-identical write sets, so
// every JSON value written to the ledger is the protocol's canonical JSON.
export { canonicalJson };

export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}
