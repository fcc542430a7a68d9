import Database from 'better-sqlite3';
import type { z } from 'zod';
import type { BacktestJob, BacktestReport, StartBacktestParams, SweepResult } from '../../src-common/contract/strategy-schemas.js';
import { migrate } from './migrations.js';

/** A kept backtest run or sweep: the job as listed, what it was started with, and what it produced. */
export interface StoredBacktestRun {
  job: BacktestJob;
  /** backtests.start's parameters as the caller gave them: enough to run it again */
  request: StartBacktestParams;
  /** a finished backtest's report: metrics, equity curve, trade list and the chart's candles */
  report: z.infer<typeof BacktestReport> | null;
  /** a finished sweep's table */
  sweep: z.infer<typeof SweepResult> | null;
}

/**
 * Backtest runs and sweeps kept between sessions (table backtest_runs,
 * migration 7), in the store's file on a connection of its own like the
 * market cache: a run is not trading state, so it stays out of the journal,
 * and deleting one is an ordinary DELETE. Numbers are never reused (ids are
 * `bt-<n>`, AUTOINCREMENT), so a deleted run's id never names another run.
 */
export class BacktestRunStore {
  private readonly stmts: ReturnType<typeof prepare>;

  private constructor(private readonly db: Database.Database) {
    this.stmts = prepare(db);
  }

  /** The runs in the store's file (`''`: a private in-memory database). The store has migrated the file. */
  static open(file: string): BacktestRunStore {
    const db = new Database(file === '' ? ':memory:' : file);
    try {
      db.pragma('busy_timeout = 5000');
      if (file === '') migrate(db);
      else db.pragma('journal_mode = WAL');
      return new BacktestRunStore(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  /** a new run's number (`bt-<n>`), never one given before */
  create(run: Omit<StoredBacktestRun, 'job'> & { job: Omit<BacktestJob, 'id'> }, idOf: (n: number) => string): BacktestJob {
    return this.db
      .transaction(() => {
        const n = Number(this.stmts.insert.run(run.job.created_at, JSON.stringify(run.request)).lastInsertRowid);
        const job: BacktestJob = { id: idOf(n), ...run.job };
        this.stmts.update.run(job.id, job.status, JSON.stringify(job), run.report === null ? null : JSON.stringify(run.report), run.sweep === null ? null : JSON.stringify(run.sweep), n);
        return job;
      })
      .immediate();
  }

  /** writes a run's job and results (the run must exist: a deleted run stays deleted) */
  save(run: StoredBacktestRun): void {
    this.stmts.updateById.run(run.job.status, JSON.stringify(run.job), run.report === null ? null : JSON.stringify(run.report), run.sweep === null ? null : JSON.stringify(run.sweep), run.job.id);
  }

  get(id: string): StoredBacktestRun | null {
    const row = this.stmts.get.get(id) as [string, string, string | null, string | null] | undefined;
    if (!row) return null;
    return { job: JSON.parse(row[0]) as BacktestJob, request: JSON.parse(row[1]) as StartBacktestParams, report: row[2] === null ? null : JSON.parse(row[2]), sweep: row[3] === null ? null : JSON.parse(row[3]) };
  }

  /** every kept run, newest first */
  list(): BacktestJob[] {
    return (this.stmts.list.all() as string[]).map((j) => JSON.parse(j) as BacktestJob);
  }

  /** whether there was such a run */
  delete(id: string): boolean {
    return this.stmts.delete.run(id).changes > 0;
  }

  /**
   * Runs still marked running were running when Tern stopped (or crashed):
   * they are `interrupted`, with why and when this was found. Returns how many.
   */
  markInterrupted(now: number, error: string): number {
    return this.stmts.interrupt.run(error, now).changes;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  get open(): boolean {
    return this.db.open;
  }
}

function prepare(db: Database.Database) {
  return {
    insert: db.prepare(`INSERT INTO backtest_runs (id, status, created_at, job, request) VALUES ('', 'running', ?, '{}', ?)`),
    update: db.prepare('UPDATE backtest_runs SET id = ?, status = ?, job = ?, report = ?, sweep = ? WHERE n = ?'),
    updateById: db.prepare('UPDATE backtest_runs SET status = ?, job = ?, report = ?, sweep = ? WHERE id = ?'),
    get: db.prepare('SELECT job, request, report, sweep FROM backtest_runs WHERE id = ?').raw(),
    list: db.prepare('SELECT job FROM backtest_runs ORDER BY n DESC').pluck(),
    delete: db.prepare('DELETE FROM backtest_runs WHERE id = ?'),
    interrupt: db.prepare(
      `UPDATE backtest_runs SET status = 'interrupted',
         job = json_set(job, '$.status', 'interrupted', '$.error', ?, '$.finished_at', ?)
       WHERE status = 'running'`,
    ),
  };
}
