import { type Decimal, ONE, floorToStep } from './decimal.js';
import { triggerReached } from './trigger.js';
import type { Side, TrailingTerms } from './types.js';

const HUNDRED = ONE.mul(100);

/** Whether a stop (or a trailing stop) fires at last price `last`: the trigger rule of a stop (a buy at or above, a sell at or below). */
export function stopReached(side: Side, stopPrice: Decimal, last: Decimal): boolean {
  return triggerReached('stop_market', side, stopPrice, last);
}

/**
 * The stop a trailing order stands at for the best price `best`: a sell stop
 * `offset` below it, a buy stop above it, on the price increment, rounded away
 * from the market (a stop never fires earlier than its offset says).
 */
export function trailingStopAt(side: Side, terms: Pick<TrailingTerms, 'offset' | 'unit'>, best: Decimal, priceIncrement: Decimal): Decimal {
  const distance = terms.unit === 'percent' ? best.mul(terms.offset).div(HUNDRED) : terms.offset;
  if (side === 'sell') return floorToStep(best.minus(distance), priceIncrement);
  const up = best.plus(distance);
  const floored = floorToStep(up, priceIncrement);
  return floored.lt(up) ? floored.plus(priceIncrement) : floored;
}

/** Whether a trailing order's activation price lets it follow the market at `last` (none: at once). */
export function activates(side: Side, activationPrice: Decimal | null, last: Decimal): boolean {
  if (activationPrice === null) return true;
  return side === 'sell' ? last.gte(activationPrice) : last.lte(activationPrice);
}

export interface TrailingStep {
  trailing: TrailingTerms;
  /** the current stop; null while not activated */
  stopPrice: Decimal | null;
  /** the best price or the stop moved */
  moved: boolean;
  /** the market at `last` reached the stop */
  hit: boolean;
}

/**
 * One market price `last` for a trailing stop: it activates (once), its best
 * price moves only in the trader's favour, so its stop never moves back; then
 * the stop is hit or not. Pure: the OMS's emulation and the simulated venues
 * call the same rule.
 */
export function trailingStep(side: Side, trailing: TrailingTerms, stopPrice: Decimal | null, last: Decimal, priceIncrement: Decimal): TrailingStep {
  let best = trailing.best;
  if (best === null) {
    if (!activates(side, trailing.activationPrice, last)) return { trailing, stopPrice, moved: false, hit: false };
    best = last;
  } else if (side === 'sell' ? last.gt(best) : last.lt(best)) best = last;
  const moved = trailing.best === null || !best.eq(trailing.best);
  const next = moved ? { ...trailing, best } : trailing;
  const stop = moved ? trailingStopAt(side, trailing, best, priceIncrement) : stopPrice!;
  // the stop never moves back, even when rounding would make it
  const kept = stopPrice !== null && (side === 'sell' ? stop.lt(stopPrice) : stop.gt(stopPrice)) ? stopPrice : stop;
  return { trailing: next, stopPrice: kept, moved, hit: stopReached(side, kept, last) };
}
