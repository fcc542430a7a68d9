import { afterEach, describe, expect, it, vi } from 'vitest';
import { TernError } from '../../../src-common/contract/errors.js';
import { dec } from '../../../src-main/engine/model/decimal.js';
import type { Bar, MarketEvent } from '../../../src-main/engine/ports/market-data.js';
import { parseCandleSeries, readCandleSeries } from '../../../src-main/feeds/candles-csv.js';
import { ReplayFeed } from '../../../src-main/feeds/replay/replay-feed.js';

const DATA = '/work/shared/data';
const MIN = 60_000;

const bar = (ts: number, open: string, high: string, low: string, close: string, volume = '4'): Bar => ({
  ts,
  open: dec(open),
  high: dec(high),
  low: dec(low),
  close: dec(close),
  volume: dec(volume),
});

/** three 1m bars: up, down, flat */
const BARS = [
  bar(0, '100', '104', '98', '103'),
  bar(MIN, '103', '105', '99', '100'),
  bar(2 * MIN, '100', '100', '100', '100', '0'),
];

function record(feed: ReplayFeed): MarketEvent[] {
  const events: MarketEvent[] = [];
  feed.subscribe((e) => events.push(e));
  return events;
}

/** an event as plain text, to compare whole streams */
function show(event: MarketEvent): string {
  switch (event.type) {
    case 'book':
      return `book ${event.book.ts} ${event.book.bids[0]?.[0].toFixed()}/${event.book.asks[0]?.[0].toFixed()}`;
    case 'trade':
      return `trade ${event.trade.ts} ${event.trade.side} ${event.trade.quantity.toFixed()}@${event.trade.price.toFixed()}`;
    case 'bar':
      return `bar ${event.bar.ts} ${event.timeframeMs} ${[event.bar.open, event.bar.high, event.bar.low, event.bar.close, event.bar.volume].map((d) => d.toFixed()).join(' ')}`;
  }
}

function eventTime(event: MarketEvent): number {
  return event.type === 'book' ? event.book.ts : event.type === 'trade' ? event.trade.ts : event.bar.ts;
}

describe('ReplayFeed: a bar becomes a book and trades', () => {
  it('replays a bar that closed up as open, low, high, close, each after a fresh book, then the bar', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    const events = record(feed);
    expect(feed.step()).toBe(1);
    // 1 bp of 100 is 0.01 → one tick of 1; the volume 4 gives prints of 1 (a quarter), within [0.01, 50]
    expect(events.map(show)).toEqual([
      'book 0 99/101',
      'trade 0 sell 1@100',
      'book 15000 97/99',
      'trade 15000 sell 1@98',
      'book 30000 103/105',
      'trade 30000 buy 1@104',
      'book 45000 102/104',
      'trade 45000 sell 1@103',
      'bar 0 60000 100 104 98 103 4',
    ]);
  });

  it('replays a bar that closed down as open, high, low, close', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    feed.step();
    const events = record(feed);
    feed.step();
    expect(events.filter((e) => e.type === 'trade').map(show)).toEqual([
      'trade 60000 sell 1@103',
      'trade 75000 buy 1@105',
      'trade 90000 sell 1@99',
      'trade 105000 buy 1@100',
    ]);
  });

  it('replays a flat zero-volume bar as four prints of the minimum quantity at one price', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    feed.step(2);
    const events = record(feed);
    feed.step();
    const trades = events.filter((e) => e.type === 'trade').map(show);
    expect(trades).toEqual(['trade 120000 sell 0.01@100', 'trade 135000 sell 0.01@100', 'trade 150000 sell 0.01@100', 'trade 165000 sell 0.01@100']);
  });

  it('keeps the latest book, last price and completed bars for its symbol only', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    expect(feed.book('X/USDT')).toBeUndefined();
    expect(feed.lastPrice('X/USDT')).toBeUndefined();
    feed.step(2);
    expect(feed.lastPrice('X/USDT')?.toFixed()).toBe('100');
    expect(feed.book('X/USDT')?.bids[0]?.[0].toFixed()).toBe('99');
    expect(feed.bars('X/USDT', 10).map((b) => b.ts)).toEqual([0, MIN]);
    expect(feed.bars('X/USDT', 1).map((b) => b.ts)).toEqual([MIN]);
    expect(feed.book('Y/USDT')).toBeUndefined();
    expect(feed.lastPrice('Y/USDT')).toBeUndefined();
    expect(feed.bars('Y/USDT', 10)).toEqual([]);
  });

  it('keeps only the newest historyLimit bars, oldest first', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0, historyLimit: 4 });
    feed.step(7);
    expect(feed.bars('X/USDT', 100).map((b) => b.ts / MIN)).toEqual([3, 4, 5, 6]);
    expect(feed.bars('X/USDT', 2).map((b) => b.ts / MIN)).toEqual([5, 6]);
  });

  it('rounds prices to a coarser price increment given as an override', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: [bar(0, '100.4', '100.6', '100.2', '100.5')], timeframeMs: MIN, speed: 0, instrument: { priceIncrement: dec('0.5') } });
    const events = record(feed);
    feed.step();
    expect(events.filter((e) => e.type === 'trade').map((e) => (e.type === 'trade' ? e.trade.price.toFixed() : ''))).toEqual(['100.5', '100', '100.5', '100.5']);
  });
});

