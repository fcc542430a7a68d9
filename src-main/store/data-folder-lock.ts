import { chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreNotWritable } from './open-store.js';
import { asUnwritable } from './store-errors.js';

export const LOCK_FILE = 'tern.lock';

/** Another Tern holds the data folder: what the second one says before it exits. */
export class DataFolderLocked extends Error {
  constructor(
    readonly folder: string,
    /** the holder's pid as it wrote it, when it could be read */
    readonly pid: number | null,
  ) {
    super(`Tern is already running on ${folder}${pid === null ? '' : ` (pid ${pid})`}`);
    this.name = 'DataFolderLocked';
  }
}

export interface DataFolderLock {
  readonly file: string;
  /** lets the next Tern in; idempotent */
  release(): void;
}

/**
 * One Tern per data folder. Two writers on one tern.db corrupt each other's
 * journal sequence, so the second must not start.
 *
 * The lock is an open write transaction (SQLite's RESERVED lock) on a small
 * SQLite file beside tern.db, held for the life of the process: the OS drops
 * it when the process dies, kill -9 and power loss included, so there is no
 * stale lock to detect and no pid that may have been reused. Readers are not
 * blocked by it, which is how the second instance reads the holder's pid for
 * its message. SQLite gives the same semantics on Linux, macOS and Windows,
 * and between two openers in one process (tests).
 */
export function lockDataFolder(folder: string): DataFolderLock {
  const file = join(folder, LOCK_FILE);
  // timeout 0: a held lock answers SQLITE_BUSY at once instead of waiting
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    throw notWritable(err, file);
  }
  try {
    ownerOnly(file);
    if (!tryBegin(db)) throw new DataFolderLocked(folder, holderPid(db));
    if (writePid(db, folder)) {
      // The pid is readable now; take the lock again and keep it. Another
      // starter slipping in between wins, and this one stops.
      if (!tryBegin(db)) throw new DataFolderLocked(folder, holderPid(db));
    }
  } catch (err) {
    db.close();
    throw notWritable(err, file);
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      db.close();
    },
  };
}

/**
 * Writes this process's pid for a second instance to name; false (still
 * holding the lock) when it cannot be written: a full disk or a read-only
 * folder must not stop a start that the store itself may allow (read-only).
 */
function writePid(db: Database.Database, folder: string): boolean {
  try {
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, since) VALUES (?, ?, ?)').run(process.pid, hostname(), Date.now());
    db.exec('COMMIT');
    return true;
  } catch {
    if (db.inTransaction) db.exec('ROLLBACK');
    // the lock is what matters; the transaction was rolled back, so take it again
    if (!tryBegin(db)) throw new DataFolderLocked(folder, holderPid(db));
    return false;
  }
}

function ownerOnly(file: string): void {
  if (process.platform === 'win32') return;
  try {
    chmodSync(file, 0o600);
  } catch {
    // not ours to change (another user's folder): the lock works all the same
  }
}

function tryBegin(db: Database.Database): boolean {
  try {
    db.exec('BEGIN IMMEDIATE');
    return true;
  } catch (err) {
    if (isBusy(err)) return false;
    throw err;
  }
}

function holderPid(db: Database.Database): number | null {
  try {
    const pid = db.prepare('SELECT pid FROM holder').pluck().get();
    // a holder that could not write its pid leaves an older one behind: name only a live process
    return typeof pid === 'number' && alive(pid) ? pid : null;
  } catch {
    // the holder is between its first commit and its lock, or wrote nothing yet
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, it is just not ours to signal
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** a lock file that cannot be opened or locked (read-only folder, full disk) is said like the store's own trouble, with its path */
function notWritable(err: unknown, file: string): unknown {
  if (err instanceof DataFolderLocked) return err;
  const problem = asUnwritable(err, file);
  return problem ? new StoreNotWritable(problem) : err;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
