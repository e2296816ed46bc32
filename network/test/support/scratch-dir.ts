import { rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Unit tests make many small temp dirs; each test file runs in its own
// process, so removing them when that process exits cleans up after every
// test of the file, passed or failed, without each test tracking its own.
const made = new Set<string>();

process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory under the system temp dir, removed when this test process exits. */
export async function scratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
