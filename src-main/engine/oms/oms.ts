import { type ErrorBody, TernError, asTernError, conflict, invalidOrder, notFound } from '../../../src-common/contract/errors.js';
import type { AccountSymbolFilter, AmendOrderParams, PlaceOrderParams } from '../../../src-common/contract/methods.js';
import { orderDto, fillDto, positionDto, balanceDto } from '../dto.js';
import type { Journal } from '../journal.js';
import { type Decimal, dec, floorToStep, str } from '../model/decimal.js';
import { type OrderEvent, canApply, isTerminal } from '../model/order-state.js';
import type { FillRecord, InstrumentSpec, OrderRecord, Side } from '../model/types.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Clock, IdSource } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EngineStore } from '../ports/store.js';
import { type ExecutionReport, type Venue, VenueRejection } from '../ports/venue.js';
import type { OwnerShare } from '../portfolio/strategy-ledger.js';
import { ActiveOrders, type WorkingQuantity } from './active-orders.js';
import { applyFillToOrder, remaining, transition } from './order-lifecycle.js';
import { checkPrice, checkQuantity, reduction, validateOrderShape } from './order-validation.js';
import type { PreTradeCheck, PreTradeContext } from './pre-trade.js';

export interface OmsDeps {
  store: EngineStore;
  journal: Journal;
  portfolio: Portfolio;
  clock: Clock;
  ids: IdSource;
  log: Logger;
  venue(account: string): Venue;
  instrument(account: string, symbol: string): InstrumentSpec;
  mid(account: string, symbol: string): Decimal | undefined;
  checks: PreTradeCheck[];
}

export interface CancelFailure {
  id: string;
  error: ErrorBody['error'];
}

export interface PlaceOptions {
  /** orders the kill switch sends to flatten pass a HALTED state */
  fromKillSwitch?: boolean;
  /** the strategy placing it (from the call context, never from the caller's parameters): the order is its, and may only take from its own position */
  strategyId?: string;
}

const RECENTLY_CLOSED_KEPT = 10_000;
/** venue trade ids remembered to refuse a fill reported twice (websocket duplicates, reconciliation) */
const APPLIED_TRADES_KEPT = 100_000;

/** Orders in, execution reports back: the only place orders change. */
export class Oms {
  /** working orders (not terminal), by id and by client order id */
  private readonly active = new ActiveOrders();
  private readonly byClientId = new Map<string, string>();
  /** the newest closed orders, so answers don't wait on the store (bounded, oldest dropped) */
  private readonly recentlyClosed = new Map<string, OrderRecord>();
  /** `account NUL venueTradeId` of the fills applied this session, oldest first (bounded) */
  private readonly appliedTrades = new Set<string>();
  /** when each working order of this session went to its venue, on the monotonic clock */
  private readonly sentAt = new Map<string, number>();
  /** why a cancel was asked for (the kill switch names itself), given to the order when the venue confirms it */
  private readonly cancelReasons = new Map<string, string>();
  private sessionOrders = 0;
  private sessionFills = 0;

  constructor(private readonly d: OmsDeps) {
  }

  get stats() {
    return { orders_active: this.active.size, orders_session: this.sessionOrders, fills_session: this.sessionFills };
  }

  /** working orders restored from the store at start */
  adopt(order: OrderRecord): void {
    this.track(order);
  }

  /** an order found on a venue that Tern did not place (reconciliation): tracked and journaled as found */
  adoptExternal(order: OrderRecord): void {
    this.track(order);
    this.save(order, 'initialize');
  }

  /**
   * How long ago a working order was sent to its venue (ms): measured on the
   * monotonic clock for orders sent in this session, else (after a restart)
   * from its created_at, never below 0. For grace periods a wall clock set
   * forward or back must not cut short or stretch.
   */
  sentAgo(order: OrderRecord): number {
    const sent = this.sentAt.get(order.id);
    return Math.max(0, sent === undefined ? this.d.clock.now() - order.createdAt : this.d.clock.monotonic() - sent);
  }

  /** whether this session already applied the venue trade `venueTradeId` of `account` */
  hasFill(account: string, venueTradeId: string): boolean {
    return this.appliedTrades.has(`${account}\u0000${venueTradeId}`);
  }

