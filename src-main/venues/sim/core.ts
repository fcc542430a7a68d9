import { type Decimal, ZERO } from '../../engine/model/decimal.js';
import { type InstrumentSpec, type Liquidity, remaining } from '../../engine/model/types.js';
import type { Clock, IdSource } from '../../engine/ports/clock.js';
import { needsStopPrice, worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import { immediateTriggerReason, triggerReached } from '../../engine/model/trigger.js';
import {
  VenueRejection,
  type ExecutionReport,
  type VenueAck,
  type VenueBalance,
  type VenueOcoAck,
  type VenueOcoRequest,
  type VenueOrderChanges,
  type VenueOrderRef,
  type VenueOrderRequest,
} from '../../engine/ports/venue.js';
import { BalanceLedger } from './balance-ledger.js';
import { checkNotional, checkOrderRequest, checkPrice, checkQuantity } from './order-checks.js';
import { feeOf, feeRate, lockFor } from './order-costs.js';
import { orderFromRequest, type PaperOrder } from './sim-order.js';
import { ReportStream } from './report-stream.js';
import { WorkingOrders, type ClosedState } from './working-orders.js';
import { parseStartingBalances } from './starting-balances.js';

/**
 * How one simulated venue matches orders: a book walk (paper) or a bar fill
 * model (backtests). The core owns everything else — the ledger, the working
 * orders, reports, the request checks, end states and fill booking — and the
 * matcher calls back into it to accept, book fills and end orders.
 */
export interface Matcher<O extends PaperOrder> {
  /** the instrument `symbol` names; a VenueRejection when this venue does not trade it */
  spec(symbol: string): InstrumentSpec;
  /** Works a new order that passed the instrument's filters and the duplicate check: accepts and fills, rests or refuses it. */
  place(order: PaperOrder, spec: InstrumentSpec): O;
  /**
   * Refuses an amendment of `order` to `amended`'s price and quantity that
   * this matcher forbids (the core has checked the filters; it checks funds
   * next). Returns what follows once the amendment is booked and reported.
   */
  amend(order: O, amended: PaperOrder, spec: InstrumentSpec): ((losesPriority: boolean) => void) | undefined;
  /** `order` has ended (filled, canceled, expired or rejected) */
  finished?(order: O): void;
  /** every order is dropped (reset, restore) */
  clear?(): void;
  /** the last trade price of `symbol`, if any (an OCO's legs must not fill or trigger when placed) */
  lastPrice(symbol: string): Decimal | undefined;
}

export interface SimExchangeOptions<O extends PaperOrder> {
  clock: Clock;
  ids: IdSource;
  /** prefixes of the venue's order and trade ids ('P'/'T' on paper) */
  idPrefixes: { order: string; trade: string };
  startingBalances: Record<string, string>;
  /** balance reports after each fill (paper) rather than once when the operation ends (backtests) */
  balancesEachFill: boolean;
  /** A report listener threw. Default: rethrown on a microtask, so it is neither lost nor able to undo a fill. */
  onListenerError?: (err: unknown) => void;
  workingOrders?: WorkingOrders;
  matcher: (core: SimExchange<O>) => Matcher<O>;
}

/** One simulated exchange: a ledger, working orders and their reports, with a matcher plugged in. */
export class SimExchange<O extends PaperOrder> {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly ledger: BalanceLedger;
  readonly orders: WorkingOrders;
  readonly reports: ReportStream;
  private readonly matcher: Matcher<O>;
  private readonly idPrefixes: { order: string; trade: string };
  private readonly balancesEachFill: boolean;
  private seq = 0;

  constructor(options: SimExchangeOptions<O>) {
    this.clock = options.clock;
    this.ids = options.ids;
    this.idPrefixes = options.idPrefixes;
    this.balancesEachFill = options.balancesEachFill;
    this.orders = options.workingOrders ?? new WorkingOrders();
    this.ledger = new BalanceLedger(parseStartingBalances(options.startingBalances));
    this.reports = new ReportStream(
      options.onListenerError ??
        ((err) =>
          queueMicrotask(() => {
            throw err;
          })),
    );
    this.matcher = options.matcher(this);
  }

  onReport(listener: (report: ExecutionReport) => void): () => void {
    return this.reports.subscribe(listener);
  }

  balances(): VenueBalance[] {
    return this.ledger.balances();
  }

  createOrder(request: VenueOrderRequest): VenueAck {
    return this.operate(() => this.place(request));
  }

  editOrder(ref: VenueOrderRef, changes: VenueOrderChanges): void {
    this.operate(() => this.amend(ref, changes));
  }

  cancelOrder(ref: VenueOrderRef): void {
    this.operate(() => this.cancel(ref));
  }

  placeOco(request: VenueOcoRequest): VenueOcoAck {
    return this.operate(() => this.placeList(request));
  }

  /** Drops every order and sets the balances back to `startingBalances`. Emits no reports. */
  reset(startingBalances: Record<string, string>): void {
    const balances = parseStartingBalances(startingBalances);
    this.clear();
    this.ledger.replace(balances);
  }

  /** Drops every order (before a restore). */
  clear(): void {
    this.orders.clear();
    this.lists.clear();
    this.matcher.clear?.();
  }

  /** Runs one request or market event, then delivers the reports it produced. */
  operate<T>(work: () => T): T {
    return this.reports.run(work, () => this.ledger.takeChanges(), () => this.clock.now());
  }

  /** The next time priority: later than every order's so far. */
  nextSeq(): number {
    return ++this.seq;
  }

  // ── requests ────────────────────────────────────────────────────────────

  private place(request: VenueOrderRequest): VenueAck {
    const spec = this.matcher.spec(request.symbol);
    checkOrderRequest(request, spec);
    if (this.orders.knowsClientOrderId(request.clientOrderId)) {
      throw new VenueRejection(`duplicate client order id ${request.clientOrderId}: the venue already has an order with it`);
    }
    const order = this.matcher.place(orderFromRequest(request), spec);
    return { venueOrderId: order.venueOrderId };
  }

  /**
   * An OCO list, all or nothing: both legs pass the filters, the stop is not
   * reached and the take profit would not fill at the last price, and the
   * account can pay for the list (its take-profit leg's lock; the stop leg
   * waits under it). Then the stop leg, then the take-profit leg rest.
   */
  private placeList(request: VenueOcoRequest): VenueOcoAck {
    const spec = this.matcher.spec(request.symbol);
    const common = { symbol: request.symbol, side: request.side, quantity: request.quantity, timeInForce: 'GTC' as const, postOnly: false, reduceOnly: true };
    const tpType = request.takeProfit.type ?? 'limit';
    const tpRequest: VenueOrderRequest = { ...common, clientOrderId: request.takeProfit.clientOrderId, type: tpType, price: request.takeProfit.price, stopPrice: request.takeProfit.stopPrice ?? null };
    const slRequest: VenueOrderRequest = {
      ...common,
      clientOrderId: request.stopLoss.clientOrderId,
      type: request.stopLoss.price ? 'stop_limit' : 'stop_market',
      price: request.stopLoss.price,
      stopPrice: request.stopLoss.stopPrice,
    };
    for (const r of [tpRequest, slRequest]) {
      checkOrderRequest(r, spec);
      if (this.orders.knowsClientOrderId(r.clientOrderId)) throw new VenueRejection(`duplicate client order id ${r.clientOrderId}: the venue already has an order with it`);
    }
    if (tpRequest.clientOrderId === slRequest.clientOrderId) throw new VenueRejection('the two legs of an OCO list need different client order ids');
    const last = this.matcher.lastPrice(request.symbol);
    if (last) {
      const tp = tpRequest.stopPrice ?? tpRequest.price!;
      // a limit that would fill at once, or a take profit trigger the market already reached
      if (tpType === 'limit' ? (request.side === 'sell' ? tp.lte(last) : tp.gte(last)) : triggerReached(tpType, request.side, tp, last)) {
        throw new VenueRejection(`OCO take profit ${request.side} at ${tp.toFixed()} would ${tpType === 'limit' ? 'fill' : 'trigger'} at once: last price ${last.toFixed()}`);
      }
      if (triggerReached(slRequest.type, request.side, request.stopLoss.stopPrice, last)) {
        throw new VenueRejection(`OCO stop ${request.side} at ${request.stopLoss.stopPrice.toFixed()} would trigger at once: last price ${last.toFixed()}`);
      }
    }
    const tp: PaperOrder = { ...orderFromRequest(tpRequest), ocoId: request.ocoId, ocoLeg: 'take_profit' };
    const sl: PaperOrder = { ...orderFromRequest(slRequest), ocoId: request.ocoId, ocoLeg: 'stop_loss' };
    this.requireLockFunds(tp, spec);
    const stop = this.matcher.place(sl, spec);
    const limit = this.matcher.place(tp, spec);
    this.lists.set(request.ocoId, [limit, stop]);
    return { listId: request.ocoId, takeProfit: { venueOrderId: limit.venueOrderId }, stopLoss: { venueOrderId: stop.venueOrderId } };
  }

  /** A restored leg of an OCO list is linked again (restore, after a restart). */
  relink(order: O): void {
    if (!order.ocoId) return;
    const legs = this.lists.get(order.ocoId);
    if (!legs) this.lists.set(order.ocoId, [order, order]);
    else this.lists.set(order.ocoId, order.ocoLeg === 'take_profit' ? [order, legs[1]] : [legs[0], order]);
  }

  /** open OCO lists by id: [take-profit leg, stop leg] */
  private readonly lists = new Map<string, [O, O]>();

  /** The other open leg of `order`'s OCO list, if any. */
  sibling(order: PaperOrder): O | undefined {
    if (!order.ocoId) return undefined;
    const legs = this.lists.get(order.ocoId);
    const other = legs?.find((o) => o !== order);
    return other && this.orders.isOpen(other) ? other : undefined;
  }

  /** Cancels the other leg of `order`'s list (Binance: one triggers, fills or is canceled: the list ends). */
  private endSibling(order: PaperOrder, reason: string): void {
    const other = this.sibling(order);
    if (order.ocoId) this.lists.delete(order.ocoId);
    if (!other) return;
    this.finish(other, 'canceled');
    this.reports.push({ type: 'canceled', clientOrderId: other.clientOrderId, reason, ts: this.clock.now() });
  }

  private amend(ref: VenueOrderRef, changes: VenueOrderChanges): void {
    const order = this.openOrder(ref, 'amend');
    const spec = this.matcher.spec(order.symbol);
    if (changes.price === undefined && changes.quantity === undefined && changes.stopPrice === undefined) throw new VenueRejection('nothing to amend: give a new price, stop price and/or quantity');
    if (order.type === 'market') throw new VenueRejection('a market order cannot be amended');
    if (changes.price !== undefined && worksAsMarketOnceTriggered(order.type)) throw new VenueRejection(`a ${order.type} order has no limit price to amend`);
    const price = changes.price ?? order.price;
    const quantity = changes.quantity ?? order.quantity;
    const stopPrice = changes.stopPrice ?? order.stopPrice;
    if (changes.quantity !== undefined) checkQuantity(quantity, spec);
    if (changes.price !== undefined) checkPrice('price', changes.price, spec);
    if (changes.stopPrice !== undefined) this.checkNewTrigger(order, changes.stopPrice, spec);
    if (!quantity.gt(order.filledQuantity)) {
      throw new VenueRejection(`new quantity ${quantity.toFixed()} must exceed the filled quantity ${order.filledQuantity.toFixed()}`);
    }
    const reference = price ?? stopPrice;
    if (reference) checkNotional(quantity, reference, spec);

    const amended: PaperOrder = { ...order, price, quantity, stopPrice };
    const then = this.matcher.amend(order, amended, spec);
    const need = lockFor(amended, spec);
    const free = this.spendable(order, need.asset);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));

    const repriced = changes.price !== undefined && order.price !== null && !changes.price.eq(order.price);
    // a new price or a larger quantity goes to the back of the queue, as on a venue
    const losesPriority = repriced || quantity.gt(order.quantity);
    if (losesPriority) order.seq = this.nextSeq();
    order.price = price;
    order.quantity = quantity;
    order.stopPrice = stopPrice;
    this.orders.reindex(order);
    // the legs of an OCO list protect one quantity: a new quantity is both legs'
    const other = changes.quantity !== undefined ? this.sibling(order) : undefined;
    if (other && quantity.gt(other.filledQuantity)) {
      other.quantity = quantity;
      this.orders.reindex(other);
      this.reports.push({ type: 'updated', clientOrderId: other.clientOrderId, price: other.price, quantity, ts: this.clock.now() });
    }
    this.ledger.lock(order.venueOrderId, need);
    const moved = changes.stopPrice !== undefined ? { stopPrice: order.stopPrice } : {};
    this.reports.push({ type: 'updated', clientOrderId: order.clientOrderId, price: order.price, quantity: order.quantity, ...moved, ts: this.clock.now() });
    then?.(losesPriority);
  }

  /** A waiting stop or take profit moved to `stopPrice`: on the price grid, and not where the market already is (it would fire at once). */
  private checkNewTrigger(order: O, stopPrice: Decimal, spec: InstrumentSpec): void {
    if (!needsStopPrice(order.type)) throw new VenueRejection(`a ${order.type} order has no stop price to amend`);
    if (order.triggered) throw new VenueRejection(`the ${order.type} already triggered: its stop price can no longer be amended`);
    checkPrice('stop price', stopPrice, spec);
    const early = immediateTriggerReason(order.type, order.side, stopPrice, this.matcher.lastPrice(order.symbol));
    if (early) throw new VenueRejection(early);
  }

  private cancel(ref: VenueOrderRef): void {
    const order = this.openOrder(ref, 'cancel');
    this.finish(order, 'canceled');
    this.reports.push({ type: 'canceled', clientOrderId: order.clientOrderId, reason: null, ts: this.clock.now() });
    this.endSibling(order, 'oco: the other leg was canceled');
  }

  // ── for matchers ────────────────────────────────────────────────────────

  /** Gives `order` its venue order id and time priority; reports 'accepted' unless it is not to rest (a backtest's market order in flight). */
  accept(order: O, announce = true): void {
    order.venueOrderId = this.ids.next(this.idPrefixes.order);
    order.seq = this.nextSeq();
    if (!announce) return;
    const { clientOrderId, venueOrderId } = order;
    const starts = order.trailing ? { stopPrice: order.stopPrice, trailing: order.trailing } : {};
    this.reports.push({ type: 'accepted', clientOrderId, venueOrderId, ...starts, ts: this.clock.now() });
  }

  /**
   * A stop reached its price: reported, and the other leg of its OCO list is
   * canceled first, so the stop's order can spend what that leg held.
   */
  triggered(order: O, spec: InstrumentSpec): void {
    this.reports.push({ type: 'triggered', clientOrderId: order.clientOrderId, ts: this.clock.now() });
    if (!order.ocoId) return;
    this.endSibling(order, order.ocoLeg === 'take_profit' ? 'oco: the take profit leg triggered' : 'oco: the stop leg triggered');
    // a stop_limit leg now rests as a limit with a lock of its own
    if (this.orders.isOpen(order)) this.ledger.lock(order.venueOrderId, lockFor(order, spec));
  }

  /** A trailing stop's best price and stop moved: filed again and reported, so the OMS keeps its current stop. */
  trailed(order: O): void {
    this.orders.reindex(order);
    this.reports.push({ type: 'updated', clientOrderId: order.clientOrderId, price: order.price, quantity: order.quantity, stopPrice: order.stopPrice, trailing: order.trailing ?? null, ts: this.clock.now() });
  }

  /**
   * Books a fill of `quantity` at `price`: moves the money (fee in quote),
   * ends the order when nothing remains, else locks what its rest may spend,
   * and reports the fill.
   */
  book(order: O, spec: InstrumentSpec, quantity: Decimal, price: Decimal, liquidity: Liquidity): void {
    const notional = quantity.mul(price);
    const fee = feeOf(quantity, price, feeRate(spec, liquidity));
    if (order.side === 'buy') {
      this.ledger.debit(spec.quote, notional.plus(fee));
      this.ledger.credit(spec.base, quantity);
    } else {
      this.ledger.debit(spec.base, quantity);
      this.ledger.credit(spec.quote, notional.minus(fee));
    }
    order.filledQuantity = order.filledQuantity.plus(quantity);
    if (remaining(order).isZero()) this.finish(order, 'filled');
    else if (this.orders.isOpen(order)) this.ledger.lock(order.venueOrderId, lockFor(order, spec));
    this.reports.push({
      type: 'fill',
      clientOrderId: order.clientOrderId,
      venueTradeId: this.ids.next(this.idPrefixes.trade),
      quantity,
      price,
      fee,
      feeAsset: spec.quote,
      liquidity,
      ts: this.clock.now(),
    });
    if (this.balancesEachFill) this.reports.pushBalances(this.ledger.takeChanges(), this.clock.now());
    if (order.ocoId) this.followFill(order);
  }

  /** A leg filled: the other leg ends when this one is done, else shrinks to what this one has left (never more than the list protects). */
  private followFill(order: O): void {
    const other = this.sibling(order);
    if (!other) return;
    if (remaining(order).isZero()) return this.endSibling(order, 'oco: the other leg filled');
    const quantity = other.filledQuantity.plus(remaining(order));
    if (quantity.gte(other.quantity)) return;
    other.quantity = quantity;
    this.orders.reindex(other);
    this.reports.push({ type: 'updated', clientOrderId: other.clientOrderId, price: other.price, quantity, ts: this.clock.now() });
  }

  expire(order: O, reason: string): void {
    this.finish(order, 'expired');
    this.reports.push({ type: 'expired', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  reject(order: O, reason: string): void {
    this.finish(order, 'rejected');
    this.reports.push({ type: 'rejected', clientOrderId: order.clientOrderId, reason, ts: this.clock.now() });
  }

  private finish(order: O, state: ClosedState): void {
    this.orders.close(order, state);
    this.ledger.unlock(order.venueOrderId);
    this.matcher.finished?.(order);
  }

  /** Refuses an order whose lock (its most it can spend while open) exceeds the free balance. */
  requireLockFunds(order: PaperOrder, spec: InstrumentSpec): void {
    const need = lockFor(order, spec);
    const free = this.ledger.free(need.asset);
    if (need.amount.gt(free)) throw new VenueRejection(insufficient(need.asset, need.amount, free));
  }

  /** What `order` may spend of `asset`: the free balance, plus what it holds locked itself. */
  spendable(order: PaperOrder, asset: string): Decimal {
    const held = this.ledger.lockOf(order.venueOrderId);
    return this.ledger.free(asset).plus(held?.asset === asset ? held.amount : ZERO);
  }

  private openOrder(ref: VenueOrderRef, action: 'amend' | 'cancel'): O {
    const found = this.orders.find(ref);
    if (!found) {
      const venueId = ref.venueOrderId ? ` (venue order ${ref.venueOrderId})` : '';
      throw new VenueRejection(`cannot ${action}: no order ${ref.clientOrderId}${venueId} on ${ref.symbol}`);
    }
    if ('closed' in found) throw new VenueRejection(`cannot ${action} order ${ref.clientOrderId}: it is already ${found.closed}`);
    return found.order as O;
  }
}

export function insufficient(asset: string, need: Decimal, free: Decimal): string {
  return `insufficient ${asset}: needs ${need.toFixed()}, free ${free.toFixed()}`;
}
