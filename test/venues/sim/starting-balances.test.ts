import { describe, expect, it } from 'vitest';
import { BarFeed } from '../../../src-main/backtest/bar-feed.js';
import { BacktestVenue } from '../../../src-main/venues/bars/backtest-venue.js';
import { ManualClock, SequentialIds } from '../../../src-main/engine/ports/clock.js';
import { parseStartingBalances } from '../../../src-main/venues/sim/starting-balances.js';
import { instrumentSpec } from '../../helpers/fake-feed.js';
import { MINUTE, bars } from '../../backtest/helpers.js';

describe('parseStartingBalances', () => {
  it('reads exact amounts', () => {
    expect(parseStartingBalances({ USDT: '0.1' }).map(([asset, amount]) => [asset, amount.toFixed()])).toEqual([['USDT', '0.1']]);
  });

  it.each(['lots', '-1', 'Infinity', ''])('refuses %j naming the asset', (value) => {
    expect(() => parseStartingBalances({ USDT: value })).toThrow(`startingBalances.USDT must be a non-negative decimal string, got ${JSON.stringify(value)}`);
  });

  it('is the backtest venue parser too', () => {
    const feed = new BarFeed(bars([[1, 1, 1, 1]]), instrumentSpec('BTC/USDT'), MINUTE);
    const make = () => new BacktestVenue({ account: 'bt', feed, clock: new ManualClock(0), ids: new SequentialIds('bt'), startingBalances: { USDT: '-5' } });
    expect(make).toThrow('startingBalances.USDT must be a non-negative decimal string, got "-5"');
  });
});
