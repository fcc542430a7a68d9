import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src-common/contract/schemas.js';
import { CandleSeries } from '../../../src-renderer/lib/candles.js';

const M = 60_000;
const bar = (ts: number, o: string, h: string, l: string, c: string, v: string): Candle => [ts, o, h, l, c, v];

describe('CandleSeries', () => {
  it('a bar of a new bucket appends a candle; a repeated bar replaces itself', () => {
    const s = new CandleSeries(M);
    s.load([bar(0, '10', '11', '9', '10', '1')]);
    s.applyBar(bar(M, '10', '12', '10', '11', '2'));
    s.applyBar(bar(M, '10', '13', '10', '12', '3'));
    expect(s.toArray()).toEqual([bar(0, '10', '11', '9', '10', '1'), bar(M, '10', '13', '10', '12', '3')]);
  });

  it('aggregates feed bars into the larger timeframe: first open, max high, min low, last close, summed volume', () => {
    const s = new CandleSeries(5 * M);
    s.load([]);
    s.applyBar(bar(0, '10', '11', '9', '10.5', '1'));
    s.applyBar(bar(M, '10.5', '14', '10', '13', '2.5'));
    s.applyBar(bar(2 * M, '13', '13', '8', '9', '0.5'));
    expect(s.toArray()).toEqual([bar(0, '10', '14', '8', '9', '4')]);
    s.applyBar(bar(5 * M, '9', '9', '9', '9', '1'));
    expect(s.toArray().map((c) => c[0])).toEqual([0, 5 * M]);
  });

  it('continues a loaded partial candle with the bars that follow', () => {
    const s = new CandleSeries(5 * M);
    s.load([bar(0, '10', '12', '9', '11', '5')]);
    s.applyBar(bar(3 * M, '11', '15', '11', '14', '1'));
    expect(s.last).toEqual(bar(0, '10', '15', '9', '14', '6'));
  });

  it('trades move the last candle between bars, and a bar then draws it as given', () => {
    const s = new CandleSeries(M);
    s.load([bar(0, '10', '11', '9', '10', '1')]);
    s.applyTrade('12', 30_000);
    expect(s.last).toEqual(bar(0, '10', '12', '9', '12', '1'));
    s.applyTrade('8', 40_000);
    expect(s.last).toEqual(bar(0, '10', '12', '8', '8', '1'));
  });

  it('a trade past the last candle opens a provisional one that its bar replaces', () => {
    const s = new CandleSeries(M);
    s.load([bar(0, '10', '11', '9', '10', '1')]);
    s.applyTrade('10.5', M + 5_000);
    expect(s.last).toEqual(bar(M, '10.5', '10.5', '10.5', '10.5', '0'));
    s.applyBar(bar(M, '10', '11', '10', '10.5', '3'));
    expect(s.toArray()).toHaveLength(2);
    expect(s.last).toEqual(bar(M, '10', '11', '10', '10.5', '3'));
  });

  it('ignores what is older than the last candle, and keeps at most its maximum', () => {
    const s = new CandleSeries(M, 3);
    s.load([bar(0, '1', '1', '1', '1', '1'), bar(M, '1', '1', '1', '1', '1'), bar(2 * M, '1', '1', '1', '1', '1')]);
    const v = s.version;
    s.applyBar(bar(0, '5', '5', '5', '5', '5'));
    s.applyTrade('5', 10);
    expect(s.version).toBe(v);
    s.applyBar(bar(3 * M, '2', '2', '2', '2', '2'));
    expect(s.toArray().map((c) => c[0])).toEqual([M, 2 * M, 3 * M]);
  });
});
