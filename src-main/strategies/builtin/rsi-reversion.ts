import { Decimal } from '../../engine/model/decimal.js';
import { defineStrategy } from '../api.js';
import { Rsi } from '../indicators/index.js';

/**
 * RSI mean reversion, long-only. Flat and RSI(period) closes below
 * `oversold`: a market buy of `fraction` × cash ÷ close (skipped when cash
 * cannot pay for it and its fee). Long and RSI closes above `overbought`: a
 * market sell of the whole position. Optional stop: with `stop` > 0, a
 * stop_market sell `stop` below the fill price protects each entry (canceled
 * when the position is sold).
 */
export default defineStrategy({
  name: 'rsi-reversion',
  description: 'Long-only RSI mean reversion: buy when RSI falls below oversold, sell when it rises above overbought.',
  params: {
    period: { type: 'integer', default: 14, min: 2, description: 'RSI period (Wilder)' },
    oversold: { type: 'number', default: 30, min: 0, max: 100, description: 'buy below this RSI' },
    overbought: { type: 'number', default: 70, min: 0, max: 100, description: 'sell above this RSI' },
    fraction: { type: 'number', default: 0.95, min: 0, max: 1, description: 'share of cash a buy spends' },
    stop: { type: 'number', default: 0, min: 0, max: 0.99, description: 'protective stop as a fraction below the entry (0: none)' },
    cash: { type: 'number', default: 0, min: 0, description: 'quote it trades with (0: the account’s free quote balance at start); it sells only what it bought' },
  },
  validate: (p) => (p.oversold < p.overbought ? null : `oversold (${p.oversold}) must be below overbought (${p.overbought})`),
  create(params, ctx) {
    let rsi = new Rsi(params.period);
    let fraction = new Decimal(params.fraction);
    const feeFactor = ctx.instrument.takerFee.plus(1);
    let stopOrderId: string | null = null;

    return {
      // thresholds and stop are read where they are used (ctx.params); a new period restarts the RSI's warm-up; a resting stop keeps its price
      onParams(previous, ctx) {
        fraction = new Decimal(ctx.params.fraction);
        if (ctx.params.period !== previous.period) rsi = new Rsi(ctx.params.period);
      },
      onBar(bar, ctx) {
        const value = rsi.update(bar.close);
        if (Number.isNaN(value)) return;
        const position = ctx.position();
        if (position.isZero() && value < ctx.params.oversold && ctx.openOrders().length === 0) {
          const close = ctx.exact('close');
          const cash = ctx.cash();
          const quantity = ctx.floorQuantity(fraction.mul(cash).div(close));
          if (quantity.lt(ctx.instrument.minQuantity) || quantity.mul(close).mul(feeFactor).gt(cash)) return;
          if (quantity.mul(close).lt(ctx.instrument.minNotional)) return;
          void ctx.buy(quantity);
        } else if (position.isPositive() && value > ctx.params.overbought) {
          if (stopOrderId) void ctx.cancel(stopOrderId);
          stopOrderId = null;
          void ctx.sell(ctx.floorQuantity(position));
        }
      },
      async onFill(fill, ctx) {
        if (fill.side !== 'buy' || ctx.params.stop <= 0) return;
        const stopPrice = ctx.roundPrice(fill.price.mul(1 - ctx.params.stop));
        if (!stopPrice.gt(0)) return;
        const order = await ctx.sell(ctx.floorQuantity(ctx.position()), { type: 'stop_market', stopPrice, reduceOnly: true }).catch(() => null);
        stopOrderId = order?.id ?? null;
      },
      onOrder(order) {
        if (order.id === stopOrderId && order.status !== 'open' && order.status !== 'pending') stopOrderId = null;
      },
    };
  },
});
