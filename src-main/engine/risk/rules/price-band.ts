import { str } from '../../model/decimal.js';
import { type PreTradeRule, lazyReading, refusal } from './rule.js';

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
    // compared exactly, without dividing (distance × 100 against band × mid); the percentage, rounded, is for the record
    const scaled = price.sub(mid).abs().mul(HUNDRED);
    const percent = () => scaled.div(mid).toDecimalPlaces(8);
    if (scaled.gt(limit.limit.mul(mid))) {
      const pct = percent();
      throw refusal(limit, pct, `price ${str(price)} is ${str(pct)}% from the mid ${str(mid)}, beyond the band of ${str(limit.limit)}%`, { mid: str(mid) });
    }
    return lazyReading(limit, percent);
  },
};
