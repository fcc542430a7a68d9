/**
 * Restart of a store holding 1,000,000 fills (and their filled orders): times
 * SqliteStore.open + loadActiveOrders + loadPositions + loadBalances, the
 * state the engine resumes from. Prints one JSON line.
 *
 * The history is written by a bulk path (SQL generating journal rows and
 * their projections together, as commit would), then a few working orders,
 * positions and balances go through the ordinary record/commit path.
 *   FILLS (default 1,000,000); VERIFY=1 also runs verify() and a checked open with it forced (slow: a full rebuild);
 *   KEEP=1 keeps the file and prints its path.
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { Decimal } from '../src-main/engine/model/decimal.js';
import { SqliteStore } from '../src-main/store/sqlite-store.js';
import { openCheckedStore } from '../src-main/store/open-store.js';
import { openTempStore } from '../src-main/store/temp-store.js';
import { Engine } from '../src-main/engine/engine.js';
import { SequentialIds, systemClock } from '../src-main/engine/ports/clock.js';
import { PaperVenue } from '../src-main/venues/paper/paper-venue.js';
import { FakeFeed, instrumentSpec } from '../test/helpers/fake-feed.js';

const FILLS = Number(process.env.FILLS ?? 1_000_000);
const T0 = 1_700_000_000_000;
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT'];

const temp = openTempStore();
const file = temp.file;
temp.store.record({ type: 'account', account: { id: 'paper', exchange: 'binance', mode: 'paper', status: 'active', startingBalances: { USDT: '1000000' }, createdAt: T0 } });
temp.store.commit();
const base = temp.store.journalSeq;
temp.store.close();

const buildStart = performance.now();
{
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.function('sym', { deterministic: true }, (i: number) => SYMBOLS[i % SYMBOLS.length]!);
  const series = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${FILLS - 1})`;
  // One filled order and its fill per i; journal seqs base+1+2i (order) and base+2+2i (fill).
  // Field values as SQL expressions of i, in codec order: text, numbers and NULLs.
  // The journal payload is their JSON, built by concatenation (all values are plain ASCII).
  const text = (sql: string) => ({ sql, json: `'"' || (${sql}) || '"'` });
  const num = (sql: string) => ({ sql, json: `(${sql})` });
  const NULL = { sql: 'NULL', json: `'null'` };
  const price = text(`'27' || (100 + i % 900) || '.5'`);
  const side = text(`iif(i % 2, 'buy', 'sell')`);
  const ts = num(`${T0} + i`);
  const orderFields = [text(`'O-h-' || i`), text(`'T-h-' || i`), text(`'paper'`), text('sym(i)'), side, text(`'limit'`), text(`'0.015'`), price, NULL, text(`'GTC'`), num('0'), num('0'), text(`'filled'`), NULL, text(`'0.015'`), price, text(`'0.04'`), NULL, text(`'V-' || i`), ts, ts];
  const fillFields = [text(`'F-h-' || i`), text(`'O-h-' || i`), text(`'T-h-' || i`), text(`'paper'`), text('sym(i)'), side, text(`'0.015'`), price, text(`'0.04'`), text(`'USDT'`), text(`'taker'`), text(`'VT-' || i`), ts];
  const json = (fields: Array<{ json: string }>) => `'[' || ${fields.map((f) => f.json).join(` || ',' || `)} || ']'`;
  const values = (fields: Array<{ sql: string }>) => fields.map((f) => f.sql).join(', ');
  db.transaction(() => {
    // k = 0: the order entry, k = 1: its fill; the nested loop yields seqs in order (an append, no sort).
    db.exec(`${series} INSERT INTO journal (seq, ts, type, payload)
      SELECT ${base} + 1 + 2 * i + k, ${T0} + i, iif(k, 'fill', 'order'),
        iif(k, '{"fill":' || ${json(fillFields)} || '}', '{"event":"fill","order":' || ${json(orderFields)} || '}')
      FROM n CROSS JOIN (SELECT 0 AS k UNION ALL SELECT 1)`);
    // The projections of those entries, from the same expressions (VERIFY=1 checks them against a rebuild).
    // orders.seq (migration 5): the seq of the order's first journal entry, its place in "newest first"
    // later migrations' columns (strategy_id, trailing, protection, key_id, triggered_at) are NULL for a manual order
    db.exec(`${series} INSERT INTO orders SELECT ${values(orderFields)}, ${base} + 1 + 2 * i, NULL, NULL, NULL, NULL, NULL FROM n`);
    db.exec(`${series} INSERT INTO fills (id, order_id, client_order_id, account, symbol, side, quantity, price, fee, fee_asset, liquidity, venue_trade_id, ts, seq)
      SELECT ${values(fillFields)}, ${base} + 2 + 2 * i FROM n`);
    db.prepare(`UPDATE meta SET value = (SELECT max(seq) FROM journal) WHERE key = 'projected_seq'`).run();
  })();
  db.close();
}

// The live part: working orders, positions, balances through record/commit.
{
  const store = SqliteStore.open(file);
  const ts = T0 + FILLS;
  for (let i = 0; i < 200; i++) {
    const symbol = SYMBOLS[i % SYMBOLS.length]!;
    store.record({
      type: 'order',
      event: 'accept',
      order: {
        id: `O-live-${i}`, clientOrderId: `T-live-${i}`, account: 'paper', symbol, side: i % 2 ? 'buy' : 'sell', type: 'limit', quantity: new Decimal('0.01'), price: new Decimal(20000 + i),
        stopPrice: null, timeInForce: 'GTC', postOnly: false, reduceOnly: false, state: 'accepted', previousState: 'submitted', filledQuantity: new Decimal(0), averagePrice: null,
        fees: new Decimal(0), rejectReason: null, venueOrderId: `V-live-${i}`, createdAt: ts + i, updatedAt: ts + i,
      },
    });
  }
  for (const symbol of SYMBOLS) {
    store.record({ type: 'position', position: { account: 'paper', symbol, quantity: new Decimal('1.5'), averagePrice: new Decimal('27500.25'), realizedPnl: new Decimal('123.45'), feesPaid: new Decimal('40000'), updatedAt: ts } });
  }
  for (const asset of ['USDT', 'BTC', 'ETH', 'SOL', 'XRP']) {
    store.record({ type: 'balance', balance: { account: 'paper', asset, total: new Decimal('1000.5'), locked: new Decimal('10'), updatedAt: ts } });
  }
  store.close();
}
const buildMs = performance.now() - buildStart;

const t0 = performance.now();
const store = SqliteStore.open(file);
const active = store.loadActiveOrders();
const positions = store.loadPositions();
const balances = store.loadBalances();
const ms = performance.now() - t0;
const journalEntries = store.journalSeq;
const verified = process.env.VERIFY ? { verify_ok: store.verify().ok } : {};
store.close();

// What a start pays for its checks of the file (createRuntime): quick_check alone, the checked open as a
// start does it (verify() only up to VERIFY_AT_START_MAX_ENTRIES), and the checked open with verify() forced.
const q0 = performance.now();
{
  const db = new Database(file, { fileMustExist: true });
  db.pragma('quick_check(5)');
  db.close();
}
const quickCheckMs = performance.now() - q0;
const c0 = performance.now();
openCheckedStore(file).close();
const checkedOpenMs = performance.now() - c0;
const v0 = performance.now();
if (process.env.VERIFY) openCheckedStore(file, { verify: true }).close();
const verifiedOpenMs = process.env.VERIFY ? { verified_open_ms: +(performance.now() - v0).toFixed(1) } : {};

// The whole engine to ready on the same file: store, keys, accounts, risk
// settings, working orders handed back to the paper venue.
const e0 = performance.now();
const engineStore = SqliteStore.open(file);
const ids = new SequentialIds('restart');
const feed = new FakeFeed(SYMBOLS.map((s) => instrumentSpec(s.replace('-', '/'))));
const engine = new Engine({
  store: engineStore,
  clock: systemClock,
  ids,
  version: 'bench',
  paperBalances: { USDT: '1000000' },
  venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock: systemClock, ids, startingBalances: a.startingBalances }),
});
await engine.start();
const engineMs = performance.now() - e0;
await engine.stop();
engineStore.close();

console.log(
  JSON.stringify({
    bench: 'restart_1m_fills',
    goal_ms: 1000,
    ms: +ms.toFixed(1),
    engine_ready_ms: +engineMs.toFixed(1),
    quick_check_ms: +quickCheckMs.toFixed(1),
    checked_open_ms: +checkedOpenMs.toFixed(1),
    ...verifiedOpenMs,
    fills: FILLS,
    journal_entries: journalEntries,
    active_orders: active.length,
    positions: positions.length,
    balances: balances.length,
    build_ms: Math.round(buildMs),
    ...verified,
  }),
);
if (process.env.KEEP) console.error(file);
else rmSync(dirname(file), { recursive: true, force: true });
