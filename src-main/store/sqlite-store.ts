import Database from 'better-sqlite3';
import type { AccountRecord, ApiKeyRecord, BalanceRecord, FillRecord, OrderRecord, PositionRecord, StrategyPositionRecord } from '../engine/model/types.js';
import { dirname } from 'node:path';
import { type EngineStore, type FillQuery, type JournalEntry, type OrderQuery, StoreUnwritable } from '../engine/ports/store.js';
import { badRequest, TernError } from '../../src-common/contract/errors.js';
import { accountCodec, balanceCodec, decodeEntry, encodeWire, fillCodec, keyCodec, orderCodec, positionCodec, strategyPositionCodec, type WireEntry } from './codec.js';
import { entriesOfRow, JournalRows } from './journal-rows.js';
import { ACTIVE_STATES_SQL, migrate, type Migration, MIGRATIONS } from './migrations.js';
import { type Checkpointer, startCheckpointer } from './checkpointer.js';
import { PROJECTION_TABLES, ProjectionBatch, Projector } from './projection.js';
import { asUnwritable, diskFull, statfsFreeBytes } from './store-errors.js';

export interface OpenOptions {
  /**
   * NORMAL (default): in WAL mode a commit is durable once it is in the OS
   * (the process may crash at any moment after `commit()` returns); after a
   * power loss or OS crash the newest commits may be rolled back, but the file
   * stays consistent. FULL fsyncs the WAL at every commit, surviving power
   * loss too, at the cost of one fsync per group commit.
   */
  synchronous?: 'NORMAL' | 'FULL';
  /**
   * WAL checkpoints in a worker thread instead of inside commits (default, for
   * files): commits never stall on a checkpoint's fsync. false: SQLite's own.
   */
  backgroundCheckpoints?: boolean;
  /** rebuild the projections from the journal even when they look current */
  rebuild?: boolean;
  /** tests only: the migration list to bring the file to */
  migrations?: readonly Migration[];
  /** with less free room than this on the folder's disk the store counts as full and is not written to (default 8 MB) */
  minFreeBytes?: number;
  /** free bytes on the disk holding a folder (default: statfs; tests inject a full disk) */
  freeBytes?: (dir: string) => number;
}

const DEFAULT_MIN_FREE_BYTES = 8 * 1024 * 1024;
/** free room of this many times the minimum is "ample": commits cannot use it up between two looks ROOMY_RECHECK_MS apart */
const ROOMY = 64;
const ROOMY_RECHECK_MS = 100;

export interface StoredEntry {
  seq: number;
  ts: number;
  entry: JournalEntry;
}

export interface VerifyResult {
  ok: boolean;
  mismatches: string[];
}

/** Journal rows per INSERT statement: fewer native calls per row, well under SQLite's 32766 parameters. */
const JOURNAL_ROWS_PER_INSERT = 16;
/** Journal rows read per query while replaying (a running iterator would lock the connection); a row holds up to 64 entries. */
const REPLAY_PAGE = 1_000;
const MAX_MISMATCHES = 100;

/**
 * Projections written behind the journal: a commit writes only its journal
 * rows (a page or two), and the projection tables catch up in a later
 * commit's transaction once this many entries are behind or the oldest is
 * this old, or at once when something reads them (see SqliteStore).
 */
const BEHIND_MAX_ENTRIES = 8_192;
const BEHIND_MAX_MS = 250;

const ORDER_COLUMNS = orderCodec.columns.join(', ');
const ORDER_CLIENT_ID = orderCodec.keys.indexOf('clientOrderId');
/** client order ids looked up per query at a commit (checkClientOrderIds) */
const CLIENT_IDS_PER_QUERY = 64;
const FILL_COLUMNS = fillCodec.columns.join(', ');

/**
 * The engine's store on SQLite: an append-only journal plus projection tables
 * derived from it. A `commit()` makes its journal rows durable (the source of
 * truth: what an ack waits for); the projections it causes are kept in memory
 * (`behind`) and written in a later transaction, together with meta
 * projected_seq, which says how far the tables are. Why: a paper order's
 * projections dirty ~14 pages (orders and fills with their indexes,
 * positions, balances, meta) against the journal's one or two, and written
 * behind, many orders share those pages.
 *
 * Reads see every committed entry: one that reads the projections writes
 * what is behind first (or, when the file cannot be written, reads inside a
 * transaction that applies it and is rolled back); getOrder and loadSetting
 * look in what is behind first. A crash loses nothing: at open the entries
 * after projected_seq are replayed into the projections.
 */
