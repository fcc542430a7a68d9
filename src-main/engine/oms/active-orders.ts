import { type Decimal, ZERO } from '../model/decimal.js';
import { type OrderRecord, remaining, type Side } from '../model/types.js';

/** Remaining quantity of the working orders on one side of one account and symbol, reduce-only apart. */
export interface WorkingQuantity {
  reduceOnly: Decimal;
  other: Decimal;
}

type SideSums = Record<Side, WorkingQuantity>;

/**
 * The OMS's working orders by id, also grouped by account and symbol, so
 * that counting them in a scope (max_open_orders, on every order) and listing
 * one account's or symbol's costs what is in that scope, not a pass over
 * every working order. An order's account and symbol never change; its record
 * is replaced on every transition.
 *
 * It also keeps, per account, symbol and side, the sum of what the working
 * orders have left to fill (reduce-only apart), adjusted as records come and
 * go, so the REDUCING gate weighs the orders already working without a pass
 * over them. A scope's sums are made the first time they are asked for (one
 * pass), so orders nobody weighs (a backtest's, most of the time) pay
 * nothing. Decimal sums of quantities are exact (far below the 40 digits), so
 * the running sum equals a recount.
 */
export class ActiveOrders {
  private readonly byId = new Map<string, OrderRecord>();
  /** account → symbol → id → record */
  private readonly byScope = new Map<string, Map<string, Map<string, OrderRecord>>>();
  /** a scope's orders (a map of byScope) → what they have left per side, made on first use */
  private readonly sums = new WeakMap<Map<string, OrderRecord>, SideSums>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): OrderRecord | undefined {
    return this.byId.get(id);
  }

  set(id: string, order: OrderRecord): this {
    const previous = this.byId.get(id);
    this.byId.set(id, order);
    let symbols = this.byScope.get(order.account);
    if (!symbols) {
      symbols = new Map();
      this.byScope.set(order.account, symbols);
    }
    let orders = symbols.get(order.symbol);
    if (!orders) {
      orders = new Map();
      symbols.set(order.symbol, orders);
    }
    orders.set(id, order);
    const sums = this.sums.get(orders);
    if (sums) {
      if (previous) addWorking(sums, previous, -1);
      addWorking(sums, order, 1);
    }
    return this;
  }

  delete(id: string): boolean {
    const order = this.byId.get(id);
    if (!order) return false;
    this.byId.delete(id);
    const symbols = this.byScope.get(order.account);
    const orders = symbols?.get(order.symbol);
    orders?.delete(id);
    const sums = orders && this.sums.get(orders);
    if (sums) addWorking(sums, order, -1);
    // an emptied scope is kept (as are its sums, exactly zero then): the next order in it, most often
    // right after (a market order fills and goes), finds it instead of making it again; there are
    // only as many as account and symbol pairs ever traded
    return true;
  }

  /** every working order, in the order they were first tracked */
  values(): IterableIterator<OrderRecord> {
    return this.byId.values();
  }

  /** working orders in a scope: everything, one account, one symbol across accounts, or one account and symbol */
  count(account?: string, symbol?: string): number {
    if (!account && !symbol) return this.byId.size;
    // one account, or one account and symbol (max_open_orders, on every order): no generator or array made
    if (account) {
      const symbols = this.byScope.get(account);
      if (!symbols) return 0;
      if (symbol) return symbols.get(symbol)?.size ?? 0;
      let n = 0;
      for (const orders of symbols.values()) n += orders.size;
      return n;
    }
    let n = 0;
    for (const orders of this.scope(account, symbol)) n += orders.size;
    return n;
  }

  /** working orders in a scope (see `count`), in the order they were first tracked */
  list(account?: string, symbol?: string): OrderRecord[] {
    if (account && symbol) return [...(this.byScope.get(account)?.get(symbol)?.values() ?? [])];
    // wider scopes are rare (cancel all, reconciliation): a pass keeps them in tracking order across symbols
    return [...this.byId.values()].filter((o) => (!account || o.account === account) && (!symbol || o.symbol === symbol));
  }

  /** what the working orders on (account, symbol, side) have left to fill, the order `exceptId` left out */
  working(account: string, symbol: string, side: Side, exceptId?: string): WorkingQuantity {
    const orders = this.byScope.get(account)?.get(symbol);
    if (!orders) return { reduceOnly: ZERO, other: ZERO };
    let all = this.sums.get(orders);
    if (!all) {
      all = { buy: { reduceOnly: ZERO, other: ZERO }, sell: { reduceOnly: ZERO, other: ZERO } };
      for (const o of orders.values()) addWorking(all, o, 1);
      this.sums.set(orders, all);
    }
    const sums = all[side];
    const except = exceptId === undefined ? undefined : this.byId.get(exceptId);
    if (!except || except.account !== account || except.symbol !== symbol || except.side !== side) return { ...sums };
    const left = remaining(except);
    return except.reduceOnly ? { reduceOnly: sums.reduceOnly.sub(left), other: sums.other } : { reduceOnly: sums.reduceOnly, other: sums.other.sub(left) };
  }

  private *scope(account?: string, symbol?: string): Generator<Map<string, OrderRecord>> {
    const accounts = account ? [this.byScope.get(account)] : [...this.byScope.values()];
    for (const symbols of accounts) {
      if (!symbols) continue;
      if (symbol) {
        const orders = symbols.get(symbol);
        if (orders) yield orders;
      } else yield* symbols.values();
    }
  }
}

function addWorking(sums: SideSums, order: OrderRecord, sign: 1 | -1): void {
  const side = sums[order.side];
  const left = remaining(order);
  if (order.reduceOnly) side.reduceOnly = sign > 0 ? side.reduceOnly.add(left) : side.reduceOnly.sub(left);
  else side.other = sign > 0 ? side.other.add(left) : side.other.sub(left);
}
