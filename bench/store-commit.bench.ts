/**
 * Group-commit throughput of the SQLite store. Each order is journaled the
 * way the engine does it: initialize, submit, accept, fill, filled, position,
 * balance — 7 entries — with ORDERS_PER_COMMIT orders per commit. The
 * entries are built before the clock starts; `record` (encode + buffer) and
 * `commit` (one transaction) are timed. Prints one JSON line.
 *   ORDERS, ORDERS_PER_COMMIT, STORE=memory|file (default file), SYNC=NORMAL|FULL
 */
import { Decimal } from '../src-main/engine/model/decimal.js';
import type { OrderRecord } from '../src-main/engine/model/types.js';
import type { JournalEntry } from '../src-main/engine/ports/store.js';
import { SqliteStore } from '../src-main/store/sqlite-store.js';
import { openTempStore } from '../src-main/store/temp-store.js';

const ORDERS = Number(process.env.ORDERS ?? 200_000);
const ORDERS_PER_COMMIT = Number(process.env.ORDERS_PER_COMMIT ?? 1000);
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

const temp = process.env.STORE === 'memory' ? undefined : openTempStore({ synchronous: SYNC });
const store = temp?.store ?? SqliteStore.open('');
const cpu0 = process.cpuUsage();
let recordMs = 0;
let commitMs = 0;
for (let i = 0; i < ORDERS; i += ORDERS_PER_COMMIT) {
  const entries: JournalEntry[] = [];
  for (let j = i; j < Math.min(ORDERS, i + ORDERS_PER_COMMIT); j++) entries.push(...orderLife(j));
  const r0 = performance.now();
  for (const e of entries) store.record(e);
  const c0 = performance.now();
  store.commit();
  recordMs += c0 - r0;
  commitMs += performance.now() - c0;
}
const cpu = process.cpuUsage(cpu0);
const totalMs = recordMs + commitMs;
console.log(
  JSON.stringify({
    bench: 'store_commit',
    store: temp ? `file/${SYNC}` : 'memory',
    orders: ORDERS,
    orders_per_commit: ORDERS_PER_COMMIT,
    entries_per_order: 7,
    record_us_per_order: +((recordMs * 1000) / ORDERS).toFixed(2),
    commit_us_per_order: +((commitMs * 1000) / ORDERS).toFixed(2),
    // CPU time of the whole run (building the entries included): less sensitive to other load on the machine
    cpu_us_per_order: +((cpu.user + cpu.system) / ORDERS).toFixed(2),
    orders_per_s: Math.round((ORDERS / totalMs) * 1000),
    entries_per_s: Math.round(((ORDERS * 7) / totalMs) * 1000),
  }),
);
if (temp) temp.dispose();
else store.close();
