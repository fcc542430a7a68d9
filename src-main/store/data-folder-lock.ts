import { chmodSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

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
  const db = new Database(file, { timeout: 0 });
  try {
    if (process.platform !== 'win32') chmodSync(file, 0o600);
    if (!tryBegin(db)) throw new DataFolderLocked(folder, holderPid(db));
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL)');
    db.exec('DELETE FROM holder');
    db.prepare('INSERT INTO holder (pid, host, since) VALUES (?, ?, ?)').run(process.pid, hostname(), Date.now());
    db.exec('COMMIT');
    // The pid is readable now; take the lock again and keep it. Another
    // starter slipping in between wins, and this one stops.
    if (!tryBegin(db)) throw new DataFolderLocked(folder, holderPid(db));
  } catch (err) {
    db.close();
    throw err;
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
    return typeof pid === 'number' ? pid : null;
  } catch {
    // the holder is between its first commit and its lock, or wrote nothing yet
    return null;
  }
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}
