import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

// What the renderer's first screen downloads before it can run: the entry
// script and every module index.html preloads with it. Chunks a page loads on
// first use are listed apart, so the report shows what moved out of the way.

export interface ChunkSize {
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface FirstLoadReport {
  readonly firstLoad: readonly ChunkSize[];
  readonly onDemand: readonly ChunkSize[];
  readonly firstLoadGzipBytes: number;
}

/** Budget from issue 15: the first screen's JavaScript under 200 kB gzip. */
export const FIRST_LOAD_BUDGET_GZIP_BYTES = 200 * 1024;

function sizeOf(dir: string, file: string): ChunkSize {
  const bytes = readFileSync(path.join(dir, file));
  return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
}

/** Reads a built renderer (its index.html and assets/) and sizes its JavaScript. */
export function firstLoadReport(distDir: string): FirstLoadReport {
  const html = readFileSync(path.join(distDir, 'index.html'), 'utf8');
  const referenced = new Set<string>();
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="\.\/([^"]+\.js)"/g)) {
    if (match[1]) referenced.add(match[1]);
  }
  const assets = readdirJs(distDir);
  const firstLoad = [...referenced].map((file) => sizeOf(distDir, file));
  const onDemand = assets.filter((file) => !referenced.has(file)).map((file) => sizeOf(distDir, file));
  return { firstLoad, onDemand, firstLoadGzipBytes: firstLoad.reduce((sum, c) => sum + c.gzipBytes, 0) };
}

function readdirJs(distDir: string): string[] {
  return readdirSync(path.join(distDir, 'assets'))
    .filter((name) => name.endsWith('.js'))
    .map((name) => `assets/${name}`);
}