  /** working orders in a scope (max_open_orders) */
  countActive(account?: string, symbol?: string): number {
    return this.active.count(account, symbol);
  }

  /** what the working orders on one side of (account, symbol) have left to fill, `exceptId` left out (the REDUCING gate): kept as they change */
  workingQuantity(account: string, symbol: string, side: Side, exceptId?: string): WorkingQuantity {
    return this.active.working(account, symbol, side, exceptId);
  }

  activeOrders(filter: AccountSymbolFilter = {}): OrderRecord[] {
    return this.active.list(filter.account, filter.symbol);
  }

  /** this session's newest record of an order, if it is in memory */
  private latest(id: string): OrderRecord | undefined {
    return this.active.get(id) ?? this.recentlyClosed.get(id);
  }

  /** by Tern's id or the client order id, from memory first, then the store */
  find(idOrClientId: string): OrderRecord | undefined {
    const id = this.byClientId.get(idOrClientId) ?? idOrClientId;
    return this.active.get(id) ?? this.recentlyClosed.get(id) ?? this.d.store.getOrder(idOrClientId);
  }

  async placeOrder(p: PlaceOrderParams, opts: PlaceOptions = {}): Promise<{ order: OrderRecord; created: boolean }> {
    if (p.client_order_id) {
      const existing = this.find(p.client_order_id);
      if (existing) {
        if (existing.clientOrderId !== p.client_order_id) throw conflict(`client_order_id ${p.client_order_id} is the id of another order`);
        return { order: existing, created: false };
      }
    }
    const venue = this.d.venue(p.account);
    const instrument = this.d.instrument(p.account, p.symbol);
    const now = this.d.clock.now();
    let order: OrderRecord = {
      id: this.d.ids.next('O'),
      clientOrderId: p.client_order_id ?? this.d.ids.next('tern'),
      ...(opts.strategyId !== undefined ? { strategyId: opts.strategyId } : {}),
      account: p.account,
      symbol: p.symbol,
      side: p.side,
      type: p.type,
      quantity: dec(p.quantity),
      price: p.price ? dec(p.price) : null,
      stopPrice: p.stop_price ? dec(p.stop_price) : null,
      timeInForce: p.time_in_force,
      postOnly: p.post_only,
      reduceOnly: p.reduce_only,
      state: 'initialized',
      previousState: null,
      filledQuantity: dec(0),
      averagePrice: null,
      fees: dec(0),
      rejectReason: null,
      venueOrderId: null,
      createdAt: now,
      updatedAt: now,
    };
    const mid = this.d.mid(p.account, p.symbol);
    validateOrderShape(order, instrument, mid);
    const position = this.d.portfolio.positionQuantity(p.account, p.symbol);
    if (order.reduceOnly) checkReducesPosition(order, position);
    if (order.strategyId !== undefined) this.checkStrategyShare(order, position);
    const context: PreTradeContext = { instrument, position, mid, now, monotonic: this.d.clock.monotonic(), fromKillSwitch: opts.fromKillSwitch ?? false };
    for (const check of this.d.checks) check.check(order, context);

    this.track(order);
    this.sessionOrders += 1;
    for (const check of this.d.checks) check.onAccepted?.(order, context);
    this.save(order, 'initialize');
    // Journaled before it leaves the process: a crash from here on finds the order in the store.
    // The kill switch's flatten orders go out even while the store cannot be written: getting out
    // matters more; one lost in a crash meanwhile is adopted from the exchange by reconciliation.
    const hold = opts.fromKillSwitch === true;
    try {
      await this.committed(hold);
    } catch (err) {
      // never sent: settled as rejected (journaled with the rest once the store can be written), not left initialized
      this.apply(order.id, 'reject', { rejectReason: `not sent: ${err instanceof Error ? err.message : String(err)}` });
      throw err;
    }

    order = this.apply(order.id, 'submit') ?? order;
    this.sentAt.set(order.id, this.d.clock.monotonic());
    try {
      const ack = await venue.createOrder({
        clientOrderId: order.clientOrderId,
        symbol: order.symbol,
        side: order.side,
        type: order.type,
        quantity: order.quantity,
        price: order.price,
        stopPrice: order.stopPrice,
        timeInForce: order.timeInForce,
        postOnly: order.postOnly,
        reduceOnly: order.reduceOnly,
      });
      this.noteVenueId(order.id, ack.venueOrderId);
    } catch (err) {
      if (err instanceof VenueRejection) {
        // Refused for certain: settled now, so a retry with this client id finds the answer.
        const retry = err.kind === 'rate_limited' ? '; to try again, place it with a new client_order_id' : '';
        this.apply(order.id, 'reject', { rejectReason: `${err.reason}${retry}` });
        if (err.kind === 'rate_limited') {
          await this.committed(hold);
          throw rateLimitedOrder(this.latest(order.id) ?? order, err);
        }
      } else {
        // No answer is not a refusal: the order stays pending until reconciliation finds out.
        this.d.log.warn({ err: String(err), order: order.id }, 'venue did not answer createOrder');
        await this.committed(hold);
        throw venueUnavailable(err);
      }
    }
    await this.committed(hold);
    return { order: this.latest(order.id) ?? order, created: true };
  }

