import { describe, expect, it } from 'vitest';
import { dec } from '../../src-main/engine/model/decimal.js';
import type { Bar, MarketEvent } from '../../src-main/engine/ports/market-data.js';
import { MultiFeed } from '../../src-main/feeds/multi-feed.js';
import { ReplayFeed } from '../../src-main/feeds/replay/replay-feed.js';

const MIN = 60_000;
const bar = (ts: number, close: string): Bar => ({ ts, open: dec(close), high: dec(close), low: dec(close), close: dec(close), volume: dec('1') });
const feed = (symbol: string, close: string, timeframeMs = MIN) =>
  new ReplayFeed({ symbol, speed: 0, timeframeMs, bars: [bar(0, close), bar(timeframeMs, close), bar(2 * timeframeMs, close)], onError: (e) => { throw e; } });

describe('MultiFeed', () => {
  it('quotes each symbol from its own feed and passes on every feed’s events', () => {
    const btc = feed('BTC/USDT', '40000');
    const eth = feed('ETH/BTC', '0.05');
    const multi = new MultiFeed([btc, eth]);
    const events: MarketEvent[] = [];
    const off = multi.subscribe((e) => events.push(e));
    btc.step(2);
    eth.step(1);
    expect(multi.instruments().map((i) => i.symbol)).toEqual(['BTC/USDT', 'ETH/BTC']);
    expect(multi.lastPrice('BTC/USDT')?.toFixed()).toBe('40000');
    expect(multi.lastPrice('ETH/BTC')?.toFixed()).toBe('0.05');
    expect(multi.book('ETH/BTC')?.symbol).toBe('ETH/BTC');
    expect(multi.bars('BTC/USDT', 10)).toHaveLength(2);
    expect(multi.bars('XRP/USDT', 10)).toEqual([]);
    const bars = events.filter((e) => e.type === 'bar').map((e) => (e.type === 'bar' ? e.symbol : ''));
    expect(bars).toEqual(['BTC/USDT', 'BTC/USDT', 'ETH/BTC']);
    off();
    btc.step(1);
    expect(events.filter((e) => e.type === 'bar')).toHaveLength(3);
  });

  it('refuses two feeds for one symbol, and feeds of different bar lengths, naming the field', () => {
    expect(() => new MultiFeed([feed('BTC/USDT', '1'), feed('BTC/USDT', '2')])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field: 'symbol' } }));
    expect(() => new MultiFeed([feed('BTC/USDT', '1'), feed('ETH/BTC', '2', 5 * MIN)])).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field: 'feed' } }));
  });
});
