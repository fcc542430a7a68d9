/**
 * Group-commit throughput of the SQLite store: an order's life as the engine
 * journals it (initialize, submit, accept, fill, filled, position, balance =
 * 7 entries), ORDERS_PER_COMMIT orders per commit. Prints one JSON line.
 */
import { Decimal } from '../src-main/engine/model/decimal.js';
import type { OrderRecord } from '../src-main/engine/model/types.js';
import { openTempStore } from '../src-main/store/temp-store.js';
import { SqliteStore } from "../src-main/store/sqlite-store.js";

const ORDERS = Number(process.env.ORDERS ?? 200_000);
const ORDERS_PER_COMMIT = Number(process.env.ORDERS_PER_COMMIT ?? 1000);
const SYMBOLS = ['BTC-USDT', 'ETH-USDT', 'SOL-USDT', 'XRP-USDT'];

const { store, dispose } = process.env.MEM ? { store: SqliteStore.open(""), dispose: () => {} } : openTempStore();
for (const p of (process.env.PRAGMAS ?? "").split(";").filter(Boolean)) (store as any).db.pragma(p);
const t0 = 36e11;
let recordMs = 0;
let commitMs = 0;
const qty = new Decimal('0.015');
for (let i = 0; i < ORDERS; i += ORDERS_PER_COMMIT) {
  const r0 = performance.now();
  for (let j = i; j < Math.min(ORDERS, i + ORDERS_PER_COMMIT); j++) {
    const ts = t0 + j;
    const symbol = SYMBOLS[j % SYMBOLS.length]!;
    const price = new Decimal(27000 + (j % 1000)).div(100).plus('27000');
    const order: OrderRecord = {
      id: `O-run1-${j}`,
      clientOrderId: `T-run1-${j}`,
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
    store.record({ type: 'order', event: 'initialize', order });
    order.state = 'submitted';
    store.record({ type: 'order', event: 'submit', order });
    order.state = 'accepted';
    order.venueOrderId = `V-${j}`;
    store.record({ type: 'order', event: 'accept', order });
    const fee = price.mul(qty).mul('0.001');
    store.record({
      type: 'fill',
      fill: { id: `F-run1-${j}`, orderId: order.id, clientOrderId: order.clientOrderId, account: 'paper', symbol, side: order.side, quantity: qty, price, fee, feeAsset: 'USDT', liquidity: 'taker', venueTradeId: `VT-${j}`, ts },
    });
    order.state = 'filled';
    order.filledQuantity = qty;
    order.averagePrice = price;
    order.fees = fee;
    store.record({ type: 'order', event: 'fill', order });
    store.record({ type: 'position', position: { account: 'paper', symbol, quantity: new Decimal(j % 7).mul(qty), averagePrice: price, realizedPnl: new Decimal(j).div(3), feesPaid: fee.mul(j), updatedAt: ts } });
    store.record({ type: 'balance', balance: { account: 'paper', asset: 'USDT', total: new Decimal(1e6).minus(fee.mul(j)), locked: new Decimal(0), updatedAt: ts } });
  }
  const c0 = performance.now();
  store.commit();
  const c1 = performance.now();
  recordMs += c0 - r0;
  commitMs += c1 - c0;
}
const totalMs = recordMs + commitMs;
console.log(
  JSON.stringify({
    bench: 'store_commit',
    orders: ORDERS,
    orders_per_commit: ORDERS_PER_COMMIT,
    entries_per_order: 7,
    record_ms: Math.round(recordMs),
    commit_ms: Math.round(commitMs),
    orders_per_s: Math.round((ORDERS / totalMs) * 1000),
    commit_only_orders_per_s: Math.round((ORDERS / commitMs) * 1000),
    entries_per_s: Math.round(((ORDERS * 7) / totalMs) * 1000),
  }),
);
dispose();
