import { chmodSync, existsSync, linkSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { decodeEntry } from './codec.js';
import { entriesOfRow } from './journal-rows.js';
import { SqliteStore } from './sqlite-store.js';

export interface RepairReport {
  /** where the damaged file (and its WAL) now is; never an existing file overwritten */
  damagedCopy: string;
  /** journal entries read back and kept */
  kept: number;
  /** seq ranges kept, e.g. "1-500, 623-1000" */
  keptRanges: string;
  /** entries that could not be read (a damaged page) or decoded, by seq range */
  lost: string;
  lostCount: number;
  /** what else was said: tables kept or not */
  notes: string[];
}

const PAGE = 500;
const CACHE_TABLES = ['market_instruments', 'market_candles'];

/**
 * `serve --repair`: moves the damaged store aside (tern.db.damaged-<time>,
 * with its WAL, never over an existing copy), reads its journal in seq order
 * as far as it can (stepping over damaged pages to the next readable entry),
 * writes what it read into a new store, rebuilds every projection from it
 * and checks the result. Returns what was kept and what was lost.
 */
export function repairStore(file: string, now: Date = new Date()): RepairReport {
  if (!existsSync(file)) throw new Error(`there is no store to repair at ${file}`);
  const damagedCopy = keepDamaged(file, now);
  const notes: string[] = [];
  const rows: Array<[number, number, string, string]> = [];
  const salvage: Salvage = { kept: [], lastSeen: 0, tailLost: null };
  let old: Database.Database | null = null;
  try {
    old = new Database(damagedCopy, { readonly: true, fileMustExist: true });
    salvageJournal(old, rows, salvage);
  } catch (err) {
    notes.push(`the damaged file could not be read at all (${(err as Error).message})`);
  }

  const tmp = `${file}.repair-tmp`;
  for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
  SqliteStore.open(tmp, { backgroundCheckpoints: false }).close();
  const fresh = new Database(tmp);
  try {
    const insert = fresh.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
    fresh.transaction(() => {
      for (const r of rows) insert.run(...r);
    })();
    if (old) for (const table of CACHE_TABLES) notes.push(copyTable(old, fresh, table));
  } finally {
    fresh.close();
    old?.close();
  }
  const store = SqliteStore.open(tmp, { backgroundCheckpoints: false, rebuild: true });
  try {
    const check = store.verify();
    if (!check.ok) throw new Error(`the rebuilt store does not verify: ${check.mismatches.slice(0, 3).join('; ')}`);
  } finally {
    store.close();
  }
  // the old WAL must not meet the new file (SQLite would replay it into it); the copy keeps its own link to it
  for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true });
  renameSync(tmp, file);
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  notes.push('orders, fills, positions, balances, accounts, keys and settings were rebuilt from the journal');
  const lost = lostRanges(salvage);
  return {
    damagedCopy,
    kept: salvage.kept.reduce((n, [a, b]) => n + b - a + 1, 0),
    keptRanges: joinRanges(salvage.kept),
    lost: lost.map(([a, b]) => (a === b ? `${a}` : b === Number.POSITIVE_INFINITY ? `${a} and after` : `${a}-${b}`)).join(', ') || 'none',
    lostCount: lost.reduce((n, [a, b]) => n + (b === Number.POSITIVE_INFINITY ? 0 : b - a + 1), 0),
    notes,
  };
}

/**
 * A second name for the file and its WAL/SHM that did not exist yet (a hard
 * link: no copying, and linking never overwrites). tern.db itself stays until
 * the rebuilt store replaces it, so a repair that fails halfway leaves it as
 * it was, never a missing file that the next start would take for a fresh
 * install.
 */
