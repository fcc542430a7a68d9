import { describe, expect, it } from 'vitest';
import { change24h } from '../../../src-renderer/lib/change.js';

const H = 3_600_000;
const candle = (ts: number, open: string, close: string) => [ts, open, open, close, close, '1'] as [number, string, string, string, string, string];

describe('24 h change', () => {
  it('compares the last price with the open 24 h back, exactly, at two places', () => {
    const candles = Array.from({ length: 30 }, (_, i) => candle(i * H, String(100 + i), String(101 + i)));
    // the newest opens at 29 h: the 24 h window starts with the candle at 6 h (open 106)
    expect(change24h(candles, '116.6')).toEqual({ pct: '10.00', since: 6 * H, partial: false });
  });

  it('with less than a day of history, from the oldest candle, and says so', () => {
    expect(change24h([candle(0, '200', '190'), candle(H, '190', '180')], null)).toEqual({ pct: '-10.00', since: 0, partial: true });
    expect(change24h([], '1')).toBeNull();
  });
});