describe('ReplayFeed: time', () => {
  it('loops by shifting each pass by the span plus one bar, so time keeps increasing on the bar grid', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    const events = record(feed);
    expect(feed.step(7)).toBe(7);
    const bars = events.filter((e) => e.type === 'bar').map((e) => (e.type === 'bar' ? e.bar.ts / MIN : -1));
    expect(bars).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(feed.position).toEqual({ pass: 2, index: 1 });
    const times = events.filter((e) => e.type === 'trade').map(eventTime);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]!);
  });

  it('keeps a gap as a gap when looping: the shift is the whole span plus one bar', () => {
    const gappy = [BARS[0]!, { ...BARS[1]!, ts: 3 * MIN }];
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: gappy, speed: 0 });
    const events = record(feed);
    feed.step(4);
    expect(feed.timeframeMs).toBe(3 * MIN);
    expect(events.filter((e) => e.type === 'bar').map((e) => (e.type === 'bar' ? e.bar.ts / MIN : -1))).toEqual([0, 3, 6, 9]);
  });

  it('ends after the last bar when not looping', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0, loop: false });
    expect(feed.step(5)).toBe(3);
    expect(feed.finished).toBe(true);
    expect(feed.step()).toBe(0);
  });

  it('keeps the one missing bar of the 1m ETH/BTC file as a gap', () => {
    const feed = ReplayFeed.fromFile(`${DATA}/freqtrade_ETH_BTC_1m.csv`, { symbol: 'ETH/BTC', speed: 0 });
    const bars: number[] = [];
    feed.subscribe((e) => {
      if (e.type === 'bar') bars.push(e.bar.ts);
    });
    feed.step(5787);
    const steps = bars.slice(1).map((ts, i) => ts - bars[i]!);
    expect(steps.filter((s) => s !== MIN)).toEqual([2 * MIN]);
    expect(bars[5785]! - bars[5784]!).toBe(2 * MIN);
  });

  it('shifts every time onto the bar grid at or after startAt when asked', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0, startAt: 1_700_000_012_345 });
    const events = record(feed);
    feed.step();
    expect(events.at(-1)?.type === 'bar' && events.at(-1)).toMatchObject({ bar: { ts: 1_700_000_040_000 } });
  });
});

