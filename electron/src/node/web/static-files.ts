import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

// Serves files from a few fixed directories (mounts). A URL path becomes a
// file only if every segment is a plain name, the extension is one we serve,
// and the file's real path (symlinks resolved) is still inside the mount.

export interface StaticMount {
  /** URL prefix, starting and ending with "/". */
  readonly prefix: string;
  /** Directory served under that prefix. */
  readonly dir: string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

export interface StaticFile {
  readonly file: string;
  readonly size: number;
  readonly contentType: string;
}

/** Splits a raw URL path into decoded plain segments, or null for anything suspicious. */
export function safeSegments(rawPath: string): string[] | null {
  if (!rawPath.startsWith('/')) return null;
  // Encoded separators and NUL never name a file we serve.
  if (/%(2f|5c|00)/i.test(rawPath) || rawPath.includes('\\')) return null;
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    // Empty ("//"), dot segments, and hidden files are refused outright.
    if (segment === '' || segment.startsWith('.') || /[\\/\0:]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** The file a URL path names, or null (not found and refused look the same to the client). */
export async function resolveStatic(mounts: readonly StaticMount[], rawPath: string): Promise<StaticFile | null> {
  const urlPath = rawPath === '/' ? '/index.html' : rawPath;
  const mount = mounts.filter((m) => urlPath.startsWith(m.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
  if (!mount) return null;
  const segments = safeSegments(`/${urlPath.slice(mount.prefix.length)}`);
  if (!segments || segments.length === 0) return null;
  if (!CONTENT_TYPES[path.extname(segments[segments.length - 1] ?? '').toLowerCase()]) return null;
  try {
    const root = await realpath(mount.dir);
    const real = await realpath(path.join(root, ...segments));
    if (!isInside(root, real)) return null;
    // The type comes from the real file: a link named .js may not serve a .ts.
    const contentType = CONTENT_TYPES[path.extname(real).toLowerCase()];
    const info = await stat(real);
    return contentType && info.isFile() ? { file: real, size: info.size, contentType } : null;
  } catch {
    return null;
  }
}

export function openStatic(file: StaticFile): NodeJS.ReadableStream {
  return createReadStream(file.file);
}
