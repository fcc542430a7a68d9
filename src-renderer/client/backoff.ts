/**
 * Reconnect delays: exponential from `baseMs`, capped at `maxMs`, with up to
 * ±20 % jitter so many tabs don't retry in lockstep.
 */
export function backoffDelay(attempt: number, baseMs = 500, maxMs = 10_000, random: () => number = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt));
  const jitter = 1 + (random() * 0.4 - 0.2);
  return Math.round(Math.min(maxMs, raw * jitter));
}
