import { closeSync, openSync, readSync, statSync } from 'node:fs';
import Database from 'better-sqlite3-multiple-ciphers';
import { StoreError } from './errors';
import { APPLICATION_ID, migrate } from './migrations';
import { Store } from './store';

// Opening the encrypted store: SQLCipher page encryption (sqlite3mc's
// 'sqlcipher' scheme) with a raw 32-byte key, so no KDF runs on open (the key
// is random; the KDF cost is paid once, by the key protector). A key that
// does not open the file, or a file that is no KTalk store, is a typed error
// and the handle is closed: callers never get a half-open database.

export const STORE_KEY_BYTES = 32;
const PLAINTEXT_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface OpenStoreOptions {
  readonly file: string;
  /** The random 32-byte database key (see key-file.ts for how it is kept). */
  readonly key: Uint8Array;
  /** Clock for updatedAt and similar stamps (tests). */
  readonly now?: () => number;
}

/** Size and first bytes, or null when the file does not exist. */
function peek(file: string): { size: number; head: Buffer } | null {
  let size: number;
  try {
    const info = statSync(file);
    if (!info.isFile()) throw new StoreError('BAD_INPUT', `${file} is not a regular file`);
    size = info.size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const head = Buffer.alloc(Math.min(size, PLAINTEXT_HEADER.length));
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return { size, head };
}

/** What a file says about itself before any key is tried. */
function checkFile(file: string): void {
  const seen = peek(file);
  if (!seen || seen.size === 0) return;
  if (seen.head.equals(PLAINTEXT_HEADER)) {
    throw new StoreError('CORRUPT', `${file} is an unencrypted SQLite database, not a KTalk store`);
  }
  // SQLite pages are powers of two from 512 bytes, and the file is whole pages.
  if (seen.size % 512 !== 0) throw new StoreError('CORRUPT', `${file} is not a database (size ${seen.size})`);
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function openStore(options: OpenStoreOptions): Store {
  const { file, key } = options;
  if (typeof file !== 'string' || file.length === 0) throw new StoreError('BAD_INPUT', 'file must be a path');
  if (!(key instanceof Uint8Array) || key.length !== STORE_KEY_BYTES) {
    throw new StoreError('BAD_INPUT', `the store key must be ${STORE_KEY_BYTES} bytes`);
  }
  checkFile(file);
  const db = new Database(file);
  try {
    db.pragma(`cipher = 'sqlcipher'`);
    db.pragma(`key = "x'${Buffer.from(key).toString('hex')}'"`);
    let tables: number;
    try {
      // The first read decrypts page 1: a wrong key fails here, before anything is written.
      tables = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
    } catch (error) {
      const code = sqliteCode(error);
      if (code === 'SQLITE_NOTADB') throw new StoreError('WRONG_KEY', `the key does not open ${file}`);
      if (code.startsWith('SQLITE_CORRUPT')) throw new StoreError('CORRUPT', `${file} is damaged`);
      throw error;
    }
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    if (tables > 0 && applicationId !== APPLICATION_ID) {
      throw new StoreError('CORRUPT', `${file} is an encrypted database of another application`);
    }
    db.pragma('journal_mode = WAL');
    // FULL: a committed enqueue survives power loss too, not only a killed process.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Freed pages are zeroed: an erased message leaves no bytes behind in the file.
    db.pragma('secure_delete = ON');
    db.pragma('busy_timeout = 5000');
    if (tables === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db);
    return new Store(db, options.now ?? Date.now);
  } catch (error) {
    db.close();
    if (error instanceof StoreError) throw error;
    const code = sqliteCode(error);
    if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
      throw new StoreError('CORRUPT', `${file} is damaged (${code})`);
    }
    throw error;
  }
}
