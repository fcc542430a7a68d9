import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src-main/engine/model/decimal.js';
import { ORDER_STATES } from '../../src-main/engine/model/order-state.js';
import type { JournalEntry } from '../../src-main/engine/ports/store.js';
import { SqliteStore } from '../../src-main/store/sqlite-store.js';
import { account, apiKey, balance, fill, order, position } from './records.js';

const ACCOUNTS = ['a1', 'a2'];
const SYMBOLS = ['BTC-USDT', 'ETH-USDT'];

const decimal = fc.tuple(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 0, max: 8 })).map(([n, scale]) => new Decimal(n).div(new Decimal(10).pow(scale)));
const ts = fc.integer({ min: 0, max: 50 });

// An order's identity (account, symbol, side, type, created_at, client order id) is fixed by its id; the rest changes.
const orderEntry = fc.record({ n: fc.integer({ min: 0, max: 5 }), state: fc.constantFrom(...ORDER_STATES), filled: decimal, avg: fc.option(decimal), ts }).map(
  ({ n, state, filled, avg, ts }): JournalEntry => ({
    type: 'order',
    event: 'update',
    order: order({
      id: `O-${n}`,
      clientOrderId: `T-${n}`,
      account: ACCOUNTS[n % 2]!,
      symbol: SYMBOLS[(n >> 1) % 2]!,
      side: n % 3 ? 'buy' : 'sell',
      createdAt: n,
      state,
      filledQuantity: filled,
      averagePrice: avg,
      updatedAt: ts,
    }),
  }),
);

const fillEntry = fc
  .record({ id: fc.integer({ min: 0, max: 9 }), trade: fc.integer({ min: 0, max: 6 }), account: fc.constantFrom(...ACCOUNTS), symbol: fc.constantFrom(...SYMBOLS), price: decimal, ts })
  .map(({ id, trade, account, symbol, price, ts }): JournalEntry => ({ type: 'fill', fill: fill({ id: `F-${id}`, venueTradeId: `VT-${trade}`, account, symbol, price, ts }) }));

const positionEntry = fc
  .record({ account: fc.constantFrom(...ACCOUNTS), symbol: fc.constantFrom(...SYMBOLS), quantity: decimal, pnl: decimal, ts })
  .map(({ account, symbol, quantity, pnl, ts }): JournalEntry => ({ type: 'position', position: position({ account, symbol, quantity, realizedPnl: pnl, updatedAt: ts }) }));

const balanceEntry = fc
  .record({ account: fc.constantFrom(...ACCOUNTS), asset: fc.constantFrom('USDT', 'BTC'), total: decimal, ts })
  .map(({ account, asset, total, ts }): JournalEntry => ({ type: 'balance', balance: balance({ account, asset, total, updatedAt: ts }) }));

const otherEntry = fc.oneof(
  fc.record({ id: fc.constantFrom(...ACCOUNTS), status: fc.constantFrom('active', 'disabled') }).map(({ id, status }): JournalEntry => ({ type: 'account', account: account({ id, status }) })),
  fc.record({ account: fc.constantFrom(...ACCOUNTS), ts }).map(({ account, ts }): JournalEntry => ({ type: 'account_reset', account, ts })),
  fc.record({ id: fc.constantFrom('K-1', 'K-2'), revoked: fc.option(ts) }).map(({ id, revoked }): JournalEntry => ({ type: 'key', key: apiKey({ id, revokedAt: revoked }) })),
  fc.record({ name: fc.constantFrom('s1', 's2'), value: fc.jsonValue(), ts }).map(({ name, value, ts }): JournalEntry => ({ type: 'setting', name, value, ts })),
);

const entry = fc.oneof(orderEntry, orderEntry, fillEntry, fillEntry, positionEntry, balanceEntry, otherEntry);
/** each entry, and whether a commit follows it */
const script = fc.array(fc.tuple(entry, fc.boolean()), { maxLength: 60 });

/** Everything the projections answer, through the store's own reads. */
function dump(store: SqliteStore): unknown {
  const plain = (v: unknown) => JSON.parse(JSON.stringify(v));
  return plain({
    accounts: store.loadAccounts(),
    orders: store.queryOrders({ status: 'all', limit: 1000 }),
    active: store.loadActiveOrders(),
    fills: [...store.allFills()],
    positions: store.loadPositions(),
    balances: store.loadBalances(),
    keys: store.loadKeys(),
    settings: [store.loadSetting('s1'), store.loadSetting('s2')],
  });
}

describe('projections', () => {
  it('built incrementally, batch by batch, equal a rebuild from the journal', () => {
    fc.assert(
      fc.property(script, (steps) => {
        const store = SqliteStore.open('');
        for (const [e, commit] of steps) {
          store.record(e);
          if (commit) store.commit();
        }
        store.commit();
        const incremental = dump(store);
        expect(store.verify()).toEqual({ ok: true, mismatches: [] });
        store.rebuildProjections();
        expect(dump(store)).toEqual(incremental);
        expect(store.journalSeq).toBe(steps.length);
        store.close();
      }),
      { numRuns: 150 },
    );
  });
});
