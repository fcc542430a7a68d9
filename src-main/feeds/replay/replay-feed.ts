import { basename } from 'node:path';
import { badRequest, conflict } from '../../../src-common/contract/errors.js';
import type { Decimal } from '../../engine/model/decimal.js';
import type { InstrumentSpec } from '../../engine/model/types.js';
import { type Clock, systemClock } from '../../engine/ports/clock.js';
import type { Bar, BookSnapshot, MarketEvent, MarketFeed } from '../../engine/ports/market-data.js';
import { CandleSeries, readCandleSeries } from '../candles-csv.js';
import { detectTimeframeMs } from '../timeframe.js';
import { barSource, type BarSource } from './bar-source.js';
import { deriveInstrument, type InstrumentOverrides } from './instrument-rule.js';
import { historyBefore, WallCandles } from './wall-timeline.js';
import { aggressorSide, barPath, gridPrice, printQuantity, PRINTS_PER_BAR, synthesizeBook } from './synthetic-market.js';

export interface ReplayFeedOptions {
  /** the one symbol the file is replayed as, e.g. 'BTC/USDT' */
  symbol: string;
  bars: CandleSeries | readonly Bar[];
  /** bars per second while started; 0 = only step() moves it. Default 10. */
  speed?: number;
  /** time source that paces start() (its monotonic reading); default the system clock. Event times come from the data, not from here. */
  clock?: Clock;
  /** start over at the end (shifted in time), default true; when false the feed ends after the last bar */
  loop?: boolean;
  /** replace any field of the derived instrument */
  instrument?: InstrumentOverrides;
  /** the bar length; default detected from the data (the most common time step) */
  timeframeMs?: number;
  /** completed bars kept for bars(); default 10,000 */
  historyLimit?: number;
  /**
   * Shift every timestamp so that the first bar opens at the first time on
   * the file's bar grid at or after this (epoch ms), e.g. now, so that a
   * replay looks current. Default: the data's own times.
   */
  startAt?: number;
  /**
   * Play on this clock (the engine's) instead of the file's time: prints are
   * stamped with the clock's time and candles built from them on its grid,
   * and the file's first `historyBars` are the candles before now, so that
   * orders, fills, trades and candles are on one time axis (see
   * wall-timeline.ts). Not with `startAt`.
   */
  timeline?: { clock: Clock; historyBars?: number };
  /** the name a trader knows the data by (the file's name); fromFile sets it */
  name?: string;
  /** told when a listener throws; the feed carries on either way. Default: console.error. */
  onError?: (error: unknown, event: MarketEvent) => void;
}

const DEFAULT_SPEED = 10;
const DEFAULT_HISTORY = 10_000;
/** candles of the file shown before now when a replay plays on a clock (a day of 1-minute bars) */
const DEFAULT_TIMELINE_HISTORY = 1440;
/** the timer never ticks faster than this; higher speeds emit several bars a tick */
const MIN_TICK_MS = 10;

/**
 * Replays a candle series as live market data for one symbol (see
 * docs/replay-feed.md). Each bar becomes four (book, trade) pairs — open,
 * the two extremes, close — then a 'bar' event. Listeners are called
 * synchronously, in order; one that throws is reported and skipped.
 */
export class ReplayFeed implements MarketFeed {
  readonly timeframeMs: number;
  readonly symbol: string;
  readonly instrument: InstrumentSpec;
  readonly speed: number;
  readonly loop: boolean;

  private readonly source: BarSource;
  private readonly clock: Clock;
  private readonly onError: (error: unknown, event: MarketEvent) => void;
  /** how far each pass is shifted from the previous one: the file's span plus one bar, so the grid continues */
  private readonly passShiftMs: number;
  private readonly baseShiftMs: number;

  private listeners: Array<(event: MarketEvent) => void> = [];
  private next = 0;
  private pass = 0;
  private ended = false;
  private emitting = false;
  private latestBook: BookSnapshot | undefined;
  private latestPrice: Decimal | undefined;
  private readonly history: Bar[] = [];
  private historyStart = 0;
  private readonly historyLimit: number;
  /** set when the replay plays on a clock: its candles, built from the prints */
  private readonly wall: { clock: Clock; candles: WallCandles } | undefined;

  private timer: ReturnType<typeof setInterval> | undefined;
  private pacedSince = 0;
  private pacedBars = 0;

