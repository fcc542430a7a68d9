import { Decimal, str } from '../../model/decimal.js';
import type { OrderRecord } from '../../model/types.js';
import type { PreTradeContext } from '../../oms/pre-trade.js';
import type { ResolvedLimit } from '../limits.js';
import { type PreTradeRule, type RuleReading, isNewOrder, reading, refusal } from './rule.js';

/** working orders in a scope: all accounts (account undefined), one account, or one account and symbol */
export type OpenOrderCount = (account: string | undefined, symbol?: string) => number;

/**
 * max_open_orders: working orders counted in the scope that sets the limit
 * (global: all accounts; account; account+symbol), this order included. An
 * amendment adds no order and is never refused by this rule.
 */
export class MaxOpenOrders implements PreTradeRule {
  readonly name = 'max_open_orders' as const;

  constructor(private readonly openOrders: OpenOrderCount) {}

  check(order: OrderRecord, _context: PreTradeContext, limit: ResolvedLimit): RuleReading {
    const { account, symbol } = limit.scope;
    const working = this.openOrders(account ?? undefined, symbol ?? undefined);
    if (!isNewOrder(order)) return reading(limit, new Decimal(working));
    const value = new Decimal(working + 1);
    if (value.gt(limit.limit)) throw refusal(limit, value, `${working} orders are working; one more would exceed the limit ${str(limit.limit)}`);
    return reading(limit, value);
  }
}
