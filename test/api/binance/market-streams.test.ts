/**
 * Tern's market events as Binance's market streams (issue 14): depth diffs
 * whose ids run on one per book change (so a client's U == last u + 1 holds
 * even when a change moved nothing it sees), and candles gathered into the
 * stream's interval.
 */
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../src-common/contract/events.js';
import { KLINE_INTERVALS, MarketStreams } from '../../../src-main/api/binance/market-streams.js';
import { parseStream } from '../../../src-main/api/binance/stream-format.js';

const book = (bids: [string, string][], asks: [string, string][]): EngineEvent =>
  ({ kind: 'book', channel: 'book:paper:BTC/USDT', data: { account: 'paper', symbol: 'BTC/USDT', bids, asks, ts: null } }) as EngineEvent;
const bar = (t: number, o: string, h: string, l: string, c: string, v: string): EngineEvent =>
  ({ kind: 'candles', channel: 'candles:paper:BTC/USDT', data: { account: 'paper', symbol: 'BTC/USDT', candle: [t, o, h, l, c, v] } }) as EngineEvent;

const AT = { account: 'paper', symbol: 'BTC/USDT' };

describe('MarketStreams', () => {
  it('depth: one update id per book change, the changed levels, a level gone at 0; GET depth reads the last id', () => {
    const m = new MarketStreams(() => 1);
    const depth = parseStream('btcusdt@depth@100ms', KLINE_INTERVALS)!;
    const send = (e: EngineEvent) => m.payloads(depth, m.update(e, AT)!);
    expect(m.depthUpdateId('paper', 'BTCUSDT')).toBe(0);
    expect(send(book([['100', '1']], [['101', '2']]))).toEqual([{ e: 'depthUpdate', E: 1, s: 'BTCUSDT', U: 1, u: 1, b: [['100.00000000', '1.00000000']], a: [['101.00000000', '2.00000000']] }]);
    expect(send(book([['99', '3']], [['101', '2']]))).toMatchObject([{ U: 2, u: 2, b: [['99.00000000', '3.00000000'], ['100.00000000', '0.00000000']], a: [] }]);
    // nothing moved: still an update, so the next one's U follows on
    expect(send(book([['99', '3']], [['101', '2']]))).toMatchObject([{ U: 3, u: 3, b: [], a: [] }]);
    expect(m.depthUpdateId('paper', 'BTCUSDT')).toBe(3);
    const top = parseStream('btcusdt@bookTicker', KLINE_INTERVALS)!;
    expect(m.payloads(top, m.update(book([['99', '3']], [['100.5', '1']]), AT)!)).toEqual([{ u: 4, s: 'BTCUSDT', b: '99.00000000', B: '3.00000000', a: '100.50000000', A: '1.00000000' }]);
  });

  it('kline_5m from 1m bars: open, high, low, close and volume of the interval so far; x once its last minute is in', () => {
    const m = new MarketStreams(() => 7);
    const k5 = parseStream('btcusdt@kline_5m', KLINE_INTERVALS)!;
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % 300_000);
    const out = [0, 1, 2, 3, 4].map((i) => m.payloads(k5, m.update(bar(t0 + i * 60_000, String(100 + i), String(110 + i), String(90 - i), String(105 + i), '1.5'), AT)!)[0]!['k']);
    expect(out.map((k: any) => [k.t, k.o, k.h, k.l, k.c, k.v, k.x])).toEqual([
      [t0, '100.00000000', '110.00000000', '90.00000000', '105.00000000', '1.50000000', false],
      [t0, '100.00000000', '111.00000000', '89.00000000', '106.00000000', '3.00000000', false],
      [t0, '100.00000000', '112.00000000', '88.00000000', '107.00000000', '4.50000000', false],
      [t0, '100.00000000', '113.00000000', '87.00000000', '108.00000000', '6.00000000', false],
      [t0, '100.00000000', '114.00000000', '86.00000000', '109.00000000', '7.50000000', true],
    ]);
    const next = m.payloads(k5, m.update(bar(t0 + 300_000, '200', '201', '199', '200.5', '2'), AT)!)[0]!['k'] as any;
    expect([next.t, next.o, next.v, next.x, next.i]).toEqual([t0 + 300_000, '200.00000000', '2.00000000', false, '5m']);
  });
});
