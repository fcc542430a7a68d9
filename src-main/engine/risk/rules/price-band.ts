import { str } from '../../model/decimal.js';
import { type PreTradeRule, reading, refusal } from './rule.js';

const HUNDRED = 100;

/**
 * price_band_pct: how far an order's limit price is from the mid, in percent
 * of the mid. Orders without a limit price (market, stop_market) are not
 * concerned; an order with one and no mid to compare it to is refused.
 */
export const priceBand: PreTradeRule = {
  name: 'price_band_pct',
  check(order, context, limit) {
    const price = order.price;
    if (!price) return undefined;
    const mid = context.mid;
    if (!mid || mid.isZero()) throw refusal(limit, null, `${order.symbol} has no mid to compare the price ${str(price)} to`);
    const distance = price.sub(mid).abs();
    // compared exactly (distance × 100 against band × mid); the percentage is rounded for the record only
    const beyond = distance.mul(HUNDRED).gt(limit.limit.mul(mid));
    const pct = distance.mul(HUNDRED).div(mid).toDecimalPlaces(8);
    if (beyond) throw refusal(limit, pct, `price ${str(price)} is ${str(pct)}% from the mid ${str(mid)}, beyond the band of ${str(limit.limit)}%`, { mid: str(mid) });
    return reading(limit, pct);
  },
};