  constructor(options: ReplayFeedOptions) {
    this.symbol = options.symbol;
    this.source = barSource(options.bars);
    this.speed = options.speed ?? DEFAULT_SPEED;
    if (!Number.isFinite(this.speed) || this.speed < 0) throw badRequest('speed must be a number of bars per second ≥ 0', { field: 'speed' });
    this.loop = options.loop ?? true;
    this.clock = options.clock ?? systemClock;
    this.onError = options.onError ?? ((error) => console.error(`replay feed ${this.symbol}: a listener threw`, error));
    this.historyLimit = options.historyLimit ?? DEFAULT_HISTORY;
    if (!Number.isInteger(this.historyLimit) || this.historyLimit < 1) {
      throw badRequest('historyLimit must be a whole number ≥ 1', { field: 'historyLimit' });
    }

    const n = this.source.length;
    if (options.timeframeMs !== undefined) {
      if (!Number.isSafeInteger(options.timeframeMs) || options.timeframeMs < 1) {
        throw badRequest('timeframeMs must be a whole number of ms ≥ 1', { field: 'timeframeMs' });
      }
      this.timeframeMs = options.timeframeMs;
    } else {
      this.timeframeMs = detectTimeframeMs(timestamps(this.source));
    }
    const first = this.source.tsAt(0);
    this.passShiftMs = this.source.tsAt(n - 1) - first + this.timeframeMs;
    this.baseShiftMs = options.startAt === undefined ? 0 : shiftToGrid(first, options.startAt, this.timeframeMs);

    const derived = deriveInstrument(
      options.symbol,
      { referencePrice: this.source.medianClose(), priceDecimals: this.source.priceDecimals },
      options.instrument,
    );

    if (options.timeline) {
      if (options.startAt !== undefined) throw badRequest('a replay plays either from startAt or on a clock, not both', { field: 'startAt' });
      const { clock } = options.timeline;
      const seed = Math.min(options.timeline.historyBars ?? DEFAULT_TIMELINE_HISTORY, n - 1, this.historyLimit);
      const now = clock.now();
      for (const bar of historyBefore(now, this.timeframeMs, seed, (i) => this.source.bar(i))) this.remember(bar);
      this.next = seed;
      this.wall = { clock, candles: new WallCandles(this.timeframeMs) };
      this.instrument = {
        ...derived,
        replay: { name: options.name ?? options.symbol, dataFrom: first, dataTo: this.source.tsAt(n - 1) + this.timeframeMs, playingSince: now },
      };
    } else {
      this.wall = undefined;
      this.instrument = derived;
    }
  }

  /** Reads a candle file and replays it. */
  static fromFile(file: string, options: Omit<ReplayFeedOptions, 'bars'>): ReplayFeed {
    return new ReplayFeed({ name: basename(file), ...options, bars: readCandleSeries(file) });
  }

  instruments(): InstrumentSpec[] {
    return [this.instrument];
  }

  book(symbol: string): BookSnapshot | undefined {
    return symbol === this.symbol ? this.latestBook : undefined;
  }

  lastPrice(symbol: string): Decimal | undefined {
    return symbol === this.symbol ? this.latestPrice : undefined;
  }

  bars(symbol: string, limit: number): Bar[] {
    if (symbol !== this.symbol || !(limit >= 1)) return [];
    const size = this.history.length;
    const take = Math.min(Math.floor(limit), size);
    const out: Bar[] = [];
    for (let k = size - take; k < size; k++) out.push(this.history[(this.historyStart + k) % size]!);
    return out;
  }

