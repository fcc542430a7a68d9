import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src-main/backtest/memory-store.js';
import { Engine } from '../../src-main/engine/engine.js';
import { type Clock, SequentialIds } from '../../src-main/engine/ports/clock.js';
import { parseCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';
import { defineStrategy } from '../../src-main/strategies/api.js';
import { StrategyManager } from '../../src-main/strategies/live-runner.js';
import { PaperVenue } from '../../src-main/venues/paper/paper-venue.js';

const BARS = parseCandleSeries(readFileSync('/work/shared/data/nautilus_FTX_BTC-PERP_1m.csv', 'utf8').split('\n').slice(0, 61).join('\n'));
const DAY = 86_400_000;

let manager: StrategyManager | undefined;
afterEach(async () => manager?.stopAll());

describe('strategy timers on a live engine', () => {
  it('fire after their delay even when the wall clock is set a day back meanwhile', async () => {
    // real time passing, and a wall clock the test sets back
    let offset = 0;
    const clock: Clock = { now: () => Date.now() + offset, monotonic: () => performance.now() };
    const ids = new SequentialIds('t');
    const feed = new ReplayFeed({ symbol: 'BTC/USD', bars: BARS, speed: 0, loop: false });
    const engine = new Engine({
      store: new MemoryStore(),
      clock,
      ids,
      version: 'test',
      paperBalances: { USD: '10000' },
      venueFor: (a) => new PaperVenue({ account: a.id, marketData: feed, clock, ids, startingBalances: a.startingBalances }),
    });
    await engine.start();
    let fired!: (name: string) => void;
    const timer = new Promise<string>((resolve) => (fired = resolve));
    const ticker = defineStrategy({
      name: 'ticker',
      params: {},
      create: () => ({
        onStart: (c) => c.setTimer('tick', 100),
        onTimer: (name) => fired(name),
      }),
    });
    manager = new StrategyManager(engine, { clock });
    await manager.start({ strategy: ticker, account: 'paper', symbol: 'BTC/USD', params: {} });
    offset = -DAY;
    const outcome = await Promise.race([timer, new Promise((resolve) => setTimeout(() => resolve('not fired'), 5_000))]);
    expect(outcome).toBe('tick');
    await engine.stop();
  });
});
