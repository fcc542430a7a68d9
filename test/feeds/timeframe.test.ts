import { describe, expect, it } from 'vitest';
import { readCandleSeries } from '../../src-main/feeds/candles-csv.js';
import { detectTimeframeMs } from '../../src-main/feeds/timeframe.js';

const DATA = '/work/shared/data';

describe('detectTimeframeMs', () => {
  it('is the most common step between bars, so a gap does not change it', () => {
    expect(detectTimeframeMs([0, 60_000, 120_000, 240_000, 300_000])).toBe(60_000);
  });

  it('breaks a tie toward the shorter step', () => {
    expect(detectTimeframeMs([0, 60_000, 120_000, 420_000, 720_000])).toBe(60_000);
  });

  it('refuses fewer than two bars', () => {
    expect(() => detectTimeframeMs([1000])).toThrow(/fewer than two bars/);
  });

  it.each([
    ['freqtrade_ETH_BTC_1m.csv', 60_000],
    ['freqtrade_ETH_BTC_5m.csv', 300_000],
    ['nautilus_FTX_BTC-PERP_1m.csv', 60_000],
  ])('finds the timeframe of %s: %i ms', (file, expected) => {
    expect(detectTimeframeMs(readCandleSeries(`${DATA}/${file}`).ts)).toBe(expected);
  });
});
