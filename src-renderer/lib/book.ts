import { type Dec, DecimalCtor, dec, roundToIncrement, wire } from './decimal.js';

export type Level = readonly [price: string, size: string];

/** the groupings the book offers: the price increment times these */
export const GROUP_MULTIPLES = [1, 10, 100, 1000, 10000] as const;
/** levels a side the book can be asked to show */
export const DEPTH_CHOICES = [5, 10, 20] as const;

/** a grouping step as the trader reads it: the increment times `multiple` ("0.01" × 100 → "1") */
export function groupStep(increment: string, multiple: number): string {
  return wire(dec(increment).mul(multiple));
}

/**
 * Levels merged into buckets of `step`: a bid joins the bucket at or below its
 * price, an ask the one at or above, so a bucket never claims a better price
 * than any order in it. Sizes are summed exactly; the order (best first) is kept.
 */
export function groupLevels(levels: readonly Level[], step: string, side: 'bid' | 'ask'): Level[] {
  const inc = dec(step);
  if (inc.isZero()) return [...levels];
  const out: Array<[string, Dec]> = [];
  for (const [price, size] of levels) {
    const bucket = wire(roundToIncrement(new DecimalCtor(price), step, side === 'bid' ? 'down' : 'up'));
    const last = out.at(-1);
    if (last && last[0] === bucket) last[1] = last[1].add(size);
    else out.push([bucket, dec(size)]);
  }
  return out.map(([p, s]) => [p, wire(s)] as const);
}
