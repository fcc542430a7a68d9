import type { Candle } from '../../src-common/contract/schemas.js';
import { dec } from './decimal.js';

export const DAY_MS = 86_400_000;

/**
 * The change over the last 24 h from hourly candles, newest last: the last price against the open of
 * the candle 24 h before the newest (or of the oldest there is, `partial`, when there is less history).
 * In percent, as a decimal string at two places; null with no candles or a zero open.
 */
export function change24h(candles: readonly Candle[], last: string | null): { pct: string; since: number; partial: boolean } | null {
  const newest = candles.at(-1);
  if (!newest) return null;
  const from = newest[0] - DAY_MS + 3_600_000;
  const first = candles.find((c) => c[0] >= from) ?? candles[0]!;
  const open = dec(first[1]);
  if (open.isZero()) return null;
  const price = dec(last ?? newest[4]);
  return { pct: price.sub(open).div(open).mul(100).toFixed(2), since: first[0], partial: first[0] > from };
}
