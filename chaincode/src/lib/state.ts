import type { Context } from 'fabric-contract-api';
import type { z } from 'zod';
import { toBytes } from './canonical-json';
import { notFound } from './errors';

// Plain keys joined with '|' (ids cannot contain it) so range scans work;
// the first segment names the record type.
export function key(...parts: string[]): string {
  return parts.join('|');
}

/** Upper bound for a prefix scan over keys built with `key()`. */
export function prefixEnd(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

export const COLLECTIONS = {
  /** Message ciphertext; purgeable, so retention erases it for real. */
  messages: 'ktalkMessages',
  /** Shared item payloads and their wrapped data keys. */
  items: 'ktalkItems',
} as const;

export async function readJson<T>(ctx: Context, k: string, schema: z.ZodType<T>): Promise<T | null> {
  const bytes = await ctx.stub.getState(k);
  if (!bytes || bytes.length === 0) return null;
  return schema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

export async function mustReadJson<T>(ctx: Context, k: string, schema: z.ZodType<T>, what: string): Promise<T> {
  const value = await readJson(ctx, k, schema);
  if (value === null) throw notFound(`${what} not found`);
  return value;
}

export async function writeJson(ctx: Context, k: string, value: unknown): Promise<void> {
  await ctx.stub.putState(k, toBytes(value));
}

export async function readPrivateJson<T>(
  ctx: Context,
  collection: string,
  k: string,
  schema: z.ZodType<T>,
): Promise<T | null> {
  const bytes = await ctx.stub.getPrivateData(collection, k);
  if (!bytes || bytes.length === 0) return null;
  return schema.parse(JSON.parse(Buffer.from(bytes).toString('utf8')));
}

export async function writePrivateJson(ctx: Context, collection: string, k: string, value: unknown): Promise<void> {
  await ctx.stub.putPrivateData(collection, k, toBytes(value));
}

/** Reads every value under a key prefix (bounded by the caller's schema and limit). */
export async function scanPrefix<T>(
  ctx: Context,
  prefix: string,
  schema: z.ZodType<T>,
  limit = 10_000,
): Promise<Array<{ key: string; value: T }>> {
  const out: Array<{ key: string; value: T }> = [];
  const iterator = await ctx.stub.getStateByRange(prefix, prefixEnd(prefix));
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const kv = next.value;
      out.push({ key: kv.key, value: schema.parse(JSON.parse(Buffer.from(kv.value).toString('utf8'))) });
      if (out.length >= limit) break;
    }
  } finally {
    await iterator.close();
  }
  return out;
}
