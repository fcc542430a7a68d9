import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../../../src-common/contract/schemas.js';
// the engine's side: the library as strategies import it
import { Bollinger, Ema, Macd, Rsi, Sma } from '../../../../../src-main/strategies/indicators/index.js';
import { IndicatorRun } from '../../../../../src-renderer/features/market/indicators/series.js';
import type { IndicatorSpec } from '../../../../../src-renderer/features/market/indicators/specs.js';
import { CandleSeries } from '../../../../../src-renderer/lib/candles.js';

/** the first `n` bars of a file of ../shared/data, as the wire writes candles */
function candlesOf(file: string, n: number): Candle[] {
  const rows = readFileSync(`/work/shared/data/${file}`, 'utf8').trim().split('\n').slice(1, n + 1);
  return rows.map((r) => {
    const [ts, o, h, l, c, v] = r.split(',');
    return [Number(ts), o!, h!, l!, c!, v!] as Candle;
  });
}

const SPECS: IndicatorSpec[] = [
  { id: 'a', kind: 'sma', period: 20 },
  { id: 'b', kind: 'ema', period: 50 },
  { id: 'c', kind: 'bb', period: 20, k: 2 },
  { id: 'd', kind: 'rsi', period: 14 },
  { id: 'e', kind: 'macd', fast: 12, slow: 26, signal: 9 },
];

/** what a strategy's indicators read after each close (the engine's values), one array per line */
function engineValues(spec: IndicatorSpec, closes: number[]): number[][] {
  switch (spec.kind) {
    case 'sma': {
      const x = new Sma(spec.period);
      return [closes.map((c) => x.update(c))];
    }
    case 'ema': {
      const x = new Ema(spec.period);
      return [closes.map((c) => x.update(c))];
    }
    case 'rsi': {
      const x = new Rsi(spec.period);
      return [closes.map((c) => x.update(c))];
    }
    case 'bb': {
      const x = new Bollinger(spec.period, spec.k);
      const out: number[][] = [[], [], []];
      for (const c of closes) {
        x.update(c);
        out[0]!.push(x.upper);
        out[1]!.push(x.middle);
        out[2]!.push(x.lower);
      }
      return out;
    }
    case 'macd': {
      const x = new Macd(spec.fast, spec.slow, spec.signal);
      const out: number[][] = [[], [], []];
      for (const c of closes) {
        x.update(c);
        out[0]!.push(x.line);
        out[1]!.push(x.signal);
        out[2]!.push(x.histogram);
      }
      return out;
    }
  }
}

const closesOf = (candles: readonly Candle[]) => candles.map((c) => Number(c[4]));

describe.each([
  ['freqtrade_ETH_BTC_1m.csv', 60_000],
  ['nautilus_FTX_BTC-PERP_1m.csv', 60_000],
])('the chart draws the engine’s indicator values (%s)', (file, tf) => {
  const candles = candlesOf(file, 1_250);

  it.each(SPECS.map((s) => [s.kind, s] as const))('%s over loaded history: every value equals the engine’s', (_kind, spec) => {
    const run = new IndicatorRun(spec);
    const history = candles.slice(0, 800);
    run.update(history);
    expect(run.lines).toEqual(engineValues(spec, closesOf(history)));
  });

  it.each(SPECS.map((s) => [s.kind, s] as const))(
    '%s live: bars one at a time, trades moving the forming candle, the oldest candles dropping at 1,000: the same values as the engine fed every close',
    (_kind, spec) => {
      const series = new CandleSeries(tf);
      series.load(candles.slice(0, 300));
      const run = new IndicatorRun(spec);
      run.update(series.toArray());
      for (let i = 300; i < candles.length; i++) {
        const bar = candles[i]!;
        // a trade opens the bar's candle and one moves it, then the bar itself replaces them
        series.applyTrade(bar[1], bar[0] + 1);
        run.update(series.toArray());
        series.applyTrade(bar[3], bar[0] + 2);
        run.update(series.toArray());
        // the forming candle reads as if it closed at its latest price (checked every so often: the engine's side recomputes it all)
        if (i % 97 === 0) {
          const soFar = closesOf(candles.slice(0, i));
          const forming = engineValues(spec, [...soFar, Number(bar[3])]).map((l) => l.at(-1));
          expect(run.at(series.toArray().length - 1)).toEqual(forming);
        }
        series.applyBar(bar);
        run.update(series.toArray());
      }
      const shown = series.toArray();
      expect(shown).toHaveLength(1_000);
      const engine = engineValues(spec, closesOf(candles)).map((l) => l.slice(-1_000));
      expect(run.lines).toEqual(engine);
    },
  );
});

describe('IndicatorRun', () => {
  it('starts over on a new series (another symbol or timeframe)', () => {
    const a = candlesOf('freqtrade_ETH_BTC_1m.csv', 200);
    const b = candlesOf('nautilus_FTX_BTC-PERP_1m.csv', 100);
    const run = new IndicatorRun({ id: 'x', kind: 'sma', period: 5 });
    run.update(a);
    run.update(b);
    expect(run.lines).toEqual(engineValues({ id: 'x', kind: 'sma', period: 5 }, closesOf(b)));
  });

  it('draws nothing for no candles and one forming value for one', () => {
    const run = new IndicatorRun({ id: 'x', kind: 'sma', period: 1 });
    run.update([]);
    expect(run.lines).toEqual([[]]);
    run.update([[0, '1', '1', '1', '5', '0']]);
    expect(run.lines).toEqual([[5]]);
  });
});