  async amendOrder(p: AmendOrderParams): Promise<OrderRecord> {
    if (!p.price && !p.quantity) throw invalidOrder('price', 'an amendment needs a new price or quantity');
    const order = this.workingOrder(p.id);
    if (order.state === 'pending_update' || order.state === 'pending_cancel') throw conflict(`order ${order.id} has a request in flight (${order.state})`);
    if (order.state === 'initialized') throw conflict(`order ${order.id} is still being submitted`);
    if (p.price && order.type === 'market') throw invalidOrder('price', 'a market order has no price to amend');
    if (p.price && order.type === 'stop_market') throw invalidOrder('price', 'a stop_market order has no limit price; cancel and replace to move its stop');
    const instrument = this.d.instrument(order.account, order.symbol);
    const price = p.price ? dec(p.price) : undefined;
    const quantity = p.quantity ? dec(p.quantity) : undefined;
    if (price) checkPrice('price', price, instrument);
    if (quantity) {
      checkQuantity(quantity, instrument);
      if (quantity.lte(order.filledQuantity)) {
        throw invalidOrder('quantity', `quantity ${str(quantity)} must exceed the filled quantity ${str(order.filledQuantity)}`);
      }
    }
    const amended: OrderRecord = { ...order, price: price ?? order.price, quantity: quantity ?? order.quantity };
    const context: PreTradeContext = {
      instrument,
      position: this.d.portfolio.positionQuantity(order.account, order.symbol),
      mid: this.d.mid(order.account, order.symbol),
      now: this.d.clock.now(),
      monotonic: this.d.clock.monotonic(),
      fromKillSwitch: false,
    };
    if (amended.reduceOnly) checkReducesPosition({ ...amended, quantity: remaining(amended) }, context.position);
    if (amended.strategyId !== undefined) this.checkStrategyShare({ ...amended, quantity: remaining(amended) }, context.position);
    for (const check of this.d.checks) check.check(amended, context);

    this.apply(order.id, 'request_update');
    await this.d.journal.durable();
    try {
      await this.d.venue(order.account).editOrder(
        { clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, symbol: order.symbol, quantity: order.quantity, filledQuantity: order.filledQuantity },
        { ...(price ? { price } : {}), ...(quantity ? { quantity } : {}) },
      );
      const now = this.active.get(order.id);
      if (now?.state === 'pending_update') this.apply(order.id, 'update', { price: amended.price, quantity: amended.quantity });
    } catch (err) {
      if (err instanceof VenueRejection) {
        if (this.active.get(order.id)?.state === 'pending_update') this.apply(order.id, 'update_rejected');
        await this.d.journal.durable();
        if (err.kind === 'order') throw invalidOrder(quantity ? 'quantity' : 'price', `amendment refused: ${err.reason}`, err.details);
        throw refusedRequest(`the amendment of order ${order.id} was refused; the order is unchanged`, order, err);
      }
      await this.d.journal.durable();
      throw venueUnavailable(err);
    }
    await this.d.journal.durable();
    return this.latest(order.id) ?? order;
  }