export class SqliteStore implements EngineStore {
  /** pending entries (seq, wire, seq, wire…): what they project, once committed */
  private readonly pendingEntries: unknown[] = [];
  private pendingReset = false;
  /** committed entries whose projections are not written yet (never an account_reset: its commit projects everything) */
  private readonly behind = new ProjectionBatch();
  private behindCount = 0;
  private behindSince = 0;
  /** writes what is behind once the process is idle for a moment (so little is left to catch up after a crash) */
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** client order id → order id of the orders in `behind` */
  private readonly behindClientIds = new Map<string, string>();
  /** a commit's projections when it writes them itself */
  private readonly batch = new ProjectionBatch();
  /** the batch's journal rows, several entries each (journal-rows.ts) */
  private readonly rows = new JournalRows();
  private pendingCount = 0;
  private committedSeq: number;
  /**
   * At open after a crash, the file could not take the projections the
   * journal was ahead of (disk full, read-only file): they are held in
   * `behind` and applied to a copy of the projection tables in the temp
   * schema, which unqualified names resolve to before main, so reads see
   * every acked entry without writing. Dropped once `behind` is written.
   */
  private overlay = false;
  private readonly projector: Projector;
  private readonly journalInserts = new Map<number, Database.Statement>();
  private readonly setProjectedSeq: Database.Statement;
  private readonly clientIdQueries: Database.Statement[] = [];
  private readonly clientIds = new Map<string, string>();
  private readonly commitTx: (project: boolean) => void;
  private readonly projectTx: () => void;
  private readonly reads: ReturnType<typeof prepareReads>;
  private readonly orderQueries = new Map<string, Database.Statement>();
  private readonly fillQueries = new Map<string, Database.Statement>();
  private closed = false;
  private checkpointer: Checkpointer | null = null;
  private readonly probeWrite: Database.Statement;
  private readonly minFreeBytes: number;
  private readonly freeBytes: (dir: string) => number;
  /** until when (performance.now()) the disk is known to have ample room */
  private roomyUntil = 0;
  /** the database file ('' when in memory) */
  readonly file: string;

  private constructor(
    private readonly db: Database.Database,
    opts: OpenOptions,
  ) {
    this.file = db.memory ? '' : db.name;
    this.minFreeBytes = opts.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES;
    this.freeBytes = opts.freeBytes ?? statfsFreeBytes;
    migrate(db, opts.migrations ?? MIGRATIONS);
    this.projector = new Projector(db);
    this.setProjectedSeq = db.prepare(`UPDATE meta SET value = ? WHERE key = 'projected_seq'`);
    this.reads = prepareReads(db);
    // rewrites one row as it is: a real page write (WAL frame), no change
    this.probeWrite = db.prepare(`UPDATE meta SET value = value WHERE key = 'projected_seq'`);
    this.committedSeq = this.maxJournalSeq();
    // IMMEDIATE: take the write lock at BEGIN, so a reader elsewhere cannot make the commit fail halfway with SQLITE_BUSY.
    const tx = db.transaction((project: boolean) => this.writeBatch(project));
    this.commitTx = (project) => tx.immediate(project);
    const projectTx = db.transaction(() => this.writeBehind(this.committedSeq));
    this.projectTx = () => projectTx.immediate();
    // max(seq) and one meta row: cheap however long the journal is.
    const projected = this.projectedSeq();
    // 0: never projected, or a migration asks for a rebuild
    if (opts.rebuild || projected > this.committedSeq || (projected === 0 && this.committedSeq > 0)) this.rebuildProjections();
    else if (projected < this.committedSeq) this.catchUpOrHold(projected);
  }

