import type Database from 'better-sqlite3';
import { TernError } from '../../src-common/contract/errors.js';

/**
 * Numbered schema migrations. `PRAGMA user_version` holds the number of the
 * last one applied. A migration, once released, is never edited: a change is
 * a new migration appended to the list. A migration that changes how a
 * projection is computed ends with `UPDATE meta SET value = 0 WHERE key =
 * 'projected_seq'`, so the next open rebuilds the projections from the journal.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * The states of a working order, as SQL. Kept textually identical in the
 * partial index orders_active below and in the queries that use it (SQLite
 * matches a partial index's WHERE term by its text). Those queries name the
 * index (INDEXED BY): working orders are a handful among millions, which the
 * planner cannot know without statistics.
 */
export const ACTIVE_STATES_SQL = "state IN ('initialized','submitted','accepted','triggered','pending_update','pending_cancel','partially_filled')";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'journal',
    sql: `
      CREATE TABLE journal (
        seq INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        type TEXT NOT NULL,
        payload TEXT NOT NULL
      );
      CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: UPDATE refused'); END;
      CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
        BEGIN SELECT RAISE(ABORT, 'journal is append-only: DELETE refused'); END;
      CREATE TABLE meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID;
      INSERT INTO meta (key, value) VALUES ('projected_seq', 0);
    `,
  },
  {
    version: 2,
    name: 'projections',
    // Money columns are TEXT decimal strings. Tables keyed by text are WITHOUT
    // ROWID: one b-tree less to write per upsert. Fills are keyed by the seq of
    // their journal entry: they append, and are listed in the order the engine
    // applied them (a fill's ts is the venue's or the clock's, which need not
    // grow: clocks restart in tests and backtests, venues report late).
    sql: `
      CREATE TABLE orders (
        id TEXT PRIMARY KEY,
        client_order_id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        type TEXT NOT NULL,
        quantity TEXT NOT NULL,
        price TEXT,
        stop_price TEXT,
        time_in_force TEXT NOT NULL,
        post_only INTEGER NOT NULL,
        reduce_only INTEGER NOT NULL,
        state TEXT NOT NULL,
        previous_state TEXT,
        filled_quantity TEXT NOT NULL,
        average_price TEXT,
        fees TEXT NOT NULL,
        reject_reason TEXT,
        venue_order_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX orders_account_created ON orders (account, created_at, id);
      CREATE INDEX orders_symbol_created ON orders (symbol, created_at, id);
      CREATE INDEX orders_created ON orders (created_at, id);
      CREATE INDEX orders_active ON orders (created_at, id)
        WHERE state IN ('initialized','submitted','accepted','triggered','pending_update','pending_cancel','partially_filled');

      CREATE TABLE fills (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        order_id TEXT NOT NULL,
        client_order_id TEXT NOT NULL,
        account TEXT NOT NULL,
        symbol TEXT NOT NULL,
        side TEXT NOT NULL,
        quantity TEXT NOT NULL,
        price TEXT NOT NULL,
        fee TEXT NOT NULL,
        fee_asset TEXT NOT NULL,
        liquidity TEXT NOT NULL,
        venue_trade_id TEXT NOT NULL,
        ts INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX fills_venue_trade ON fills (account, venue_trade_id);
      -- (account, seq) and (symbol, seq): an index entry ends with the rowid
      CREATE INDEX fills_account ON fills (account);
      CREATE INDEX fills_symbol ON fills (symbol);

      CREATE TABLE positions (
        account TEXT NOT NULL,
        symbol TEXT NOT NULL,
        quantity TEXT NOT NULL,
        average_price TEXT,
        realized_pnl TEXT NOT NULL,
        fees_paid TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, symbol)
      ) WITHOUT ROWID;

      CREATE TABLE balances (
        account TEXT NOT NULL,
        asset TEXT NOT NULL,
        total TEXT NOT NULL,
        locked TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account, asset)
      ) WITHOUT ROWID;

      CREATE TABLE accounts (
        id TEXT PRIMARY KEY,
        exchange TEXT NOT NULL,
        mode TEXT NOT NULL,
        status TEXT NOT NULL,
        starting_balances TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        scopes TEXT NOT NULL,
        hash TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) WITHOUT ROWID;

      CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;

      -- projections are new: rebuild them from whatever the journal holds
      UPDATE meta SET value = 0 WHERE key = 'projected_seq';
    `,
  },
  {
    version: 3,
    name: 'market_cache',
    // Public market data fetched from exchanges (store/market-cache.ts): a
    // cache, not part of the journal; losing it costs a download. `source` is
    // the exchange id plus its testnet or base_url, whose markets differ.
    sql: `
      CREATE TABLE market_instruments (
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        base TEXT NOT NULL,
        quote TEXT NOT NULL,
        price_increment TEXT NOT NULL,
        size_increment TEXT NOT NULL,
        min_quantity TEXT NOT NULL,
        min_notional TEXT NOT NULL,
        maker_fee TEXT NOT NULL,
        taker_fee TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (source, symbol)
      ) WITHOUT ROWID;

      CREATE TABLE market_candles (
        source TEXT NOT NULL,
        symbol TEXT NOT NULL,
        timeframe TEXT NOT NULL,
        ts INTEGER NOT NULL,
        open TEXT NOT NULL,
        high TEXT NOT NULL,
        low TEXT NOT NULL,
        close TEXT NOT NULL,
        volume TEXT NOT NULL,
        PRIMARY KEY (source, symbol, timeframe, ts)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 4,
    name: 'api_key_expiry',
    // Web sessions get keys that expire. Older keys never do (NULL), which is
    // also what their journal entries decode to: no projection rebuild needed.
    sql: `
      ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
    `,
  },
  {
    version: 5,
    name: 'orders_in_journal_order',
    // "Newest first" is the order orders were placed in, which is the journal's
    // (seq of an order's first entry), not created_at: a wall clock set back
    // would otherwise list today's orders under tomorrow's. The projections are
    // rebuilt to fill the column.
    sql: `
      ALTER TABLE orders ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
      DROP INDEX orders_account_created;
      DROP INDEX orders_symbol_created;
      DROP INDEX orders_created;
      DROP INDEX orders_active;
      CREATE INDEX orders_account_seq ON orders (account, seq);
      CREATE INDEX orders_symbol_seq ON orders (symbol, seq);
      CREATE INDEX orders_seq ON orders (seq);
      CREATE INDEX orders_active ON orders (seq)
        WHERE state IN ('initialized','submitted','accepted','triggered','pending_update','pending_cancel','partially_filled');
      UPDATE meta SET value = 0 WHERE key = 'projected_seq';
    `,
  },
  {
    version: 6,
    name: 'strategy_ownership',
    // Every order and fill names the strategy that placed it (NULL: manual or
    // an API caller), and each strategy's own position per symbol is projected
    // like the account's (the per-strategy ledger). Older entries have no
    // strategy: NULL, and no strategy positions, so nothing to rebuild.
    sql: `
      ALTER TABLE orders ADD COLUMN strategy_id TEXT;
      ALTER TABLE fills ADD COLUMN strategy_id TEXT;
      CREATE INDEX orders_strategy_seq ON orders (strategy_id, seq) WHERE strategy_id IS NOT NULL;
      CREATE INDEX fills_strategy ON fills (strategy_id) WHERE strategy_id IS NOT NULL;
      CREATE TABLE strategy_positions (
        strategy_id TEXT NOT NULL,
        account TEXT NOT NULL,
        symbol TEXT NOT NULL,
        quantity TEXT NOT NULL,
        average_price TEXT,
        realized_pnl TEXT NOT NULL,
        fees_paid TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (strategy_id, account, symbol)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: 'backtest_runs',
    // Backtest runs and sweeps kept between sessions (store/backtest-runs.ts):
    // not trading state, so not in the journal; a run is deleted by DELETE.
    // `n` numbers the runs (ids bt-<n>), never reused; `job` is the job as
    // listed, `request` what started it, `report` (metrics, equity curve, trade
    // list, chart candles) and `sweep` (the table) what it produced, as JSON.
    sql: `
      CREATE TABLE backtest_runs (
        n INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        job TEXT NOT NULL,
        request TEXT NOT NULL,
        report TEXT,
        sweep TEXT
      );
      CREATE INDEX backtest_runs_status ON backtest_runs (status);
    `,
  },
  {
    version: 8,
    name: 'orders_protection',
    // Protective orders (issue 12): a trailing stop's terms and an order's
    // place in an OCO group or bracket (oco_id, parent_id, role, held_by), as
    // JSON. Older orders have neither (NULL), which is also what their journal
    // entries decode to: no projection rebuild needed.
    sql: `
      ALTER TABLE orders ADD COLUMN trailing TEXT;
      ALTER TABLE orders ADD COLUMN protection TEXT;
    `,
  },
  {
    version: 9,
    name: 'per_bot_keys',
    // Per-bot keys (issue 14): a key's own rate, the accounts it may trade and
    // its halt (JSON), and the key each order was placed with. Older keys and
    // orders have none (NULL), which is also what their journal entries decode
    // to: no projection rebuild needed.
    sql: `
      ALTER TABLE api_keys ADD COLUMN rate_limit TEXT;
      ALTER TABLE api_keys ADD COLUMN accounts TEXT;
      ALTER TABLE api_keys ADD COLUMN halted TEXT;
      ALTER TABLE orders ADD COLUMN key_id TEXT;
      CREATE INDEX orders_key_seq ON orders (key_id, seq) WHERE key_id IS NOT NULL;
    `,
  },
  {
    version: 10,
    name: 'orders_triggered_at',
    // When a stop's or take profit's trigger fired (Binance's workingTime; a
    // triggered limit rests working). Older orders have none (NULL), which is
    // also what their journal entries decode to: no projection rebuild needed.
    sql: `
      ALTER TABLE orders ADD COLUMN triggered_at INTEGER;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the database to the newest version this build knows, in one
 * transaction: a failed migration leaves the file as it was. Refuses a
 * database written by a newer build, whose tables this code would misread.
 * Returns the version found before migrating.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}; expected ${i + 1}`);
  });
  const latest = migrations.length;
  const found = db.pragma('user_version', { simple: true }) as number;
  if (found > latest) {
    throw new TernError(
      'CONFLICT',
      `database schema version ${found} is newer than this build of Tern supports (${latest}); open it with a newer Tern`,
      { found, supported: latest, file: db.name },
    );
  }
  if (found === latest) return found;
  db.transaction(() => {
    for (const m of migrations) {
      if (m.version <= found) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return found;
}