  /**
   * Cancels a working order. A second cancel of an order already pending
   * cancel returns it as it is, unless `resend` asks to send the request to
   * the venue again (the kill switch retrying a venue that did not answer).
   */
  async cancelOrder(idOrClientId: string, opts: { resend?: boolean; reason?: string } = {}): Promise<OrderRecord> {
    const order = this.workingOrder(idOrClientId);
    if (order.state === 'pending_cancel' && !opts.resend) return order;
    if (order.state === 'initialized') throw conflict(`order ${order.id} is still being submitted; retry`);
    if (opts.reason) this.cancelReasons.set(order.id, opts.reason);
    if (order.state !== 'pending_cancel') this.apply(order.id, 'request_cancel');
    await this.committed(true);
    try {
      await this.d.venue(order.account).cancelOrder({ clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, symbol: order.symbol });
    } catch (err) {
      if (err instanceof VenueRejection) {
        const now = this.active.get(order.id);
        this.cancelReasons.delete(order.id);
        if (now?.state === 'pending_cancel') this.apply(order.id, 'cancel_rejected');
        await this.committed(true);
        const after = this.find(order.id);
        if (after && isTerminal(after.state)) return after;
        if (err.kind === 'order') throw conflict(`cancel refused: ${err.reason}`, { id: order.id, ...err.details });
        throw refusedRequest(`the cancel of order ${order.id} was refused; the order is still working`, order, err);
      }
      await this.committed(true);
      throw venueUnavailable(err);
    }
    await this.committed(true);
    return this.latest(order.id) ?? order;
  }

  /**
   * Waits for the journal. `hold`: what must get the trader out (cancels, the
   * kill switch's flatten orders) goes on while the store cannot be written,
   * its entries held in memory until it can (the engine tells the caller).
   */
  private async committed(hold: boolean): Promise<void> {
    if (hold) await this.d.journal.durableOrHeld();
    else await this.d.journal.durable();
  }

  /** Cancels every matching working order; each one that could not be canceled is listed with its error. */
  async cancelAll(filter: AccountSymbolFilter): Promise<{ canceled: string[]; failed: CancelFailure[] }> {
    const targets = this.activeOrders(filter).filter((o) => o.state !== 'initialized');
    const results = await Promise.allSettled(targets.map((o) => this.cancelOrder(o.id)));
    const canceled: string[] = [];
    const failed: CancelFailure[] = [];
    results.forEach((r, i) => {
      const id = targets[i]!.id;
      if (r.status === 'fulfilled') {
        if (r.value.state === 'canceled' || r.value.state === 'pending_cancel') canceled.push(id);
      } else {
        if (!(r.reason instanceof TernError)) this.d.log.error({ order: id, err: String(r.reason) }, 'cancel failed unexpectedly');
        failed.push({ id, error: asTernError(r.reason).toBody().error });
      }
    });
    return { canceled, failed };
  }

  /**
   * positions.close as the trader asks it: the close, and whose shares it
   * takes (the trader's first, then the strategies' in id order: the rule
   * the ledger applies to its fill). From a strategy, its own position only.
   */
  async closeForOwners(account: string, symbol: string, quantity: string | undefined, strategyId?: string): Promise<{ order: OrderRecord; closes: OwnerShare[] }> {
    const opts = strategyId !== undefined ? { strategyId } : {};
    const close = this.closeOrder(account, symbol, quantity, opts);
    const size = dec(close.quantity);
    // planned before it is placed: a paper fill lands before placeOrder returns
    const closes = strategyId !== undefined ? [{ strategyId, quantity: size }] : this.d.portfolio.strategies.allocate(account, symbol, this.d.portfolio.positionQuantity(account, symbol), close.side, size);
    const { order } = await this.placeOrder(close, opts);
    return { order, closes };
  }

  async closePosition(account: string, symbol: string, quantity: string | undefined, opts: PlaceOptions = {}): Promise<OrderRecord> {
    const { order } = await this.placeOrder(this.closeOrder(account, symbol, quantity, opts), opts);
    return order;
  }

