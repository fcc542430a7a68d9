/**
 * The paper venue: fake money, real market data. It fills orders against the
 * books and trades of a MarketFeed, spot only, and reports like a real venue.
 *
 * Money
 * - Fees are charged in the quote asset: fee = fill quantity × fill price ×
 *   rate (the instrument's maker or taker rate), exact, never rounded.
 *   A buy pays notional + fee in quote and receives the quantity in base; a
 *   sell gives the quantity in base and receives notional − fee in quote. An
 *   asset not yet held has a balance of 0.
 * - Open orders lock what they may spend; free = total − locked, never
 *   negative. A resting limit buy locks remaining × price × (1 + max(maker,
 *   taker)); a sell locks its remaining base. A stop_limit locks like a limit
 *   at its limit price; a stop_market buy locks quantity × stop price × (1 +
 *   taker) and is checked again when it triggers (unaffordable then: a
 *   'rejected' report). An order the account cannot pay for is refused with a
 *   VenueRejection; a market buy is checked against the cost of walking the
 *   book plus the taker fee, a sell against the free base.
 * - After every change of an asset's total or locked amount, a 'balance'
 *   report for that asset.
 *
 * Matching
 * - Market orders walk the current book best level first, one taker 'fill'
 *   per level. What our own fills took from a book snapshot stays taken until
 *   the feed publishes a new snapshot. When the book runs out, the rest ends
 *   with 'expired' ("no more liquidity"). No book at all: refused.
 * - Limit orders that cross the book when placed take as taker up to their
 *   limit; the rest rests (GTC) or expires (IOC). FOK fills completely within
 *   its limit or expires without a fill. A post-only order that would take is
 *   refused. A limit may be placed without a book; it rests.
 * - Resting limits fill as maker at their own price: the whole remainder when
 *   a trade prints strictly through it (buy: trade < limit; sell: trade >
 *   limit); on a new book whose opposite side reaches the price, as much as
 *   those levels hold (partial fills). Best price first, then time.
 * - Stops trigger on the last trade price (buy: last ≥ stop; sell: last ≤
 *   stop): a 'triggered' report, then the order works as a market
 *   (stop_market) or limit (stop_limit) order at that moment. A stop the
 *   market has already reached when it is placed is refused.
 * - Filters: quantities and prices must be positive and on the instrument's
 *   increments, the quantity at least the minimum, and the notional (at the
 *   limit or stop price) at least the minimum notional.
 *
 * Requests
 * - createOrder: 'accepted' first, then any fills; resolves with the venue
 *   order id. Ids: ids.next('P') for orders, ids.next('T') for trades; times
 *   from the clock. A client order id the venue has seen is refused.
 * - editOrder changes the price and/or quantity of a resting limit or of a
 *   stop still waiting (a stop_market has no price to change). The new
 *   quantity must exceed the filled quantity; the lock is recomputed and must
 *   be affordable; a post-only amend that would cross is refused; any other
 *   amend that crosses takes at once, after the 'updated' report. A new price
 *   or a larger quantity loses time priority.
 * - cancelOrder: 'canceled', and the lock is released.
 * - Refusals are VenueRejection with a sentence naming the rule and numbers.
 *
 * Delivery
 * - Reports go to listeners synchronously, in order, inside the call or the
 *   market event that caused them (before createOrder's promise resolves).
 *   They are delivered once the venue's state is consistent, so a listener
 *   may call the venue from inside a report.
 * - start() subscribes to the feed, stop() unsubscribes; starting the feed
 *   itself is its owner's job. Reduce-only is the OMS's business.
 * - Deterministic: the same requests, market events, clock and ids give the
 *   same reports.
 */
