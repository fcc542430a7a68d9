/**
 * One exchange's public market data through ccxt, as a MarketFeed.
 *
 * - Instruments come from loadMarkets with the exchange's filters, and are
 *   cached in the store: an exchange that cannot be reached at start still
 *   opens with the cached instruments (and markets load again on demand).
 * - Symbols are watched on demand: the first question about a symbol (book,
 *   last price, bars) starts watching it, up to `maxSymbols`; `watch()` does
 *   it explicitly. A watched symbol gets its order book, trades and 1m candles
 *   from ccxt.pro's websockets where the exchange has them, else by REST
 *   polling. A stream that drops is watched again (ccxt reconnects and
 *   resubscribes); its caches start empty, so the book is snapshotted again.
 * - Staleness: a watched symbol with no update for `staleAfterMs` is stale;
 *   a symbol whose stream failed is reconnecting until its next update.
 *   `status()` says so per symbol and `onStatus` tells when it changes.
 */
import type { Exchange, OHLCV, OrderBook, Trade } from 'ccxt';
import { TernError } from '../../../src-common/contract/errors.js';
import { aggregateBars, timeframeMs } from '../../engine/data/candles.js';
import { type Decimal, ZERO } from '../../engine/model/decimal.js';
import type { InstrumentSpec } from '../../engine/model/types.js';
import type { Clock } from '../../engine/ports/clock.js';
import { type Logger, silentLogger } from '../../engine/ports/logger.js';
import type { Bar, BookLevel, BookSnapshot, MarketEvent, MarketFeed } from '../../engine/ports/market-data.js';
import type { CandleCache } from '../../engine/ports/candle-cache.js';
import { decOf, instrumentOf } from './convert.js';
import { exchangeReady } from './exchange-factory.js';
import { classifyCcxtError, redact } from './errors.js';
import { type HistoryProgress, type HistoryRequest, barOf, downloadHistory, fetchHistory } from './history.js';

export interface CcxtFeedOptions {
  /** a ccxt instance of the exchange (ccxt.pro's class for websockets) */
  exchange: Exchange;
  /** the cache key of this exchange's data: its id, plus testnet or base_url when set */
  source: string;
  clock: Clock;
  log?: Logger;
  cache?: CandleCache;
  /** symbols watched from start */
  symbols?: string[];
  /** at most this many symbols watched at once (default 20) */
  maxSymbols?: number;
  /** a watched symbol with no update for this long is stale (default 30 s) */
  staleAfterMs?: number;
  /** REST polling interval when the exchange has no websockets (default 2 s) */
  pollMs?: number;
  /** book depth kept and published (default 20) */
  depth?: number;
  /** close the ccxt instance on stop (false when a venue shares and owns it) */
  ownsExchange?: boolean;
}

export interface SymbolStatus {
  symbol: string;
  /** any update of book, trades or candles, epoch ms; null before the first */
  lastUpdate: number | null;
  stale: boolean;
  /** a stream (or a poll) of the symbol failed and no update has come since: ccxt is reconnecting */
  reconnecting: boolean;
  /** websockets, or REST polling */
  transport: 'websocket' | 'rest';
}

const BAR_MS = 60_000;
const BARS_KEPT = 5000;

interface Watched {
  symbol: string;
  book?: BookSnapshot;
  last?: Decimal;
  bars: Bar[];
  lastUpdate: number | null;
  /** lastUpdate on the monotonic clock: staleness is a duration, blind to the wall clock being set */
  freshAt: number | null;
  stale: boolean;
  reconnecting: boolean;
  lastTradeTs: number;
}

export class CcxtFeed implements MarketFeed {
  readonly timeframeMs = BAR_MS;
  private readonly ex: Exchange;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly listeners = new Set<(event: MarketEvent) => void>();
  private readonly statusListeners = new Set<(status: SymbolStatus) => void>();
  private readonly watched = new Map<string, Watched>();
  private specs = new Map<string, InstrumentSpec>();
  private marketsLoaded: Promise<InstrumentSpec[]> | null = null;
  private running = false;
  private timers: NodeJS.Timeout[] = [];
  private loops: Array<Promise<void>> = [];
  private readonly maxSymbols: number;
  private readonly staleAfterMs: number;
  private readonly pollMs: number;
  private readonly depth: number;

