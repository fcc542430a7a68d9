import { describe, expect, it } from 'vitest';
import { Atr, Bollinger, Ema, IndicatorParamError, Macd, Rsi, Sma, compareSma } from '../../src-common/indicators/index.js';

/** StockCharts' EMA/SMA example (10 periods): the closes and the published values */
const CLOSES = [22.27, 22.19, 22.08, 22.17, 22.18, 22.13, 22.23, 22.43, 22.24, 22.29, 22.15, 22.39, 22.38, 22.61, 23.36, 24.05, 23.75, 23.83, 23.95, 23.63, 23.82, 23.87, 23.65, 23.19, 23.1, 23.33, 22.68, 23.1, 22.4, 22.17];
const PUBLISHED_SMA10 = [22.22, 22.21, 22.23, 22.26, 22.3, 22.42, 22.61, 22.77, 22.91, 23.08, 23.21, 23.38, 23.53, 23.65, 23.71, 23.69, 23.61, 23.51, 23.43, 23.28, 23.13];
const PUBLISHED_EMA10 = [22.22, 22.21, 22.24, 22.27, 22.33, 22.52, 22.8, 22.97, 23.13, 23.28, 23.34, 23.43, 23.51, 23.54, 23.47, 23.4, 23.39, 23.26, 23.23, 23.08, 22.92];
/** Wilder's RSI example as StockCharts tabulates it (14 periods), closes to the cent */
const RSI_CLOSES = [44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.1, 45.42, 45.84, 46.08, 45.89, 46.03, 45.61, 46.28, 46.28, 46.0, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25, 45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13];
const PUBLISHED_RSI14 = [70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38, 54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.3, 33.08, 37.77];

const feed = (update: (v: number) => number, values: number[]) => values.map((v) => update(v));

describe('Sma', () => {
  it('is NaN until it has period values, then the mean of the last period values (the published 10-day SMA)', () => {
    const sma = new Sma(10);
    const out = feed((v) => sma.update(v), CLOSES);
    expect(out.slice(0, 9).every(Number.isNaN)).toBe(true);
    out.slice(9).forEach((v, i) => expect(v).toBeCloseTo(PUBLISHED_SMA10[i]!, 1));
    expect(out[9]).toBeCloseTo(CLOSES.slice(0, 10).reduce((a, b) => a + b) / 10, 12);
  });

  it('keeps an exact sum in decimal units: no drift after a million updates, exact comparisons', () => {
    const a = new Sma(3, { decimals: 8 });
    const b = new Sma(3);
    for (let i = 0; i < 1_000_000; i++) {
      a.update(0.1 + (i % 7) * 0.00000001);
      b.update(0.1 + (i % 7) * 0.00000001);
    }
    a.update(0.1);
    a.update(0.2);
    a.update(0.3);
    expect(a.sum).toBe(60_000_000);
    expect(a.value).toBe(0.2);
    const fast = new Sma(2, { decimals: 2 });
    const slow = new Sma(4, { decimals: 2 });
    for (const v of [1.1, 1.3, 1.2, 1.2]) {
      fast.update(v);
      slow.update(v);
    }
    // (1.2 + 1.2) / 2 = 1.2 and (1.1 + 1.3 + 1.2 + 1.2) / 4 = 1.2: equal exactly, though 4.8 / 4 in doubles is not 1.2 in every order of sums
    expect(compareSma(fast, slow)).toBe(0);
    fast.update(1.4);
    slow.update(1.4);
    expect(compareSma(fast, slow)).toBe(1);
  });

  it('refuses a period that is not a whole number ≥ 1', () => {
    expect(() => new Sma(0)).toThrow(/period/);
    expect(() => new Sma(2.5)).toThrow(/period/);
  });
});

