import { Decimal, floorToStep, maxDec, minDec, roundToStep } from '../../engine/model/decimal.js';
import type { InstrumentSpec, Side } from '../../engine/model/types.js';
import type { Bar, BookLevel, BookSnapshot } from '../../engine/ports/market-data.js';

/**
 * How a candle becomes a book and trades (docs/replay-feed.md has the
 * trader's version). Every rule here is a pure function of the price, the
 * bar and the instrument, so a replay is reproducible to the last digit.
 */

/** levels on each side of a synthesized book */
export const BOOK_LEVELS = 10;
/** distance between levels, and from the price to the best bid and ask: 1 basis point... */
export const LEVEL_STEP_FRACTION = new Decimal('0.0001');
/** ...and the best level holds what is worth this many minimum notionals; level i holds i times that */
export const DEPTH_UNIT_NOTIONALS = 100;
/** the prints of one bar: open, the two extremes, close */
export const PRINTS_PER_BAR = 4;
/** the largest print is worth this many minimum notionals */
export const MAX_PRINT_NOTIONALS = 1000;

/** The bar's price path: open, then low and high (low first when the bar closed up or flat, high first when it closed down), then close. */
export function barPath(bar: Bar): [Decimal, Decimal, Decimal, Decimal] {
  return bar.close.gte(bar.open) ? [bar.open, bar.low, bar.high, bar.close] : [bar.open, bar.high, bar.low, bar.close];
}

/** A price on the instrument's grid (kept positive: a price that would round to zero becomes one tick). */
export function gridPrice(price: Decimal, spec: InstrumentSpec): Decimal {
  return maxDec(roundToStep(price, spec.priceIncrement), spec.priceIncrement);
}

/** Distance between book levels at this price: one basis point, rounded up to whole ticks, at least one tick. */
export function levelStep(price: Decimal, spec: InstrumentSpec): Decimal {
  return ceilToStep(price.mul(LEVEL_STEP_FRACTION), spec.priceIncrement);
}

/** Quantity of the best level: worth 100 minimum notionals, rounded up to the size grid, at least the minimum quantity. */
export function depthUnit(price: Decimal, spec: InstrumentSpec): Decimal {
  const worth = spec.minNotional.mul(DEPTH_UNIT_NOTIONALS).div(price);
  return maxDec(ceilToStep(worth, spec.sizeIncrement), ceilToStep(spec.minQuantity, spec.sizeIncrement));
}

/**
 * A book centred on `price` (already on the price grid): bids at
 * price − i·step and asks at price + i·step for i = 1..10, quantity i ×
 * depth unit. The spread is two steps, so the book is never crossed; bid
 * levels that would reach zero or below are left out.
 */
export function synthesizeBook(symbol: string, price: Decimal, spec: InstrumentSpec, ts: number): BookSnapshot {
  const step = levelStep(price, spec);
  const unit = depthUnit(price, spec);
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  for (let i = 1; i <= BOOK_LEVELS; i++) {
    const distance = step.mul(i);
    const quantity = unit.mul(i);
    const bid = price.minus(distance);
    if (bid.gt(0)) bids.push([bid, quantity]);
    asks.push([price.plus(distance), quantity]);
  }
  return { symbol, bids, asks, ts };
}

/**
 * A print's quantity. The bar's volume is taken as given (a file may count it
 * in base or quote units; nothing is converted): each of the four prints gets
 * a quarter of it, floored to the size grid, and clamped to
 * [minimum quantity, the quantity worth 1,000 minimum notionals at this price].
 * So prints are always positive, even for a zero-volume bar, and stay small
 * when the volume is counted in quote units.
 */
export function printQuantity(volume: Decimal, price: Decimal, spec: InstrumentSpec): Decimal {
  const least = ceilToStep(spec.minQuantity, spec.sizeIncrement);
  const most = maxDec(floorToStep(spec.minNotional.mul(MAX_PRINT_NOTIONALS).div(price), spec.sizeIncrement), least);
  const share = floorToStep(volume.div(PRINTS_PER_BAR), spec.sizeIncrement);
  return minDec(maxDec(share, least), most);
}

/** The aggressor of a print: a buyer lifted the offer when the price rose from the previous print, else a seller hit the bid. */
export function aggressorSide(price: Decimal, previous: Decimal | undefined): Side {
  return previous !== undefined && price.gt(previous) ? 'buy' : 'sell';
}

function ceilToStep(value: Decimal, step: Decimal): Decimal {
  const steps = value.div(step).ceil();
  return (steps.lt(1) ? new Decimal(1) : steps).mul(step);
}
