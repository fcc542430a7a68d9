import { str } from '../../model/decimal.js';
import { type PreTradeRule, reading, refusal } from './rule.js';

/** max_order_quantity: the order's quantity, in base units. */
export const maxOrderQuantity: PreTradeRule = {
  name: 'max_order_quantity',
  check(order, _context, limit) {
    if (order.quantity.gt(limit.limit)) throw refusal(limit, order.quantity, `quantity ${str(order.quantity)} exceeds the limit ${str(limit.limit)}`);
    return reading(limit, order.quantity);
  },
};