describe('Ema', () => {
  it('seeds with the simple average, then alpha = 2/(n+1): the published 10-day EMA', () => {
    const ema = new Ema(10);
    const out = feed((v) => ema.update(v), CLOSES);
    expect(out.slice(0, 9).every(Number.isNaN)).toBe(true);
    // the published table rounds each step to the cent; ours does not, so the last digit may differ by one
    out.slice(9).forEach((v, i) => expect(Math.abs(v - PUBLISHED_EMA10[i]!)).toBeLessThanOrEqual(0.0100001));
    expect(out[10]).toBeCloseTo(out[9]! + (2 / 11) * (CLOSES[10]! - out[9]!), 12);
  });
});

describe('Rsi', () => {
  it("is Wilder's: first averages are simple over 14 changes, then smoothed (hand-computed from the closes)", () => {
    const rsi = new Rsi(14);
    const out = feed((v) => rsi.update(v), RSI_CLOSES);
    expect(out.slice(0, 14).every(Number.isNaN)).toBe(true);
    // changes 1..14: gains sum 3.34, losses sum 1.40 → avg 0.238571.., 0.1 → RS 2.385714.. → RSI 70.4641..
    expect(out[14]).toBeCloseTo(100 - 100 / (1 + 3.34 / 14 / 0.1), 9);
    // next change −0.28: avg gain 0.238571.. × 13/14, avg loss (0.1 × 13 + 0.28) / 14
    const gain = ((3.34 / 14) * 13) / 14;
    const loss = (0.1 * 13 + 0.28) / 14;
    expect(out[15]).toBeCloseTo(100 - 100 / (1 + gain / loss), 9);
  });

  it('follows the published table within 0.1 (it was computed from closes with more decimals)', () => {
    const rsi = new Rsi(14);
    const out = feed((v) => rsi.update(v), RSI_CLOSES).slice(14);
    out.forEach((v, i) => expect(Math.abs(v - PUBLISHED_RSI14[i]!)).toBeLessThan(0.1));
  });

  it('is 100 after gains only and 50 when nothing moved', () => {
    const up = new Rsi(3);
    expect(feed((v) => up.update(v), [1, 2, 3, 4]).at(-1)).toBe(100);
    const flat = new Rsi(3);
    expect(feed((v) => flat.update(v), [5, 5, 5, 5]).at(-1)).toBe(50);
  });
});

describe('Atr', () => {
  it("takes the true range with the previous close, seeds with the mean, then smooths by Wilder's rule", () => {
    const atr = new Atr(3);
    // bars (high, low, close): TR1 = 2 (first bar: high − low); TR2 = max(1, |12−10|, |11−10|) = 2; TR3 = max(2, |15−11|, |13−11|) = 4
    expect(atr.update(10, 8, 10)).toBeNaN();
    expect(atr.update(12, 11, 11)).toBeNaN();
    expect(atr.update(15, 13, 14)).toBeCloseTo((2 + 2 + 4) / 3, 12);
    // TR4 = max(1, |13−14|, |12−14|) = 2 → (8/3 × 2 + 2) / 3
    expect(atr.update(13, 12, 12)).toBeCloseTo(((8 / 3) * 2 + 2) / 3, 12);
    expect(atr.trueRange).toBe(2);
  });
});

describe('Bollinger', () => {
  it('is the mean ± k population standard deviations of the window', () => {
    const bb = new Bollinger(4, 2);
    for (const v of [2, 4, 4, 4]) bb.update(v);
    bb.update(5);
    // window 4, 4, 4, 5: mean 4.25, variance (0.0625 × 3 + 0.5625) / 4 = 0.1875
    expect(bb.middle).toBeCloseTo(4.25, 12);
    expect(bb.deviation).toBeCloseTo(Math.sqrt(0.1875), 12);
    expect(bb.upper).toBeCloseTo(4.25 + 2 * Math.sqrt(0.1875), 12);
    expect(bb.lower).toBeCloseTo(4.25 - 2 * Math.sqrt(0.1875), 12);
  });

  it('does not accumulate rounding over a long run', () => {
    const bb = new Bollinger(20, 2);
    for (let i = 0; i < 200_000; i++) bb.update(1000 + Math.sin(i) * 50 + 0.1);
    for (let i = 0; i < 20; i++) bb.update(7);
    expect(bb.middle).toBe(7);
    expect(bb.deviation).toBe(0);
  });
});

