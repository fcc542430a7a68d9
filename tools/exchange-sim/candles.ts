import { d, D, floorTo, ceilTo, maxD, minD, ZERO } from './decimal.js';
import type { Market } from './markets.js';
import type { Rng } from './rng.js';

export const MINUTE = 60_000;
const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Binance's weeks start on Monday; 1970-01-05 was the first Monday after the epoch. */
const WEEK_OFFSET = 4 * DAY;

export const INTERVALS: Record<string, number> = {
  '1m': MINUTE, '3m': 3 * MINUTE, '5m': 5 * MINUTE, '15m': 15 * MINUTE, '30m': 30 * MINUTE,
  '1h': 60 * MINUTE, '2h': 120 * MINUTE, '4h': 240 * MINUTE, '6h': 360 * MINUTE, '8h': 480 * MINUTE,
  '12h': 720 * MINUTE, '1d': DAY, '3d': 3 * DAY, '1w': WEEK,
};

export interface Candle {
  t: number; // open time, ms
  o: D;
  h: D;
  l: D;
  c: D;
  v: D; // base volume
  q: D; // quote volume
  n: number; // trade count
}

/** Input rows for a symbol's history (e.g. read from a candle CSV). */
export interface CandleRow {
  timestamp: number;
  open: string;
  high: string;
  low: string;
  close: string;
  volume: string;
}

export function bucketStart(time: number, intervalMs: number): number {
  const offset = intervalMs === WEEK ? WEEK_OFFSET : 0;
  return Math.floor((time - offset) / intervalMs) * intervalMs + offset;
}

/**
 * A contiguous series of 1-minute candles (flat candles fill minutes without trades);
 * every other interval is aggregated from it on request.
 */
export class CandleSeries {
  private readonly minutes: Candle[] = [];

  constructor(private readonly market: Market) {}

  get first(): Candle | undefined {
    return this.minutes[0];
  }

  get last(): Candle | undefined {
    return this.minutes[this.minutes.length - 1];
  }

  /** Random-walk history of `count` minutes that ends, at `endMinute`, at `endPrice`. */
  backfill(endMinute: number, endPrice: D, count: number, rng: Rng): void {
    const m = this.market;
    const sigma = m.volatilityBps / 10_000;
    const out: Candle[] = [];
    let close = endPrice;
    for (let i = 1; i <= count; i++) {
      const open = maxD(m.tick, floorTo(close.div(Math.exp(sigma * rng.normal()).toFixed(12)), m.tick));
      const hi = maxD(open, close).mul((1 + Math.abs(rng.normal()) * sigma * 0.5).toFixed(12));
      const lo = minD(open, close).mul((1 - Math.abs(rng.normal()) * sigma * 0.5).toFixed(12));
      const v = floorTo(m.levelQty.mul((0.2 + rng.next() * 2).toFixed(6)), m.step);
      const mid = open.plus(close).div(2);
      out.push({
        t: endMinute - i * MINUTE,
        o: open,
        h: ceilTo(hi, m.tick),
        l: maxD(m.tick, floorTo(lo, m.tick)),
        c: close,
        v,
        q: v.mul(mid),
        n: 1 + Math.floor(rng.next() * 20),
      });
      close = open;
    }
    out.reverse();
    this.minutes.splice(0, this.minutes.length, ...out);
  }

  /** Replaces the history by the given rows (any interval ≥ 1m; each row becomes one 1m candle plus flat minutes). */
  load(rows: CandleRow[]): void {
    this.minutes.length = 0;
    const sorted = [...rows].sort((a, b) => a.timestamp - b.timestamp);
    for (const r of sorted) {
      const t = bucketStart(r.timestamp, MINUTE);
      const last = this.last;
      if (last && t <= last.t) continue;
      if (last) this.fillFlat(t - MINUTE);
      const v = d(r.volume);
      const c = d(r.close);
      this.minutes.push({ t, o: d(r.open), h: d(r.high), l: d(r.low), c, v, q: v.mul(c), n: 1 });
    }
  }

  /** Appends flat candles (at the last close) up to and including the minute of `time`. */
  ensureUpTo(time: number, fallbackPrice?: D): void {
    const target = bucketStart(time, MINUTE);
    if (!this.last) {
      if (!fallbackPrice) return;
      this.minutes.push({ t: target, o: fallbackPrice, h: fallbackPrice, l: fallbackPrice, c: fallbackPrice, v: ZERO, q: ZERO, n: 0 });
      return;
    }
    this.fillFlat(target);
  }

  private fillFlat(target: number): void {
    let last = this.last;
    while (last && last.t < target) {
      const c = last.c;
      last = { t: last.t + MINUTE, o: c, h: c, l: c, c, v: ZERO, q: ZERO, n: 0 };
      this.minutes.push(last);
    }
  }

  /** Records one trade into the minute of `time`. */
  record(price: D, qty: D, time: number): void {
    this.ensureUpTo(time, price);
    const cur = this.last;
    if (!cur) return;
    cur.h = maxD(cur.h, price);
    cur.l = minD(cur.l, price);
    cur.c = price;
    cur.v = cur.v.plus(qty);
    cur.q = cur.q.plus(qty.mul(price));
    cur.n += 1;
  }

  private indexOf(time: number): number {
    const first = this.first;
    if (!first) return -1;
    return Math.floor((time - first.t) / MINUTE);
  }

  /** Aggregates the 1m candles in [start, start + intervalMs). */
  aggregate(start: number, intervalMs: number): Candle | undefined {
    const from = Math.max(0, this.indexOf(start));
    const to = Math.min(this.minutes.length, this.indexOf(start + intervalMs));
    if (to <= from) return undefined;
    const firstCandle = this.minutes[from]!;
    let h = firstCandle.h;
    let l = firstCandle.l;
    let v = ZERO;
    let q = ZERO;
    let n = 0;
    for (let i = from; i < to; i++) {
      const c = this.minutes[i]!;
      h = maxD(h, c.h);
      l = minD(l, c.l);
      v = v.plus(c.v);
      q = q.plus(c.q);
      n += c.n;
    }
    return { t: start, o: firstCandle.o, h, l, c: this.minutes[to - 1]!.c, v, q, n };
  }

  /** Binance's klines selection: from startTime forward, else the latest `limit` ending at endTime (or the last candle). */
  klines(intervalMs: number, limit: number, startTime?: number, endTime?: number): Candle[] {
    const first = this.first;
    const last = this.last;
    if (!first || !last) return [];
    const lastOpen = bucketStart(Math.min(endTime ?? last.t, last.t), intervalMs);
    const firstOpen = bucketStart(first.t, intervalMs);
    const out: Candle[] = [];
    if (startTime !== undefined) {
      let t = Math.max(bucketStart(startTime, intervalMs), firstOpen);
      if (t < startTime) t += intervalMs;
      for (; t <= lastOpen && out.length < limit; t += intervalMs) {
        const c = this.aggregate(t, intervalMs);
        if (c) out.push(c);
      }
      return out;
    }
    for (let t = lastOpen; t >= firstOpen && out.length < limit; t -= intervalMs) {
      const c = this.aggregate(t, intervalMs);
      if (c) out.push(c);
    }
    return out.reverse();
  }

  /** Statistics of the minutes in [from, to]: first open, high, low, volumes, count. */
  window(from: number, to: number): Candle | undefined {
    const start = bucketStart(from, MINUTE);
    const span = bucketStart(to, MINUTE) - start + MINUTE;
    return this.aggregate(start, span);
  }
}
