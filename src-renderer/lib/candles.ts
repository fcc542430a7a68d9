import type { Timeframe } from '../../src-common/contract/constants/timeframes.js';
import type { Candle } from '../../src-common/contract/schemas.js';
import { dec, wire } from './decimal.js';

/** the chart's buttons: a few of the engine's timeframes (contract/constants/timeframes.ts) */
export const CHART_TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m', '1h', '4h', '1d'];

const maxStr = (a: string, b: string) => (dec(a).gte(dec(b)) ? a : b);
const minStr = (a: string, b: string) => (dec(a).lte(dec(b)) ? a : b);

/**
 * The candles on screen at one timeframe, kept live from the engine's bar
 * events (`candles:` channel, one per feed bar) and its trades (`trades:`),
 * which move the last candle between bars. A bar replaces what trades drew.
 */
export class CandleSeries {
  private candles: Candle[] = [];
  /** feed bars merged into the last candle by their start time; a repeated bar replaces itself */
  private lastBars = new Map<number, Candle>();
  /** the last candle as loaded (its feed bars unknown), until a bar supersedes it */
  private seed: Candle | null = null;
  /** the last candle drawn from trades only, waiting for its first bar */
  private provisional = false;
  version = 0;

  constructor(
    readonly timeframeMs: number,
    private readonly maxCandles = 1_000,
  ) {}

  load(candles: readonly Candle[]): void {
    this.candles = candles.slice(-this.maxCandles).map((c) => [...c] as Candle);
    this.seed = this.candles.at(-1) ?? null;
    this.lastBars.clear();
    this.provisional = false;
    this.version++;
  }

  toArray(): readonly Candle[] {
    return this.candles;
  }

  get last(): Candle | undefined {
    return this.candles.at(-1);
  }

  bucketOf(ts: number): number {
    return Math.floor(ts / this.timeframeMs) * this.timeframeMs;
  }

  applyBar(bar: Candle): void {
    const bucket = this.bucketOf(bar[0]);
    const last = this.candles.at(-1);
    if (last && bucket < last[0]) return; // history already drawn
    if (!last || bucket > last[0]) {
      this.lastBars = new Map([[bar[0], bar]]);
      this.seed = null;
      this.provisional = false;
      this.push(this.aggregate(bucket));
      return;
    }
    if (this.provisional) {
      this.provisional = false;
      this.seed = null;
      this.lastBars.clear();
    }
    // the first bar of a bucket is part of any loaded candle of that bucket: it supersedes the seed
    if (bar[0] === bucket) this.seed = null;
    this.lastBars.set(bar[0], bar);
    this.candles[this.candles.length - 1] = this.aggregate(bucket);
    this.version++;
  }

  /** a trade moves the last candle's close (and high/low); a trade past it opens a provisional candle */
  applyTrade(price: string, ts: number): void {
    const bucket = this.bucketOf(ts);
    const last = this.candles.at(-1);
    if (last && bucket < last[0]) return;
    if (!last || bucket > last[0]) {
      this.seed = null;
      this.lastBars.clear();
      this.provisional = true;
      this.push([bucket, price, price, price, price, '0']);
      return;
    }
    const next: Candle = [last[0], last[1], maxStr(last[2], price), minStr(last[3], price), price, last[5]];
    this.candles[this.candles.length - 1] = next;
    this.version++;
  }

  private push(c: Candle): void {
    this.candles.push(c);
    if (this.candles.length > this.maxCandles) this.candles.splice(0, this.candles.length - this.maxCandles);
    this.version++;
  }

  private aggregate(bucket: number): Candle {
    const bars = [...this.lastBars.values()].sort((a, b) => a[0] - b[0]);
    const parts = this.seed ? [this.seed, ...bars] : bars;
    const first = parts[0]!;
    let high = first[2];
    let low = first[3];
    let volume = dec(first[5]);
    for (const p of parts.slice(1)) {
      high = maxStr(high, p[2]);
      low = minStr(low, p[3]);
      volume = volume.add(dec(p[5]));
    }
    return [bucket, first[1], high, low, parts.at(-1)![4], wire(volume)];
  }
}