function keepDamaged(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let name = `${file}.damaged-${stamp}`;
  for (let n = 2; [name, `${name}-wal`, `${name}-shm`].some(existsSync); n++) name = `${file}.damaged-${stamp}-${n}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (!existsSync(file + suffix)) continue;
    linkSync(file + suffix, name + suffix);
  }
  return name;
}

interface Salvage {
  /** seq ranges of the entries kept, in order (a row holds one entry or a run of them) */
  kept: Array<[number, number]>;
  /** the highest row seq read, decoded or not */
  lastSeen: number;
  /** entries from here on could not be reached */
  tailLost: number | null;
}

/** What was not kept: the gaps between the kept ranges, up to the last row read, and an unreachable tail. */
function lostRanges(s: Salvage): Array<[number, number]> {
  const lost: Array<[number, number]> = [];
  let next = 1;
  for (const [a, b] of s.kept) {
    if (a > next) lost.push([next, a - 1]);
    next = b + 1;
  }
  if (s.lastSeen >= next) lost.push([next, s.lastSeen]);
  if (s.tailLost !== null) lost.push([Math.max(s.tailLost, next), Number.POSITIVE_INFINITY]);
  return lost;
}

/**
 * Reads journal rows in seq order. Where a page cannot be read, finds the
 * first seq after it that can (doubling steps, then halving back) and goes on
 * from there; what lies between is lost. A row that reads but does not decode
 * is lost on its own.
 */
function salvageJournal(db: Database.Database, rows: Array<[number, number, string, string]>, salvage: Salvage): void {
  const page = db.prepare('SELECT seq, ts, type, payload FROM journal WHERE seq > ? ORDER BY seq LIMIT ?').raw();
  const readable = (after: number): number | null | 'error' => {
    try {
      const r = page.all(after, 1) as Array<[number]>;
      return r.length === 0 ? null : r[0]![0];
    } catch {
      return 'error';
    }
  };
  let last = 0;
  for (;;) {
    let batch: Array<[number, number, string, string]>;
    try {
      batch = page.all(last, PAGE) as Array<[number, number, string, string]>;
    } catch {
      // read one by one up to the damage, then step over it
      const next = readable(last);
      if (next === 'error') {
        const resume = stepOver(last, readable);
        if (resume === null) {
          salvage.tailLost = last + 1;
          break;
        }
        last = resume - 1;
        continue;
      }
      if (next === null) break;
      batch = page.all(last, 1) as Array<[number, number, string, string]>;
    }
    if (batch.length === 0) break;
    for (const row of batch) {
      try {
        const entries = entriesOfRow(row[0], row[1], row[2], row[3]);
        for (const e of entries) decodeEntry(e.wire);
        rows.push(row);
        salvage.kept.push([entries[0]!.seq, row[0]]);
      } catch {
        // lost: the gap it leaves says which entries (see lostRanges)
      }
      last = row[0];
      salvage.lastSeen = row[0];
    }
  }
}

/** the first seq after `last` that reads, or null when nothing after the damage does */
function stepOver(last: number, readable: (after: number) => number | null | 'error'): number | null {
  let step = 1;
  let found: number | null = null;
  let hi = last;
  for (; step < 2 ** 48; step *= 2) {
    const r = readable(last + step);
    if (r === 'error') continue;
    if (r === null) return null;
    found = r;
    hi = last + step;
    break;
  }
  if (found === null) return null;
  // narrow down: the smallest `after` in (last, hi] that reads
  let lo = last;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const r = readable(mid);
    if (r === 'error') lo = mid;
    else {
      hi = mid;
      if (r !== null) found = r;
    }
  }
  return found;
}

function copyTable(from: Database.Database, to: Database.Database, table: string): string {
  try {
    const columns = (to.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
    if (columns.length === 0) return `${table}: not in this version`;
    const list = columns.join(', ');
    const insert = to.prepare(`INSERT OR IGNORE INTO ${table} (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
    let n = 0;
    to.transaction(() => {
      for (const row of from.prepare(`SELECT ${list} FROM ${table}`).raw().iterate()) {
        insert.run(...(row as unknown[]));
        n += 1;
      }
    })();
    return `${table} (market data cache): ${n} rows kept`;
  } catch (err) {
    return `${table} (market data cache): not kept (${(err as Error).message}); it is downloaded again when needed`;
  }
}

/** "1-500, 623-1000": adjacent ranges joined */
function joinRanges(kept: Array<[number, number]>): string {
  const out: Array<[number, number]> = [];
  for (const [a, b] of kept) {
    const prev = out[out.length - 1];
    if (prev && a === prev[1] + 1) prev[1] = b;
    else out.push([a, b]);
  }
  return out.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(', ') || 'none';
}
