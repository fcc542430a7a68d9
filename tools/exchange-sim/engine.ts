import { randomBytes } from 'node:crypto';
import type { Account, Accounts } from './accounts.js';
import { CandleSeries, MINUTE, type CandleRow } from './candles.js';
import { ceilTo, d, D, f8, floorTo, isMultiple, maxD, minD, roundTo, ZERO } from './decimal.js';
import { errors } from './errors.js';
import type { Market } from './markets.js';
import type { Rng } from './rng.js';
import type { Fill, OrderRef, OrderRequest, OrderStatus, PublicTrade, Side, SimOrder } from './types.js';

type Level = [price: D, qty: D];

export interface Book {
  m: Market;
  mid: D;
  /** Resting user orders: bids by price desc then time, asks by price asc then time. */
  bids: SimOrder[];
  asks: SimOrder[];
  /** Synthetic liquidity taken since the last price move, by `b:price` / `a:price`. */
  consumed: Map<string, D>;
  updateId: number;
  /** The aggregated book last published as depth updates (price key → qty). */
  published: { bids: Map<string, D>; asks: Map<string, D> };
  trades: PublicTrade[];
  tradeId: number;
  last?: PublicTrade;
  candles: CandleSeries;
}

export type MarketEvent =
  | { kind: 'depth'; symbol: string; time: number; U: number; u: number; bids: [string, string][]; asks: [string, string][] }
  | { kind: 'trade'; symbol: string; trade: PublicTrade }
  | { kind: 'bookTicker'; symbol: string; u: number; bid: Level | undefined; ask: Level | undefined };

export interface EngineSink {
  /** An executionReport or outboundAccountPosition for one API key. */
  user(apiKey: string, event: Record<string, unknown>): void;
  market(event: MarketEvent): void;
}

interface Liquidity {
  price: D;
  qty: D;
  maker?: SimOrder;
}

export interface EngineOptions {
  historyMinutes: number;
  candles?: Record<string, CandleRow[]>;
}

const TRADES_KEPT = 1000;
const SIDE_KEY = { bid: 'b', ask: 'a' } as const;

function priceKey(p: D): string {
  return f8(p);
}

function randomClientId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22);
}

/**
 * The simulator's exchange: one price-time priority book per symbol whose user orders sit
 * inside synthetic liquidity laid around a price path, balances per API key, and fees.
 * Every public method is one atomic operation; its user and market events go out at its end.
 */
export class Engine {
  readonly books = new Map<string, Book>();
  private readonly orders = new Map<number, SimOrder>();
  private readonly ordersByKey = new Map<string, SimOrder[]>();
  private readonly fillsByKey = new Map<string, Fill[]>();
  private nextOrderId = 1;
  private seq = 0;
  sink: EngineSink = { user: () => undefined, market: () => undefined };

  private pendingUser: Array<[string, Record<string, unknown>]> = [];
  private touched = new Set<Account>();
  private dirty = new Set<Book>();
  private pendingTrades: Array<[Book, PublicTrade]> = [];

  constructor(
    markets: Market[],
    readonly accounts: Accounts,
    readonly now: () => number,
    private readonly rng: Rng,
    opts: EngineOptions,
  ) {
    const start = Math.floor(now() / MINUTE) * MINUTE;
    for (const m of markets) {
      const candles = new CandleSeries(m);
      const rows = opts.candles?.[m.id];
      let mid = d(m.spec.initialPrice);
      if (rows && rows.length > 0) {
        candles.load(rows);
        mid = candles.last!.c;
      } else if (opts.historyMinutes > 0) {
        candles.backfill(start, mid, opts.historyMinutes, rng);
      }
      candles.ensureUpTo(now(), mid);
      const book: Book = {
        m, mid: roundTo(mid, m.tick), bids: [], asks: [], consumed: new Map(), updateId: 1, published: { bids: new Map(), asks: new Map() },
        trades: [], tradeId: 0, candles,
      };
      const agg = this.aggregate(book);
      book.published = { bids: new Map(agg.bids.map(([p, q]) => [priceKey(p), q])), asks: new Map(agg.asks.map(([p, q]) => [priceKey(p), q])) };
      this.books.set(m.id, book);
    }
  }

  // ---- lookups ----------------------------------------------------------------------------

  book(symbol: string): Book {
    const b = this.books.get(symbol);
    if (!b) throw errors.invalidSymbol();
    return b;
  }