describe('ReplayFeed: stepping and running', () => {
  it('replays the same file to the same events every time', () => {
    const series = readCandleSeries(`${DATA}/nautilus_FTX_BTC-PERP_1m.csv`);
    const run = () => {
      const feed = new ReplayFeed({ symbol: 'BTC/USDT', bars: series, speed: 0 });
      const events = record(feed);
      feed.step(50);
      return events.map(show);
    };
    const first = run();
    expect(first).toHaveLength(50 * 9);
    expect(run()).toEqual(first);
  });

  it('carries on when a listener throws, and reports it to onError', () => {
    const errors: Array<[unknown, string]> = [];
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0, onError: (err, e) => errors.push([err, e.type]) });
    feed.subscribe((e) => {
      if (e.type === 'trade') throw new Error('boom');
    });
    const events = record(feed);
    feed.step(2);
    expect(events).toHaveLength(18);
    expect(errors).toHaveLength(8);
    expect(errors[0]![1]).toBe('trade');
  });

  it('refuses step() from inside one of its own listeners', () => {
    const errors: unknown[] = [];
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0, onError: (err) => errors.push(err) });
    feed.subscribe((e) => {
      if (e.type === 'bar') feed.step();
    });
    feed.step();
    expect(errors).toHaveLength(1);
    expect((errors[0] as TernError).code).toBe('CONFLICT');
    expect(feed.position.index).toBe(1);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
    let seen = 0;
    const off = feed.subscribe(() => {
      seen++;
      off();
    });
    feed.step();
    expect(seen).toBe(1);
  });

  describe('with fake timers', () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('emits the first bar at start() and then speed bars a second until stop()', async () => {
      vi.useFakeTimers();
      const feed = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 10, clock: { now: () => Date.now(), monotonic: () => Date.now() } });
      const events = record(feed);
      const bars = () => events.filter((e) => e.type === 'bar').length;
      await feed.start();
      expect(bars()).toBe(1);
      vi.advanceTimersByTime(1000);
      expect(bars()).toBe(11);
      await feed.stop();
      vi.advanceTimersByTime(1000);
      expect(bars()).toBe(11);
      expect(feed.running).toBe(false);
    });

    it('does not run at speed 0, and stops by itself at the end of a non-looping file', async () => {
      vi.useFakeTimers();
      const manual = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 0 });
      await manual.start();
      expect(manual.running).toBe(false);
      const once = new ReplayFeed({ symbol: 'X/USDT', bars: BARS, speed: 100, loop: false, clock: { now: () => Date.now(), monotonic: () => Date.now() } });
      await once.start();
      vi.advanceTimersByTime(1000);
      expect(once.finished).toBe(true);
      expect(once.running).toBe(false);
    });
  });
});

describe('ReplayFeed: instruments and timeframes from the real files', () => {
  it.each([
    ['freqtrade_ETH_BTC_1m.csv', 'ETH/BTC', MIN, { priceIncrement: '0.00000001', sizeIncrement: '0.001', minNotional: '0.0001' }],
    ['freqtrade_ETH_BTC_5m.csv', 'ETH/BTC', 5 * MIN, { priceIncrement: '0.000001', sizeIncrement: '0.001', minNotional: '0.0001' }],
    ['nautilus_FTX_BTC-PERP_1m.csv', 'BTC/USDT', MIN, { priceIncrement: '0.001', sizeIncrement: '0.00001', minNotional: '5' }],
  ])('%s as %s: timeframe %i ms, filters %o', (file, symbol, timeframeMs, filters) => {
    const feed = ReplayFeed.fromFile(`${DATA}/${file}`, { symbol, speed: 0 });
    expect(feed.timeframeMs).toBe(timeframeMs);
    const [spec] = feed.instruments();
    expect({
      priceIncrement: spec!.priceIncrement.toFixed(),
      sizeIncrement: spec!.sizeIncrement.toFixed(),
      minNotional: spec!.minNotional.toFixed(),
    }).toEqual(filters);
    expect(spec!.makerFee.toFixed()).toBe('0.001');
  });

  it('refuses an empty series and a lone bar without a timeframe', () => {
    expect(() => new ReplayFeed({ symbol: 'X/USDT', bars: parseCandleSeries('') })).toThrow(/at least one bar/);
    expect(() => new ReplayFeed({ symbol: 'X/USDT', bars: [BARS[0]!] })).toThrow(/fewer than two bars/);
    expect(new ReplayFeed({ symbol: 'X/USDT', bars: [BARS[0]!], timeframeMs: MIN }).timeframeMs).toBe(MIN);
  });

  it('refuses bars built in code that break the candle rules, naming the bar', () => {
    expect(() => new ReplayFeed({ symbol: 'X/USDT', bars: [BARS[1]!, BARS[0]!] })).toThrow(/bar 1: ts 0 is not after the previous bar's 60000/);
    expect(() => new ReplayFeed({ symbol: 'X/USDT', bars: [bar(0, '10', '9', '8', '9')], timeframeMs: MIN })).toThrow(/bar 0: high is below max\(open, close\)/);
  });
});
