import { Decimal } from '../../engine/model/decimal.js';
import { defineStrategy } from '../api.js';

/**
 * A simple long grid. On the first bar it centres on the close and rests
 * `levels` limit buys below it, `spacing` apart (as fractions of the centre:
 * centre × (1 − k × spacing), k = 1..levels), each worth `budget` ÷ levels of
 * the cash it started with. A filled buy at p rests a limit sell of the same
 * quantity at p × (1 + spacing); a filled sell at q puts the buy back at
 * q ÷ (1 + spacing). Prices are rounded to the tick.
 */
export default defineStrategy({
  name: 'grid',
  description: 'Long grid: limit buys below the starting price, each filled buy answered by a limit sell one step higher, and back.',
  params: {
    levels: { type: 'integer', default: 5, min: 1, max: 100, description: 'buy levels below the centre' },
    spacing: { type: 'number', default: 0.005, min: 0.0001, max: 0.5, description: 'distance between levels, as a fraction of the centre' },
    budget: { type: 'number', default: 0.9, min: 0, max: 1, description: 'share of its cash at start the grid may use' },
    cash: { type: 'number', default: 0, min: 0, description: 'quote it trades with (0: the account’s free quote balance at start); it sells only what it bought' },
  },
  validate: (p) => (p.levels * p.spacing < 1 ? null : `levels × spacing (${p.levels * p.spacing}) must stay below 1`),
  create(params) {
    let started = false;
    /** the cash the grid started with: budget and levels share it */
    let startCash = new Decimal(0);
    let perLevel = new Decimal(0);
    let up = new Decimal(1).plus(params.spacing);
    /** quantity filled so far of each sell still partly open, and the sells already answered with a buy */
    const soldSoFar = new Map<string, Decimal>();
    const answered = new Set<string>();

    return {
      // resting orders keep their prices and sizes; orders placed from now on follow the new spacing, and budget ÷ levels of the starting cash
      onParams(_previous, ctx) {
        up = new Decimal(1).plus(ctx.params.spacing);
        perLevel = startCash.mul(ctx.params.budget).div(ctx.params.levels);
      },
      onBar(_bar, ctx) {
        if (started) return;
        started = true;
        const resting = ctx.openOrders().find((o) => o.side === 'buy' && o.price !== null);
        if (resting) {
          // resumed after a restart with its ladder still working: it carries on with it instead of laying a second one
          perLevel = resting.quantity.mul(resting.price!).mul(ctx.instrument.makerFee.plus(1));
          startCash = perLevel.mul(ctx.params.levels).div(ctx.params.budget || 1);
          return;
        }
        const centre = ctx.exact('close');
        const { budget, levels, spacing } = ctx.params;
        startCash = ctx.cash();
        perLevel = startCash.mul(budget).div(levels);
        for (let k = 1; k <= levels; k++) {
          const price = ctx.roundPrice(centre.mul(1 - k * spacing));
          if (!price.gt(0)) break;
          const quantity = ctx.floorQuantity(perLevel.div(price).div(ctx.instrument.makerFee.plus(1)));
          if (quantity.lt(ctx.instrument.minQuantity) || quantity.mul(price).lt(ctx.instrument.minNotional)) continue;
          void ctx.buy(quantity, { type: 'limit', price });
        }
      },
      onFill(fill, ctx) {
        if (fill.side === 'buy') {
          void ctx.sell(fill.quantity, { type: 'limit', price: ctx.roundPrice(fill.price.mul(up)) });
        } else {
          // a sell fills in parts on a live book: the buy goes back once, when the sell is done, not once per part
          if (answered.has(fill.orderId)) return;
          const sold = (soldSoFar.get(fill.orderId) ?? new Decimal(0)).plus(fill.quantity);
          const order = ctx.openOrders().find((o) => o.id === fill.orderId);
          if (order && sold.lt(order.quantity)) {
            soldSoFar.set(fill.orderId, sold);
            return;
          }
          soldSoFar.delete(fill.orderId);
          answered.add(fill.orderId);
          if (answered.size > 1000) answered.delete(answered.values().next().value!);
          const price = ctx.roundPrice(fill.price.div(up));
          const quantity = ctx.floorQuantity(perLevel.div(price).div(ctx.instrument.makerFee.plus(1)));
          if (quantity.gte(ctx.instrument.minQuantity) && quantity.mul(price).gte(ctx.instrument.minNotional)) void ctx.buy(quantity, { type: 'limit', price });
        }
      },
    };
  },
});