  /** Accepts a Binance id (BTCUSDT) or a unified symbol (BTC/USDT). */
  resolveSymbol(symbol: string): string {
    const id = symbol.replace('/', '').toUpperCase();
    if (!this.books.has(id)) throw errors.invalidSymbol();
    return id;
  }

  allOrders(): SimOrder[] {
    return [...this.orders.values()];
  }

  ordersOf(apiKey: string): SimOrder[] {
    return this.ordersByKey.get(apiKey) ?? [];
  }

  fillsOf(apiKey: string): Fill[] {
    return this.fillsByKey.get(apiKey) ?? [];
  }

  findOrder(apiKey: string, symbol: string, ref: OrderRef): SimOrder | undefined {
    if (ref.orderId !== undefined) {
      const o = this.orders.get(ref.orderId);
      return o && o.apiKey === apiKey && o.symbol === symbol ? o : undefined;
    }
    const list = this.ordersOf(apiKey);
    for (let i = list.length - 1; i >= 0; i--) {
      const o = list[i]!;
      if (o.symbol === symbol && o.clientOrderId === ref.origClientOrderId) return o;
    }
    return undefined;
  }

  orderById(orderId: number): SimOrder | undefined {
    return this.orders.get(orderId);
  }

  // ---- synthetic liquidity and the aggregated book ----------------------------------------

  private synthetic(book: Book, side: 'bid' | 'ask', includeTaken = false): Level[] {
    const m = book.m;
    const out: Level[] = [];
    const half = book.mid.mul(m.spreadBps).div(20_000);
    const bestBid = floorTo(book.mid.minus(half), m.tick);
    for (let i = 0; i < m.levels; i++) {
      const offset = half.plus(book.mid.mul(m.levelStepBps * i).div(10_000));
      let price = side === 'bid' ? floorTo(book.mid.minus(offset), m.tick) : ceilTo(book.mid.plus(offset), m.tick);
      if (side === 'ask') price = maxD(price, bestBid.plus(m.tick.mul(i + 1)));
      if (price.lte(0)) break;
      let qty = floorTo(m.levelQty.mul(1 + i / 2), m.step);
      if (!includeTaken) qty = qty.minus(book.consumed.get(`${SIDE_KEY[side]}:${priceKey(price)}`) ?? ZERO);
      const prev = out[out.length - 1];
      if (prev && prev[0].eq(price)) {
        prev[1] = prev[1].plus(qty);
        continue;
      }
      out.push([price, qty]);
    }
    return out.filter(([, q]) => q.gt(0));
  }

  /** The book as the public sees it: user orders plus synthetic levels, aggregated by price. */
  aggregate(book: Book): { bids: Level[]; asks: Level[] } {
    const side = (s: 'bid' | 'ask'): Level[] => {
      const byPrice = new Map<string, Level>();
      const add = (p: D, q: D): void => {
        const k = priceKey(p);
        const l = byPrice.get(k);
        if (l) l[1] = l[1].plus(q);
        else byPrice.set(k, [p, q]);
      };
      for (const o of s === 'bid' ? book.bids : book.asks) add(o.price, o.origQty.minus(o.executedQty));
      for (const [p, q] of this.synthetic(book, s)) add(p, q);
      const levels = [...byPrice.values()];
      levels.sort((a, b) => (s === 'bid' ? b[0].cmp(a[0]) : a[0].cmp(b[0])));
      return levels;
    };
    return { bids: side('bid'), asks: side('ask') };
  }

  depth(symbol: string, limit: number): { lastUpdateId: number; bids: [string, string][]; asks: [string, string][] } {
    const book = this.book(symbol);
    const agg = this.aggregate(book);
    const fmt = (ls: Level[]): [string, string][] => ls.slice(0, limit).map(([p, q]) => [f8(p), f8(q)]);
    return { lastUpdateId: book.updateId, bids: fmt(agg.bids), asks: fmt(agg.asks) };
  }

  top(symbol: string): { bid: Level | undefined; ask: Level | undefined } {
    const agg = this.aggregate(this.book(symbol));
    return { bid: agg.bids[0], ask: agg.asks[0] };
  }

