import type { Context } from 'fabric-contract-api';
import type { QueryResponseMetadata } from 'fabric-shim-api';
import type { z } from 'zod';
import { toBytes } from './canonical-json';
import { badInput, notFound } from './errors';

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

export interface Page<T> {
  records: T[];
  /** Empty when there is nothing more. */
  bookmark: string;
}

/**
 * One page of a key range. A bookmark from a client is only accepted if it
 * lies inside the range: the peer resumes the scan at the bookmark, so a
 * forged one could otherwise start below the caller's own prefix.
 */
export async function readPage<T>(
  ctx: Context,
  start: string,
  end: string,
  pageSize: number,
  bookmark: string | undefined,
  schema: z.ZodType<T>,
): Promise<Page<{ key: string; value: T }>> {
  if (bookmark !== undefined && bookmark !== '' && (bookmark < start || bookmark >= end)) {
    throw badInput('bookmark does not belong to this query');
  }
  const { iterator, metadata } = await ctx.stub.getStateByRangeWithPagination(start, end, pageSize, bookmark ?? '');
  // For an empty page the peer sends empty metadata, which fabric-shim turns into no metadata at all.
  const nextBookmark = (metadata as QueryResponseMetadata | undefined)?.bookmark ?? '';
  const records: Array<{ key: string; value: T }> = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const kv = next.value;
      records.push({ key: kv.key, value: schema.parse(JSON.parse(Buffer.from(kv.value).toString('utf8'))) });
    }
  } finally {
    await iterator.close();
  }
  return { records, bookmark: nextBookmark };
}

/** Range covering every key under `prefix`. */
export const prefixRange = (prefix: string): { start: string; end: string } => ({
  start: prefix,
  end: prefixEnd(prefix),
});
