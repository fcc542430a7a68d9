/**
 * A journal written before later migrations added fields holds shorter tuples
 * (an order of 21 fields from before strategy_id, a fill of 13). Rebuilding the
 * projections from it (open with rebuild, verify, serve --repair) bound those
 * tuples as they were and threw "Too few parameter values" once a batch held
 * more than one: the store could not be repaired. The missing fields are null.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { openTempStore, type TempStore } from '../../src-main/store/temp-store.js';

let temp: TempStore | null = null;
afterEach(() => temp?.dispose());

const T = 1_700_000_000_000;
/** an order's tuple as journaled before migration 6 */
const oldOrder = (i: number) => [`O-${i}`, `T-${i}`, 'paper', 'BTC/USDT', 'buy', 'limit', '0.015', '27000.5', null, 'GTC', 0, 0, 'filled', 'open', '0.015', '27000.5', '0.04', null, `V-${i}`, T + i, T + i];
/** a fill's tuple as journaled before migration 6 */
const oldFill = (i: number) => [`F-${i}`, `O-${i}`, `T-${i}`, 'paper', 'BTC/USDT', 'buy', '0.015', '27000.5', '0.04', 'USDT', 'taker', `VT-${i}`, T + i];

describe('a journal of older, shorter tuples', () => {
  it('rebuilds: every order and fill projected, the fields they predate null, verify clean', () => {
    temp = openTempStore();
    temp.store.close();
    const db = new Database(temp.file);
    const insert = db.prepare('INSERT INTO journal (seq, ts, type, payload) VALUES (?, ?, ?, ?)');
    const N = 70;
    db.transaction(() => {
      for (let i = 0; i < N; i++) {
        insert.run(2 * i + 1, T + i, 'order', JSON.stringify({ event: 'fill', order: oldOrder(i) }));
        insert.run(2 * i + 2, T + i, 'fill', JSON.stringify({ fill: oldFill(i) }));
      }
    })();
    db.close();

    const store = SqliteStore.open(temp.file, { rebuild: true });
    temp.store = store;
    expect(store.verify()).toEqual({ ok: true, mismatches: [] });
    const orders = store.queryOrders({ status: 'all', limit: 1000 });
    expect(orders).toHaveLength(N);
    const first = store.getOrder('O-0')!;
    expect([first.clientOrderId, first.state, first.filledQuantity.toString(), first.strategyId ?? null, first.keyId ?? null, first.triggeredAt ?? null]).toEqual(['T-0', 'filled', '0.015', null, null, null]);
    expect(store.queryFills({ limit: 1000 })).toHaveLength(N);
  });
});