  /** What a taker on `side` can take, best first; user orders before synthetic at one price. */
  private liquidity(book: Book, side: Side): Liquidity[] {
    const makers = side === 'BUY' ? book.asks : book.bids;
    const out: Liquidity[] = makers.map((o) => ({ price: o.price, qty: o.origQty.minus(o.executedQty), maker: o }));
    for (const [price, qty] of this.synthetic(book, side === 'BUY' ? 'ask' : 'bid')) out.push({ price, qty });
    out.sort((a, b) => {
      const c = side === 'BUY' ? a.price.cmp(b.price) : b.price.cmp(a.price);
      if (c !== 0) return c;
      if (a.maker && b.maker) return a.maker.seq - b.maker.seq;
      return a.maker ? -1 : b.maker ? 1 : 0;
    });
    return out;
  }

  private crosses(side: Side, price: D, limit: D | undefined): boolean {
    if (limit === undefined) return true;
    return side === 'BUY' ? price.lte(limit) : price.gte(limit);
  }

  /** Dry run of a taker: how much it would get and what it would cost. */
  private walk(book: Book, side: Side, qty: D | undefined, budget: D | undefined, limit: D | undefined): { qty: D; cost: D } {
    let got = ZERO;
    let cost = ZERO;
    for (const l of this.liquidity(book, side)) {
      if (!this.crosses(side, l.price, limit)) break;
      let take = l.qty;
      if (qty !== undefined) take = minD(take, qty.minus(got));
      if (budget !== undefined) take = minD(take, floorTo(budget.minus(cost).div(l.price), book.m.step));
      if (take.lte(0)) break;
      got = got.plus(take);
      cost = cost.plus(take.mul(l.price));
    }
    return { qty: got, cost };
  }

  // ---- orders -------------------------------------------------------------------------------

  /** Checks an order against the symbol's filters and the account's balance (Binance's order/test). */
  validate(account: Account, req: OrderRequest): void {
    const book = this.book(req.symbol);
    const m = book.m;
    if (req.type !== 'MARKET') {
      const price = req.price!;
      if (price.lt(m.tick) || !isMultiple(price, m.tick)) throw errors.filter('PRICE_FILTER');
    }
    if (req.quantity !== undefined) {
      if (req.quantity.lt(m.minQty) || req.quantity.gt(m.maxQty) || !isMultiple(req.quantity, m.step)) throw errors.filter('LOT_SIZE');
    }
    const notional = req.type === 'MARKET'
      ? (req.quoteOrderQty ?? req.quantity!.mul(book.mid))
      : req.price!.mul(req.quantity!);
    if (notional.lt(m.minNotional)) throw errors.filter('NOTIONAL');
    if (req.type === 'LIMIT_MAKER') {
      const best = this.liquidity(book, req.side)[0];
      if (best && this.crosses(req.side, best.price, req.price)) throw errors.wouldTake();
    }
    if (req.newClientOrderId !== undefined) {
      const dup = this.ordersOf(account.apiKey).some(
        (o) => o.symbol === req.symbol && o.clientOrderId === req.newClientOrderId && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'),
      );
      if (dup) throw errors.duplicateOrder();
    }
    const need = this.required(account, book, req);
    if (account.balance(need.asset).free.lt(need.amount)) throw errors.insufficientBalance();
  }

  private required(account: Account, book: Book, req: OrderRequest): { asset: string; amount: D } {
    const m = book.m;
    if (req.side === 'SELL') return { asset: m.base, amount: req.quantity ?? this.walk(book, 'SELL', undefined, req.quoteOrderQty, undefined).qty };
    if (req.type !== 'MARKET') return { asset: m.quote, amount: req.price!.mul(req.quantity!) };
    if (req.quoteOrderQty !== undefined) return { asset: m.quote, amount: req.quoteOrderQty };
    return { asset: m.quote, amount: this.walk(book, 'BUY', req.quantity, undefined, undefined).cost };
  }

  placeOrder(account: Account, req: OrderRequest): SimOrder {
    try {
      return this.place(account, req);
    } finally {
      this.flush();
    }
  }

