/** market data further than this from this computer's clock is a replay's own time, not now */
export const REPLAY_SKEW_MS = 15 * 60_000;

/**
 * Which clock a market timestamp is on: 'local' when it is about now, 'replay' when the data
 * carries its own (a replayed file's) time. Order and fill times are always this computer's clock.
 */
export function marketClock(ts: number | null | undefined, now: number): 'local' | 'replay' {
  return ts !== null && ts !== undefined && Number.isFinite(ts) && Math.abs(now - ts) > REPLAY_SKEW_MS ? 'replay' : 'local';
}

export const REPLAY_CLOCK_TITLE = "Replay time: the market data's own clock. Order, fill and blotter times are this computer's clock.";
