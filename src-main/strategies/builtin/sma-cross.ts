import { Decimal } from '../../engine/model/decimal.js';
import { defineStrategy } from '../api.js';
import { Sma, compareSma } from '../indicators/index.js';
import { decimalsOf } from './sizing.js';

/**
 * sma-cross, exactly as the Strategies issue specifies (docs/strategies.md):
 * long-only; fast = SMA(close, 10), slow = SMA(close, 30). A cross up at bar
 * i: fast[i] > slow[i] and the last non-zero value of (fast − slow) before
 * bar i was negative; a cross down mirrors it. Signals count from the first
 * bar at which slow has a previous value. Flat and crossing up: a market buy
 * of 0.95 × cash ÷ close[i] (fractional, floored to the size increment),
 * skipped when cash cannot pay for it plus its fee at close[i]. Long and
 * crossing down: a market sell of the whole position. The sign of fast − slow
 * is exact (integer sums of the prices' decimal units).
 */
export default defineStrategy({
  name: 'sma-cross',
  description: 'Long-only SMA crossover: buy 95% of cash when the fast SMA crosses above the slow one, sell everything when it crosses below.',
  params: {
    fast: { type: 'integer', default: 10, min: 1, description: 'bars in the fast SMA' },
    slow: { type: 'integer', default: 30, min: 2, description: 'bars in the slow SMA' },
    fraction: { type: 'number', default: 0.95, min: 0, max: 1, description: 'share of its cash a buy spends, at the signal bar close' },
    cash: { type: 'number', default: 0, min: 0, description: 'quote it trades with (0: the account’s free quote balance at start); it sells only what it bought' },
  },
  validate: (p) => (p.fast < p.slow ? null : `fast (${p.fast}) must be shorter than slow (${p.slow})`),
  create(params, ctx) {
    const decimals = decimalsOf(ctx.instrument.priceIncrement);
    let fast = new Sma(params.fast, { decimals });
    let slow = new Sma(params.slow, { decimals });
    let fraction = new Decimal(params.fraction);
    const feeFactor = ctx.instrument.takerFee.plus(1);
    /** sign of the last non-zero fast − slow seen (0: none yet) */
    let lastSign = 0;

    return {
      // new periods start their averages afresh (no signal until slow is ready again); a new fraction sizes the next buy
      onParams(previous, ctx) {
        const next = ctx.params;
        fraction = new Decimal(next.fraction);
        if (next.fast !== previous.fast || next.slow !== previous.slow) {
          fast = new Sma(next.fast, { decimals });
          slow = new Sma(next.slow, { decimals });
          lastSign = 0;
        }
      },
      onBar(bar, ctx) {
        fast.update(bar.close);
        slow.update(bar.close);
        if (!slow.ready) return;
        const sign = compareSma(fast, slow);
        const crossUp = sign > 0 && lastSign < 0;
        const crossDown = sign < 0 && lastSign > 0;
        if (sign !== 0) lastSign = sign;
        if (!crossUp && !crossDown) return;

        const position = ctx.position();
        if (crossUp && position.isZero() && ctx.openOrders().length === 0) {
          const close = ctx.exact('close');
          const cash = ctx.cash();
          const quantity = ctx.floorQuantity(fraction.mul(cash).div(close));
          if (quantity.lt(ctx.instrument.minQuantity) || quantity.isZero()) return;
          if (quantity.mul(close).mul(feeFactor).gt(cash)) return;
          if (quantity.mul(close).lt(ctx.instrument.minNotional)) return;
          void ctx.buy(quantity);
        } else if (crossDown && position.isPositive()) {
          const quantity = ctx.floorQuantity(position);
          if (quantity.isZero()) return;
          void ctx.sell(quantity);
        }
      },
    };
  },
});
