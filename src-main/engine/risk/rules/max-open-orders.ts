import { Decimal, str } from '../../model/decimal.js';
import type { OrderRecord } from '../../model/types.js';
import type { PreTradeContext } from '../../oms/pre-trade.js';
import type { ResolvedLimit } from '../limits.js';
import { type PreTradeRule, type RuleReading, isNewOrder, lazyReading, refusal } from './rule.js';

/** working orders in a scope: all accounts (account undefined), one account, or one account and symbol; with `strategy`, only that strategy's there */
export type OpenOrderCount = (account: string | undefined, symbol?: string, strategy?: string, key?: string) => number;

/**
 * max_open_orders: working orders counted in the scope that sets the limit
 * (global: all accounts; account; account+symbol), this order included. An
 * amendment adds no order and is never refused by this rule.
 */
export class MaxOpenOrders implements PreTradeRule {
  readonly name = 'max_open_orders' as const;
  /** the limit as a number (a whole count, validated), per limit object */
  private readonly asNumber = new WeakMap<ResolvedLimit, number>();

  constructor(private readonly openOrders: OpenOrderCount) {}

  check(order: OrderRecord, _context: PreTradeContext, limit: ResolvedLimit): RuleReading {
    const { account, symbol, strategy, key } = limit.scope;
    // a strategy trades one account and symbol: its working orders are counted there; a key's everywhere
    const working =
      key !== undefined
        ? this.openOrders(undefined, undefined, undefined, key)
        : strategy !== undefined
          ? this.openOrders(order.account, order.symbol, strategy)
          : this.openOrders(account ?? undefined, symbol ?? undefined);
    const value = isNewOrder(order) ? working + 1 : working;
    let max = this.asNumber.get(limit);
    if (max === undefined) {
      max = limit.limit.toNumber();
      this.asNumber.set(limit, max);
    }
    if (isNewOrder(order) && value > max) {
      throw refusal(limit, new Decimal(value), `${working} orders are working; one more would exceed the limit ${str(limit.limit)}`);
    }
    return lazyReading(limit, () => new Decimal(value));
  }
}