  /** the reduce-only market order that closes a position (a strategy's: its own share), all of it or `quantity` */
  private closeOrder(account: string, symbol: string, quantity: string | undefined, opts: PlaceOptions): PlaceOrderParams {
    const position = opts.strategyId !== undefined ? this.d.portfolio.strategies.quantity(opts.strategyId, account, symbol) : this.d.portfolio.positionQuantity(account, symbol);
    if (position.isZero()) throw conflict(`no open position in ${symbol} on ${account}${opts.strategyId !== undefined ? ` held by strategy ${opts.strategyId}` : ''}`);
    const instrument = this.d.instrument(account, symbol);
    let size = position.abs();
    if (quantity) {
      const wanted = dec(quantity);
      if (wanted.gt(size)) throw invalidOrder('quantity', `quantity ${quantity} exceeds the position ${str(size)}`);
      size = wanted;
    }
    size = floorToStep(size, instrument.sizeIncrement);
    if (size.isZero()) throw invalidOrder('quantity', `the position is smaller than one size increment ${str(instrument.sizeIncrement)}`);
    return { account, symbol, side: position.isPositive() ? 'sell' : 'buy', type: 'market', quantity: str(size), time_in_force: 'IOC', post_only: false, reduce_only: true };
  }

  /** reports from a venue, applied in order; impossible ones are logged and dropped */
  onReport(account: string, report: ExecutionReport): void {
    if (report.type === 'balance') {
      const balance = { account, asset: report.asset, total: report.total, locked: report.locked, updatedAt: report.ts };
      this.d.portfolio.setBalance(balance);
      this.d.journal.record({ type: 'balance', balance });
      this.d.journal.publish('balances', 'balances', () => balanceDto(balance));
      return;
    }
    const id = this.byClientId.get(report.clientOrderId);
    const order = id ? this.active.get(id) : undefined;
    if (!order) {
      this.d.log.warn({ account, report: report.type, clientOrderId: report.clientOrderId }, 'report for an order that is not working; dropped');
      return;
    }
    switch (report.type) {
      case 'accepted':
        this.noteVenueId(order.id, report.venueOrderId);
        if (order.state === 'submitted' || order.state === 'pending_update') this.apply(order.id, 'accept', {}, report.ts);
        return;
      case 'rejected':
        this.apply(order.id, 'reject', { rejectReason: report.reason }, report.ts);
        return;
      case 'triggered':
        this.apply(order.id, 'trigger', {}, report.ts);
        return;
      case 'updated':
        this.apply(order.id, 'update', { price: report.price ?? order.price, quantity: report.quantity }, report.ts);
        return;
      case 'update_rejected':
        this.apply(order.id, 'update_rejected', {}, report.ts);
        return;
      case 'canceled': {
        const reason = report.reason ?? this.cancelReasons.get(order.id);
        this.apply(order.id, 'cancel', reason ? { rejectReason: reason } : {}, report.ts);
        return;
      }
      case 'cancel_rejected':
        this.cancelReasons.delete(order.id);
        this.apply(order.id, 'cancel_rejected', {}, report.ts);
        return;
      case 'expired':
        this.apply(order.id, 'expire', report.reason ? { rejectReason: report.reason } : {}, report.ts);
        return;
      case 'fill':
        this.applyFill(order, report);
        return;
    }
  }

  /** orders a restart interrupted before the in-process venue saw them: they never reached it */
  rejectUnsent(account: string, reason: string): void {
    for (const o of this.activeOrders({ account })) {
      if (o.state === 'initialized' || o.state === 'submitted') this.apply(o.id, 'reject', { rejectReason: reason });
      else if (o.state === 'pending_cancel') this.apply(o.id, 'cancel_rejected');
      else if (o.state === 'pending_update') this.apply(o.id, 'update_rejected');
    }
  }

  /** a working order its in-process venue could not take back after a restart */
  expireLost(clientOrderId: string, reason: string): void {
    const id = this.byClientId.get(clientOrderId);
    if (id) this.apply(id, 'expire', { rejectReason: reason });
  }

