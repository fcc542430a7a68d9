import { Decimal, str } from '../../model/decimal.js';
import { type PreTradeRule, lazyReading, refusal } from './rule.js';

const HUNDRED = new Decimal(100);

/**
 * price_band_pct: how far an order's limit price is from the mid, in percent
 * of the mid. Orders without a limit price (market, stop_market,
 * take_profit_market, trailing_stop) are not
 * concerned; an order with one and no mid to compare it to is refused.
 */
export const priceBand: PreTradeRule = {
  name: 'price_band_pct',
  check(order, context, limit) {
    const price = order.price;
    if (!price) return undefined;
    const mid = context.mid;
    if (!mid || mid.isZero()) throw refusal(limit, null, `${order.symbol} has no mid to compare the price ${str(price)} to`);
    // compared exactly, without dividing: |price − mid| × 100 against band × mid
    const distance = price.gte(mid) ? price.sub(mid) : mid.sub(price);
    const scaled = distance.mul(HUNDRED);
    if (scaled.gt(limit.limit.mul(mid))) {
      const pct = scaled.div(mid).toDecimalPlaces(8);
      throw refusal(limit, pct, `price ${str(price)} is ${str(pct)}% from the mid ${str(mid)}, beyond the band of ${str(limit.limit)}%`, { mid: str(mid) });
    }
    return lazyReading(limit, () => recordedPercent(scaled, mid));
  },
};

/**
 * The distance in percent of the mid, for the audit record of an order that
 * passed. The decision above is exact; this ratio (not money) is worked out in
 * doubles and kept to 8 decimals, because a 40-digit Decimal division costs
 * more than the whole check and every order's decision is written.
 */
function recordedPercent(scaled: Decimal, mid: Decimal): Decimal {
  return new Decimal((scaled.toNumber() / mid.toNumber()).toFixed(8));
}
