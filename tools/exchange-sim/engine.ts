import { randomBytes } from 'node:crypto';
import type { Account, Accounts } from './accounts.js';
import { CandleSeries, MINUTE, type CandleRow } from './candles.js';
import { ceilTo, d, D, f8, floorTo, isMultiple, maxD, minD, roundTo, ZERO } from './decimal.js';
import { errors } from './errors.js';
import { orderView } from './format.js';
import { executionReport as binanceExecutionReport } from '../../src-main/api/binance/stream-format.js';
import type { Market } from './markets.js';
import type { Rng } from './rng.js';
import {
  MARKET_TYPES, TRIGGER_TYPES, type Fill, type OcoLegRequest, type OcoRequest, type OrderRef, type OrderRequest, type OrderType,
  type PublicTrade, type Side, type SimOrder, type SimOrderList,
} from './types.js';

type Level = [price: D, qty: D];

export interface Book {
  m: Market;
  mid: D;
  /** Resting user orders: bids by price desc then time, asks by price asc then time. */
  bids: SimOrder[];
  asks: SimOrder[];
  /** Trigger orders waiting for their price, in time order (not in the public book). */
  stops: SimOrder[];
  /** Prices traded since the trigger orders were last checked against them. */
  unchecked: D[];
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

const isTrigger = (t: OrderType): boolean => TRIGGER_TYPES.includes(t);
const isMarketLike = (t: OrderType): boolean => MARKET_TYPES.includes(t);
const isOpen = (o: SimOrder): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

/** Binance's trigger rule on the last trade price: stop-losses fire against the position, take-profits with it. */
export function triggers(side: Side, type: OrderType, stopPrice: D, last: D): boolean {
  const stopLoss = type === 'STOP_LOSS' || type === 'STOP_LOSS_LIMIT';
  const rising = (side === 'BUY') === stopLoss; // a buy stop and a sell take-profit fire on the way up
  return rising ? last.gte(stopPrice) : last.lte(stopPrice);
}

/** Where an OCO leg sits relative to the last price: its limit (LIMIT_MAKER) or its trigger. */
function legLevel(leg: OcoLegRequest): D | undefined {
  return leg.type === 'LIMIT_MAKER' ? leg.price : leg.stopPrice;
}

const OCO_LEGS: Record<Side, { above: OrderType[]; below: OrderType[] }> = {
  SELL: { above: ['LIMIT_MAKER', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'], below: ['STOP_LOSS', 'STOP_LOSS_LIMIT'] },
  BUY: { above: ['STOP_LOSS', 'STOP_LOSS_LIMIT'], below: ['LIMIT_MAKER', 'TAKE_PROFIT', 'TAKE_PROFIT_LIMIT'] },
};

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
  private readonly lists = new Map<number, SimOrderList>();
  private readonly listsByKey = new Map<string, SimOrderList[]>();
  private nextOrderListId = 1;
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
        trades: [], tradeId: 0, candles, stops: [], unchecked: [],
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

  listsOf(apiKey: string): SimOrderList[] {
    return this.listsByKey.get(apiKey) ?? [];
  }

  listOf(order: SimOrder): SimOrderList | undefined {
    return order.orderListId >= 0 ? this.lists.get(order.orderListId) : undefined;
  }

  /** An order list by id, or the newest with this list client id. */
  findList(apiKey: string, ref: { orderListId?: number; listClientOrderId?: string }, symbol?: string): SimOrderList | undefined {
    const ok = (l: SimOrderList | undefined) => l && l.apiKey === apiKey && (symbol === undefined || l.symbol === symbol) ? l : undefined;
    if (ref.orderListId !== undefined) return ok(this.lists.get(ref.orderListId));
    const all = this.listsOf(apiKey);
    for (let i = all.length - 1; i >= 0; i--) if (all[i]!.listClientOrderId === ref.listClientOrderId && ok(all[i])) return all[i];
    return undefined;
  }

  /** The last trade price (the mid before any trade): what trigger orders are checked against. */
  lastPrice(book: Book): D {
    return book.last?.price ?? book.mid;
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
    this.checkTerms(account, req);
    const need = this.required(this.book(req.symbol), req);
    if (account.balance(need.asset).free.lt(need.amount)) throw errors.insufficientBalance();
  }

  /** An order's filters, trigger and client id, without the balance (an order list checks that once). */
  private checkTerms(account: Account, req: OrderRequest): void {
    const book = this.book(req.symbol);
    const m = book.m;
    const tickOk = (p: D) => p.gte(m.tick) && isMultiple(p, m.tick);
    if (!isMarketLike(req.type) && !tickOk(req.price!)) throw errors.filter('PRICE_FILTER');
    if (isTrigger(req.type) && !tickOk(req.stopPrice!)) throw errors.filter('PRICE_FILTER');
    if (req.quantity !== undefined) {
      if (req.quantity.lt(m.minQty) || req.quantity.gt(m.maxQty) || !isMultiple(req.quantity, m.step)) throw errors.filter('LOT_SIZE');
    }
    const notional = req.type === 'MARKET'
      ? (req.quoteOrderQty ?? req.quantity!.mul(book.mid))
      : isMarketLike(req.type) ? req.stopPrice!.mul(req.quantity!) : req.price!.mul(req.quantity!);
    if (notional.lt(m.minNotional)) throw errors.filter('NOTIONAL');
    if (req.type === 'LIMIT_MAKER') {
      const best = this.liquidity(book, req.side)[0];
      if (best && this.crosses(req.side, best.price, req.price)) throw errors.wouldTake();
    }
    if (isTrigger(req.type) && triggers(req.side, req.type, req.stopPrice!, this.lastPrice(book))) throw errors.wouldTrigger();
    if (req.newClientOrderId !== undefined) {
      const dup = this.ordersOf(account.apiKey).some((o) => o.symbol === req.symbol && o.clientOrderId === req.newClientOrderId && isOpen(o));
      if (dup) throw errors.duplicateOrder();
    }
  }

  private required(book: Book, req: OrderRequest): { asset: string; amount: D } {
    const m = book.m;
    if (req.side === 'SELL') return { asset: m.base, amount: req.quantity ?? this.walk(book, 'SELL', undefined, req.quoteOrderQty, undefined).qty };
    if (!isMarketLike(req.type)) return { asset: m.quote, amount: req.price!.mul(req.quantity!) };
    if (req.quoteOrderQty !== undefined) return { asset: m.quote, amount: req.quoteOrderQty };
    // a buy stop-market locks nothing; it needs the funds at its trigger price
    if (isTrigger(req.type)) return { asset: m.quote, amount: req.stopPrice!.mul(req.quantity!) };
    return { asset: m.quote, amount: this.walk(book, 'BUY', req.quantity, undefined, undefined).cost };
  }

  /** What a working order locks: the base it sells, or the quote its limit may pay (market buys lock nothing). */
  private lockOf(book: Book, side: Side, type: OrderType, qty: D, price: D | undefined): { asset: string; amount: D } {
    if (side === 'SELL') return { asset: book.m.base, amount: qty };
    return { asset: book.m.quote, amount: isMarketLike(type) ? ZERO : price!.mul(qty) };
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
    const order = this.newOrder(account, req, origQty, time, -1);
    const lock = this.lockOf(book, order.side, order.type, order.origQty, order.price);
    if (lock.amount.gt(0)) {
      account.lock(lock.asset, lock.amount);
      order.locked = lock.amount;
    }
    this.touched.add(account);
    this.report(order, 'NEW', time);
    if (isTrigger(order.type)) {
      book.stops.push(order);
      return order;
    }
    this.work(book, account, order, time);
    return order;
  }

  private newOrder(account: Account, req: OrderRequest, origQty: D, time: number, orderListId: number): SimOrder {
    const trigger = isTrigger(req.type);
    const order: SimOrder = {
      orderId: this.nextOrderId++,
      symbol: req.symbol,
      apiKey: account.apiKey,
      clientOrderId: req.newClientOrderId ?? randomClientId(),
      side: req.side,
      type: req.type,
      timeInForce: req.type === 'LIMIT' || req.type === 'STOP_LOSS_LIMIT' || req.type === 'TAKE_PROFIT_LIMIT' ? (req.timeInForce ?? 'GTC') : 'GTC',
      price: isMarketLike(req.type) ? ZERO : req.price!,
      stopPrice: trigger ? req.stopPrice! : ZERO,
      working: !trigger,
      workingTime: trigger ? -1 : time,
      orderListId,
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
    return order;
  }

  /** A working order meets the book: it takes what crosses, then rests (GTC limits) or expires. */
  private work(book: Book, account: Account, order: SimOrder, time: number): void {
    const limit = isMarketLike(order.type) ? undefined : order.price;
    if (order.timeInForce === 'FOK') {
      const can = this.walk(book, order.side, order.origQty, undefined, limit).qty;
      if (can.lt(order.origQty)) {
        this.finish(account, order, 'EXPIRED', time);
        return;
      }
    }
    if (order.type !== 'LIMIT_MAKER') {
      for (const l of this.liquidity(book, order.side)) {
        const remaining = order.origQty.minus(order.executedQty);
        if (remaining.lte(0) || !this.crosses(order.side, l.price, limit)) break;
        this.execute(book, account, order, l.maker, l.price, minD(remaining, l.qty), time);
      }
    }
    if (order.status === 'FILLED') return;
    if (isMarketLike(order.type) || order.timeInForce !== 'GTC') {
      this.finish(account, order, 'EXPIRED', time);
      return;
    }
    this.rest(book, order);
  }

  private rest(book: Book, order: SimOrder): void {
    const list = order.side === 'BUY' ? book.bids : book.asks;
    list.push(order);
    list.sort((a, b) => (order.side === 'BUY' ? b.price.cmp(a.price) : a.price.cmp(b.price)) || a.seq - b.seq);
    this.dirty.add(book);
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
    if (!order || !isOpen(order)) throw errors.unknownOrder();
    order.cancelClientOrderId = newClientOrderId ?? randomClientId();
    const list = this.listOf(order);
    // Binance: canceling one order of a list cancels the whole list.
    if (list && list.listOrderStatus === 'EXECUTING') this.endList(account, list, 'CANCELED', this.now());
    else this.finish(account, order, 'CANCELED', this.now());
    return order;
  }

  cancelAll(account: Account, symbol: string): SimOrder[] {
    try {
      this.book(symbol);
      const open = this.ordersOf(account.apiKey).filter((o) => o.symbol === symbol && isOpen(o));
      if (open.length === 0) throw errors.unknownOrder();
      // the other leg of a list ends with the first
      for (const o of open) if (isOpen(o)) this.cancel(account, symbol, { orderId: o.orderId });
      return open;
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
    const j = book.stops.indexOf(order);
    if (j >= 0) book.stops.splice(j, 1);
  }

  // ---- order lists (OCO) ----------------------------------------------------------------------

  /** Binance's OCO: both legs checked before either is placed; one lock for the pair. */
  placeOrderList(account: Account, req: OcoRequest): SimOrderList {
    try {
      const book = this.book(req.symbol);
      const allowed = OCO_LEGS[req.side];
      if (!allowed.above.includes(req.above.type) || !allowed.below.includes(req.below.type)) throw errors.unsupportedCombination();
      const legReq = (leg: OcoLegRequest): OrderRequest => ({
        symbol: req.symbol, side: req.side, type: leg.type, quantity: req.quantity, price: leg.price, stopPrice: leg.stopPrice,
        timeInForce: leg.timeInForce, newClientOrderId: leg.clientOrderId,
      });
      const below = legReq(req.below);
      const above = legReq(req.above);
      for (const leg of [req.below, req.above]) {
        if (leg.type !== 'LIMIT_MAKER' && leg.stopPrice === undefined) throw errors.mandatory(leg === req.above ? 'aboveStopPrice' : 'belowStopPrice');
        if (!isMarketLike(leg.type) && leg.price === undefined) throw errors.mandatory(leg === req.above ? 'abovePrice' : 'belowPrice');
      }
      const last = this.lastPrice(book);
      if (!(legLevel(req.above)!.gt(last) && legLevel(req.below)!.lt(last))) throw errors.listPrices();
      this.checkTerms(account, below);
      this.checkTerms(account, above);
      if (below.newClientOrderId !== undefined && below.newClientOrderId === above.newClientOrderId) throw errors.duplicateOrder();
      const locks = [below, above].map((r) => this.lockOf(book, r.side, r.type, req.quantity, r.price));
      const lock = locks[0]!.amount.gte(locks[1]!.amount) ? locks[0]! : locks[1]!;
      const need = req.side === 'BUY' ? { asset: book.m.quote, amount: [below, above].map((r) => this.required(book, r).amount).reduce(maxD, lock.amount) } : lock;
      if (account.balance(need.asset).free.lt(need.amount)) throw errors.insufficientBalance();

      const time = this.now();
      const list: SimOrderList = {
        orderListId: this.nextOrderListId++, listClientOrderId: req.listClientOrderId ?? randomClientId(), symbol: req.symbol, apiKey: account.apiKey,
        contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING', transactionTime: time, orders: [], locked: lock.amount,
      };
      if (lock.amount.gt(0)) account.lock(lock.asset, lock.amount);
      this.lists.set(list.orderListId, list);
      this.listFor(this.listsByKey, account.apiKey).push(list);
      for (const r of [below, above]) {
        const o = this.newOrder(account, r, req.quantity, time, list.orderListId);
        list.orders.push(o);
        this.report(o, 'NEW', time);
        if (isTrigger(o.type)) book.stops.push(o);
        else this.rest(book, o);
      }
      this.touched.add(account);
      this.reportList(list, time);
      return list;
    } finally {
      this.flush();
    }
  }

  cancelOrderList(account: Account, symbol: string, ref: { orderListId?: number; listClientOrderId?: string }, newClientOrderId?: string): SimOrderList {
    try {
      this.book(symbol);
      const list = this.findList(account.apiKey, ref, symbol);
      if (!list || list.listOrderStatus !== 'EXECUTING') throw errors.unknownOrderList();
      list.cancelClientOrderId = newClientOrderId ?? randomClientId();
      for (const o of list.orders) o.cancelClientOrderId = randomClientId();
      this.endList(account, list, 'CANCELED', this.now());
      return list;
    } finally {
      this.flush();
    }
  }

  /** Ends a list before any leg executed: its open legs end with `status`, its lock is released. */
  private endList(account: Account, list: SimOrderList, status: 'CANCELED' | 'EXPIRED', time: number): void {
    this.closeList(account, list, time);
    for (const o of list.orders) {
      if (!isOpen(o)) continue;
      if (status === 'CANCELED') o.cancelClientOrderId ??= randomClientId();
      this.finish(account, o, status, time);
    }
  }

  private closeList(account: Account, list: SimOrderList, time: number): void {
    if (list.locked.gt(0)) {
      const book = this.book(list.symbol);
      account.unlock(list.orders[0]!.side === 'BUY' ? book.m.quote : book.m.base, list.locked);
      list.locked = ZERO;
      this.touched.add(account);
    }
    list.listStatusType = 'ALL_DONE';
    list.listOrderStatus = 'ALL_DONE';
    list.transactionTime = time;
    this.reportList(list, time);
  }

  /**
   * One leg starts executing (it triggered, or its limit is hit): Binance expires the other leg, and the
   * leg takes over what it needs of the list's lock.
   */
  private legStarts(account: Account, order: SimOrder, time: number): void {
    const list = this.listOf(order);
    if (!list || list.listOrderStatus !== 'EXECUTING') return;
    const book = this.book(list.symbol);
    const need = this.lockOf(book, order.side, order.type, order.origQty.minus(order.executedQty), order.price).amount;
    const keep = minD(need, list.locked);
    list.locked = list.locked.minus(keep);
    order.locked = order.locked.plus(keep);
    for (const o of list.orders) if (o !== order && isOpen(o)) this.finish(account, o, 'EXPIRED', time);
    this.closeList(account, list, time);
  }

  // ---- triggers -----------------------------------------------------------------------------

  /** Checks waiting trigger orders against every price traded since, until no trigger fires. */
  private runTriggers(): void {
    let fired = true;
    while (fired) {
      fired = false;
      for (const book of this.books.values()) {
        const prices = book.unchecked;
        if (prices.length === 0) continue;
        book.unchecked = [];
        for (const price of prices) {
          for (const o of [...book.stops]) {
            if (!isOpen(o) || o.working || !triggers(o.side, o.type, o.stopPrice, price)) continue;
            this.trigger(book, o, this.now());
            fired = true;
          }
        }
      }
    }
  }

  /** A trigger order's price traded: it works now, as a market order or at its limit. */
  private trigger(book: Book, order: SimOrder, time: number): void {
    const account = this.accounts.get(order.apiKey)!;
    this.unrest(book, order);
    order.working = true;
    order.workingTime = time;
    order.updateTime = time;
    this.legStarts(account, order, time);
    if (order.side === 'BUY' && isMarketLike(order.type)) {
      // a buy stop-market locked nothing: without the funds now it expires, as Binance's would
      const cost = this.walk(book, 'BUY', order.origQty.minus(order.executedQty), undefined, undefined).cost;
      if (account.balance(book.m.quote).free.lt(cost)) {
        this.finish(account, order, 'EXPIRED', time);
        return;
      }
    }
    this.work(book, account, order, time);
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
    book.unchecked.push(trade.price);
    book.candles.record(trade.price, trade.qty, trade.time);
    this.pendingTrades.push([book, trade]);
  }

  /** Moves the money of one execution for one side, charges the fee, and reports it. */
  private settle(book: Book, account: Account, order: SimOrder, price: D, qty: D, isMaker: boolean, tradeId: number, time: number): void {
    const m = book.m;
    this.legStarts(account, order, time);
    const rate = isMaker ? account.makerRate : account.takerRate;
    const quoteQty = price.mul(qty);
    let commission: D;
    let commissionAsset: string;
    if (order.side === 'BUY') {
      if (order.locked.gt(0)) {
        const release = minD(order.locked, qty.mul(order.price));
        account.unlock(m.quote, release);
        order.locked = order.locked.minus(release);
      }
      account.debit(m.quote, quoteQty);
      commission = floorTo(qty.mul(rate), d('0.00000001'));
      commissionAsset = m.base;
      account.credit(m.base, qty.minus(commission));
    } else {
      if (order.locked.gt(0)) {
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

  private reportList(list: SimOrderList, time: number): void {
    this.pendingUser.push([list.apiKey, listStatusEvent(list, time)]);
  }

  /** Sends the queued events of one operation: user reports, balances, then market data. */
  private flush(): void {
    this.runTriggers();
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

/** Binance's user-data `executionReport` for one order event (the shape: src-main/api/binance/stream-format.ts). */
export function executionReport(order: SimOrder, execType: 'NEW' | 'TRADE' | 'CANCELED' | 'EXPIRED', time: number, fill?: Fill): Record<string, unknown> {
  // a triggered stop works as a market order: never "working" on the book
  const view = { ...orderView(order), isWorking: order.working && !isMarketLike(order.type) };
  const exec = fill && {
    qty: f8(fill.qty),
    price: f8(fill.price),
    quoteQty: f8(fill.quoteQty),
    commission: f8(fill.commission),
    commissionAsset: fill.commissionAsset,
    time: fill.time,
    tradeId: fill.tradeId,
    isMaker: fill.isMaker,
  };
  return binanceExecutionReport(view, execType, time, order.seq * 2 + (fill ? 1 : 0), exec);
}

/** Binance's user-data `listStatus` for an order list. */
export function listStatusEvent(list: SimOrderList, time: number): Record<string, unknown> {
  return {
    e: 'listStatus',
    E: time,
    s: list.symbol,
    g: list.orderListId,
    c: list.contingencyType,
    l: list.listStatusType,
    L: list.listOrderStatus,
    r: 'NONE',
    C: list.listClientOrderId,
    T: list.transactionTime,
    O: list.orders.map((o) => ({ s: o.symbol, i: o.orderId, c: o.clientOrderId })),
  };
}
