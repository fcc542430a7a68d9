import { badRequest } from '../../src-common/contract/errors.js';

/** A market data source named on the command line (`--feed`). */
export interface ReplayFeedSpec {
  kind: 'replay';
  file: string;
  /** bars per second; 0 = manual stepping only */
  speed: number;
}
export type FeedSpec = ReplayFeedSpec;

export const DEFAULT_REPLAY_SPEED = 10;
/** a speed above this is a typo, not a replay (a million bars a second is a backtest) */
export const MAX_REPLAY_SPEED = 100_000;

const USAGE = 'expected replay:FILE.csv or replay:FILE.csv@SPEED (SPEED = bars per second, e.g. replay:btc.csv@10)';

/**
 * Parses `replay:FILE.csv[@SPEED]`. The speed is what follows the last '@',
 * unless that part looks like a path (has a slash or ends in .csv), so a
 * file under a folder named with an '@' still works.
 */
export function parseFeedSpec(spec: string): FeedSpec {
  const text = spec.trim();
  const colon = text.indexOf(':');
  if (colon <= 0) throw badRequest(`feed "${spec}" has no kind; ${USAGE}`, { field: 'feed' });
  const kind = text.slice(0, colon).toLowerCase();
  if (kind !== 'replay') throw badRequest(`feed kind "${kind}" is not known; ${USAGE}`, { field: 'feed' });
  let file = text.slice(colon + 1);
  let speed = DEFAULT_REPLAY_SPEED;
  const at = file.lastIndexOf('@');
  if (at >= 0) {
    const suffix = file.slice(at + 1);
    if (!/[/\\]/.test(suffix) && !/\.csv$/i.test(suffix)) {
      if (!/^\d+(\.\d+)?$/.test(suffix)) throw badRequest(`feed speed "${suffix}" is not a number of bars per second; ${USAGE}`, { field: 'feed' });
      speed = Number(suffix);
      if (speed > MAX_REPLAY_SPEED) throw badRequest(`feed speed ${suffix} is above the most, ${MAX_REPLAY_SPEED} bars per second`, { field: 'feed' });
      file = file.slice(0, at);
    }
  }
  if (file.trim() === '') throw badRequest(`feed "${spec}" names no file; ${USAGE}`, { field: 'feed' });
  return { kind: 'replay', file, speed };
}
