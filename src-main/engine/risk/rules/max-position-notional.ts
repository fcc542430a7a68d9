import { str } from '../../model/decimal.js';
import { type PreTradeRule, reading, referencePrice, refusal, unfilled } from './rule.js';

/**
 * max_position_notional: |position after the order fills| × the order's price
 * (or the mid), per account and symbol. An order that does not make the
 * position larger always passes: a limit never stands in the way of reducing
 * risk (a position can outgrow its limit when the price moves).
 */
export const maxPositionNotional: PreTradeRule = {
  name: 'max_position_notional',
  check(order, context, limit) {
    const size = unfilled(order);
    const after = order.side === 'buy' ? context.position.add(size) : context.position.sub(size);
    const price = referencePrice(order, context);
    if (after.abs().lte(context.position.abs())) return reading(limit, price ? after.abs().mul(price) : null);
    if (!price) throw refusal(limit, null, `the ${order.type} order has no price and ${order.symbol} has no mid to value the position at`);
    const notional = after.abs().mul(price);
    if (notional.gt(limit.limit)) {
      throw refusal(limit, notional, `the position after this order, ${str(after)} at ${str(price)}, is worth ${str(notional)}, above the limit ${str(limit.limit)}`, {
        position: str(context.position),
        position_after: str(after),
      });
    }
    return reading(limit, notional);
  },
};