  /** forget an account's working orders (paper reset); the store drops them by the reset entry */
  dropAccount(account: string): void {
    for (const o of this.activeOrders({ account })) {
      this.active.delete(o.id);
      this.byClientId.delete(o.clientOrderId);
      this.sentAt.delete(o.id);
    }
  }

  private applyFill(order: OrderRecord, report: Extract<ExecutionReport, { type: 'fill' }>): void {
    const tradeKey = `${order.account}\u0000${report.venueTradeId}`;
    if (this.appliedTrades.has(tradeKey)) return; // the same trade reported again: applied once
    if (report.quantity.gt(remaining(order))) {
      this.d.log.error({ order: order.id, fill: str(report.quantity), remaining: str(remaining(order)) }, 'fill larger than the remaining quantity; dropped');
      return;
    }
    const fill: FillRecord = {
      id: this.d.ids.next('F'),
      orderId: order.id,
      clientOrderId: order.clientOrderId,
      account: order.account,
      symbol: order.symbol,
      side: order.side,
      quantity: report.quantity,
      price: report.price,
      fee: report.fee,
      feeAsset: report.feeAsset,
      liquidity: report.liquidity,
      venueTradeId: report.venueTradeId,
      ts: report.ts,
      ...(order.strategyId !== undefined ? { strategyId: order.strategyId } : {}),
    };
    let next: OrderRecord;
    try {
      next = applyFillToOrder(order, fill);
    } catch (err) {
      this.d.log.error({ order: order.id, state: order.state, err: String(err) }, 'fill refused by the order state table');
      return;
    }
    this.sessionFills += 1;
    this.appliedTrades.add(tradeKey);
    if (this.appliedTrades.size > APPLIED_TRADES_KEPT) this.appliedTrades.delete(this.appliedTrades.values().next().value!);
    this.d.journal.record({ type: 'fill', fill });
    this.d.journal.publish('fills', 'fills', () => fillDto(fill));
    this.commitOrder(next, next.state === 'filled' ? 'fill' : 'partial_fill');
    const before = this.d.portfolio.positionQuantity(fill.account, fill.symbol);
    const position = this.d.portfolio.applyFill(fill);
    this.d.journal.record({ type: 'position', position });
    for (const owned of this.d.portfolio.strategies.applyFill(fill, before)) this.d.journal.record({ type: 'strategy_position', position: owned });
    this.d.journal.publish('positions', 'positions', () => positionDto(position, this.d.mid(order.account, order.symbol), this.d.portfolio.owners(order.account, order.symbol)));
  }

  /**
   * Rule strategy_position: a strategy's order that would reduce the
   * account's position takes only from the strategy's own share, less what
   * its working orders on that side already take; the rest of the position
   * belongs to other owners (the trader, other strategies).
   */
  private checkStrategyShare(order: Pick<OrderRecord, 'id' | 'strategyId' | 'account' | 'symbol' | 'side' | 'quantity'>, accountPosition: Decimal): void {
    const strategyId = order.strategyId!;
    const reduces = order.side === 'sell' ? accountPosition.gt(0) : accountPosition.lt(0);
    if (!reduces) return;
    const own = this.d.portfolio.strategies.quantity(strategyId, order.account, order.symbol);
    const ownSide = order.side === 'sell' ? own : own.neg();
    let working = dec(0);
    for (const o of this.active.list(order.account, order.symbol)) {
      if (o.id !== order.id && o.strategyId === strategyId && o.side === order.side && o.state !== 'pending_cancel') working = working.add(remaining(o));
    }
    const available = ownSide.sub(working);
    if (order.quantity.lte(available)) return;
    const room = available.gt(0) ? str(available) : '0';
    throw invalidOrder(
      'quantity',
      `strategy ${strategyId} may ${order.side} at most ${room} ${order.symbol}: its own position is ${str(own)}${working.isZero() ? '' : ` with ${str(working)} in working ${order.side}s`}; the rest of the account's ${str(accountPosition)} belongs to other owners`,
      { rule: 'strategy_position', strategy_id: strategyId, own_position: str(own), working: str(working), account_position: str(accountPosition), available: room },
    );
  }