import { Decimal, ZERO } from '../../engine/model/decimal.js';
import { isTerminal } from '../../engine/model/order-state.js';
import type { InstrumentSpec, Liquidity, OrderRecord, Side } from '../../engine/model/types.js';
import type { Clock, IdSource } from '../../engine/ports/clock.js';
import type { BookSnapshot, MarketEvent, MarketFeed, TradePrint } from '../../engine/ports/market-data.js';
import {
  VenueRejection,
  type ExecutionReport,
  type Venue,
  type VenueAck,
  type VenueBalance,
  type VenueOrderRef,
  type VenueOrderRequest,
} from '../../engine/ports/venue.js';
import { BalanceLedger } from './balance-ledger.js';
import { plannedQuantity, walkLevels, withinLimit, type PlannedFill } from './book-walk.js';
import { ConsumedLiquidity, oppositeSide } from './liquidity.js';
import { checkNotional, checkOrderRequest, checkPrice, checkQuantity } from './order-checks.js';
import { feeOf, feeRate, lockFor, takerBuyCost } from './order-costs.js';
import { isRestingLimit, orderFromRequest, remainingOf, type PaperOrder, type PaperOrderView } from './paper-order.js';
import { ReportStream } from './report-stream.js';
import { parseStartingBalances } from '../sim/starting-balances.js';
import { immediateTriggerReason, stopReached } from './stop-triggers.js';
import { WorkingOrders, type ClosedState } from './working-orders.js';

export interface PaperVenueOptions {
  account: string;
  marketData: MarketFeed;
  clock: Clock;
  ids: IdSource;
  /** e.g. { USDT: '100000' } */
  startingBalances: Record<string, string>;
  /** A report listener threw. Default: rethrown on a microtask, so it is neither lost nor able to undo a fill. */
  onListenerError?: (err: unknown) => void;
  /** The open-order store; a test may hand in one with other matching queries (a naive reference). */
  workingOrders?: WorkingOrders;
}

export interface PaperRestoreState {
  balances: Array<{ asset: string; total: Decimal }>;
  openOrders: OrderRecord[];
}

export interface PaperRestoreResult {
  /** client order ids working again */
  restored: string[];
  /** records that cannot rest on the venue, and why; the caller settles them */
  skipped: Array<{ clientOrderId: string; reason: string }>;
}

export class PaperVenue implements Venue {
  readonly exchange = 'paper';
  readonly mode = 'paper' as const;
  readonly account: string;
  readonly marketData: MarketFeed;

  private readonly clock: Clock;
  private readonly ids: IdSource;
  private readonly ledger: BalanceLedger;
  private readonly orders: WorkingOrders;
  private readonly liquidity = new ConsumedLiquidity();
  private readonly reports: ReportStream;
  private readonly specs = new Map<string, InstrumentSpec>();
  private seq = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(options: PaperVenueOptions) {
    this.account = options.account;
    this.marketData = options.marketData;
    this.clock = options.clock;
    this.ids = options.ids;
    this.orders = options.workingOrders ?? new WorkingOrders();
    this.ledger = new BalanceLedger(parseStartingBalances(options.startingBalances));
    this.reports = new ReportStream(
      options.onListenerError ??
        ((err) =>
          queueMicrotask(() => {
            throw err;
          })),
    );
  }

  async loadMarkets(): Promise<InstrumentSpec[]> {
    this.refreshSpecs();
    return [...this.specs.values()];
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.marketData.subscribe((event) => this.onMarketEvent(event));
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.reports.subscribe(listener);
  }

  async fetchBalance(): Promise<VenueBalance[]> {
    return this.ledger.balances();
  }

  /** Open orders the matcher has looked at on market events so far: they are only those an event can fill, plus one per side. */
  get matchingVisits(): number {
    return this.orders.visits;
  }

  /** The open orders (resting limits and stops), oldest first; copies. */
  openOrders(): PaperOrderView[] {
    return this.orders.all().map((o) => ({ ...o, remaining: remainingOf(o) }));
  }

  async createOrder(request: VenueOrderRequest): Promise<VenueAck> {
    return this.operate(() => this.place(request));
  }

  async editOrder(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): Promise<void> {
    this.operate(() => this.amend(ref, changes));
  }

  async cancelOrder(ref: VenueOrderRef): Promise<void> {
    this.operate(() => this.cancel(ref));
  }

