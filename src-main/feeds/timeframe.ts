import { badRequest } from '../../src-common/contract/errors.js';

/**
 * The bar length of a series: the most common difference between
 * consecutive open times (a tie goes to the shorter one). Gaps and the odd
 * irregular bar do not change it, because they are rare by nature.
 */
export function detectTimeframeMs(ts: ArrayLike<number>): number {
  if (ts.length < 2) throw badRequest('cannot detect the timeframe from fewer than two bars; give it explicitly', { bars: ts.length });
  const counts = new Map<number, number>();
  // runs of the same difference are the normal case: count them without touching the map each row
  let run = ts[1]! - ts[0]!;
  let runLength = 0;
  for (let i = 1; i < ts.length; i++) {
    const diff = ts[i]! - ts[i - 1]!;
    if (diff === run) {
      runLength++;
      continue;
    }
    counts.set(run, (counts.get(run) ?? 0) + runLength);
    run = diff;
    runLength = 1;
  }
  counts.set(run, (counts.get(run) ?? 0) + runLength);
  let best = 0;
  let bestCount = 0;
  for (const [diff, count] of counts) {
    if (count > bestCount || (count === bestCount && diff < best)) {
      best = diff;
      bestCount = count;
    }
  }
  if (!(best > 0)) throw badRequest('bar times must increase: cannot detect a timeframe', { timeframeMs: best });
  return best;
}