  constructor(private readonly opts: CcxtFeedOptions) {
    this.ex = opts.exchange;
    this.clock = opts.clock;
    this.log = opts.log ?? silentLogger;
    this.maxSymbols = opts.maxSymbols ?? 20;
    this.staleAfterMs = opts.staleAfterMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 2000;
    this.depth = opts.depth ?? 20;
  }

  get exchange(): Exchange {
    return this.ex;
  }

  get source(): string {
    return this.opts.source;
  }

  /** The exchange's spot instruments; from the cache when the exchange cannot be reached. Loads once. */
  loadMarkets(): Promise<InstrumentSpec[]> {
    this.marketsLoaded ??= this.fetchInstruments().catch((err) => {
      this.marketsLoaded = null;
      throw err;
    });
    return this.marketsLoaded;
  }

  instruments(): InstrumentSpec[] {
    return [...this.specs.values()];
  }

  book(symbol: string): BookSnapshot | undefined {
    return this.touch(symbol)?.book;
  }

  lastPrice(symbol: string): Decimal | undefined {
    return this.touch(symbol)?.last;
  }

  bars(symbol: string, limit: number): Bar[] {
    const w = this.touch(symbol);
    return w ? w.bars.slice(-limit) : [];
  }

  subscribe(listener: (event: MarketEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** per watched symbol: when it last changed and whether it is stale */
  status(): SymbolStatus[] {
    return [...this.watched.values()].map((w) => this.statusOf(w));
  }

  onStatus(listener: (status: SymbolStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const check = setInterval(() => this.checkStaleness(), Math.max(250, Math.floor(this.staleAfterMs / 4)));
    check.unref?.();
    this.timers.push(check);
    for (const symbol of this.opts.symbols ?? []) this.watch(symbol);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.watched.clear();
    const loops = this.loops;
    this.loops = [];
    // Pending watches end when the sockets close; a shared instance is closed by its owner (the venue).
    if (this.opts.ownsExchange) {
      try {
        await this.ex.close();
      } catch {
        // sockets already gone
      }
      await Promise.allSettled(loops);
    }
  }

  /** Starts watching `symbol` (no-op when watched, unknown, or at the limit); true when it is watched. */
  watch(symbol: string): boolean {
    if (this.watched.has(symbol)) return true;
    if (!this.running || !this.specs.has(symbol) || this.watched.size >= this.maxSymbols) return false;
    const w: Watched = { symbol, bars: [], lastUpdate: null, freshAt: null, stale: false, reconnecting: false, lastTradeTs: 0 };
    this.watched.set(symbol, w);
    this.loops.push(this.seed(w));
    const has = this.ex.has as Record<string, unknown>;
    if (has['watchOrderBook'] && has['watchTrades']) {
      this.loops.push(this.loop(w, 'book', async () => this.onBook(w, await this.ex.watchOrderBook(symbol))));
      this.loops.push(this.loop(w, 'trades', async () => this.onTrades(w, await this.ex.watchTrades(symbol))));
      if (has['watchOHLCV']) this.loops.push(this.loop(w, 'candles', async () => this.onCandles(w, await this.ex.watchOHLCV(symbol, '1m'))));
    } else {
      const timer = setInterval(() => void this.poll(w), this.pollMs);
      timer.unref?.();
      this.timers.push(timer);
    }
    return true;
  }

  /** Downloads candle history into the cache (see history.ts); needs a cache. */
  async downloadHistory(req: HistoryRequest): Promise<Bar[]> {
    if (!this.opts.cache) throw new Error('downloadHistory needs a market cache');
    await this.loadMarkets();
    return downloadHistory(this.ex, this.opts.cache, this.opts.source, req, () => this.clock.now());
  }

  /** Downloads candle history into the cache without reading it back (the engine's download jobs). */
  async fetchHistory(req: HistoryRequest): Promise<HistoryProgress> {
    if (!this.opts.cache) throw new TernError('CONFLICT', `${this.opts.source}: history downloads need the market cache`);
    await this.loadMarkets();
    return fetchHistory(this.ex, this.opts.cache, this.opts.source, req, () => this.clock.now());
  }

  /**
   * Downloaded candles with from ≤ ts < to, oldest first: those of `timeframe`,
   * else the 1m ones rolled up (a 1m download serves every timeframe).
   */
  cachedCandles(symbol: string, timeframe: string, from: number, to: number): Bar[] {
    const cache = this.opts.cache;
    if (!cache) return [];
    const exact = cache.candles(this.opts.source, symbol, timeframe, from, to);
    if (exact.length > 0 || timeframe === '1m') return exact;
    const target = timeframeMs(timeframe);
    const start = Math.floor(from / target) * target;
    return aggregateBars(cache.candles(this.opts.source, symbol, '1m', start, to), BAR_MS, target).filter((b) => b.ts >= from);
  }

  // ── internals ─────────────────────────────────────────────────────────────

  private async fetchInstruments(): Promise<InstrumentSpec[]> {
    const cache = this.opts.cache;
    try {
      await exchangeReady(this.ex);
      const markets = await this.ex.loadMarkets();
      const fees = (this.ex.fees as { trading?: { maker?: number; taker?: number } }).trading ?? {};
      const specs = Object.values(markets).flatMap((m) => {
        const spec = m ? instrumentOf(m, this.ex.precisionMode ?? 4, fees) : null;
        return spec ? [spec] : [];
      });
      this.specs = new Map(specs.map((s) => [s.symbol, s]));
      cache?.saveInstruments(this.opts.source, specs, this.clock.now());
      return specs;
    } catch (err) {
      const cached = cache?.loadInstruments(this.opts.source);
      if (!cached) throw new TernError('VENUE_UNAVAILABLE', `the markets of ${this.opts.source} could not be loaded: ${classifyCcxtError(err).reason}`);
      this.log.warn({ source: this.opts.source, err: redact(String(err)), savedAt: cached.savedAt }, 'markets could not be loaded; using the cached instruments');
      this.specs = new Map(cached.specs.map((s) => [s.symbol, s]));
      return cached.specs;
    }
  }

  /** the watched symbol, watching it now if it is not (lazy subscription) */
  private touch(symbol: string): Watched | undefined {
    const w = this.watched.get(symbol);
    if (w) return w;
    this.watch(symbol);
    return this.watched.get(symbol);
  }

  /** the last price and the recent 1m bars over REST, so a new symbol has data before its first trade */
  private async seed(w: Watched): Promise<void> {
    try {
      const ticker = await this.ex.fetchTicker(w.symbol);
      const last = decOf(ticker.last ?? ticker.close);
      if (last && !w.last) w.last = last;
      const has = this.ex.has as Record<string, unknown>;
      // stopped meanwhile (the account closed or removed): ask the exchange nothing more
      if (has['fetchOHLCV'] && this.running && this.watched.get(w.symbol) === w) {
        const rows = await this.ex.fetchOHLCV(w.symbol, '1m', undefined, 500);
        const bars = rows.flatMap(barOf);
        if (w.bars.length === 0) w.bars = bars;
        else w.bars = mergeBars(bars, w.bars);
      }
    } catch (err) {
      if (this.running) this.log.warn({ symbol: w.symbol, err: redact(String(err)) }, 'could not seed market data');
    }
  }

  /** one websocket stream of a symbol: watch, publish, repeat; errors back off and watch again (resubscribe) */
  private async loop(w: Watched, what: string, once: () => Promise<void>): Promise<void> {
    let failures = 0;
    while (this.running && this.watched.get(w.symbol) === w) {
      try {
        await once();
        if (failures > 0) this.log.info({ symbol: w.symbol, stream: what }, 'market stream back');
        failures = 0;
      } catch (err) {
        if (!this.running) return;
        failures += 1;
        this.failed(w);
        if (failures === 1) this.log.warn({ symbol: w.symbol, stream: what, err: redact(String(err)) }, 'market stream failed; watching again');
        await sleep(Math.min(100 * 2 ** Math.min(failures, 7), 10_000));
      }
    }
  }

  private async poll(w: Watched): Promise<void> {
    if (!this.running) return;
    try {
      this.onBook(w, await this.ex.fetchOrderBook(w.symbol, this.depth));
      const has = this.ex.has as Record<string, unknown>;
      if (has['fetchTrades']) this.onTrades(w, await this.ex.fetchTrades(w.symbol, w.lastTradeTs ? w.lastTradeTs + 1 : undefined));
      if (has['fetchOHLCV']) this.onCandles(w, await this.ex.fetchOHLCV(w.symbol, '1m', undefined, 3));
    } catch (err) {
      this.failed(w);
      this.log.warn({ symbol: w.symbol, err: redact(String(err)) }, 'market poll failed');
    }
  }

  private onBook(w: Watched, ob: OrderBook): void {
    const ts = ob.timestamp ?? this.clock.now();
    const book: BookSnapshot = { symbol: w.symbol, bids: levels(ob.bids, this.depth), asks: levels(ob.asks, this.depth), ts };
    w.book = book;
    this.fresh(w);
    this.emit({ type: 'book', book });
  }

  private onTrades(w: Watched, trades: Trade[]): void {
    for (const t of trades) {
      const price = decOf(t.price);
      const quantity = decOf(t.amount);
      if (!price || !quantity) continue;
      const ts = t.timestamp ?? this.clock.now();
      if (ts < w.lastTradeTs) continue; // REST polling returns what was seen
      w.lastTradeTs = ts;
      w.last = price;
      this.emit({ type: 'trade', trade: { symbol: w.symbol, price, quantity, side: t.side === 'sell' ? 'sell' : 'buy', ts } });
    }
    if (trades.length) this.fresh(w);
  }

  /** A candle with a newer open time than the newest kept finalizes the one before it. */
  private onCandles(w: Watched, rows: OHLCV[]): void {
    for (const bar of rows.flatMap(barOf)) {
      const newest = w.bars[w.bars.length - 1];
      if (!newest || bar.ts > newest.ts) {
        w.bars.push(bar);
        if (w.bars.length > BARS_KEPT) w.bars.splice(0, w.bars.length - BARS_KEPT);
        if (newest) this.emit({ type: 'bar', symbol: w.symbol, timeframeMs: BAR_MS, bar: newest });
      } else if (bar.ts === newest.ts) {
        w.bars[w.bars.length - 1] = bar;
      }
    }
    if (rows.length) this.fresh(w);
  }

  private fresh(w: Watched): void {
    w.lastUpdate = this.clock.now();
    w.freshAt = this.clock.monotonic();
    if (w.stale || w.reconnecting) {
      w.stale = false;
      w.reconnecting = false;
      this.tellStatus(w);
    }
  }

  /** a stream or poll of the symbol failed: reconnecting until the next update */
  private failed(w: Watched): void {
    if (w.reconnecting || this.watched.get(w.symbol) !== w) return;
    w.reconnecting = true;
    this.tellStatus(w);
  }

  private checkStaleness(): void {
    const now = this.clock.monotonic();
    for (const w of this.watched.values()) {
      const since = w.freshAt;
      const stale = since !== null && now - since > this.staleAfterMs;
      if (stale && !w.stale) {
        w.stale = true;
        this.log.warn({ source: this.opts.source, symbol: w.symbol, silentMs: now - since! }, 'market data is stale');
        this.tellStatus(w);
      }
    }
  }

  private statusOf(w: Watched): SymbolStatus {
    const has = this.ex.has as Record<string, unknown>;
    return { symbol: w.symbol, lastUpdate: w.lastUpdate, stale: w.stale, reconnecting: w.reconnecting, transport: has['watchOrderBook'] ? 'websocket' : 'rest' };
  }

  private tellStatus(w: Watched): void {
    const status = this.statusOf(w);
    for (const l of [...this.statusListeners]) {
      try {
        l(status);
      } catch (err) {
        this.log.error({ err: String(err) }, 'a feed status listener failed');
      }
    }
  }

  private emit(event: MarketEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch (err) {
        this.log.error({ err: String(err) }, 'a market data listener failed');
      }
    }
  }
}

function levels(side: Array<[number | undefined, number | undefined] | number[]>, depth: number): BookLevel[] {
  const out: BookLevel[] = [];
  for (const level of side) {
    if (out.length >= depth) break;
    const price = decOf(level[0]);
    const qty = decOf(level[1]);
    if (price && qty && qty.gt(ZERO)) out.push([price, qty]);
  }
  return out;
}

function mergeBars(older: Bar[], newer: Bar[]): Bar[] {
  const first = newer[0]?.ts ?? Infinity;
  return [...older.filter((b) => b.ts < first), ...newer];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref?.());
}