  /** Opens (creating when missing) and migrates a store. `''` or `':memory:'` is an in-memory store. */
  static open(file: string, opts: OpenOptions = {}): SqliteStore {
    const db = new Database(file === '' ? ':memory:' : file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous === 'FULL' ? 'FULL' : 'NORMAL'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      // 16 MB of page cache: commits touch only the newest pages of each b-tree (journal, orders
      // and fills are keyed in the order they are written) and listings read a page or two per
      // LIMIT; the 64 MB this was cost ~50 MB of RSS after 1M orders for no faster commit (issue 15).
      db.pragma('cache_size = -16384');
      db.pragma('temp_store = MEMORY');
      const store = new SqliteStore(db, opts);
      if (!db.memory && opts.backgroundCheckpoints !== false) {
        db.pragma('wal_autocheckpoint = 0');
        store.checkpointer = startCheckpointer(db.name, () => {
          // The worker failed: SQLite checkpoints inside commits again, as by default.
          if (!store.closed && db.open) db.pragma('wal_autocheckpoint = 1000');
        });
      }
      return store;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  // -------------------------------------------------------------------------
  // writes

  /** Buffers an entry (no I/O). The entry is encoded now: later changes to its records are not journaled. */
  record(entry: JournalEntry): void {
    this.assertOpen();
    const { wire, ts, text } = encodeWire(entry);
    const seq = this.committedSeq + this.pendingCount + 1;
    this.rows.add(seq, wire, ts, text);
    this.pendingEntries.push(seq, wire);
    if (wire.type === 'account_reset') this.pendingReset = true;
    this.pendingCount += 1;
  }

  /**
   * Makes every recorded entry durable in one transaction: the journal rows
   * (and, when it is their turn, the projections behind), or nothing. When it
   * throws, the batch stays pending (nothing was written) and the error says
   * why.
   */
  commit(): void {
    this.assertOpen();
    if (this.pendingCount === 0) return;
    const now = performance.now();
    // A reset deletes rows: projected at once, so what is behind never holds one (getOrder, loadSetting read it as a plain map).
    const project =
      this.overlay ||
      this.pendingReset || this.behindCount + this.pendingCount >= BEHIND_MAX_ENTRIES || (this.behindCount > 0 && now - this.behindSince >= BEHIND_MAX_MS);
    const entries = this.pendingEntries;
    if (project) {
      for (let i = 0; i < entries.length; i += 2) this.batch.add(entries[i] as number, entries[i + 1] as WireEntry);
    } else {
      this.checkClientOrderIds();
    }
    try {
      this.commitTx(project);
    } catch (err) {
      this.batch.clear();
      throw this.unwritable(err) ?? err;
    }
    this.committedSeq += this.pendingCount;
    if (project) {
      this.batch.clear();
      this.clearBehind();
    } else {
      if (this.behindCount === 0) this.behindSince = now;
      for (let i = 0; i < entries.length; i += 2) {
        const wire = entries[i + 1] as WireEntry;
        this.behind.add(entries[i] as number, wire);
        if (wire.type === 'order') this.behindClientIds.set(wire.order[ORDER_CLIENT_ID] as string, wire.order[0] as string);
      }
      this.behindCount += this.pendingCount;
      if (this.flushTimer === null) {
        this.flushTimer = setTimeout(this.flushLater, BEHIND_MAX_MS);
        // never what keeps a process alive: close() or the next open writes them
        this.flushTimer.unref?.();
      }
    }
    this.pendingCount = 0;
    this.pendingEntries.length = 0;
    this.pendingReset = false;
    this.rows.clear();
  }

  /**
   * The one constraint a projection could refuse after the journal took the
   * entry (which would leave every later catch-up failing): a client order id
   * is one order's. Checked before a commit that leaves its projections
   * behind, as the orders table checks it in one that writes them.
   */
  private checkClientOrderIds(): void {
    const entries = this.pendingEntries;
    // client order id → order id: this batch's, then what is behind; the table is asked once for the rest
    const mine = this.clientIds;
    const ask: string[] = [];
    try {
      for (let i = 1; i < entries.length; i += 2) {
        const wire = entries[i] as WireEntry;
        if (wire.type !== 'order') continue;
        const id = wire.order[0] as string;
        const clientId = wire.order[ORDER_CLIENT_ID] as string;
        const known = mine.get(clientId) ?? this.behindClientIds.get(clientId);
        if (known === undefined) ask.push(clientId);
        else if (known !== id) throw clientIdTaken();
        mine.set(clientId, id);
      }
      for (let i = 0; i < ask.length; i += CLIENT_IDS_PER_QUERY) {
        const part = i === 0 && ask.length <= CLIENT_IDS_PER_QUERY ? ask : ask.slice(i, i + CLIENT_IDS_PER_QUERY);
        for (const [clientId, id] of this.ordersOfClientIds(part.length).all(...part) as Array<[string, string]>) if (mine.get(clientId) !== id) throw clientIdTaken();
      }
    } finally {
      mine.clear();
    }
  }

  private ordersOfClientIds(n: number): Database.Statement {
    let stmt = this.clientIdQueries[n];
    if (stmt === undefined) {
      stmt = this.db.prepare(`SELECT client_order_id, id FROM orders WHERE client_order_id IN (${Array(n).fill('?').join(', ')})`).raw();
      this.clientIdQueries[n] = stmt;
    }
    return stmt;
  }


  get pending(): number {
    return this.pendingCount;
  }

  /** The seq of the last committed journal entry (0 for an empty journal). */
  get journalSeq(): number {
    return this.committedSeq;
  }

  private writeBatch(project: boolean): void {
    const params = this.rows.params();
    const step = JOURNAL_ROWS_PER_INSERT * 4;
    for (let i = 0; i < params.length; i += step) {
      const chunk = i === 0 && params.length <= step ? params : params.slice(i, i + step);
      this.journalInsert(chunk.length / 4).run(...chunk);
    }
    if (!project) return;
    // what was behind, then this batch: the same rows as one batch of both
    this.writeBehind(this.committedSeq + this.pendingCount);
    this.projector.apply(this.batch);
  }

  /** writes the projections that are behind and says they reach `seq`; the caller holds the transaction */
  private writeBehind(seq: number): void {
    if (this.behindCount > 0) this.projector.apply(this.behind);
    this.setProjectedSeq.run(seq);
  }

  private readonly flushLater = (): void => {
    this.flushTimer = null;
    if (this.closed || this.behindCount === 0) return;
    try {
      this.flushProjections();
    } catch {
      // nothing is lost (the journal holds them): the next commit or read writes them, and says why it cannot
    }
  };

  private clearBehind(): void {
    this.behind.clear();
    this.behindCount = 0;
    this.behindClientIds.clear();
    if (this.overlay) this.dropOverlay();
  }

  /** Writes the projections that are behind the journal, in their own transaction. */
  flushProjections(): void {
    this.assertOpen();
    if (this.behindCount === 0) return;
    // a disk that counts as full is not written to, even where SQLite still could
    const full = this.writable(false);
    if (full) throw full;
    try {
      this.projectTx();
    } catch (err) {
      throw this.unwritable(err) ?? err;
    }
    this.clearBehind();
  }

  /**
   * `read` with the projections up to date: what is behind is written first;
   * when the file cannot be written now (disk full), `read` runs inside a
   * transaction that applies it and is then rolled back, so reads still see
   * every committed entry.
   */
  private current<T>(read: () => T): T {
    if (this.behindCount === 0) return read();
    try {
      this.flushProjections();
    } catch (err) {
      if (!(err instanceof StoreUnwritable)) throw err;
      // the temp copy holds what is behind (nothing was committed since: a commit writes it first)
      if (this.overlay) return read();
      this.db.exec('BEGIN');
      try {
        this.projector.apply(this.behind);
        return read();
      } finally {
        this.db.exec('ROLLBACK');
      }
    }
    return read();
  }

  private journalInsert(rows: number): Database.Statement {
    let stmt = this.journalInserts.get(rows);
    if (stmt === undefined) {
      stmt = this.db.prepare(`INSERT INTO journal (seq, ts, type, payload) VALUES ${Array(rows).fill('(?, ?, ?, ?)').join(', ')}`);
      this.journalInserts.set(rows, stmt);
    }
    return stmt;
  }

  /**
   * Null when writes can succeed now: enough free room on the disk and, with
   * `tryWrite`, a small write went through. Otherwise why not (the engine
   * halts trading on it and asks again until it is null).
   */
  writable(tryWrite: boolean): StoreUnwritable | null {
    this.assertOpen();
    if (this.file === '') return null;
    const dir = dirname(this.file);
    // Asked before each paper order: with ample room, one look at the disk per 100 ms is enough.
    const now = performance.now();
    if (!tryWrite && now < this.roomyUntil) return null;
    const free = this.freeBytes(dir);
    if (free < this.minFreeBytes) return diskFull(dir, free, this.file);
    this.roomyUntil = free >= ROOMY * this.minFreeBytes ? now + ROOMY_RECHECK_MS : 0;
    if (!tryWrite) return null;
    try {
      this.db.transaction(() => this.probeWrite.run()).immediate();
      // room again: what a crash or a full disk left behind goes to the tables now, not at some later read
      this.flushProjections();
      return null;
    } catch (err) {
      const problem = this.unwritable(err);
      if (problem) return problem;
      throw err;
    }
  }

  private unwritable(err: unknown): StoreUnwritable | null {
    return this.file === '' ? null : asUnwritable(err, this.file, this.freeBytes);
  }

  // -------------------------------------------------------------------------
  // projections

  /** Replaces every projection with one computed from the journal, in one transaction. */
  rebuildProjections(): void {
    this.assertOpen();
    this.db.transaction(() => {
      this.projector.clear();
      const last = this.replayInto(this.projector);
      this.setProjectedSeq.run(last);
    }).immediate();
    this.clearBehind();
  }

  /** Applies the journal after `projected` (the entries a crash left unprojected) to the projections, in one transaction. */
  private catchUp(projected: number): void {
    this.db.transaction(() => {
      const last = this.replayInto(this.projector, projected);
      this.setProjectedSeq.run(Math.max(last, projected));
    }).immediate();
  }

  /** catchUp, or, when the file cannot be written now, the tail held in memory for reads (see `overlay`) */
  private catchUpOrHold(projected: number): void {
    if (this.file !== '' && this.freeBytes(dirname(this.file)) < this.minFreeBytes) return this.hold(projected);
    try {
      this.catchUp(projected);
    } catch (err) {
      if (this.unwritable(err) === null) throw err;
      this.hold(projected);
    }
  }

  private hold(projected: number): void {
    const page = this.db.prepare('SELECT seq, ts, type, payload FROM journal WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    let last = projected;
    for (;;) {
      const rows = page.all(last, REPLAY_PAGE) as Array<[number, number, string, string]>;
      if (rows.length === 0) break;
      for (const [seq, ts, type, payload] of rows) {
        for (const e of entriesOfRow(seq, ts, type, payload)) {
          if (e.seq <= projected) continue;
          this.behind.add(e.seq, e.wire);
          this.behindCount += 1;
          if (e.wire.type === 'order') this.behindClientIds.set(e.wire.order[ORDER_CLIENT_ID] as string, e.wire.order[0] as string);
        }
      }
      last = rows[rows.length - 1]![0];
    }
    this.behindSince = performance.now();
    // the temp schema is the connection's own memory (temp_store = MEMORY): writable on a full disk or a read-only file
    this.db.transaction(() => {
      for (const d of projectionDdl(this.db)) this.db.exec(d.sql.replace(/^CREATE (TABLE|UNIQUE INDEX|INDEX) ("?)(\w+)/i, 'CREATE $1 temp.$2$3'));
      for (const { table } of PROJECTION_TABLES) this.db.exec(`INSERT INTO temp.${table} SELECT * FROM main.${table}`);
      new Projector(this.db, 'temp').apply(this.behind);
    })();
    this.overlay = true;
  }

  private dropOverlay(): void {
    this.overlay = false;
    for (const { table } of PROJECTION_TABLES) this.db.exec(`DROP TABLE IF EXISTS temp.${table}`);
  }

  /**
   * Rebuilds the projections from the journal into an in-memory copy and
   * compares them row by row with the stored ones. Pending entries are not
   * part of either side.
   */
  verify(): VerifyResult {
    this.assertOpen();
    try {
      this.flushProjections();
    } catch (err) {
      // held at open for a file that cannot be written: what reads see (the temp copy) is compared
      if (!(this.overlay && err instanceof StoreUnwritable)) throw err;
    }
    const mismatches: string[] = [];
    const storedSchema = this.overlay ? 'temp' : 'main';
    const projected = this.overlay ? this.committedSeq : this.projectedSeq();
    const last = this.maxJournalSeq();
    if (projected !== last) mismatches.push(`meta: projected_seq is ${projected} but the journal ends at ${last}`);

    this.db.exec(`ATTACH DATABASE ':memory:' AS verify`);
    try {
      // Same DDL as the stored tables (so the same keys and column order), created in the attached schema.
      for (const d of projectionDdl(this.db)) {
        this.db.exec(d.sql.replace(/^CREATE (TABLE|UNIQUE INDEX|INDEX) ("?)(\w+)/i, 'CREATE $1 verify.$2$3'));
      }
      this.db.transaction(() => this.replayInto(new Projector(this.db, 'verify')))();
      for (const { table, key } of PROJECTION_TABLES) {
        const keys = key.join(', ');
        const diff = (a: string, b: string) =>
          this.db.prepare(`SELECT ${keys} FROM (SELECT * FROM ${a}.${table} EXCEPT SELECT * FROM ${b}.${table}) LIMIT ${MAX_MISMATCHES}`).raw().all() as unknown[][];
        const stored = new Map(diff(storedSchema, 'verify').map((k) => [k.join('/'), k]));
        const rebuilt = new Map(diff('verify', storedSchema).map((k) => [k.join('/'), k]));
        for (const k of stored.keys()) {
          mismatches.push(rebuilt.has(k) ? `${table}[${k}]: differs from the journal` : `${table}[${k}]: not in the journal`);
        }
        for (const k of rebuilt.keys()) if (!stored.has(k)) mismatches.push(`${table}[${k}]: missing (the journal has it)`);
      }
    } finally {
      this.db.exec('DETACH DATABASE verify');
    }
    return { ok: mismatches.length === 0, mismatches };
  }

  /** Applies the journal entries after `after` to `projector`, page by page; returns the last seq applied (0: none). */
  private replayInto(projector: Projector, after = 0): number {
    const page = this.db.prepare('SELECT seq, ts, type, payload FROM journal WHERE seq > ? ORDER BY seq LIMIT ?').raw();
    const batch = new ProjectionBatch();
    let last = after;
    for (;;) {
      const rows = page.all(last, REPLAY_PAGE) as Array<[number, number, string, string]>;
      if (rows.length === 0) return last === after ? 0 : last;
      // a row holding several entries may begin at or before `after`
      for (const [seq, ts, type, payload] of rows) for (const e of entriesOfRow(seq, ts, type, payload)) if (e.seq > after) batch.add(e.seq, e.wire);
      projector.apply(batch);
      batch.clear();
      last = rows[rows.length - 1]![0];
    }
  }

  private projectedSeq(): number {
    return Number(this.reads.projectedSeq.get() ?? 0);
  }

  private maxJournalSeq(): number {
    return Number(this.reads.maxSeq.get() ?? 0);
  }

  /** Decoded journal entries with seq ≥ `fromSeq`, in order (tests, verification, audits). */
  *journal(fromSeq = 1): IterableIterator<StoredEntry> {
    this.assertOpen();
    const page = this.db.prepare('SELECT seq, ts, type, payload FROM journal WHERE seq >= ? ORDER BY seq LIMIT 1000').raw();
    let next = fromSeq;
    for (;;) {
      const rows = page.all(next) as Array<[number, number, string, string]>;
      if (rows.length === 0) return;
      for (const [seq, ts, type, payload] of rows) {
        // a row holding several entries may begin before fromSeq
        for (const e of entriesOfRow(seq, ts, type, payload)) if (e.seq >= fromSeq) yield { seq: e.seq, ts: e.ts, entry: decodeEntry(e.wire) };
      }
      next = rows[rows.length - 1]![0] + 1;
    }
  }

  // -------------------------------------------------------------------------
  // reads

  loadAccounts(): AccountRecord[] {
    return this.current(() => this.reads.accounts.all()).map((r) => accountCodec.fromRow(r as unknown[]));
  }

  /** Orders in a working state (not filled, canceled, rejected or expired). */
  loadActiveOrders(): OrderRecord[] {
    return this.current(() => this.reads.activeOrders.all()).map((r) => orderCodec.fromRow(r as unknown[]));
  }

  loadPositions(): PositionRecord[] {
    return this.current(() => this.reads.positions.all()).map((r) => positionCodec.fromRow(r as unknown[]));
  }

  loadStrategyPositions(): StrategyPositionRecord[] {
    return this.current(() => this.reads.strategyPositions.all()).map((r) => strategyPositionCodec.fromRow(r as unknown[]));
  }

  loadBalances(): BalanceRecord[] {
    return this.current(() => this.reads.balances.all()).map((r) => balanceCodec.fromRow(r as unknown[]));
  }

  loadKeys(): ApiKeyRecord[] {
    return this.current(() => this.reads.keys.all()).map((r) => keyCodec.fromRow(r as unknown[]));
  }

  /** The stored value (as JSON gives it back: Decimals come back as strings), or undefined. */
  loadSetting(name: string): unknown {
    const behind = this.behind.setting(name);
    // as read back from the table: a copy, in its stored form
    if (behind !== undefined) return JSON.parse(JSON.stringify(behind.value));
    const row = this.reads.setting.get(name) as [string] | undefined;
    return row === undefined ? undefined : JSON.parse(row[0]);
  }

  /** Orders newest first: the most recently placed first (journal order, whatever the clock said). */
  queryOrders(q: OrderQuery): OrderRecord[] {
    if (q.status !== 'open' && q.status !== 'closed' && q.status !== 'all') throw badRequest(`status must be open, closed or all`, { field: 'status' });
    const limit = checkLimit(q.limit);
    const key = `${q.status}|${q.account !== undefined}|${q.symbol !== undefined}|${q.strategy !== undefined}|${q.key !== undefined}`;
    let stmt = this.orderQueries.get(key);
    if (stmt === undefined) {
      const where: string[] = [];
      if (q.status === 'open') where.push(ACTIVE_STATES_SQL);
      if (q.status === 'closed') where.push(`NOT ${ACTIVE_STATES_SQL}`);
      if (q.account !== undefined) where.push('account = @account');
      if (q.symbol !== undefined) where.push('symbol = @symbol');
      if (q.strategy !== undefined) where.push('strategy_id = @strategy');
      if (q.key !== undefined) where.push('key_id = @key');
      const from = q.status === 'open' ? 'orders INDEXED BY orders_active' : 'orders';
      stmt = this.db
        .prepare(`SELECT ${ORDER_COLUMNS} FROM ${from} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`)
        .raw();
      this.orderQueries.set(key, stmt);
    }
    const params: Record<string, unknown> = { limit };
    if (q.account !== undefined) params.account = q.account;
    if (q.symbol !== undefined) params.symbol = q.symbol;
    if (q.strategy !== undefined) params.strategy = q.strategy;
    if (q.key !== undefined) params.key = q.key;
    return this.current(() => stmt.all(params)).map((r) => orderCodec.fromRow(r as unknown[]));
  }

  getOrder(idOrClientOrderId: string): OrderRecord | undefined {
    // what is behind is newer than the table (and only in memory yet)
    const behind = this.behind.order(idOrClientOrderId) ?? this.behind.order(this.behindClientIds.get(idOrClientOrderId) ?? '');
    // through the row form, as the table gives it: a fresh record, sharing nothing with the batch
    if (behind !== undefined) return orderCodec.fromRow(orderCodec.params(behind));
    const row = (this.reads.orderById.get(idOrClientOrderId) ?? this.reads.orderByClientId.get(idOrClientOrderId)) as unknown[] | undefined;
    return row === undefined ? undefined : orderCodec.fromRow(row);
  }

  /** Fills newest first: the most recently journaled first. */
  queryFills(q: FillQuery): FillRecord[] {
    const limit = checkLimit(q.limit);
    const key = `${q.account !== undefined}|${q.symbol !== undefined}|${q.strategy !== undefined}`;
    let stmt = this.fillQueries.get(key);
    if (stmt === undefined) {
      const where: string[] = [];
      if (q.account !== undefined) where.push('account = @account');
      if (q.symbol !== undefined) where.push('symbol = @symbol');
      if (q.strategy !== undefined) where.push('strategy_id = @strategy');
      stmt = this.db
        .prepare(`SELECT ${FILL_COLUMNS} FROM fills ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT @limit`)
        .raw();
      this.fillQueries.set(key, stmt);
    }
    const params: Record<string, unknown> = { limit };
    if (q.account !== undefined) params.account = q.account;
    if (q.symbol !== undefined) params.symbol = q.symbol;
    if (q.strategy !== undefined) params.strategy = q.strategy;
    return this.current(() => stmt.all(params)).map((r) => fillCodec.fromRow(r as unknown[]));
  }

  /**
   * Every fill (of one account) in the order it was journaled, which is the
   * order the engine applied it to positions and balances. Read page by page,
   * so the connection stays free for commits between pages.
   */
  *allFills(account?: string): IterableIterator<FillRecord> {
    this.assertOpen();
    let seq = 0;
    for (;;) {
      const rows = this.current(() => (account === undefined ? this.reads.fillsPage.all(seq) : this.reads.fillsPageOfAccount.all(account, seq))) as unknown[][];
      if (rows.length === 0) return;
      for (const r of rows) yield fillCodec.fromRow(r);
      seq = rows[rows.length - 1]![fillCodec.columns.length] as number;
    }
  }

  /** Commits anything pending, then closes the file. */
  close(): void {
    if (this.closed) return;
    try {
      this.commit();
      try {
        this.flushProjections();
      } catch (err) {
        // the journal holds them: the next open projects them
        if (!(err instanceof StoreUnwritable)) throw err;
      }
    } finally {
      this.closed = true;
      if (this.flushTimer !== null) clearTimeout(this.flushTimer);
      this.checkpointer?.close();
      this.db.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new TernError('INTERNAL', 'the store is closed');
  }
}

function clientIdTaken(): Error {
  return new Database.SqliteError('UNIQUE constraint failed: orders.client_order_id', 'SQLITE_CONSTRAINT_UNIQUE');
}

/** the projection tables' and indexes' DDL as stored, tables first */
function projectionDdl(db: Database.Database): Array<{ type: string; name: string; sql: string }> {
  const ddl = db
    .prepare(`SELECT type, name, sql FROM main.sqlite_master WHERE sql IS NOT NULL AND type IN ('table', 'index') AND tbl_name IN (${PROJECTION_TABLES.map(() => '?').join(', ')})`)
    .all(...PROJECTION_TABLES.map((p) => p.table)) as Array<{ type: string; name: string; sql: string }>;
  return ddl.sort((a, b) => (a.type === b.type ? 0 : a.type === 'table' ? -1 : 1));
}

function checkLimit(limit: unknown): number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) throw badRequest('limit must be a positive integer', { field: 'limit' });
  return limit;
}

function prepareReads(db: Database.Database) {
  const fillPageSql = (where: string) => `SELECT ${FILL_COLUMNS}, seq FROM fills WHERE ${where} seq > ? ORDER BY seq LIMIT 1000`;
  return {
    maxSeq: db.prepare('SELECT max(seq) FROM journal').pluck(),
    projectedSeq: db.prepare(`SELECT value FROM meta WHERE key = 'projected_seq'`).pluck(),
    accounts: db.prepare(`SELECT ${accountCodec.columns.join(', ')} FROM accounts ORDER BY created_at, id`).raw(),
    activeOrders: db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders INDEXED BY orders_active WHERE ${ACTIVE_STATES_SQL} ORDER BY seq`).raw(),
    positions: db.prepare(`SELECT ${positionCodec.columns.join(', ')} FROM positions ORDER BY account, symbol`).raw(),
    balances: db.prepare(`SELECT ${balanceCodec.columns.join(', ')} FROM balances ORDER BY account, asset`).raw(),
    strategyPositions: db.prepare(`SELECT ${strategyPositionCodec.columns.join(', ')} FROM strategy_positions ORDER BY strategy_id, account, symbol`).raw(),
    keys: db.prepare(`SELECT ${keyCodec.columns.join(', ')} FROM api_keys ORDER BY created_at, id`).raw(),
    setting: db.prepare('SELECT value FROM settings WHERE name = ?').raw(),
    orderById: db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`).raw(),
    orderByClientId: db.prepare(`SELECT ${ORDER_COLUMNS} FROM orders WHERE client_order_id = ?`).raw(),
    fillsPage: db.prepare(fillPageSql('')).raw(),
    fillsPageOfAccount: db.prepare(fillPageSql('account = ? AND')).raw(),
  };
}
