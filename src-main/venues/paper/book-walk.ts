import { Decimal, minDec } from '../../engine/model/decimal.js';
import type { Side } from '../../engine/model/types.js';
import type { BookLevel } from '../../engine/ports/market-data.js';
import { priceKey } from './liquidity.js';

/** One level's share of an order that takes liquidity. */
export interface PlannedFill {
  price: Decimal;
  quantity: Decimal;
}

/** Whether a taker on `side` may trade at `levelPrice` without passing its limit. */
export function withinLimit(side: Side, levelPrice: Decimal, limit: Decimal | null): boolean {
  if (limit === null) return true;
  return side === 'buy' ? levelPrice.lte(limit) : levelPrice.gte(limit);
}

/**
 * Takes up to `quantity` from `levels` (the opposite side, best first), level
 * by level, stopping at the first level beyond `limit` (null: no limit),
 * less what `taken` says our own fills took from a level (by priceKey).
 * Pure: the caller records what was taken.
 */
export function walkLevels(levels: readonly BookLevel[], side: Side, quantity: Decimal, limit: Decimal | null, taken?: ReadonlyMap<string, Decimal>): PlannedFill[] {
  const fills: PlannedFill[] = [];
  let left = quantity;
  for (const [price, level] of levels) {
    if (left.lte(0)) break;
    if (!withinLimit(side, price, limit)) break;
    // what our own fills already took from the level is not there (ConsumedLiquidity), subtracted here rather than in a copy of the book
    const took = taken?.get(priceKey(price));
    const size = took === undefined ? level : level.minus(took);
    if (size.lte(0)) continue;
    const take = minDec(left, size);
    fills.push({ price, quantity: take });
    left = left.minus(take);
  }
  return fills;
}

export function plannedQuantity(fills: readonly PlannedFill[]): Decimal {
  return fills.reduce((sum, f) => sum.plus(f.quantity), new Decimal(0));
}