  /**
   * Rebuilds balances, resting orders, stops and their locks after a restart,
   * from the stored balances and open orders. Emits no reports.
   */
  restore(state: PaperRestoreState): PaperRestoreResult {
    this.orders.clear();
    this.liquidity.clear();
    this.ledger.replace(state.balances.map((b) => [b.asset, b.total] as const));
    const result: PaperRestoreResult = { restored: [], skipped: [] };
    const records = [...state.openOrders].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of records) {
      const spec = this.findSpec(record.symbol);
      const order = restoredOrder(record);
      const why = unrestorableReason(record, order) ?? (this.orders.knowsClientOrderId(order.clientOrderId) ? 'a duplicate client order id' : null);
      if (!spec || why !== null) {
        result.skipped.push({ clientOrderId: record.clientOrderId, reason: why ?? `unknown symbol ${record.symbol}` });
        continue;
      }
      order.seq = ++this.seq;
      this.orders.add(order);
      this.ledger.lock(order.venueOrderId, lockFor(order, spec));
      result.restored.push(order.clientOrderId);
    }
    this.ledger.markReported();
    return result;
  }

  /** Drops every order and sets the balances back to `startingBalances`. Emits no reports. */
  reset(startingBalances: Record<string, string>): void {
    const balances = parseStartingBalances(startingBalances);
    this.orders.clear();
    this.liquidity.clear();
    this.ledger.replace(balances);
  }

  // ── requests ────────────────────────────────────────────────────────────

  private place(request: VenueOrderRequest): VenueAck {
    const spec = this.spec(request.symbol);
    checkOrderRequest(request, spec);
    if (this.orders.knowsClientOrderId(request.clientOrderId)) {
      throw new VenueRejection(`duplicate client order id ${request.clientOrderId}: the venue already has an order with it`);
    }
    const order = orderFromRequest(request);
    if (order.type === 'market') this.placeMarket(order, spec);
    else if (order.type === 'limit') this.placeLimit(order, spec);
    else this.placeStop(order, spec);
    return { venueOrderId: order.venueOrderId };
  }

  private placeMarket(order: PaperOrder, spec: InstrumentSpec): void {
    const book = this.marketData.book(order.symbol);
    if (!book) throw new VenueRejection(`no market data for ${order.symbol}`);
    const plan = this.plan(order, book, null);
    const shortfall = this.takerShortfall(order, spec, plan);
    if (shortfall) throw new VenueRejection(shortfall);
    this.accept(order);
    this.take(order, spec, book, plan);
  }

  private placeLimit(order: PaperOrder, spec: InstrumentSpec): void {
    this.requireLockFunds(order, spec);
    const book = this.marketData.book(order.symbol);
    const plan = book ? this.plan(order, book, order.price) : [];
    if (order.postOnly && plan[0]) throw new VenueRejection(postOnlyReason(order, plan[0].price));
    this.accept(order);
    this.take(order, spec, book, plan);
  }

  private placeStop(order: PaperOrder, spec: InstrumentSpec): void {
    const early = immediateTriggerReason(order.side, order.stopPrice!, this.marketData.lastPrice(order.symbol));
    if (early) throw new VenueRejection(early);
    this.requireLockFunds(order, spec);
    this.accept(order);
    this.rest(order, spec);
  }

  private amend(ref: VenueOrderRef, changes: { price?: Decimal; quantity?: Decimal }): void {
    const order = this.openOrder(ref, 'amend');
    const spec = this.spec(order.symbol);
    if (changes.price === undefined && changes.quantity === undefined) {
      throw new VenueRejection('nothing to amend: give a new price and/or quantity');
    }
    if (changes.price !== undefined && order.type === 'stop_market') {
      throw new VenueRejection('a stop_market order has no limit price to amend');
    }
    const price = changes.price ?? order.price;
    const quantity = changes.quantity ?? order.quantity;
    if (changes.quantity !== undefined) checkQuantity(quantity, spec);
    if (changes.price !== undefined) checkPrice('price', changes.price, spec);
    if (!quantity.gt(order.filled)) {
      throw new VenueRejection(`new quantity ${quantity.toFixed()} must exceed the filled quantity ${order.filled.toFixed()}`);
    }
    const reference = price ?? order.stopPrice;
    if (reference) checkNotional(quantity, reference, spec);

    const amended: PaperOrder = { ...order, price, quantity };
    const book = isRestingLimit(order) ? this.marketData.book(order.symbol) : undefined;
    const plan = book ? this.plan(amended, book, price) : [];
    if (order.postOnly && plan[0]) throw new VenueRejection(postOnlyReason(amended, plan[0].price));
    const need = lockFor(amended, spec);
    const held = this.ledger.lockOf(order.venueOrderId);
    const free = this.ledger.free(need.asset).plus(held?.asset === need.asset ? held.amount : ZERO);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));

    const repriced = changes.price !== undefined && order.price !== null && !changes.price.eq(order.price);
    if (repriced || quantity.gt(order.quantity)) order.seq = ++this.seq;
    order.price = price;
    order.quantity = quantity;
    this.orders.reindex(order);
    this.ledger.lock(order.venueOrderId, need);
    this.reports.push({ type: 'updated', clientOrderId: order.clientOrderId, price: order.price, quantity: order.quantity, ts: this.clock.now() });
    if (plan[0]) this.take(order, spec, book, plan);
  }

  private cancel(ref: VenueOrderRef): void {
    const order = this.openOrder(ref, 'cancel');
    this.finish(order, 'canceled');
    this.reports.push({ type: 'canceled', clientOrderId: order.clientOrderId, reason: null, ts: this.clock.now() });
  }

  // ── market data ─────────────────────────────────────────────────────────

  private onMarketEvent(event: MarketEvent): void {
    this.operate(() => {
      if (event.type === 'book') {
        this.liquidity.forget(event.book.symbol);
        this.fillRestingFromBook(event.book);
      } else if (event.type === 'trade') {
        this.fillRestingFromTrade(event.trade);
        this.triggerStops(event.trade);
      }
    });
  }

  /**
   * A new book whose opposite side reaches a resting price fills it as maker,
   * up to what those levels hold; bids first, then asks, each best price
   * first, then time. Our fills only take liquidity away, so an order that
   * does not reach the best level left now cannot reach it later in the
   * event: only the orders at or through that level are visited.
   */
  private fillRestingFromBook(book: BookSnapshot): void {
    const spec = this.findSpec(book.symbol);
    if (!spec) return;
    for (const side of SIDES) {
      const best = this.liquidity.residual(book, oppositeSide(side))[0]?.[0];
      if (best === undefined) continue;
      const reaches = (price: Decimal) => withinLimit(side, best, price);
      for (const order of this.orders.crossingLimits(book.symbol, side, reaches)) {
        if (!this.orders.isOpen(order)) continue;
        const plan = this.plan(order, book, order.price);
        if (!plan[0]) continue;
        for (const f of plan) this.liquidity.consume(book, oppositeSide(order.side), f.price, f.quantity);
        this.fill(order, spec, plannedQuantity(plan), order.price!, 'maker');
      }
    }
  }

  /** A trade strictly through a resting price fills its whole remainder as maker (bids first, then asks; best price, then time). */
  private fillRestingFromTrade(trade: TradePrint): void {
    const spec = this.findSpec(trade.symbol);
    if (!spec) return;
    for (const side of SIDES) {
      const through = (limit: Decimal) => (side === 'buy' ? trade.price.lt(limit) : trade.price.gt(limit));
      for (const order of this.orders.crossingLimits(trade.symbol, side, through)) {
        if (this.orders.isOpen(order) && through(order.price!)) this.fill(order, spec, remainingOf(order), order.price!, 'maker');
      }
    }
  }

  private triggerStops(trade: TradePrint): void {
    const spec = this.findSpec(trade.symbol);
    if (!spec) return;
    for (const order of this.orders.reachedStops(trade.symbol, trade.price)) {
      if (!this.orders.isOpen(order) || !stopReached(order.side, order.stopPrice!, trade.price)) continue;
      this.trigger(order, spec);
    }
  }

  private trigger(order: PaperOrder, spec: InstrumentSpec): void {
    order.triggered = true;
    this.orders.reindex(order);
    this.reports.push({ type: 'triggered', clientOrderId: order.clientOrderId, ts: this.clock.now() });
    const book = this.marketData.book(order.symbol);
    if (order.type === 'stop_market') {
      // From here on it is a market order: it no longer rests, and pays what the book costs now.
      this.orders.detach(order);
      this.ledger.unlock(order.venueOrderId);
      if (!book) return this.reject(order, `no market data for ${order.symbol} when the stop triggered`);
      const plan = this.plan(order, book, null);
      const shortfall = this.takerShortfall(order, spec, plan);
      if (shortfall) return this.reject(order, `${shortfall} when the stop triggered`);
      return this.take(order, spec, book, plan);
    }
    // A stop_limit now rests as a limit with the lock it already holds, unless it crosses.
    const plan = book ? this.plan(order, book, order.price) : [];
    if (order.postOnly && plan[0]) return this.reject(order, postOnlyReason(order, plan[0].price));
    if (plan[0] || order.timeInForce !== 'GTC') this.take(order, spec, book, plan);
  }

  // ── execution ───────────────────────────────────────────────────────────

  private accept(order: PaperOrder): void {
    order.venueOrderId = this.ids.next('P');
    order.seq = ++this.seq;
    this.reports.push({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, ts: this.clock.now() });
  }

  /** What `order`'s remainder could take from the book now, within `limit`. */
  private plan(order: PaperOrder, book: BookSnapshot, limit: Decimal | null): PlannedFill[] {
    const levels = this.liquidity.residual(book, oppositeSide(order.side));
    return walkLevels(levels, order.side, remainingOf(order), limit);
  }

  /**
   * Takes `plan` as taker, then ends the order by its kind and time in force:
   * market orders expire when the book runs out, IOC expires its rest, GTC
   * rests. FOK takes all or nothing.
   */
  private take(order: PaperOrder, spec: InstrumentSpec, book: BookSnapshot | undefined, plan: PlannedFill[]): void {
    const isMarket = order.type === 'market' || order.type === 'stop_market';
    const available = plannedQuantity(plan);
    if (order.timeInForce === 'FOK' && available.lt(remainingOf(order))) {
      const where = isMarket ? 'in the book' : `at or better than ${order.price!.toFixed()}`;
      return this.expire(order, `FOK: only ${available.toFixed()} of ${remainingOf(order).toFixed()} available ${where}`);
    }
    for (const f of plan) {
      if (book) this.liquidity.consume(book, oppositeSide(order.side), f.price, f.quantity);
      this.fill(order, spec, f.quantity, f.price, 'taker');
    }
    if (remainingOf(order).isZero()) return;
    if (isMarket) return this.expire(order, 'no more liquidity');
    if (order.timeInForce !== 'GTC') {
      return this.expire(order, `${order.timeInForce}: no more liquidity at or better than ${order.price!.toFixed()}`);
    }
    this.rest(order, spec);
  }

  private fill(order: PaperOrder, spec: InstrumentSpec, quantity: Decimal, price: Decimal, liquidity: Liquidity): void {
    const notional = quantity.mul(price);
    const fee = feeOf(quantity, price, feeRate(spec, liquidity));
    if (order.side === 'buy') {
      this.ledger.debit(spec.quote, notional.plus(fee));
      this.ledger.credit(spec.base, quantity);
    } else {
      this.ledger.debit(spec.base, quantity);
      this.ledger.credit(spec.quote, notional.minus(fee));
    }
    order.filled = order.filled.plus(quantity);
    if (remainingOf(order).isZero()) this.finish(order, 'filled');
    else if (this.orders.isOpen(order)) this.ledger.lock(order.venueOrderId, lockFor(order, spec));
    this.reports.push({
      type: 'fill',
      clientOrderId: order.clientOrderId,
      venueTradeId: this.ids.next('T'),
      quantity,
      price,
      fee,
      feeAsset: spec.quote,
      liquidity,
      ts: this.clock.now(),
    });
    this.publishBalanceChanges();
  }

  private rest(order: PaperOrder, spec: InstrumentSpec): void {
    if (!this.orders.isOpen(order)) this.orders.add(order);
    this.ledger.lock(order.venueOrderId, lockFor(order, spec));
  }

  private expire(order: PaperOrder, reason: string): void {
    this.finish(order, 'expired');
    this.reports.push({ type: 'expired', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  private reject(order: PaperOrder, reason: string): void {
    this.finish(order, 'rejected');
    this.reports.push({ type: 'rejected', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  private finish(order: PaperOrder, state: ClosedState): void {
    this.orders.close(order, state);
    this.ledger.unlock(order.venueOrderId);
  }

  // ── funds ───────────────────────────────────────────────────────────────

  /** Refuses an order whose lock (its most it can spend while open) exceeds the free balance. */
  private requireLockFunds(order: PaperOrder, spec: InstrumentSpec): void {
    const need = lockFor(order, spec);
    const free = this.ledger.free(need.asset);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));
  }

  /** Why a taker order cannot pay for `plan` now, or null: a buy pays the walk plus taker fee, a sell needs its base. */
  private takerShortfall(order: PaperOrder, spec: InstrumentSpec, plan: PlannedFill[]): string | null {
    const asset = order.side === 'buy' ? spec.quote : spec.base;
    const need = order.side === 'buy' ? takerBuyCost(plan, spec) : remainingOf(order);
    const free = this.ledger.free(asset);
    return need.gt(free) ? insufficient(asset, need, free) : null;
  }

  private publishBalanceChanges(): void {
    this.reports.pushBalances(this.ledger.takeChanges(), this.clock.now());
  }

  // ── lookups ─────────────────────────────────────────────────────────────

  /** Runs one request or market event, then delivers the reports it produced. */
  private operate<T>(work: () => T): T {
    return this.reports.run(work, () => this.ledger.takeChanges(), () => this.clock.now());
  }

  private openOrder(ref: VenueOrderRef, action: 'amend' | 'cancel'): PaperOrder {
    const found = this.orders.find(ref);
    if (!found) {
      const venueId = ref.venueOrderId ? ` (venue order ${ref.venueOrderId})` : '';
      throw new VenueRejection(`cannot ${action}: no order ${ref.clientOrderId}${venueId} on ${ref.symbol}`);
    }
    if ('closed' in found) throw new VenueRejection(`cannot ${action} order ${ref.clientOrderId}: it is already ${found.closed}`);
    return found.order;
  }

  private spec(symbol: string): InstrumentSpec {
    const spec = this.findSpec(symbol);
    if (!spec) throw new VenueRejection(`unknown symbol ${symbol}: the market data has no such instrument`);
    return spec;
  }

  private findSpec(symbol: string): InstrumentSpec | undefined {
    if (!this.specs.has(symbol)) this.refreshSpecs();
    return this.specs.get(symbol);
  }

  private refreshSpecs(): void {
    this.specs.clear();
    for (const spec of this.marketData.instruments()) this.specs.set(spec.symbol, spec);
  }
}

const SIDES: readonly Side[] = ['buy', 'sell'];

function insufficient(asset: string, need: Decimal, free: Decimal): string {
  return `insufficient ${asset}: needs ${need.toFixed()}, free ${free.toFixed()}`;
}

function postOnlyReason(order: PaperOrder, best: Decimal): string {
  const against = order.side === 'buy' ? 'best ask' : 'best bid';
  return `post_only order would take liquidity: ${order.side} at ${order.price!.toFixed()} crosses the ${against} ${best.toFixed()}`;
}

/** The working order a stored open order stands for (seq is set by the caller). */
function restoredOrder(record: OrderRecord): PaperOrder {
  const isStop = record.type === 'stop_market' || record.type === 'stop_limit';
  // A stop with fills, or one stored as triggered (possibly under a pending update/cancel), has triggered.
  const triggered =
    isStop && (record.state === 'triggered' || record.previousState === 'triggered' || record.filledQuantity.gt(0));
  return {
    clientOrderId: record.clientOrderId,
    venueOrderId: record.venueOrderId ?? '',
    symbol: record.symbol,
    side: record.side,
    type: record.type,
    quantity: record.quantity,
    filled: record.filledQuantity,
    price: record.price,
    stopPrice: record.stopPrice,
    timeInForce: record.timeInForce,
    postOnly: record.postOnly,
    triggered,
    seq: 0,
  };
}

function unrestorableReason(record: OrderRecord, order: PaperOrder): string | null {
  if (isTerminal(record.state)) return `the order is ${record.state}`;
  if (record.venueOrderId === null) return 'the venue never acknowledged the order';
  if (!remainingOf(order).gt(0)) return 'nothing remains to fill';
  if (order.type === 'market') return 'a market order never rests';
  if (order.type === 'stop_market' && order.triggered) return 'a triggered stop_market works as a market order and never rests';
  if (isRestingLimit(order) && order.timeInForce !== 'GTC') return `a ${order.timeInForce} order never rests`;
  if ((order.type === 'limit' || order.type === 'stop_limit') && order.price === null) return 'a limit order without a price';
  if (order.type !== 'limit' && !order.triggered && order.stopPrice === null) return 'a stop order without a stop price';
  return null;
}