  private workingOrder(idOrClientId: string): OrderRecord {
    const order = this.find(idOrClientId);
    if (!order) throw notFound('order', idOrClientId);
    if (isTerminal(order.state)) throw conflict(`order ${order.id} is already ${orderDto(order).status}`, { id: order.id, status: orderDto(order).status });
    return order;
  }

  private apply(id: string, event: OrderEvent, patch: Partial<OrderRecord> = {}, ts = this.d.clock.now()): OrderRecord | undefined {
    const order = this.active.get(id);
    if (!order) return undefined;
    if (!canApply(order.state, event)) {
      this.d.log.warn({ order: id, state: order.state, event }, 'impossible order transition refused');
      return undefined;
    }
    const next = transition(order, event, ts, patch);
    this.commitOrder(next, event);
    return next;
  }

  private noteVenueId(id: string, venueOrderId: string): void {
    const order = this.active.get(id);
    if (order && order.venueOrderId !== venueOrderId) this.active.set(id, { ...order, venueOrderId });
  }

  private commitOrder(order: OrderRecord, event: OrderEvent): void {
    if (isTerminal(order.state)) {
      this.active.delete(order.id);
      this.byClientId.delete(order.clientOrderId);
      this.sentAt.delete(order.id);
      this.cancelReasons.delete(order.id);
      this.recentlyClosed.set(order.id, order);
      if (this.recentlyClosed.size > RECENTLY_CLOSED_KEPT) this.recentlyClosed.delete(this.recentlyClosed.keys().next().value!);
    } else this.active.set(order.id, order);
    this.save(order, event);
  }

  private save(order: OrderRecord, event: OrderEvent | 'initialize'): void {
    this.d.journal.record({ type: 'order', event, order });
    this.d.journal.publish('orders', 'orders', () => orderDto(order));
  }

  private track(order: OrderRecord): void {
    this.active.set(order.id, order);
    this.byClientId.set(order.clientOrderId, order.id);
  }
}

/** reduce_only: the order must shrink the position and never flip it */
function checkReducesPosition(order: Pick<OrderRecord, 'side' | 'quantity'>, position: Decimal): void {
  const effect = reduction(order.side, order.quantity, position);
  if (effect === 'grows') throw invalidOrder('reduce_only', `a reduce_only ${order.side} needs a ${order.side === 'buy' ? 'short' : 'long'} position; the position is ${str(position)}`);
  if (effect === 'flips') {
    throw invalidOrder('reduce_only', `reduce_only quantity ${str(order.quantity)} would flip the position ${str(position)}`);
  }
}

/** A placement the venue's rate limit refused: RATE_LIMITED (the caller should slow down), naming the rejected order. */
function rateLimitedOrder(order: OrderRecord, err: VenueRejection): TernError {
  const wait = err.retryAfterS ?? 1;
  return new TernError(
    'RATE_LIMITED',
    `order ${order.id} (client_order_id ${order.clientOrderId}) was rejected: ${err.reason}. Place it again after ${wait} s with a new client_order_id`,
    { ...err.details, order_id: order.id, client_order_id: order.clientOrderId, status: 'rejected', retry_after_s: wait },
  );
}

/** A cancel or amendment refused for a reason that is not the order's: the venue's rate limit, or its clock, key or gateway. */
function refusedRequest(what: string, order: OrderRecord, err: VenueRejection): TernError {
  const details = { ...err.details, id: order.id, client_order_id: order.clientOrderId };
  if (err.kind === 'rate_limited') {
    const wait = err.retryAfterS ?? 1;
    return new TernError('RATE_LIMITED', `${what}: ${err.reason}; retry after ${wait} s`, { ...details, retry_after_s: wait });
  }
  return new TernError('VENUE_UNAVAILABLE', `${what}: ${err.reason}`, details);
}

function venueUnavailable(err: unknown): TernError {
  // A venue that says why (rate limited, unavailable) keeps its code; its message says the order stays pending.
  if (err instanceof TernError) return err;
  return new TernError('VENUE_UNAVAILABLE', `the venue did not answer; the order stays pending until reconciliation (${err instanceof Error ? err.message : String(err)})`);
}
