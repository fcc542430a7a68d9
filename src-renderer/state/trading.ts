import { create } from 'zustand';
import { OPEN_ORDER_STATUSES } from '../../src-common/contract/constants/orders.js';
import type { Balance, Fill, Order, Position } from '../../src-common/contract/schemas.js';
import { type Table, emptyTable, failTable, replaceRows, trimRows, upsertRows } from './table.js';

export const orderKey = (o: Order) => o.id;
export const fillKey = (f: Fill) => f.id;
export const positionKey = (p: Position) => `${p.account}|${p.symbol}`;
export const balanceKey = (b: Balance) => `${b.account}|${b.asset}`;

export const OPEN_STATUSES: ReadonlySet<Order['status']> = new Set(OPEN_ORDER_STATUSES);
export const isOpenOrder = (o: Order) => OPEN_STATUSES.has(o.status);

/** the most orders and fills kept in memory: the blotters show the newest */
export const MAX_ORDERS = 20_000;
export const MAX_FILLS = 5_000;

export interface TradingState {
  orders: Table<Order>;
  fills: Table<Fill>;
  positions: Table<Position>;
  balances: Table<Balance>;
  loadOrders(rows: readonly Order[]): void;
  loadFills(rows: readonly Fill[]): void;
  loadPositions(rows: readonly Position[]): void;
  loadBalances(rows: readonly Balance[]): void;
  applyOrders(rows: readonly Order[]): void;
  applyFills(rows: readonly Fill[]): void;
  applyPositions(rows: readonly Position[]): void;
  applyBalances(rows: readonly Balance[]): void;
  fail(table: 'orders' | 'fills' | 'positions' | 'balances', error: string): void;
  reset(): void;
}

const byCreated = (a: Order, b: Order) => a.created_at.localeCompare(b.created_at);
const byTs = (a: Fill, b: Fill) => a.ts.localeCompare(b.ts);

const initial = () => ({
  orders: emptyTable<Order>(),
  fills: emptyTable<Fill>(),
  positions: emptyTable<Position>(),
  balances: emptyTable<Balance>(),
});

export const useTrading = create<TradingState>()((set) => ({
  ...initial(),
  loadOrders: (rows) => set((s) => ({ orders: replaceRows(s.orders, rows, orderKey) })),
  loadFills: (rows) => set((s) => ({ fills: replaceRows(s.fills, rows, fillKey) })),
  loadPositions: (rows) => set((s) => ({ positions: replaceRows(s.positions, rows, positionKey) })),
  loadBalances: (rows) => set((s) => ({ balances: replaceRows(s.balances, rows, balanceKey) })),
  applyOrders: (rows) =>
    set((s) => {
      let orders = upsertRows(s.orders, rows, orderKey);
      // the oldest closed orders go first when the cap is reached; open orders always stay
      if (orders.rows.size > MAX_ORDERS) orders = trimRows(orders, MAX_ORDERS, (a, b) => Number(isOpenOrder(a)) - Number(isOpenOrder(b)) || byCreated(a, b), orderKey);
      return { orders };
    }),
  applyFills: (rows) => set((s) => ({ fills: trimRows(upsertRows(s.fills, rows, fillKey), MAX_FILLS, byTs, fillKey) })),
  applyPositions: (rows) => set((s) => ({ positions: upsertRows(s.positions, rows, positionKey) })),
  applyBalances: (rows) => set((s) => ({ balances: upsertRows(s.balances, rows, balanceKey) })),
  fail: (table, error) => set((s) => ({ [table]: failTable(s[table] as Table<never>, error) }) as Partial<TradingState>),
  reset: () => set(initial()),
}));
