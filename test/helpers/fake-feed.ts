/**
 * An in-memory MarketFeed for tests: the test pushes books, trades and bars,
 * and every subscriber hears them at once, synchronously.
 *
 *   const feed = new FakeFeed([instrumentSpec('BTC/USDT', { takerFee: '0.002' })]);
 *   feed.pushBook('BTC/USDT', [['99', '1']], [['101', '2'], ['102', '5']]);
 *   feed.pushTrade('BTC/USDT', '100.5', '0.1', 'buy');
 */
import { Decimal } from '../../src-main/engine/model/decimal.js';
import type { InstrumentSpec, Side } from '../../src-main/engine/model/types.js';
import type { Clock } from '../../src-main/engine/ports/clock.js';
import type { Bar, BookLevel, BookSnapshot, MarketEvent, MarketFeed, TradePrint } from '../../src-main/engine/ports/market-data.js';

export type DecimalInput = string | Decimal;
/** [price, quantity], best first */
export type LevelInput = readonly [price: DecimalInput, quantity: DecimalInput];

const SPEC_DEFAULTS = {
  priceIncrement: '0.01',
  sizeIncrement: '0.0001',
  minQuantity: '0.0001',
  minNotional: '0',
  makerFee: '0.001',
  takerFee: '0.001',
} as const;

type SpecOverrides = Partial<Record<keyof typeof SPEC_DEFAULTS, DecimalInput>> & { base?: string; quote?: string };

/** An instrument spec for `symbol` ('BASE/QUOTE'), with test-friendly defaults (fees 0.1%, sizes 0.0001, prices 0.01). */
export function instrumentSpec(symbol: string, overrides: SpecOverrides = {}): InstrumentSpec {
  const [base = symbol, quote = ''] = symbol.split('/');
  const value = (k: keyof typeof SPEC_DEFAULTS) => new Decimal(overrides[k] ?? SPEC_DEFAULTS[k]);
  return {
    symbol,
    base: overrides.base ?? base,
    quote: overrides.quote ?? quote,
    priceIncrement: value('priceIncrement'),
    sizeIncrement: value('sizeIncrement'),
    minQuantity: value('minQuantity'),
    minNotional: value('minNotional'),
    makerFee: value('makerFee'),
    takerFee: value('takerFee'),
  };
}

export interface FakeFeedOptions {
  /** stamps pushed events; without it, each push gets the next ts of a counter (1, 2, 3, ...) */
  clock?: Clock;
  timeframeMs?: number;
}

export class FakeFeed implements MarketFeed {
  readonly timeframeMs: number;
  private readonly specs: InstrumentSpec[];
  private readonly books = new Map<string, BookSnapshot>();
  private readonly lastPrices = new Map<string, Decimal>();
  private readonly barsBySymbol = new Map<string, Bar[]>();
  private readonly listeners: Array<(event: MarketEvent) => void> = [];
  private readonly clock: Clock | undefined;
  private tick = 0;
  started = false;

  constructor(instruments: InstrumentSpec[], options: FakeFeedOptions = {}) {
    this.specs = [...instruments];
    this.clock = options.clock;
    this.timeframeMs = options.timeframeMs ?? 60_000;
  }

  // ── what a test does ──

  /** Publishes a new book snapshot (a new object each time) and returns it. */
  pushBook(symbol: string, bids: readonly LevelInput[], asks: readonly LevelInput[], ts = this.nextTs()): BookSnapshot {
    const book: BookSnapshot = { symbol, bids: bids.map(level), asks: asks.map(level), ts };
    this.books.set(symbol, book);
    this.emit({ type: 'book', book });
    return book;
  }

  /** Publishes a trade print (`side` is the aggressor) and makes its price the last price. */
  pushTrade(symbol: string, price: DecimalInput, quantity: DecimalInput, side: Side = 'buy', ts = this.nextTs()): TradePrint {
    const trade: TradePrint = { symbol, price: new Decimal(price), quantity: new Decimal(quantity), side, ts };
    this.lastPrices.set(symbol, trade.price);
    this.emit({ type: 'trade', trade });
    return trade;
  }

  /** Publishes a final bar of the base timeframe. */
  pushBar(symbol: string, bar: { ts: number; open: DecimalInput; high: DecimalInput; low: DecimalInput; close: DecimalInput; volume: DecimalInput }): Bar {
    const final: Bar = {
      ts: bar.ts,
      open: new Decimal(bar.open),
      high: new Decimal(bar.high),
      low: new Decimal(bar.low),
      close: new Decimal(bar.close),
      volume: new Decimal(bar.volume),
    };
    const list = this.barsBySymbol.get(symbol) ?? [];
    list.push(final);
    this.barsBySymbol.set(symbol, list);
    this.emit({ type: 'bar', symbol, timeframeMs: this.timeframeMs, bar: final });
    return final;
  }

  /** Sets the last price without publishing a trade (state before a test starts). */
  setLastPrice(symbol: string, price: DecimalInput): void {
    this.lastPrices.set(symbol, new Decimal(price));
  }

  /** Forgets the book of `symbol`, as if none had been seen. */
  clearBook(symbol: string): void {
    this.books.delete(symbol);
  }

  addInstrument(spec: InstrumentSpec): void {
    this.specs.push(spec);
  }

  get subscriberCount(): number {
    return this.listeners.length;
  }

  // ── MarketFeed ──

  instruments(): InstrumentSpec[] {
    return [...this.specs];
  }

  book(symbol: string): BookSnapshot | undefined {
    return this.books.get(symbol);
  }

  lastPrice(symbol: string): Decimal | undefined {
    return this.lastPrices.get(symbol);
  }

  bars(symbol: string, limit: number): Bar[] {
    const list = this.barsBySymbol.get(symbol) ?? [];
    return limit <= 0 ? [] : list.slice(-limit);
  }

  subscribe(listener: (event: MarketEvent) => void): () => void {
    const entry = (event: MarketEvent) => listener(event);
    this.listeners.push(entry);
    return () => {
      const at = this.listeners.indexOf(entry);
      if (at >= 0) this.listeners.splice(at, 1);
    };
  }

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
  }

  private emit(event: MarketEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private nextTs(): number {
    this.tick += 1;
    return this.clock ? this.clock.now() : this.tick;
  }
}

function level([price, quantity]: LevelInput): BookLevel {
  return [new Decimal(price), new Decimal(quantity)] as const;
}
