import type { Decimal } from '../../engine/model/decimal.js';
import { type InstrumentSpec, remaining, type Side } from '../../engine/model/types.js';
import type { BookSnapshot, MarketEvent, MarketFeed, TradePrint } from '../../engine/ports/market-data.js';
import { VenueRejection } from '../../engine/ports/venue.js';
import { insufficient, type Matcher, type SimExchange } from '../sim/core.js';
import { plannedQuantity, walkLevels, withinLimit, type PlannedFill } from './book-walk.js';
import { ConsumedLiquidity, oppositeSide } from './liquidity.js';
import { lockFor, takerBuyCost } from '../sim/order-costs.js';
import { isRestingLimit, worksAsMarket, type PaperOrder } from '../sim/sim-order.js';
import { trailingStep } from '../../engine/model/trailing.js';
import { HeldStops } from '../../engine/model/held-stops.js';
import { immediateTriggerReason, triggerReached } from '../../engine/model/trigger.js';

/**
 * The paper venue's matcher: orders walk the feed's current book (what our own
 * fills took stays taken until the next snapshot), resting limits fill from
 * new books and trades, stops trigger on trades. The rules are in
 * paper-venue.ts.
 */
export class BookMatcher implements Matcher<PaperOrder> {
  private readonly liquidity = new ConsumedLiquidity();
  private readonly specs = new Map<string, InstrumentSpec>();
  /** open trailing stops by symbol: each trade may move their stops (O(1) per trade unless one is hit or activates) */
  private readonly trailing = new Map<string, HeldStops<PaperOrder>>();
  /** trailing stops moved since they were last reported, and when moves were last reported (venue clock) */
  private trailUnreported = false;
  private trailReportedAt = -Infinity;
  /** reports moves still waiting once the market goes quiet (a real timer: the next print may be long in coming) */
  private trailTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly core: SimExchange<PaperOrder>,
    private readonly marketData: MarketFeed,
  ) {}

  instruments(): InstrumentSpec[] {
    this.refreshSpecs();
    return [...this.specs.values()];
  }

  spec(symbol: string): InstrumentSpec {
    const spec = this.findSpec(symbol);
    if (!spec) throw new VenueRejection(`unknown symbol ${symbol}: the market data has no such instrument`);
    return spec;
  }

  findSpec(symbol: string): InstrumentSpec | undefined {
    if (!this.specs.has(symbol)) this.refreshSpecs();
    return this.specs.get(symbol);
  }

  clear(): void {
    this.liquidity.clear();
    this.trailing.clear();
    this.trailUnreported = false;
    this.trailReportedAt = -Infinity;
    this.cancelTrailTimer();
  }

  private cancelTrailTimer(): void {
    if (this.trailTimer) clearTimeout(this.trailTimer);
    this.trailTimer = null;
  }

  lastPrice(symbol: string): Decimal | undefined {
    return this.marketData.lastPrice(symbol);
  }

  finished(order: PaperOrder): void {
    if (order.trailing) this.unfollow(order);
  }

  /** a restored trailing stop follows the market again */
  follow(order: PaperOrder): void {
    if (order.type !== 'trailing_stop' || !order.trailing || order.triggered) return;
    let stops = this.trailing.get(order.symbol);
    if (!stops) {
      const { symbol } = order;
      this.trailing.set(symbol, (stops = new HeldStops(() => this.spec(symbol).priceIncrement)));
    }
    stops.add(order, order.side, order.trailing, order.stopPrice);
  }

  private unfollow(order: PaperOrder): void {
    const stops = this.trailing.get(order.symbol);
    if (!stops?.get(order)) return;
    stops.remove(order);
    if (stops.size === 0) this.trailing.delete(order.symbol);
  }

  /** Every trailing stop's order with its current best and exact stop (for a view); the moves stay to be reported. */
  syncTrailing(): void {
    for (const stops of this.trailing.values()) {
      for (const t of stops.current()) {
        t.item.trailing = t.trailing;
        t.item.stopPrice = t.stopPrice;
      }
    }
  }

  /** Reports each trailing stop that moved since it was last reported ('updated' with its best and stop), so the OMS keeps its current stop. */
  reportTrailing(): void {
    this.cancelTrailTimer();
    if (!this.trailUnreported) return;
    this.trailUnreported = false;
    this.trailReportedAt = this.core.clock.now();
    for (const stops of this.trailing.values()) {
      for (const t of stops.takeMoved()) {
        t.item.trailing = t.trailing;
        t.item.stopPrice = t.stopPrice;
        this.core.trailed(t.item);
      }
    }
  }

  place(order: PaperOrder, spec: InstrumentSpec): PaperOrder {
    if (order.type === 'market') this.placeMarket(order, spec);
    else if (order.type === 'limit') this.placeLimit(order, spec);
    else this.placeStop(order, spec);
    return order;
  }

  amend(order: PaperOrder, amended: PaperOrder, spec: InstrumentSpec): (() => void) | undefined {
    const book = isRestingLimit(order) ? this.marketData.book(order.symbol) : undefined;
    const plan = book ? this.plan(amended, book, amended.price) : [];
    if (order.postOnly && plan[0]) throw new VenueRejection(postOnlyReason(amended, plan[0].price));
    // an amend that crosses takes at once, after the 'updated' report
    return plan[0] ? () => this.take(order, spec, book, plan) : undefined;
  }

  private placeMarket(order: PaperOrder, spec: InstrumentSpec): void {
    const book = this.marketData.book(order.symbol);
    if (!book) throw new VenueRejection(`no market data for ${order.symbol}`);
    const plan = this.plan(order, book, null);
    const shortfall = this.takerShortfall(order, spec, plan);
    if (shortfall) throw new VenueRejection(shortfall);
    this.core.accept(order);
    this.take(order, spec, book, plan);
  }

  private placeLimit(order: PaperOrder, spec: InstrumentSpec): void {
    this.core.requireLockFunds(order, spec);
    const book = this.marketData.book(order.symbol);
    const plan = book ? this.plan(order, book, order.price) : [];
    if (order.postOnly && plan[0]) throw new VenueRejection(postOnlyReason(order, plan[0].price));
    this.core.accept(order);
    this.take(order, spec, book, plan);
  }

  private placeStop(order: PaperOrder, spec: InstrumentSpec): void {
    if (order.type === 'trailing_stop') return this.placeTrailing(order, spec);
    const early = immediateTriggerReason(order.type, order.side, order.stopPrice!, this.marketData.lastPrice(order.symbol));
    if (early) throw new VenueRejection(early);
    this.core.requireLockFunds(order, spec);
    this.core.accept(order);
    this.rest(order, spec);
  }

  /** A trailing stop starts from the last price (or waits for its activation price) and never fires when placed. */
  private placeTrailing(order: PaperOrder, spec: InstrumentSpec): void {
    const last = this.marketData.lastPrice(order.symbol);
    if (!last) throw new VenueRejection(`no last price for ${order.symbol}: a trailing stop needs one to trail from`);
    const step = trailingStep(order.side, order.trailing!, null, last, spec.priceIncrement);
    order.trailing = step.trailing;
    order.stopPrice = step.stopPrice;
    if (order.stopPrice && order.side === 'buy') this.core.requireLockFunds(order, spec);
    this.core.accept(order);
    this.follow(order);
    this.rest(order, spec);
  }

  // ── market data ─────────────────────────────────────────────────────────

  onMarketEvent(event: MarketEvent): void {
    if (event.type === 'book') {
      this.liquidity.forget(event.book.symbol);
      this.fillRestingFromBook(event.book);
    } else if (event.type === 'trade') {
      this.fillRestingFromTrade(event.trade);
      const hit = this.trailing.size > 0 ? this.trail(event.trade) : null;
      this.triggerStops(event.trade, hit);
    }
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
    const orders = this.core.orders;
    for (const side of SIDES) {
      const best = this.liquidity.residual(book, oppositeSide(side))[0]?.[0];
      if (best === undefined) continue;
      const reaches = (price: Decimal) => withinLimit(side, best, price);
      for (const order of orders.crossingLimits(book.symbol, side, reaches)) {
        if (!orders.isOpen(order)) continue;
        const plan = this.plan(order, book, order.price);
        if (!plan[0]) continue;
        for (const f of plan) this.liquidity.consume(book, oppositeSide(order.side), f.price, f.quantity);
        this.core.book(order, spec, plannedQuantity(plan), order.price!, 'maker');
      }
    }
  }

  /** A trade strictly through a resting price fills its whole remainder as maker (bids first, then asks; best price, then time). */
  private fillRestingFromTrade(trade: TradePrint): void {
    const spec = this.findSpec(trade.symbol);
    if (!spec) return;
    const orders = this.core.orders;
    for (const side of SIDES) {
      const through = (limit: Decimal) => (side === 'buy' ? trade.price.lt(limit) : trade.price.gt(limit));
      for (const order of orders.crossingLimits(trade.symbol, side, through)) {
        if (orders.isOpen(order) && through(order.price!)) this.core.book(order, spec, remaining(order), order.price!, 'maker');
      }
    }
  }

  /**
   * Trailing stops of the trade's symbol follow its price; returns those it
   * reached. Their moves are reported in batches, at most every
   * TRAIL_REPORT_MS of the venue's clock (the first at once; one left waiting
   * when the market goes quiet, by a timer that long), and always before one
   * triggers or the venue stops: a report per stop per tick would cost the engine far more
   * than the move itself (issue 12's benchmark).
   */
  private trail(trade: TradePrint): PaperOrder[] | null {
    const stops = this.trailing.get(trade.symbol);
    const outcome = stops?.tick(trade.price);
    if (outcome?.moved) this.trailUnreported = true;
    const hit = outcome && outcome.hit.length > 0 ? outcome.hit : null;
    if (this.trailUnreported) {
      if (hit || this.core.clock.now() - this.trailReportedAt >= TRAIL_REPORT_MS) this.reportTrailing();
      else if (!this.trailTimer) {
        this.trailTimer = setTimeout(() => this.core.operate(() => this.reportTrailing()), TRAIL_REPORT_MS);
        (this.trailTimer as { unref?: () => void }).unref?.();
      }
    }
    if (!hit) return null;
    return hit.map((t) => {
      t.item.trailing = t.trailing;
      t.item.stopPrice = t.stopPrice;
      return t.item;
    });
  }

  /** Waiting stops the trade reaches, and the trailing stops it reached, trigger in the order they were placed. */
  private triggerStops(trade: TradePrint, trailingHit: PaperOrder[] | null): void {
    const spec = this.findSpec(trade.symbol);
    if (!spec) return;
    const orders = this.core.orders;
    let reached = orders.reachedStops(trade.symbol, trade.price);
    if (trailingHit) reached = [...reached.filter((o) => o.type !== 'trailing_stop'), ...trailingHit].sort((a, b) => a.seq - b.seq);
    for (const order of reached) {
      if (!orders.isOpen(order) || !triggerReached(order.type, order.side, order.stopPrice!, trade.price)) continue;
      this.trigger(order, spec);
    }
  }

  private trigger(order: PaperOrder, spec: InstrumentSpec): void {
    const core = this.core;
    order.triggered = true;
    if (order.trailing) this.unfollow(order);
    core.orders.reindex(order);
    core.triggered(order, spec);
    const book = this.marketData.book(order.symbol);
    if (worksAsMarket(order.type)) {
      // From here on it is a market order: it no longer rests, and pays what the book costs now.
      core.orders.detach(order);
      core.ledger.unlock(order.venueOrderId);
      if (!book) return core.reject(order, `no market data for ${order.symbol} when the stop triggered`);
      const plan = this.plan(order, book, null);
      const shortfall = this.takerShortfall(order, spec, plan);
      if (shortfall) return core.reject(order, `${shortfall} when the stop triggered`);
      return this.take(order, spec, book, plan);
    }
    // A stop_limit now rests as a limit with the lock it already holds, unless it crosses.
    const plan = book ? this.plan(order, book, order.price) : [];
    if (order.postOnly && plan[0]) return core.reject(order, postOnlyReason(order, plan[0].price));
    if (plan[0] || order.timeInForce !== 'GTC') this.take(order, spec, book, plan);
  }

  // ── execution ───────────────────────────────────────────────────────────

  /** What `order`'s remainder could take from the book now, within `limit`. */
  private plan(order: PaperOrder, book: BookSnapshot, limit: Decimal | null): PlannedFill[] {
    const bookSide = oppositeSide(order.side);
    return walkLevels(book[bookSide], order.side, remaining(order), limit, this.liquidity.taken(book, bookSide));
  }

  /**
   * Takes `plan` as taker, then ends the order by its kind and time in force:
   * market orders expire when the book runs out, IOC expires its rest, GTC
   * rests. FOK takes all or nothing.
   */
  private take(order: PaperOrder, spec: InstrumentSpec, book: BookSnapshot | undefined, plan: PlannedFill[]): void {
    const isMarket = worksAsMarket(order.type);
    const available = plannedQuantity(plan);
    if (order.timeInForce === 'FOK' && available.lt(remaining(order))) {
      const where = isMarket ? 'in the book' : `at or better than ${order.price!.toFixed()}`;
      return this.core.expire(order, `FOK: only ${available.toFixed()} of ${remaining(order).toFixed()} available ${where}`);
    }
    for (const f of plan) {
      if (book) this.liquidity.consume(book, oppositeSide(order.side), f.price, f.quantity);
      this.core.book(order, spec, f.quantity, f.price, 'taker');
    }
    if (remaining(order).isZero()) return;
    if (isMarket) return this.core.expire(order, 'no more liquidity');
    if (order.timeInForce !== 'GTC') {
      return this.core.expire(order, `${order.timeInForce}: no more liquidity at or better than ${order.price!.toFixed()}`);
    }
    this.rest(order, spec);
  }

  private rest(order: PaperOrder, spec: InstrumentSpec): void {
    if (!this.core.orders.isOpen(order)) this.core.orders.add(order);
    this.core.ledger.lock(order.venueOrderId, lockFor(order, spec));
  }

  /** Why a taker order cannot pay for `plan` now, or null: a buy pays the walk plus taker fee, a sell needs its base. */
  private takerShortfall(order: PaperOrder, spec: InstrumentSpec, plan: PlannedFill[]): string | null {
    const asset = order.side === 'buy' ? spec.quote : spec.base;
    const need = order.side === 'buy' ? takerBuyCost(plan, spec) : remaining(order);
    const free = this.core.ledger.free(asset);
    return need.gt(free) ? insufficient(asset, need, free) : null;
  }

  private refreshSpecs(): void {
    this.specs.clear();
    for (const spec of this.marketData.instruments()) this.specs.set(spec.symbol, spec);
  }
}

const SIDES: readonly Side[] = ['buy', 'sell'];

/** how often trailing-stop moves are reported at most (venue clock, ms); the OMS journals them in batches as often */
const TRAIL_REPORT_MS = 250;

function postOnlyReason(order: PaperOrder, best: Decimal): string {
  const against = order.side === 'buy' ? 'best ask' : 'best bid';
  return `post_only order would take liquidity: ${order.side} at ${order.price!.toFixed()} crosses the ${against} ${best.toFixed()}`;
}
