import { str } from '../../model/decimal.js';
import { type PreTradeRule, reading, referencePrice, refusal } from './rule.js';

/**
 * max_order_notional: quantity × price in the quote currency. A market order
 * is valued at the mid; with no mid it cannot be valued and is refused
 * (a limit that cannot be checked does not pass).
 */
export const maxOrderNotional: PreTradeRule = {
  name: 'max_order_notional',
  check(order, context, limit) {
    const price = referencePrice(order, context);
    if (!price) throw refusal(limit, null, `the ${order.type} order has no price and ${order.symbol} has no mid to value it at`);
    const notional = order.quantity.mul(price);
    if (notional.gt(limit.limit)) {
      throw refusal(limit, notional, `notional ${str(notional)} (${str(order.quantity)} at ${str(price)}) exceeds the limit ${str(limit.limit)}`);
    }
    return reading(limit, notional);
  },
};
