// Endorsers on different orgs must produce byte-identical write sets, so
// every JSON value written to the ledger is serialised with sorted keys.
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) sorted[key] = sortKeys(child);
    }
    return sorted;
  }
  return value;
}

export function toBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}