  subscribe(listener: (event: MarketEvent) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** Where the replay stands: the next bar's index in the file, and how many times it has wrapped. */
  get position(): { pass: number; index: number } {
    return { pass: this.pass, index: this.next };
  }

  /** True once a non-looping replay has emitted its last bar. */
  get finished(): boolean {
    return this.ended;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /**
   * Begins emitting `speed` bars a second (the first at once). Does nothing
   * when already running, when speed is 0, or when the replay has finished.
   */
  async start(): Promise<void> {
    if (this.timer !== undefined || this.speed === 0 || this.ended) return;
    this.pacedSince = this.clock.monotonic();
    this.pacedBars = 0;
    this.timer = setInterval(() => this.tick(), Math.max(MIN_TICK_MS, 1000 / this.speed));
    // the feed alone should not keep a process alive
    this.timer.unref?.();
    this.emitPaced(1);
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Emits the next `n` bars now, synchronously. Returns how many were emitted (fewer only at the end of a non-looping replay). */
  step(n = 1): number {
    if (!Number.isSafeInteger(n) || n < 0) throw badRequest('step count must be a whole number ≥ 0', { field: 'n' });
    if (this.emitting) throw conflict('step() cannot be called from a listener of the same feed');
    let emitted = 0;
    while (emitted < n && this.emitNextBar()) emitted++;
    return emitted;
  }

  private tick(): void {
    const elapsed = this.clock.monotonic() - this.pacedSince;
    let due = Math.floor((elapsed * this.speed) / 1000) + 1 - this.pacedBars;
    // after a stall (a busy event loop, a sleeping laptop), catch up at most one second of bars
    const burst = Math.max(1, Math.ceil(this.speed));
    if (due > burst) {
      this.pacedBars += due - burst;
      due = burst;
    }
    this.emitPaced(due);
  }

  private emitPaced(count: number): void {
    if (this.emitting) return;
    for (let k = 0; k < count && this.timer !== undefined; k++) {
      this.pacedBars++;
      if (!this.emitNextBar()) {
        void this.stop();
        return;
      }
    }
  }

  private emitNextBar(): boolean {
    if (this.ended) return false;
    const i = this.next;
    const raw = this.source.bar(i);
    if (this.wall) this.emitOnClock(raw, this.wall);
    else this.emitOnFileTime(i, raw);
    this.next++;
    if (this.next === this.source.length) {
      if (this.loop) {
        this.next = 0;
        this.pass++;
      } else {
        this.ended = true;
      }
    }
    return true;
  }

  /** the bar's four prints at the clock's time; a candle is emitted when a print opens the next one */
  private emitOnClock(raw: Bar, wall: { clock: Clock; candles: WallCandles }): void {
    const path = barPath(raw);
    this.emitting = true;
    try {
      for (let k = 0; k < PRINTS_PER_BAR; k++) {
        const ts = wall.candles.stamp(wall.clock.now());
        const price = gridPrice(path[k]!, this.instrument);
        const closed = wall.candles.add(ts, price, k === PRINTS_PER_BAR - 1 ? raw.volume : null);
        if (closed) {
          this.remember(closed);
          this.deliver({ type: 'bar', symbol: this.symbol, timeframeMs: this.timeframeMs, bar: closed });
        }
        this.emitPrint(price, printQuantity(raw.volume, price, this.instrument), ts);
      }
    } finally {
      this.emitting = false;
    }
  }

  private emitPrint(price: Decimal, quantity: Decimal, ts: number): void {
    const book = synthesizeBook(this.symbol, price, this.instrument, ts);
    this.latestBook = book;
    this.deliver({ type: 'book', book });
    const side = aggressorSide(price, this.latestPrice);
    this.latestPrice = price;
    this.deliver({ type: 'trade', trade: { symbol: this.symbol, price, quantity, side, ts } });
  }

  private emitOnFileTime(i: number, raw: Bar): void {
    const shift = this.baseShiftMs + this.pass * this.passShiftMs;
    const openTime = raw.ts + shift;
    // intra-bar times are fractions of the bar, cut short before the next bar when the data is irregular
    const length = i + 1 < this.source.length ? Math.min(this.timeframeMs, this.source.tsAt(i + 1) - raw.ts) : this.timeframeMs;
    const path = barPath(raw);

    this.emitting = true;
    try {
      for (let k = 0; k < PRINTS_PER_BAR; k++) {
        const ts = openTime + Math.floor((length * k) / PRINTS_PER_BAR);
        const price = gridPrice(path[k]!, this.instrument);
        this.emitPrint(price, printQuantity(raw.volume, price, this.instrument), ts);
      }
      const bar: Bar = { ts: openTime, open: raw.open, high: raw.high, low: raw.low, close: raw.close, volume: raw.volume };
      this.remember(bar);
      this.deliver({ type: 'bar', symbol: this.symbol, timeframeMs: this.timeframeMs, bar });
    } finally {
      this.emitting = false;
    }
  }

  private deliver(event: MarketEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        try {
          this.onError(error, event);
        } catch {
          // an error handler that throws must not stop the replay either
        }
      }
    }
  }

  private remember(bar: Bar): void {
    if (this.history.length < this.historyLimit) {
      this.history.push(bar);
      return;
    }
    this.history[this.historyStart] = bar;
    this.historyStart = (this.historyStart + 1) % this.historyLimit;
  }
}

function timestamps(source: BarSource): ArrayLike<number> {
  const ts = new Float64Array(source.length);
  for (let i = 0; i < source.length; i++) ts[i] = source.tsAt(i);
  return ts;
}

/** The shift that moves `first` to the first time ≥ `target` with the same offset within a bar. */
function shiftToGrid(first: number, target: number, timeframeMs: number): number {
  if (!Number.isSafeInteger(target) || target < 0) throw badRequest('startAt must be a whole number of epoch ms ≥ 0', { field: 'startAt' });
  const phase = ((first % timeframeMs) + timeframeMs) % timeframeMs;
  let start = target - (((target % timeframeMs) + timeframeMs) % timeframeMs) + phase;
  if (start < target) start += timeframeMs;
  return start - first;
}
