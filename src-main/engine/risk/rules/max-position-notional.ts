import { str } from '../../model/decimal.js';
import { remaining } from '../../oms/order-lifecycle.js';
import { type PreTradeRule, lazyReading, referencePrice, refusal } from './rule.js';

/**
 * max_position_notional: |position after the order fills| × the order's price
 * (or the mid), per account and symbol. An order that does not make the
 * position larger always passes: a limit never stands in the way of reducing
 * risk (a position can outgrow its limit when the price moves).
 */
export const maxPositionNotional: PreTradeRule = {
  name: 'max_position_notional',
  check(order, context, limit) {
    const size = remaining(order);
    const position = context.position;
    const after = order.side === 'buy' ? position.add(size) : position.sub(size);
    const price = referencePrice(order, context);
    // it grows unless it is against the position and at most twice its size (|after| ≤ |position|)
    const against = order.side === 'buy' ? position.isNegative() : position.isPositive();
    const afterSize = after.abs();
    if (against && afterSize.lte(position.abs())) return price ? lazyReading(limit, () => afterSize.mul(price)) : { rule: limit.name, limit: limit.limit, value: null, scope: limit.scope };
    if (!price) throw refusal(limit, null, `the ${order.type} order has no price and ${order.symbol} has no mid to value the position at`);
    const notional = afterSize.mul(price);
    if (notional.gt(limit.limit)) {
      throw refusal(limit, notional, `the position after this order, ${str(after)} at ${str(price)}, is worth ${str(notional)}, above the limit ${str(limit.limit)}`, {
        position: str(position),
        position_after: str(after),
      });
    }
    return { rule: limit.name, limit: limit.limit, value: notional, scope: limit.scope };
  },
};
