import type { OrderRecord } from '../model/types.js';

/**
 * The OMS's working orders by id, also grouped by account and symbol, so
 * that counting them in a scope (max_open_orders, on every order) and listing
 * one account's or symbol's costs what is in that scope, not a pass over
 * every working order. An order's account and symbol never change; its record
 * is replaced on every transition.
 */
export class ActiveOrders {
  private readonly byId = new Map<string, OrderRecord>();
  /** account → symbol → id → record */
  private readonly byScope = new Map<string, Map<string, Map<string, OrderRecord>>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): OrderRecord | undefined {
    return this.byId.get(id);
  }

  set(id: string, order: OrderRecord): this {
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
    return this;
  }

  delete(id: string): boolean {
    const order = this.byId.get(id);
    if (!order) return false;
    this.byId.delete(id);
    const symbols = this.byScope.get(order.account);
    const orders = symbols?.get(order.symbol);
    orders?.delete(id);
    if (orders?.size === 0) symbols!.delete(order.symbol);
    if (symbols?.size === 0) this.byScope.delete(order.account);
    return true;
  }

  /** every working order, in the order they were first tracked */
  values(): IterableIterator<OrderRecord> {
    return this.byId.values();
  }

  /** working orders in a scope: everything, one account, one symbol across accounts, or one account and symbol */
  count(account?: string, symbol?: string): number {
    if (!account && !symbol) return this.byId.size;
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
