/**
 * Group-commit throughput of the SQLite store. Each order is journaled the
 * way the engine does it: initialize, submit, accept, fill, filled, position,
 * balance — 7 entries — with ORDERS_PER_COMMIT orders per commit. The
 * entries are built before the clock starts; `record` (encode + buffer) and
 * `commit` (one transaction) are timed, and the bytes the commits wrote to
 * the WAL counted. Prints one JSON line per case: one order per commit and
 * 500 per commit, unless ORDERS_PER_COMMIT names one.
 *   ORDERS, ORDERS_PER_COMMIT, STORE=memory|file (default file), SYNC=NORMAL|FULL
 */
import { existsSync, statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { Decimal } from '../src-main/engine/model/decimal.js';
import type { OrderRecord } from '../src-main/engine/model/types.js';
import type { JournalEntry } from '../src-main/engine/ports/store.js';
import { SqliteStore } from '../src-main/store/sqlite-store.js';
import { openTempStore } from '../src-main/store/temp-store.js';
import { percentiles } from './stats.js';

const ORDERS = Number(process.env.ORDERS ?? 200_000);
const ORDERS_PER_COMMIT = Number(process.env.ORDERS_PER_COMMIT ?? 500);
const SYNC = process.env.SYNC === 'FULL' ? 'FULL' : 'NORMAL';
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT'];
const T0 = 1_700_000_000_000;

function orderLife(j: number): JournalEntry[] {
  const ts = T0 + j;
  const symbol = SYMBOLS[j % SYMBOLS.length]!;
  const qty = new Decimal('0.015');
  const price = new Decimal(2_700_000 + (j % 1000)).div(100);
  const fee = price.mul(qty).mul('0.001');
  const base: OrderRecord = {
    id: `O-r1-${j}`,
    clientOrderId: `T-r1-${j}`,
    account: 'paper',
    symbol,
    side: j % 2 ? 'buy' : 'sell',
    type: 'limit',
    quantity: qty,
    price,
    stopPrice: null,
    timeInForce: 'GTC',
    postOnly: false,
    reduceOnly: false,
    state: 'initialized',
    previousState: null,
    filledQuantity: new Decimal(0),
    averagePrice: null,
    fees: new Decimal(0),
    rejectReason: null,
    venueOrderId: null,
    createdAt: ts,
    updatedAt: ts,
  };
  return [
    { type: 'order', event: 'initialize', order: base },
    { type: 'order', event: 'submit', order: { ...base, state: 'submitted' } },
    { type: 'order', event: 'accept', order: { ...base, state: 'accepted', venueOrderId: `V-${j}` } },
    {
      type: 'fill',
      fill: { id: `F-r1-${j}`, orderId: base.id, clientOrderId: base.clientOrderId, account: 'paper', symbol, side: base.side, quantity: qty, price, fee, feeAsset: 'USDT', liquidity: 'taker', venueTradeId: `VT-${j}`, ts },
    },
    { type: 'order', event: 'fill', order: { ...base, state: 'filled', venueOrderId: `V-${j}`, filledQuantity: qty, averagePrice: price, fees: fee } },
    { type: 'position', position: { account: 'paper', symbol, quantity: qty.mul(j % 7), averagePrice: price, realizedPnl: new Decimal(j).div(8), feesPaid: fee.mul(j), updatedAt: ts } },
    { type: 'balance', balance: { account: 'paper', asset: 'USDT', total: new Decimal(1e6).minus(fee.mul(j)), locked: new Decimal(0), updatedAt: ts } },
  ];
}

/**
 * One run: ORDERS orders, `perCommit` to a commit. The WAL is never
 * checkpointed during the run (SQLite's automatic checkpoint off, no
 * background checkpointer), so its size at the end is every byte the commits
 * wrote: frames of 4 KB pages plus their 24-byte headers. What the store
 * leaves to write after the last commit (projections written behind) is
 * written, and timed, as part of the run.
 */
function run(orders: number, perCommit: number) {
  const temp = process.env.STORE === 'memory' ? undefined : openTempStore({ synchronous: SYNC, backgroundCheckpoints: false });
  const store = temp?.store ?? SqliteStore.open('');
  // the store keeps its connection to itself; a benchmark may look (works on older versions of the store too)
  const db = (store as unknown as { db: Database.Database }).db;
  db.pragma('wal_autocheckpoint = 0');
  // measuring what an index costs: DROP_INDEXES=a,b drops them first (a measurement, not a configuration)
  for (const name of (process.env.DROP_INDEXES ?? '').split(',').filter(Boolean)) db.exec(`DROP INDEX ${name}`);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const wal = temp ? `${temp.file}-wal` : '';
  const walBytes = () => (wal && existsSync(wal) ? statSync(wal).size : 0);
  const wal0 = walBytes();
  const cpu0 = process.cpuUsage();
  let recordMs = 0;
  let commitMs = 0;
  let commits = 0;
  const commitNs: number[] = [];
  for (let i = 0; i < orders; i += perCommit) {
    const entries: JournalEntry[] = [];
    for (let j = i; j < Math.min(orders, i + perCommit); j++) entries.push(...orderLife(j));
    const r0 = performance.now();
    for (const e of entries) store.record(e);
    const c0 = performance.now();
    store.commit();
    const c1 = performance.now();
    recordMs += c0 - r0;
    commitMs += c1 - c0;
    commitNs.push((c1 - c0) * 1e6);
    commits += 1;
  }
  const f0 = performance.now();
  (store as { flushProjections?: () => void }).flushProjections?.();
  commitMs += performance.now() - f0;
  const cpu = process.cpuUsage(cpu0);
  const written = walBytes() - wal0;
  const totalMs = recordMs + commitMs;
  const result = {
    bench: 'store_commit',
    store: temp ? `file/${SYNC}` : 'memory',
    orders,
    orders_per_commit: perCommit,
    entries_per_order: 7,
    record_us_per_order: +((recordMs * 1000) / orders).toFixed(2),
    commit_us_per_order: +((commitMs * 1000) / orders).toFixed(2),
    commit_us_per_commit: +((commitMs * 1000) / commits).toFixed(2),
    // one commit's wall time: with projections written behind, the commits that write them are the tail
    ...Object.fromEntries(Object.entries(percentiles(commitNs)).map(([k, v]) => [`commit_${k}`, v])),
    // CPU time of the whole run (building the entries included): less sensitive to other load on the machine
    cpu_us_per_order: +((cpu.user + cpu.system) / orders).toFixed(2),
    orders_per_s: Math.round((orders / totalMs) * 1000),
    entries_per_s: Math.round(((orders * 7) / totalMs) * 1000),
    ...(temp ? { wal_bytes_per_order: Math.round(written / orders), wal_pages_per_commit: +(written / (pageSize + 24) / commits).toFixed(2) } : {}),
  };
  if (temp) temp.dispose();
  else store.close();
  return result;
}

// ORDERS_PER_COMMIT chooses one case; by default one order per commit (a REST request, a gateway order) and 500 (a burst)
const cases = process.env.ORDERS_PER_COMMIT ? [[ORDERS, ORDERS_PER_COMMIT]] : [[Math.min(ORDERS, 10_000), 1], [ORDERS, 500]];
for (const [orders, perCommit] of cases) console.log(JSON.stringify(run(orders!, perCommit!)));