  private place(account: Account, req: OrderRequest): SimOrder {
    this.validate(account, req);
    const book = this.book(req.symbol);
    const m = book.m;
    const time = this.now();
    let origQty = req.quantity ?? ZERO;
    if (req.type === 'MARKET' && req.quoteOrderQty !== undefined) {
      origQty = this.walk(book, req.side, undefined, req.quoteOrderQty, undefined).qty;
      if (origQty.lt(m.minQty)) throw errors.filter('LOT_SIZE');
    }
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      symbol: req.symbol,
      apiKey: account.apiKey,
      clientOrderId: req.newClientOrderId ?? randomClientId(),
      side: req.side,
      type: req.type,
      timeInForce: req.type === 'LIMIT' ? (req.timeInForce ?? 'GTC') : 'GTC',
      price: req.type === 'MARKET' ? ZERO : req.price!,
      origQty,
      origQuoteOrderQty: req.quoteOrderQty ?? ZERO,
      executedQty: ZERO,
      cumQuote: ZERO,
      status: 'NEW',
      time,
      updateTime: time,
      locked: ZERO,
      seq: ++this.seq,
      fills: [],
    };
    this.orders.set(order.orderId, order);
    this.listFor(this.ordersByKey, account.apiKey).push(order);
    if (order.type !== 'MARKET') {
      const lock = order.side === 'BUY' ? order.price.mul(order.origQty) : order.origQty;
      account.lock(order.side === 'BUY' ? m.quote : m.base, lock);
      order.locked = lock;
    }
    this.touched.add(account);
    this.report(order, 'NEW', time);