describe('Macd', () => {
  it('is EMA(fast) − EMA(slow), its EMA(signal), and their difference', () => {
    const macd = new Macd(3, 6, 3);
    const fast = new Ema(3);
    const slow = new Ema(6);
    const signal = new Ema(3);
    const values = [10, 11, 12, 11, 13, 14, 13, 15, 16, 15, 17, 18];
    let line = NaN;
    let sig = NaN;
    for (const v of values) {
      macd.update(v);
      const f = fast.update(v);
      const s = slow.update(v);
      if (!Number.isNaN(s)) {
        line = f - s;
        sig = signal.update(line);
      }
    }
    expect(macd.line).toBeCloseTo(line, 12);
    expect(macd.signal).toBeCloseTo(sig, 12);
    expect(macd.histogram).toBeCloseTo(line - sig, 12);
    expect(macd.ready).toBe(true);
  });

  it('hand-computed: MACD(1,2,1) of 1, 2, 4', () => {
    const macd = new Macd(1, 2, 1);
    macd.update(1); // slow not ready
    expect(macd.line).toBeNaN();
    macd.update(2); // fast = 2, slow = (1+2)/2 = 1.5 → line 0.5, signal 0.5
    expect(macd.line).toBeCloseTo(0.5, 12);
    macd.update(4); // fast = 4, slow = 1.5 + 2/3 × (4 − 1.5) = 3.1666.. → line 0.8333.., signal = line (period 1)
    expect(macd.line).toBeCloseTo(4 - (1.5 + (2 / 3) * 2.5), 12);
    expect(macd.histogram).toBeCloseTo(0, 12);
  });

  it('refuses a fast period that is not shorter than the slow one', () => {
    expect(() => new Macd(26, 12, 9)).toThrow(/fast/);
  });

  it('names the period it refuses (fast, slow or signal), not its inner EMA\'s "period"', () => {
    expect(() => new Macd(0, 26, 9)).toThrow(/^fast must be a whole number/);
    expect(() => new Macd(12, 26.5, 9)).toThrow(/^slow must be a whole number/);
    expect(() => new Macd(12, 26, 0)).toThrow(/^signal must be a whole number/);
  });
});

describe('clone (the chart tries the forming bar on a copy)', () => {
  const values = Array.from({ length: 60 }, (_, i) => 100 + Math.sin(i / 3) * 5 + i * 0.1);
  const make = () => [new Sma(10), new Ema(10), new Rsi(14), new Bollinger(20, 2), new Macd(12, 26, 9), new Atr(14)];
  const state = (x: object) => JSON.stringify(x, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v));
  const step = (x: ReturnType<typeof make>[number], v: number) => (x instanceof Atr ? x.update(v + 1, v - 1, v) : x.update(v));

  it('a copy updated with a value leaves the original as it was, and goes on exactly like the original would', () => {
    const originals = make();
    for (const v of values.slice(0, 40)) for (const x of originals) step(x, v);
    for (const x of originals) {
      const before = state(x);
      const copy = x.clone();
      step(copy, 999);
      expect(state(x), x.constructor.name).toBe(before);
      const copy2 = x.clone();
      for (const v of values.slice(40)) {
        expect(step(copy2, v), x.constructor.name).toBe(step(x, v));
      }
    }
  });

  it('a refused parameter is an IndicatorParamError naming the field', () => {
    expect(() => new Bollinger(20, -1)).toThrow(IndicatorParamError);
    try {
      new Macd(26, 12, 9);
    } catch (err) {
      expect((err as IndicatorParamError).field).toBe('fast');
    }
  });
});
