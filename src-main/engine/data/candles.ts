import { badRequest } from '../../../src-common/contract/errors.js';
import type { Bar } from '../ports/market-data.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function timeframeMs(timeframe: string): number {
  const m = /^(\d+)([mhd])$/.exec(timeframe);
  if (!m) throw badRequest(`unknown timeframe ${timeframe}`, { field: 'timeframe' });
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/**
 * Base bars rolled up into a coarser timeframe, aligned to epoch multiples of
 * it. Gaps stay gaps: a bucket with no base bar produces no candle.
 */
export function aggregateBars(bars: readonly Bar[], baseMs: number, targetMs: number): Bar[] {
  if (targetMs < baseMs || targetMs % baseMs !== 0) {
    throw badRequest(`timeframe must be a multiple of the feed's ${baseMs / 60_000}m bars`, { field: 'timeframe' });
  }
  if (targetMs === baseMs) return bars.slice();
  const out: Bar[] = [];
  let current: Bar | undefined;
  for (const bar of bars) {
    const bucket = Math.floor(bar.ts / targetMs) * targetMs;
    if (!current || current.ts !== bucket) {
      current = { ...bar, ts: bucket };
      out.push(current);
    } else {
      current.high = bar.high.gt(current.high) ? bar.high : current.high;
      current.low = bar.low.lt(current.low) ? bar.low : current.low;
      current.close = bar.close;
      current.volume = current.volume.add(bar.volume);
    }
  }
  return out;
}