    const limit = order.type === 'MARKET' ? undefined : order.price;
    if (order.timeInForce === 'FOK') {
      const can = this.walk(book, order.side, order.origQty, undefined, limit).qty;
      if (can.lt(order.origQty)) {
        this.finish(account, order, 'EXPIRED', time);
        return order;
      }
    }
    if (order.type !== 'LIMIT_MAKER') {
      for (const l of this.liquidity(book, order.side)) {
        const remaining = order.origQty.minus(order.executedQty);
        if (remaining.lte(0) || !this.crosses(order.side, l.price, limit)) break;
        this.execute(book, account, order, l.maker, l.price, minD(remaining, l.qty), time);
      }
    }
    if (order.status === 'FILLED') return order;
    if (order.type === 'MARKET' || order.timeInForce !== 'GTC') {
      this.finish(account, order, 'EXPIRED', time);
      return order;
    }
    const list = order.side === 'BUY' ? book.bids : book.asks;
    list.push(order);
    list.sort((a, b) => (order.side === 'BUY' ? b.price.cmp(a.price) : a.price.cmp(b.price)) || a.seq - b.seq);
    this.dirty.add(book);
    return order;
  }

  cancelOrder(account: Account, symbol: string, ref: OrderRef, newClientOrderId?: string): SimOrder {
    try {
      return this.cancel(account, symbol, ref, newClientOrderId);
    } finally {
      this.flush();
    }
  }

  private cancel(account: Account, symbol: string, ref: OrderRef, newClientOrderId?: string): SimOrder {
    this.book(symbol);
    const order = this.findOrder(account.apiKey, symbol, ref);
    if (!order || (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED')) throw errors.unknownOrder();
    order.cancelClientOrderId = newClientOrderId ?? randomClientId();
    this.finish(account, order, 'CANCELED', this.now());
    return order;
  }

  cancelAll(account: Account, symbol: string): SimOrder[] {
    try {
      this.book(symbol);
      const open = this.ordersOf(account.apiKey).filter((o) => o.symbol === symbol && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED'));
      if (open.length === 0) throw errors.unknownOrder();
      return open.map((o) => this.cancel(account, symbol, { orderId: o.orderId }));
    } finally {
      this.flush();
    }
  }

  /** Binance's order/cancelReplace: cancel one order, then place another, as one request. */
  cancelReplace(
    account: Account,
    cancel: { symbol: string; ref: OrderRef; newClientOrderId?: string },
    req: OrderRequest,
    allowFailure: boolean,
  ): { canceled?: SimOrder; cancelError?: unknown; placed?: SimOrder; placeError?: unknown } {
    try {
      let canceled: SimOrder | undefined;
      try {
        canceled = this.cancel(account, cancel.symbol, cancel.ref, cancel.newClientOrderId);
      } catch (e) {
        if (!allowFailure) return { cancelError: e };
        try {
          return { cancelError: e, placed: this.place(account, req) };
        } catch (e2) {
          return { cancelError: e, placeError: e2 };
        }
      }
      try {
        return { canceled, placed: this.place(account, req) };
      } catch (e) {
        return { canceled, placeError: e };
      }
    } finally {
      this.flush();
    }
  }

  /** Ends an order's life: releases what it still locks and takes it off the book. */
  private finish(account: Account, order: SimOrder, status: 'CANCELED' | 'EXPIRED', time: number): void {
    const book = this.book(order.symbol);
    if (order.locked.gt(0)) {
      account.unlock(order.side === 'BUY' ? book.m.quote : book.m.base, order.locked);
      order.locked = ZERO;
    }
    this.unrest(book, order);
    order.status = status;
    order.updateTime = time;
    this.touched.add(account);
    this.report(order, status, time);
  }

  private unrest(book: Book, order: SimOrder): void {
    const list = order.side === 'BUY' ? book.bids : book.asks;
    const i = list.indexOf(order);
    if (i >= 0) {
      list.splice(i, 1);
      this.dirty.add(book);
    }
  }

  private listFor<T>(map: Map<string, T[]>, key: string): T[] {
    let l = map.get(key);
    if (!l) {
      l = [];
      map.set(key, l);
    }
    return l;
  }

  /** One trade between a taker order and a maker (a user order, or synthetic liquidity when `maker` is undefined). */
  private execute(book: Book, takerAccount: Account, taker: SimOrder, maker: SimOrder | undefined, price: D, qty: D, time: number): void {
    const tradeId = ++book.tradeId;
    this.settle(book, takerAccount, taker, price, qty, false, tradeId, time);
    if (maker) {
      const makerAccount = this.accounts.get(maker.apiKey)!;
      this.settle(book, makerAccount, maker, price, qty, true, tradeId, time);
    } else {
      const key = `${taker.side === 'BUY' ? 'a' : 'b'}:${priceKey(price)}`;
      book.consumed.set(key, (book.consumed.get(key) ?? ZERO).plus(qty));
    }
    this.publicTrade(book, { id: tradeId, price, qty, quoteQty: price.mul(qty), time, isBuyerMaker: taker.side === 'SELL' });
    this.dirty.add(book);
  }

  private publicTrade(book: Book, trade: PublicTrade): void {
    book.trades.push(trade);
    if (book.trades.length > TRADES_KEPT) book.trades.splice(0, book.trades.length - TRADES_KEPT);
    book.last = trade;
    book.candles.record(trade.price, trade.qty, trade.time);
    this.pendingTrades.push([book, trade]);
  }

  /** Moves the money of one execution for one side, charges the fee, and reports it. */
  private settle(book: Book, account: Account, order: SimOrder, price: D, qty: D, isMaker: boolean, tradeId: number, time: number): void {
    const m = book.m;
    const rate = isMaker ? account.makerRate : account.takerRate;
    const quoteQty = price.mul(qty);
    let commission: D;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      if (order.type !== 'MARKET') {
        const release = minD(order.locked, qty.mul(order.price));
        account.unlock(m.quote, release);
        order.locked = order.locked.minus(release);
      }
      account.debit(m.quote, quoteQty);
      commission = floorTo(qty.mul(rate), d('0.00000001'));
      commissionAsset = m.base;
      account.credit(m.base, qty.minus(commission));
    } else {
      if (order.type !== 'MARKET') {
        const release = minD(order.locked, qty);
        account.unlock(m.base, release);
        order.locked = order.locked.minus(release);
      }
      account.debit(m.base, qty);
      commission = floorTo(quoteQty.mul(rate), d('0.00000001'));
      commissionAsset = m.quote;
      account.credit(m.quote, quoteQty.minus(commission));
    }
    order.executedQty = order.executedQty.plus(qty);
    order.cumQuote = order.cumQuote.plus(quoteQty);
    order.updateTime = time;
    const done = order.executedQty.gte(order.origQty);
    order.status = done ? 'FILLED' : 'PARTIALLY_FILLED';
    if (done) {
      if (order.locked.gt(0)) {
        account.unlock(order.side === 'BUY' ? m.quote : m.base, order.locked);
        order.locked = ZERO;
      }
      this.unrest(book, order);
    }
    const fill: Fill = { symbol: order.symbol, tradeId, orderId: order.orderId, price, qty, quoteQty, commission, commissionAsset, time, isBuyer: order.side === 'BUY', isMaker };
    order.fills.push(fill);
    this.listFor(this.fillsByKey, account.apiKey).push(fill);
    account.updateTime = time;
    this.touched.add(account);
    this.report(order, 'TRADE', time, fill);
  }

  // ---- the price path -----------------------------------------------------------------------

  /** Moves a symbol's mid price; resting orders the new price crosses fill at their limit. */
  setPrice(symbol: string, price: D): void {
    try {
      const book = this.book(symbol);
      const next = maxD(book.m.tick, roundTo(price, book.m.tick));
      const up = next.gte(book.mid);
      book.mid = next;
      book.consumed.clear();
      this.dirty.add(book);
      const time = this.now();
      this.settleCrossed(book, time);
      // The move itself prints a trade, so last price, candles and trade streams follow the path.
      const agg = this.aggregate(book);
      const at = up ? agg.asks[0]?.[0] : agg.bids[0]?.[0];
      const qty = maxD(book.m.step, floorTo(book.m.levelQty.div(10), book.m.step));
      this.publicTrade(book, { id: ++book.tradeId, price: at ?? next, qty, quoteQty: qty.mul(at ?? next), time, isBuyerMaker: !up });
    } finally {
      this.flush();
    }
  }

  /** One random step of the price path (the symbol's volatility). */
  step(symbol: string): void {
    const book = this.book(symbol);
    const z = this.rng.normal() * book.m.volatilityBps / 10_000;
    this.setPrice(symbol, book.mid.mul(Math.exp(z).toFixed(12)));
  }

  private settleCrossed(book: Book, time: number): void {
    const bestAsk = this.synthetic(book, 'ask', true)[0]?.[0];
    const bestBid = this.synthetic(book, 'bid', true)[0]?.[0];
    for (const o of [...book.bids]) {
      if (!bestAsk || o.price.lt(bestAsk)) break;
      this.fillAsMaker(book, o, o.origQty.minus(o.executedQty), o.price, time);
    }
    for (const o of [...book.asks]) {
      if (!bestBid || o.price.gt(bestBid)) break;
      this.fillAsMaker(book, o, o.origQty.minus(o.executedQty), o.price, time);
    }
  }

  private fillAsMaker(book: Book, order: SimOrder, qty: D, price: D, time: number): void {
    const account = this.accounts.get(order.apiKey)!;
    const tradeId = ++book.tradeId;
    this.settle(book, account, order, price, qty, true, tradeId, time);
    this.publicTrade(book, { id: tradeId, price, qty, quoteQty: price.mul(qty), time, isBuyerMaker: order.side === 'BUY' });
    this.dirty.add(book);
  }

  /** Fills a resting order (all of what remains, or `qty`) as maker at its limit price (or `price`). */
  fillOrder(order: SimOrder, qty?: D, price?: D): SimOrder {
    try {
      if (order.status !== 'NEW' && order.status !== 'PARTIALLY_FILLED') throw new Error(`order ${order.orderId} is ${order.status}, not open`);
      const remaining = order.origQty.minus(order.executedQty);
      const q = qty === undefined ? remaining : minD(qty, remaining);
      if (q.lte(0)) throw new Error('fill quantity must be positive');
      this.fillAsMaker(this.book(order.symbol), order, q, price ?? order.price, this.now());
      return order;
    } finally {
      this.flush();
    }
  }

  /** Sets an account's free balance of an asset (control API). */
  setBalance(account: Account, asset: string, free: D): void {
    try {
      account.setFree(asset, free);
      account.updateTime = this.now();
      this.touched.add(account);
    } finally {
      this.flush();
    }
  }

  // ---- events -------------------------------------------------------------------------------

  private report(order: SimOrder, execType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED', time: number, fill?: Fill): void {
    this.pendingUser.push([order.apiKey, executionReport(order, execType, time, fill)]);
  }

  /** Sends the queued events of one operation: user reports, balances, then market data. */
  private flush(): void {
    const user = this.pendingUser;
    const touched = this.touched;
    const trades = this.pendingTrades;
    const dirty = this.dirty;
    this.pendingUser = [];
    this.touched = new Set();
    this.pendingTrades = [];
    this.dirty = new Set();
    for (const [apiKey, ev] of user) this.sink.user(apiKey, ev);
    const time = this.now();
    for (const account of touched) {
      if (account.dirty.size === 0) continue;
      const B = [...account.dirty].map((a) => {
        const b = account.balance(a);
        return { a, f: f8(b.free), l: f8(b.locked) };
      });
      account.dirty.clear();
      this.sink.user(account.apiKey, { e: 'outboundAccountPosition', E: time, u: account.updateTime || time, B });
    }
    for (const [book, trade] of trades) this.sink.market({ kind: 'trade', symbol: book.m.id, trade });
    for (const book of dirty) this.publishBook(book, time);
  }

  private publishBook(book: Book, time: number): void {
    const agg = this.aggregate(book);
    const diff = (now: Level[], before: Map<string, D>): { changes: [string, string][]; next: Map<string, D> } => {
      const next = new Map(now.map(([p, q]) => [priceKey(p), q]));
      const changes: [string, string][] = [];
      for (const [k, q] of next) {
        const old = before.get(k);
        if (!old || !old.eq(q)) changes.push([k, f8(q)]);
      }
      for (const k of before.keys()) if (!next.has(k)) changes.push([k, f8(ZERO)]);
      return { changes, next };
    };
    const b = diff(agg.bids, book.published.bids);
    const a = diff(agg.asks, book.published.asks);
    if (b.changes.length === 0 && a.changes.length === 0) return;
    book.published = { bids: b.next, asks: a.next };
    book.updateId += 1;
    const u = book.updateId;
    this.sink.market({ kind: 'depth', symbol: book.m.id, time, U: u, u, bids: b.changes, asks: a.changes });
    this.sink.market({ kind: 'bookTicker', symbol: book.m.id, u, bid: agg.bids[0], ask: agg.asks[0] });
  }

  // ---- public market data -------------------------------------------------------------------

  ticker24h(symbol: string): Record<string, unknown> {
    const book = this.book(symbol);
    const now = this.now();
    book.candles.ensureUpTo(now, book.mid);
    const from = now - 86_400_000;
    const w = book.candles.window(from, now);
    const last = book.last?.price ?? book.mid;
    const open = w?.o ?? last;
    const change = last.minus(open);
    const pct = open.gt(0) ? change.div(open).mul(100) : ZERO;
    const top = this.top(symbol);
    const inWindow = book.trades.filter((t) => t.time >= from);
    return {
      symbol,
      priceChange: f8(change),
      priceChangePercent: pct.toFixed(3),
      weightedAvgPrice: f8(w && w.v.gt(0) ? w.q.div(w.v) : last),
      prevClosePrice: f8(open),
      lastPrice: f8(last),
      lastQty: f8(book.last?.qty ?? ZERO),
      bidPrice: f8(top.bid?.[0] ?? ZERO),
      bidQty: f8(top.bid?.[1] ?? ZERO),
      askPrice: f8(top.ask?.[0] ?? ZERO),
      askQty: f8(top.ask?.[1] ?? ZERO),
      openPrice: f8(open),
      highPrice: f8(w ? maxD(w.h, last) : last),
      lowPrice: f8(w ? minD(w.l, last) : last),
      volume: f8(w?.v ?? ZERO),
      quoteVolume: f8(w?.q ?? ZERO),
      openTime: from,
      closeTime: now,
      firstId: inWindow[0]?.id ?? -1,
      lastId: inWindow[inWindow.length - 1]?.id ?? -1,
      count: w?.n ?? 0,
    };
  }
}

/** Binance's user-data `executionReport` for one order event. */
export function executionReport(order: SimOrder, execType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED', time: number, fill?: Fill): Record<string, unknown> {
  const canceled = execType === 'CANCELED';
  const working = order.status === 'NEW' || order.status === 'PARTIALLY_FILLED';
  return {
    e: 'executionReport',
    E: time,
    s: order.symbol,
    c: canceled ? order.cancelClientOrderId : order.clientOrderId,
    S: order.side,
    o: order.type,
    f: order.timeInForce,
    q: f8(order.origQty),
    p: f8(order.price),
    P: f8(ZERO),
    F: f8(ZERO),
    g: -1,
    C: canceled ? order.clientOrderId : '',
    x: execType,
    X: order.status as OrderStatus,
    r: 'NONE',
    i: order.orderId,
    l: f8(fill?.qty ?? ZERO),
    z: f8(order.executedQty),
    L: f8(fill?.price ?? ZERO),
    n: f8(fill?.commission ?? ZERO),
    N: fill?.commissionAsset ?? null,
    T: fill?.time ?? time,
    t: fill?.tradeId ?? -1,
    v: 0,
    I: order.seq * 2 + (fill ? 1 : 0),
    w: working && order.type !== 'MARKET',
    m: fill?.isMaker ?? false,
    M: false,
    O: order.time,
    Z: f8(order.cumQuote),
    Y: f8(fill?.quoteQty ?? ZERO),
    Q: f8(order.origQuoteOrderQty),
    W: order.time,
    V: 'NONE',
  };
}
