import { chmodSync, closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { StoreUnwritable } from '../engine/ports/store.js';
import { type OpenOptions, SqliteStore } from './sqlite-store.js';
import { asUnwritable } from './store-errors.js';

const SQLITE_HEADER = 'SQLite format 3\0';
const MAX_PROBLEMS = 5;
/**
 * verify() rebuilds every projection (about 50 µs a journal entry): at start
 * only up to this many entries (about a second); larger stores get
 * quick_check, which finds damaged pages at any size (bench: store-restart).
 */
export const VERIFY_AT_START_MAX_ENTRIES = 20_000;
/**
 * quick_check reads the whole file (about 1 s per 100 MB): before the start
 * up to this size; a larger file starts at once and is checked in a worker
 * thread (checkInBackground), which halts trading if it finds damage.
 */
export const QUICK_CHECK_AT_START_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The store file is damaged: Tern does not start on it (it would trade on
 * wrong positions, or fail later on the damaged pages) and writes nothing to
 * it. The message says which file, what is wrong and what to do.
 */
export class StoreDamaged extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `the store ${file} is damaged: ${problems.join('; ')}. Tern did not start and wrote nothing to it. ` +
        `To repair it, run \`npm run serve -- --repair\`: it keeps the damaged file as ${file}.damaged-<time> (never overwriting a copy) ` +
        `and rebuilds the store from what its journal still holds. Or put a backup copy of tern.db in ${dirname(file)}.`,
    );
    this.name = 'StoreDamaged';
  }
}

/** The store cannot be opened for writing where it must be (a migration on a full disk or a read-only file). */
export class StoreNotWritable extends Error {
  constructor(readonly problem: StoreUnwritable) {
    super(`the store ${problem.path} cannot be opened: ${problem.reason}`);
    this.name = 'StoreNotWritable';
  }
}

export interface CheckedOpenOptions extends OpenOptions {
  /** compare the projections with the journal (verify()) at open; default: when the journal has at most VERIFY_AT_START_MAX_ENTRIES */
  verify?: boolean;
  /** files larger than this are quick_checked by checkInBackground instead of before the open (default QUICK_CHECK_AT_START_MAX_BYTES) */
  quickCheckMaxBytes?: number;
}

/**
 * Opens the store after checking it: an existing file must be a non-empty
 * SQLite database (an empty one is damage, never a fresh install), pass
 * SQLite's quick_check, and its projections must match its journal. A file
 * that does not exist yet is a fresh install.
 */
export function openCheckedStore(file: string, opts: CheckedOpenOptions = {}): SqliteStore {
  if (existsSync(file)) {
    checkHeader(file);
    if (!needsBackgroundCheck(file, opts)) quickCheck(file);
  }
  let store: SqliteStore;
  try {
    store = SqliteStore.open(file, opts);
  } catch (err) {
    if (isDamage(err)) throw new StoreDamaged(file, [describe(err)]);
    const problem = asUnwritable(err, file, opts.freeBytes);
    if (problem) throw new StoreNotWritable(problem);
    throw err;
  }
  if (process.platform !== 'win32') tightenStoreFiles(file);
  if (opts.verify === false || (opts.verify === undefined && store.journalSeq > VERIFY_AT_START_MAX_ENTRIES)) return store;
  let problems: string[];
  try {
    const result = store.verify();
    problems = result.mismatches.slice(0, MAX_PROBLEMS).map((m) => `the projections differ from the journal (${m})`);
    if (result.mismatches.length > MAX_PROBLEMS) problems.push(`and ${result.mismatches.length - MAX_PROBLEMS} more differences`);
  } catch (err) {
    problems = [`its journal cannot be read back (${describe(err)})`];
  }
  if (problems.length > 0) {
    store.close();
    throw new StoreDamaged(file, problems);
  }
  return store;
}

/** the file, its WAL and SHM: the owner's only (SQLite gives the WAL and SHM the file's mode) */
function tightenStoreFiles(file: string): void {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    try {
      const mode = statSync(f).mode & 0o777;
      if ((mode & 0o077) !== 0) chmodSync(f, mode & 0o700);
    } catch {
      // not there (yet), or not ours
    }
  }
}

/** whether openCheckedStore left quick_check to checkInBackground (the file is large) */
export function needsBackgroundCheck(file: string, opts: Pick<CheckedOpenOptions, 'quickCheckMaxBytes'> = {}): boolean {
  try {
    return statSync(file).size > (opts.quickCheckMaxBytes ?? QUICK_CHECK_AT_START_MAX_BYTES);
  } catch {
    return false;
  }
}

const CHECK_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.file, { readonly: true, fileMustExist: true });
  const rows = db.pragma('quick_check(' + workerData.max + ')').map((r) => r.quick_check);
  parentPort.postMessage({ rows });
} catch (err) {
  parentPort.postMessage({ error: String(err && err.message || err), code: err && err.code });
} finally {
  try { db && db.close(); } catch {}
}
`;

export interface BackgroundCheck {
  /** the problems found (empty: none), once the check is done */
  readonly done: Promise<string[]>;
  stop(): void;
}

/**
 * quick_check of a large store in a worker thread (its own read-only
 * connection, a snapshot of the file), so the start does not wait for it.
 */
export function checkInBackground(file: string): BackgroundCheck {
  const worker = new Worker(CHECK_WORKER, { eval: true, workerData: { file, max: MAX_PROBLEMS, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
  const done = new Promise<string[]>((resolve) => {
    worker.once('message', (m: { rows?: string[]; error?: string; code?: string }) => {
      if (m.rows) resolve(m.rows.length === 1 && m.rows[0] === 'ok' ? [] : m.rows.filter((r) => !r.startsWith('***')).map((r) => `quick_check: ${r.trim()}`));
      else resolve(isDamage({ code: m.code }) ? [`${m.error} (${m.code})`] : []);
    });
    worker.once('error', () => resolve([]));
    worker.once('exit', () => resolve([]));
  });
  worker.unref();
  return { done, stop: () => void worker.terminate() };
}

function checkHeader(file: string): void {
  const size = statSync(file).size;
  if (size === 0) throw new StoreDamaged(file, ['it is empty (0 bytes), and a Tern store is never empty: it is not taken for a fresh install']);
  const head = Buffer.alloc(16);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) throw new StoreDamaged(file, ['it is not an SQLite database (it does not start with "SQLite format 3")']);
}

/** SQLite's structural check of every page (b-trees, free list); no index comparisons, so it stays quick */
function quickCheck(file: string): void {
  let db: Database.Database | undefined;
  let rows: string[];
  try {
    db = new Database(file, { fileMustExist: true });
    rows = (db.pragma(`quick_check(${MAX_PROBLEMS})`) as Array<{ quick_check: string }>).map((r) => r.quick_check);
  } catch (err) {
    if (isDamage(err)) throw new StoreDamaged(file, [describe(err)]);
    // not damage (read-only, locked, ...): opening the store says it
    return;
  } finally {
    db?.close();
  }
  if (rows.length === 1 && rows[0] === 'ok') return;
  // the first row only names the schema ("*** in database main ***")
  throw new StoreDamaged(file, rows.filter((r) => !r.startsWith('***')).map((r) => `quick_check: ${r.trim()}`));
}

export function isDamage(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? '');
  return code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_FORMAT';
}

function describe(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code ? `${message} (${String(code)})` : message;
}
