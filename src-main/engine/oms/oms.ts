import { type ErrorBody, TernError, asTernError, conflict, invalidOrder, notFound } from '../../../src-common/contract/errors.js';
import { type OcoTakeProfitType, isTriggerType, needsLimitPrice, needsStopPrice, worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import type { AccountSymbolFilter, AmendOrderParams, PlaceOcoParams, PlaceOrderParams, ProtectPositionParams } from '../../../src-common/contract/methods.js';
import { orderDto, fillDto, positionDto, balanceDto } from '../dto.js';
import type { Journal } from '../journal.js';
import { type Decimal, ZERO, dec, floorToStep, maxDec, str } from '../model/decimal.js';
import { type OrderEvent, canApply, isTerminal } from '../model/order-state.js';
import { trailingStep } from '../model/trailing.js';
import { keepNewest } from '../model/bounded.js';
import type { AttachedExits, FillRecord, InstrumentSpec, OrderProtection, OrderRecord, TrailingTerms, Side } from '../model/types.js';
import type { MarketEvent } from '../ports/market-data.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Clock, IdSource } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EngineStore } from '../ports/store.js';
import { type ExecutionReport, type Venue, type VenueOrderRequest, VenueRejection } from '../ports/venue.js';
import type { OwnerShare } from '../portfolio/strategy-ledger.js';
import { ActiveOrders, type WorkingQuantity } from './active-orders.js';
import { applyFillToOrder, remaining, transition } from './order-lifecycle.js';
import { checkPrice, checkQuantity, reduction, validateOrderShape } from './order-validation.js';
import type { PreTradeCheck, PreTradeContext } from './pre-trade.js';
import { checkAttached, checkExits, checkTriggerAhead, checkTrailingTerms } from './protection-rules.js';
import { TriggerBook } from './trigger-book.js';
import { exitsHeldBy, ocoHeldBy, trailingHeldBy, triggerHeldBy } from './held-by.js';
import { type OrderCheckResult, PREVIEW_IDS, previewChecks, refusedAt } from './order-check.js';

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
  /** how often a moving trailing stop is journaled at most (ms; default 250): memory is current on every tick */
  trailJournalMs?: number;
  /** how many closed orders stay in memory (default 10,000); older ones are read from the store (tests lower it) */
  closedOrdersKept?: number;
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
  /** the API key placing it (from the call context): the key's own limits, accounts and halt apply */
  keyId?: string;
  /** an attached exit: its entry, and which exit it is */
  parentId?: string;
  role?: 'take_profit' | 'stop_loss';
  /** a positions.protect order: its group, resized with the position */
  group?: string;
}

const RECENTLY_CLOSED_KEPT = 10_000;
/** the setting naming the entries whose exits are owed (see Oms.owedJournaled) */
const EXITS_OWED = 'oms.exits_owed';
/** venue trade ids remembered to refuse a fill reported twice (websocket duplicates, reconciliation) */
const APPLIED_TRADES_KEPT = 100_000;

/** Orders in, execution reports back: the only place orders change. */
export class Oms {
  /** working orders (not terminal), by id and by client order id */
  private readonly active = new ActiveOrders();
  private readonly byClientId = new Map<string, string>();
  /** the newest closed orders, so answers don't wait on the store (bounded, oldest dropped) */
  private readonly recentlyClosed = new Map<string, OrderRecord>();
  private readonly trimRecentlyClosed: () => void;
  /** `account NUL venueTradeId` of the fills applied this session, oldest first (bounded) */
  private readonly appliedTrades = new Set<string>();
  private readonly trimAppliedTrades = keepNewest(this.appliedTrades, APPLIED_TRADES_KEPT);
  /** when each working order of this session went to its venue, on the monotonic clock */
  private readonly sentAt = new Map<string, number>();
  /** why a cancel was asked for (the kill switch names itself), given to the order when the venue confirms it */
  private readonly cancelReasons = new Map<string, string>();
  private sessionOrders = 0;
  private sessionFills = 0;
  /** OCO groups: group id → its legs' order ids (take profit first) */
  private readonly groups = new Map<string, string[]>();
  /** the stops Tern holds (held_by 'tern') until they fire */
  private readonly triggers = new TriggerBook((account, symbol) => this.d.instrument(account, symbol).priceIncrement);
  /** venue-held trailing stops whose moves are in memory, not yet journaled */
  private readonly trailMoved = new Set<string>();
  private trailFlush: ReturnType<typeof setTimeout> | null = null;
  /** triggers restored at start that have not seen a price yet: one already crossed fires and says it happened while Tern was down */
  private readonly unchecked = new Set<string>();
  /** stops Tern fired just before it stopped whose order its in-process venue never kept: sent on their first price */
  private readonly firedUnsent = new Set<string>();
  /** legs of Tern's own groups a restart rejected as never sent: their other legs go once the venue is back */
  private readonly halfPlaced = new Set<string>();

  /** attached exits owed per entry (filled, not yet covered by an exit) and the entries whose exits are being placed */
  private readonly exitsOwed = new Map<string, Decimal>();
  private readonly exitsBusy = new Set<string>();
  /**
   * The entries owing exits, journaled (setting EXITS_OWED) in the batch of the fill that
   * owes them and dropped once they are placed: a kill -9 in between leaves the entry
   * named, and the restart places what its exits do not cover (placeOwedExits).
   */
  private readonly owedJournaled = new Set<string>();
  /** why exits about to be placed are placed (a restart), said on each */
  private readonly exitNotes = new Map<string, string>();
  /** positions.protect groups, resized with their position */
  private readonly protecting = new Set<string>();
  /** venue-held protect lists being canceled and placed again (old group id), and whether their position changed again meanwhile */
  private readonly relisting = new Map<string, { account: string; symbol: string; again: boolean }>();
  /** venue lists whose take profit filled in part and whose stop the exchange ended: re-listed once a trade moves off the take profit */
  private readonly restWaiting = new Map<string, { account: string; symbol: string; tpId: string; slId: string }>();

  constructor(private readonly d: OmsDeps) {
    this.trimRecentlyClosed = keepNewest(this.recentlyClosed, d.closedOrdersKept ?? RECENTLY_CLOSED_KEPT);
    const owed = d.store.loadSetting(EXITS_OWED);
    if (Array.isArray(owed)) for (const id of owed) if (typeof id === 'string') this.owedJournaled.add(id);
  }

  get stats() {
    return { orders_active: this.active.size, orders_session: this.sessionOrders, fills_session: this.sessionFills };
  }

  /** working orders restored from the store at start */
  adopt(order: OrderRecord): void {
    this.track(order);
    if (order.protection?.followsPosition && order.protection.ocoId) this.protecting.add(order.protection.ocoId);
    if (this.isHeldTrigger(order)) {
      this.armTrigger(order);
      this.unchecked.add(order.id);
    }
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
    if (this.triggers.moved(id)) this.journalTrailing();
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
    const { order: drafted, context } = this.draftOrder(p, opts, this.d.ids);
    let order = drafted;
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
      // An in-process venue (paper) dies with the process and shows nothing before the commit that
      // ends this order's ack: its order, fills and the rest are committed together, all or nothing.
      // Unless that commit looks likely to fail: then the order must stay unsent, as for any venue.
      if (venue.mode !== 'paper' || !this.d.journal.likelyWritable) await this.committed(hold);
    } catch (err) {
      // never sent: settled as rejected (journaled with the rest once the store can be written), not left initialized
      this.apply(order.id, 'reject', { rejectReason: `not sent: ${err instanceof Error ? err.message : String(err)}` });
      throw err;
    }

    order = this.apply(order.id, 'submit') ?? order;
    if (this.isHeldTrigger(order)) {
      order = this.apply(order.id, 'accept') ?? order;
      this.armTrigger(order);
      await this.committed(hold);
      return { order: this.latest(order.id) ?? order, created: true };
    }
    this.sentAt.set(order.id, this.d.clock.monotonic());
    try {
      const request: VenueOrderRequest = {
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
        trailing: order.trailing ?? null,
      };
      // an in-process venue answers inside the call: the ack then waits only for the commit, which its fills join
      const ack = venue.createOrderNow ? venue.createOrderNow(request) : await venue.createOrder(request);
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

  /**
   * orders.check: what placeOrder would answer now, without placing (no id
   * taken, nothing tracked, counted or journaled), and who would hold the
   * order's protective part.
   */
  checkOrder(p: PlaceOrderParams, owner: Pick<PlaceOptions, 'strategyId' | 'keyId'> = {}): OrderCheckResult {
    const venue = this.d.venue(p.account);
    const exits = { takeProfit: p.take_profit, stopLoss: p.stop_loss };
    const heldBy =
      p.type === 'trailing_stop' ? trailingHeldBy(venue) : needsStopPrice(p.type) ? triggerHeldBy(venue, p.type) : exits.takeProfit || exits.stopLoss ? exitsHeldBy(venue, exits) : null;
    let draft: { order: OrderRecord; context: PreTradeContext };
    try {
      draft = this.draftOrder(p, owner, PREVIEW_IDS);
    } catch (err) {
      return refusedAt(err, heldBy);
    }
    return { heldBy, refusals: previewChecks(draft.order, draft.context, this.d.checks) };
  }

  /** orders.check for an OCO pair: each leg as placeOco would check it */
  checkOco(p: PlaceOcoParams, owner: Pick<PlaceOptions, 'strategyId' | 'keyId'> = {}): OrderCheckResult {
    const heldBy = ocoHeldBy(this.d.venue(p.account));
    try {
      const { legs, context, instrument, mid } = this.draftOco(p, owner, PREVIEW_IDS);
      const refusals = [];
      for (const o of legs) {
        validateOrderShape(o, instrument, mid);
        refusals.push(...previewChecks(o, context, this.d.checks));
      }
      return { heldBy, refusals };
    } catch (err) {
      return refusedAt(err, heldBy);
    }
  }

  /**
   * The order a placement would make, checked against everything but the
   * pre-trade checks (instrument rules, attached exits, reduce-only, a
   * strategy's share): what placeOrder and the dry run (checkOrder) share.
   */
  private draftOrder(p: PlaceOrderParams, opts: PlaceOptions, ids: IdSource): { order: OrderRecord; context: PreTradeContext } {
    const venue = this.d.venue(p.account);
    const instrument = this.d.instrument(p.account, p.symbol);
    const now = this.d.clock.now();
    const asked = this.protectionOf(p, venue);
    const { trailing } = asked;
    let protection: OrderProtection | null = opts.parentId
      ? { ocoId: null, parentId: opts.parentId, role: opts.role ?? 'stop_loss', heldBy: 'venue', attached: null, followsPosition: false }
      : asked.protection;
    if (opts.group) {
      const base = protection ?? { ocoId: null, parentId: null, role: opts.role ?? 'stop_loss', heldBy: 'venue' as const, attached: null, followsPosition: false };
      protection = { ...base, ocoId: opts.group, followsPosition: true };
    }
    // a venue without stop (take-profit) orders gets none: the trigger waits in Tern and fires as a market (or limit) order
    if (needsStopPrice(p.type) && triggerHeldBy(venue, p.type) === 'tern' && protection?.heldBy !== 'tern') {
      protection = { ...(protection ?? { ocoId: null, parentId: null, role: 'stop_loss', attached: null, followsPosition: false }), heldBy: 'tern' };
    }
    let order: OrderRecord = {
      id: ids.next('O'),
      clientOrderId: p.client_order_id ?? ids.next('tern'),
      ...(opts.strategyId !== undefined ? { strategyId: opts.strategyId } : {}),
      ...(opts.keyId !== undefined ? { keyId: opts.keyId } : {}),
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
      ...unsentOrder(now),
      trailing,
      protection,
    };
    const mid = this.d.mid(p.account, p.symbol);
    validateOrderShape(order, instrument, mid);
    // an entry's exit placed as it fills is not refused: the market passing its stop meanwhile fires it, which is what protects the fill
    if (protection?.heldBy === 'tern' && order.stopPrice && needsStopPrice(order.type) && !opts.parentId) checkTriggerAhead(order.type, order.side, order.stopPrice, this.lastPrice(p.account, p.symbol));
    if (protection?.attached) checkAttached(order.side, protection.attached, order.type === 'limit' ? (order.price ?? undefined) : mid);
    if (protection?.heldBy === 'tern' && trailing) {
      // held by Tern: it waits here, not on the venue, and starts from the market now
      if (!mid) throw invalidOrder('type', `no market price for ${p.symbol}: a trailing stop held by Tern needs one to trail from`, { rule: 'trailing_needs_price' });
      const step = trailingStep(order.side, trailing, null, mid, instrument.priceIncrement);
      order = { ...order, trailing: step.trailing, stopPrice: step.stopPrice };
    }
    const position = this.d.portfolio.positionQuantity(p.account, p.symbol);
    if (order.reduceOnly) checkReducesPosition(order, position);
    if (order.strategyId !== undefined) this.checkStrategyShare(order, position);
    const context: PreTradeContext = { instrument, position, mid, now, monotonic: this.d.clock.monotonic(), fromKillSwitch: opts.fromKillSwitch ?? false };
    return { order, context };
  }

  async amendOrder(p: AmendOrderParams): Promise<OrderRecord> {
    if (!p.price && !p.quantity && !p.stop_price) throw invalidOrder('price', 'an amendment needs a new price, stop_price or quantity');
    const order = this.workingOrder(p.id);
    if (order.state === 'pending_update' || order.state === 'pending_cancel') throw conflict(`order ${order.id} has a request in flight (${order.state})`);
    if (order.state === 'initialized') throw conflict(`order ${order.id} is still being submitted`);
    if (p.price && order.type === 'market') throw invalidOrder('price', 'a market order has no price to amend');
    if (p.price && worksAsMarketOnceTriggered(order.type)) throw invalidOrder('price', `a ${order.type} order has no limit price; move its trigger with stop_price`);
    const instrument = this.d.instrument(order.account, order.symbol);
    const price = p.price ? dec(p.price) : undefined;
    const quantity = p.quantity ? dec(p.quantity) : undefined;
    const stopPrice = p.stop_price ? dec(p.stop_price) : undefined;
    if (price) checkPrice('price', price, instrument);
    if (stopPrice) this.checkNewTrigger(order, stopPrice, instrument);
    if (quantity) {
      checkQuantity(quantity, instrument);
      if (quantity.lte(order.filledQuantity)) {
        throw invalidOrder('quantity', `quantity ${str(quantity)} must exceed the filled quantity ${str(order.filledQuantity)}`);
      }
    }
    const amended: OrderRecord = { ...order, price: price ?? order.price, quantity: quantity ?? order.quantity, stopPrice: stopPrice ?? order.stopPrice };
    if ((price || stopPrice) && order.protection?.ocoId) this.checkGroupPrices(amended);
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
    if (this.holdsTrigger(order)) {
      const updated = this.apply(order.id, 'update', { price: amended.price, quantity: amended.quantity, stopPrice: amended.stopPrice });
      if (updated && stopPrice) this.armTrigger(updated);
      await this.d.journal.durable();
      if (quantity) await this.resizeGroup(order.id);
      return this.latest(order.id) ?? order;
    }
    await this.d.journal.durable();
    try {
      await this.d.venue(order.account).editOrder(
        { clientOrderId: order.clientOrderId, venueOrderId: order.venueOrderId, symbol: order.symbol, quantity: order.quantity, filledQuantity: order.filledQuantity },
        { ...(price ? { price } : {}), ...(quantity ? { quantity } : {}), ...(stopPrice ? { stopPrice } : {}) },
      );
      const now = this.active.get(order.id);
      if (now?.state === 'pending_update') this.apply(order.id, 'update', { price: amended.price, quantity: amended.quantity, stopPrice: amended.stopPrice });
      if (quantity) await this.resizeGroup(order.id);
    } catch (err) {
      if (err instanceof VenueRejection) {
        if (this.active.get(order.id)?.state === 'pending_update') this.apply(order.id, 'update_rejected');
        await this.d.journal.durable();
        if (err.kind === 'order') throw invalidOrder(quantity ? 'quantity' : stopPrice && !price ? 'stop_price' : 'price', `amendment refused: ${err.reason}`, err.details);
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
    if (this.holdsTrigger(order)) {
      // only Tern holds it: nothing to ask a venue
      this.apply(order.id, 'request_cancel');
      this.apply(order.id, 'cancel', opts.reason ? { rejectReason: opts.reason } : {});
      if (this.linkedByTern(order)) this.endGroup(order, 'oco: the other leg was canceled');
      await this.committed(true);
      return this.latest(order.id) ?? order;
    }
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
  private committed(hold: boolean): Promise<unknown> {
    return hold ? this.d.journal.durableOrHeld() : this.d.journal.durable();
  }

  /** Cancels every matching working order; each one that could not be canceled is listed with its error. */
  async cancelAll(filter: AccountSymbolFilter, strategyId?: string, keyId?: string): Promise<{ canceled: string[]; failed: CancelFailure[] }> {
    // from a strategy: only its own orders; a halted key: only the key's
    const targets = this.activeOrders(filter).filter((o) => o.state !== 'initialized' && (strategyId === undefined || o.strategyId === strategyId) && (keyId === undefined || o.keyId === keyId));
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
  async closeForOwners(account: string, symbol: string, quantity: string | undefined, strategyId?: string, keyId?: string): Promise<{ order: OrderRecord; closes: OwnerShare[] }> {
    const opts = { ...(strategyId !== undefined ? { strategyId } : {}), ...(keyId !== undefined ? { keyId } : {}) };
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
        if (order.state === 'submitted' || order.state === 'pending_update') {
          // a venue-held trailing stop's starting stop, so the DTO shows it before the first move; the venue's id in the same copy
          const starts = report.trailing && order.type === 'trailing_stop' ? { stopPrice: report.stopPrice ?? null, trailing: report.trailing } : {};
          if (canApply(order.state, 'accept')) {
            this.apply(order.id, 'accept', order.venueOrderId === report.venueOrderId ? starts : { ...starts, venueOrderId: report.venueOrderId }, report.ts);
            return;
          }
        }
        this.noteVenueId(order.id, report.venueOrderId);
        return;
      case 'rejected':
        this.apply(order.id, 'reject', { rejectReason: report.reason }, report.ts);
        this.endHalfGroup(order);
        return;
      case 'triggered':
        this.apply(order.id, 'trigger', {}, report.ts);
        // a stop leg Tern links to its take profit: the take profit goes (the venue's own lists do it themselves)
        if (this.linkedByTern(order)) this.endGroup(order, 'oco: the stop leg triggered');
        return;
      case 'updated': {
        const moved = report.stopPrice !== undefined ? { stopPrice: report.stopPrice, ...(report.trailing ? { trailing: report.trailing } : {}) } : {};
        const patch = { price: report.price ?? order.price, quantity: report.quantity, ...moved };
        // an amendment asked for, or the venue's own change (an OCO leg shrunk, a trailing stop that moved)
        if (order.state === 'pending_update') this.apply(order.id, 'update', patch, report.ts);
        else if (report.trailing && order.type === 'trailing_stop') {
          // the venue's trailing stop moved: current in memory now, journaled with the next batch of moves
          this.active.set(order.id, { ...order, ...patch, updatedAt: report.ts });
          this.trailMoved.add(order.id);
          this.trailingMoved();
        } else this.patch(order, patch, report.ts);
        return;
      }
      case 'update_rejected':
        this.apply(order.id, 'update_rejected', {}, report.ts);
        return;
      case 'canceled': {
        const reason = report.reason ?? this.cancelReasons.get(order.id);
        this.apply(order.id, 'cancel', reason ? { rejectReason: reason } : {}, report.ts);
        if (this.linkedByTern(order)) this.endGroup(order, 'oco: the other leg was canceled');
        else this.protectRest(order);
        return;
      }
      case 'cancel_rejected':
        this.cancelReasons.delete(order.id);
        this.apply(order.id, 'cancel_rejected', {}, report.ts);
        return;
      case 'expired':
        this.apply(order.id, 'expire', report.reason ? { rejectReason: report.reason } : {}, report.ts);
        if (this.linkedByTern(order)) this.endGroup(order, 'oco: the other leg expired');
        else this.protectRest(order);
        return;
      case 'fill':
        this.applyFill(order, report);
        return;
    }
  }

  /** orders a restart interrupted before the in-process venue saw them: they never reached it */
  rejectUnsent(account: string, reason: string): void {
    for (const o of this.activeOrders({ account })) {
      if (o.state === 'initialized' || o.state === 'submitted') {
        this.apply(o.id, 'reject', { rejectReason: reason });
        // its group was never whole: the legs that did reach the venue go once it is back (afterRestore)
        if (this.linkedByTern(o)) this.halfPlaced.add(o.id);
      }
      else if (o.state === 'pending_cancel') this.apply(o.id, 'cancel_rejected');
      else if (o.state === 'pending_update') this.apply(o.id, 'update_rejected');
    }
  }

  /** a working order its in-process venue could not take back after a restart */
  expireLost(clientOrderId: string, reason: string): void {
    const id = this.byClientId.get(clientOrderId);
    const order = id ? this.active.get(id) : undefined;
    if (!order) return;
    this.apply(order.id, 'expire', { rejectReason: reason });
    if (this.linkedByTern(order)) this.endGroup(order, 'oco: the other leg expired');
  }

  /** forget an account's working orders (paper reset); the store drops them by the reset entry */
  dropAccount(account: string): void {
    for (const o of this.activeOrders({ account })) {
      this.disarmTrigger(o);
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
    };
    if (order.strategyId !== undefined) fill.strategyId = order.strategyId;
    let next: OrderRecord;
    try {
      next = applyFillToOrder(order, fill);
    } catch (err) {
      this.d.log.error({ order: order.id, state: order.state, err: String(err) }, 'fill refused by the order state table');
      return;
    }
    this.sessionFills += 1;
    this.appliedTrades.add(tradeKey);
    this.trimAppliedTrades();
    this.d.journal.record({ type: 'fill', fill });
    this.d.journal.publish('fills', 'fills', () => fillDto(fill));
    this.commitOrder(next, next.state === 'filled' ? 'fill' : 'partial_fill');
    const before = this.d.portfolio.positionQuantity(fill.account, fill.symbol);
    const position = this.d.portfolio.applyFill(fill);
    this.d.journal.record({ type: 'position', position });
    for (const owned of this.d.portfolio.strategies.applyFill(fill, before)) this.d.journal.record({ type: 'strategy_position', position: owned });
    this.d.journal.publish('positions', 'positions', () => positionDto(position, this.d.mid(order.account, order.symbol), this.d.portfolio.owners(order.account, order.symbol)));
    if (next.protection) this.afterFill(next, fill);
    if (this.protecting.size > 0) this.followPosition(order.account, order.symbol, next.protection?.followsPosition ? (next.protection.ocoId ?? null) : null);
  }

  /**
   * Rule strategy_position: a strategy's order that would reduce the
   * account's position takes only from the strategy's own share, less what
   * its working orders on that side already take; the rest of the position
   * belongs to other owners (the trader, other strategies).
   */
  private checkStrategyShare(order: Pick<OrderRecord, 'id' | 'strategyId' | 'account' | 'symbol' | 'side' | 'quantity' | 'protection'>, accountPosition: Decimal): void {
    const strategyId = order.strategyId!;
    const reduces = order.side === 'sell' ? accountPosition.gt(0) : accountPosition.lt(0);
    if (!reduces) return;
    const own = this.d.portfolio.strategies.quantity(strategyId, order.account, order.symbol);
    const ownSide = order.side === 'sell' ? own : own.neg();
    let working = dec(0);
    // the legs of an OCO group sell the same coins: a group counts once (its largest leg), and not against its own legs
    const groups = new Map<string, Decimal>();
    for (const o of this.active.list(order.account, order.symbol)) {
      if (o.id === order.id || o.strategyId !== strategyId || o.side !== order.side || o.state === 'pending_cancel') continue;
      const group = o.protection?.ocoId;
      if (!group) working = working.add(remaining(o));
      else if (group !== order.protection?.ocoId) groups.set(group, maxDec(groups.get(group) ?? dec(0), remaining(o)));
    }
    for (const left of groups.values()) working = working.add(left);
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
    if (isTerminal(order.state) || order.state === 'triggered') this.disarmTrigger(order);
    if (isTerminal(order.state)) this.trailMoved.delete(order.id);
    if (isTerminal(order.state)) {
      this.active.delete(order.id);
      this.byClientId.delete(order.clientOrderId);
      this.sentAt.delete(order.id);
      this.cancelReasons.delete(order.id);
      this.recentlyClosed.set(order.id, order);
      this.trimRecentlyClosed();
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
    const ocoId = order.protection?.ocoId;
    if (ocoId) {
      const legs = this.groups.get(ocoId) ?? [];
      if (!legs.includes(order.id)) this.groups.set(ocoId, [...legs, order.id]);
    }
  }

  private untrack(order: OrderRecord): void {
    this.active.delete(order.id);
    this.byClientId.delete(order.clientOrderId);
    if (order.protection?.ocoId) this.groups.delete(order.protection.ocoId);
  }

  /** A change the venue made on its own (an OCO leg shrunk, a trailing stop moved), or Tern's trailing stop moving: no state change. */
  private patch(order: OrderRecord, fields: Partial<OrderRecord>, ts = this.d.clock.now()): OrderRecord {
    const next = { ...order, ...fields, updatedAt: ts };
    this.commitOrder(next, 'update');
    return next;
  }

  // ── protective orders (issue 12) ────────────────────────────────────────

  /** The trailing terms and protection a placement asks for; refuses what does not fit its type. */
  private protectionOf(p: PlaceOrderParams, venue: Venue): { trailing: TrailingTerms | null; protection: OrderProtection | null } {
    const trailingAsked = p.trailing_offset !== undefined || p.trailing_unit !== undefined || p.activation_price !== undefined;
    if (p.type !== 'trailing_stop' && trailingAsked) throw invalidOrder('trailing_offset', `a ${p.type} order takes no trailing terms`, { rule: 'trailing_stop_only' });
    const exitsAsked = p.take_profit !== undefined || p.stop_loss !== undefined;
    if (exitsAsked && p.type !== 'market' && p.type !== 'limit') {
      throw invalidOrder(p.take_profit ? 'take_profit' : 'stop_loss', `attached exits go on a market or limit entry, not a ${p.type} order`, { rule: 'entry_type' });
    }
    if (exitsAsked && p.reduce_only) throw invalidOrder('reduce_only', 'a reduce_only order closes a position: it takes no attached exits', { rule: 'entry_type' });
    if (p.type === 'trailing_stop') {
      if (!p.trailing_offset) throw invalidOrder('trailing_offset', 'a trailing_stop order needs a trailing_offset', { rule: 'required' });
      if (!p.trailing_unit) throw invalidOrder('trailing_unit', 'a trailing_stop order needs a trailing_unit ("percent" or "price")', { rule: 'required' });
      const offset = dec(p.trailing_offset);
      checkTrailingTerms('trailing_offset', offset, p.trailing_unit);
      const trailing: TrailingTerms = { offset, unit: p.trailing_unit, activationPrice: p.activation_price ? dec(p.activation_price) : null, best: null };
      const heldBy = trailingHeldBy(venue);
      return { trailing, protection: { ocoId: null, parentId: null, role: 'trailing', heldBy, attached: null, followsPosition: false } };
    }
    if (!exitsAsked) return UNPROTECTED;
    const attached: AttachedExits = {
      takeProfit: p.take_profit ? { price: dec(p.take_profit.price) } : null,
      stopLoss: p.stop_loss ? { stopPrice: dec(p.stop_loss.stop_price), price: p.stop_loss.price ? dec(p.stop_loss.price) : null } : null,
    };
    return { trailing: null, protection: { ocoId: null, parentId: null, role: 'entry', heldBy: 'venue', attached, exits: [], followsPosition: false } };
  }

  /**
   * A stop Tern holds and has not fired (a trailing stop on a venue without
   * them, the stop leg of an OCO group Tern links): it is on no venue until
   * it fires. On spot a resting stop would lock the base the take profit
   * already locks, so Tern holds the stop leg of its own groups.
   */
  holdsTrigger(order: OrderRecord): boolean {
    return isTriggerType(order.type) && order.protection?.heldBy === 'tern' && order.venueOrderId === null && order.state !== 'triggered' && !isTerminal(order.state);
  }

  /** the price Tern's trigger book fires on: the account's last trade (the mid when it has none) */
  private lastPrice(account: string, symbol: string): Decimal | undefined {
    return this.d.venue(account).marketData?.lastPrice(symbol) ?? this.d.mid(account, symbol);
  }

  /** A new trigger for a stop or take profit still waiting: on the price grid and, when Tern holds it, not reached already (the venue checks its own). */
  private checkNewTrigger(order: OrderRecord, stopPrice: Decimal, instrument: InstrumentSpec): void {
    if (!needsStopPrice(order.type)) {
      const why = order.type === 'trailing_stop' ? 'its stop follows the market (cancel and place it again with a new offset)' : 'it has no trigger';
      throw invalidOrder('stop_price', `a ${order.type} order's stop_price cannot be amended: ${why}`);
    }
    if (order.state === 'triggered' || order.triggeredAt != null) {
      throw invalidOrder('stop_price', `order ${order.id} already triggered: its stop_price can no longer be amended`, { rule: 'trigger_fired' });
    }
    checkPrice('stop_price', stopPrice, instrument);
    if (this.holdsTrigger(order)) checkTriggerAhead(order.type, order.side, stopPrice, this.lastPrice(order.account, order.symbol));
  }

  /** An OCO leg moved: the take profit stays beyond the stop, as placing the pair required. */
  private checkGroupPrices(amended: OrderRecord): void {
    const other = this.siblings(amended)[0];
    if (!other) return;
    const [tp, sl] = amended.protection?.role === 'take_profit' ? [amended, other] : [other, amended];
    if (!sl.stopPrice) return;
    const tpLevel = tp.stopPrice ?? tp.price;
    if (!tpLevel) return;
    checkExits('', amended.side, { takeProfit: { price: tpLevel }, stopLoss: { stopPrice: sl.stopPrice, price: sl.price } }, undefined);
  }

  private isHeldTrigger(order: OrderRecord): boolean {
    return this.holdsTrigger(order) && (order.trailing != null || order.stopPrice !== null);
  }

  private armTrigger(order: OrderRecord): void {
    this.triggers.arm(order);
  }

  private disarmTrigger(order: OrderRecord): void {
    if (this.triggers.size === 0) return;
    this.triggers.disarm(order.id);
    this.unchecked.delete(order.id);
  }

  /** triggers Tern holds now */
  get heldTriggers(): number {
    return this.triggers.size;
  }

  /** A trailing stop moved: journaled with the others at most every trailJournalMs (a crash meanwhile restores the stop a little behind, never ahead). */
  private trailingMoved(): void {
    if (this.trailFlush) return;
    this.trailFlush = setTimeout(() => {
      try {
        this.journalTrailing();
      } catch (err) {
        // the store was closed meanwhile (shutdown): the moves are lost, the stops restore a little behind
        this.d.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'trailing stop moves not journaled');
      }
    }, this.d.trailJournalMs ?? 250);
    (this.trailFlush as { unref?: () => void }).unref?.();
  }

  /** Journals every trailing stop whose stop moved since it was last journaled. */
  journalTrailing(): void {
    if (this.trailFlush) clearTimeout(this.trailFlush);
    this.trailFlush = null;
    for (const t of this.triggers.takeMoved()) {
      const order = this.active.get(t.item);
      if (order) this.patch(order, { trailing: t.trailing, stopPrice: t.stopPrice });
    }
    for (const id of this.trailMoved) {
      const order = this.active.get(id);
      if (order) this.save(order, 'update');
    }
    this.trailMoved.clear();
  }

  /**
   * The market moved (the account's feed): Tern's trailing stops follow the
   * last trade price and fire as market orders when it reaches them. One
   * restored after a restart whose price passed its stop while Tern was down
   * fires on its first price, and says so.
   */
  onMarket(account: string, event: MarketEvent): void {
    if (this.triggers.size === 0 && this.firedUnsent.size === 0 && this.restWaiting.size === 0) return;
    const symbol = event.type === 'trade' ? event.trade.symbol : event.type === 'bar' ? event.symbol : null;
    if (symbol === null) return;
    if (this.restWaiting.size > 0 && event.type === 'trade') this.protectRestsAt(account, symbol, event.trade.price);
    if (this.firedUnsent.size > 0) this.sendFiredAgain(account, symbol);
    const last = event.type === 'trade' ? event.trade.price : (event as Extract<MarketEvent, { type: 'bar' }>).bar.close;
    // a restored trigger's first price: one reached now was reached while Tern was down
    let first: Set<string> | null = null;
    if (this.unchecked.size > 0) {
      first = new Set([...this.unchecked].filter((id) => this.active.get(id)?.symbol === symbol && this.active.get(id)?.account === account));
      for (const id of first) this.unchecked.delete(id);
    }
    const outcome = this.triggers.tick(account, symbol, last);
    if (!outcome) return;
    if (outcome.moved) this.trailingMoved();
    for (const t of outcome.hit) {
      const order = this.active.get(t.item);
      if (!order || order.state !== 'accepted') continue;
      const note = first?.has(t.item) ? `triggered at restart: the market (${str(last)}) passed the stop ${str(t.stopPrice!)} while Tern was not running` : null;
      this.triggers.disarm(t.item);
      void this.fire(this.patch(order, { trailing: t.trailing, stopPrice: t.stopPrice }), note);
    }
  }

  /**
   * A stop Tern holds was hit: the other leg of its group is canceled first
   * (what it filled meanwhile shrinks this one), then the stop goes to the
   * venue under its own client order id: a market order (stop_market,
   * take_profit_market, trailing_stop) or a limit at its price (stop_limit,
   * take_profit_limit).
   */
  private async fire(order: OrderRecord, note: string | null): Promise<void> {
    if (note) this.d.log.warn({ order: order.id, note }, 'an emulated stop fired at restart');
    if (!this.apply(order.id, 'trigger', note ? { rejectReason: note } : {})) return;
    if (this.linkedByTern(order)) {
      const why = order.protection?.role === 'take_profit' ? 'oco: the take profit leg triggered' : 'oco: the stop leg triggered';
      await Promise.allSettled(this.siblings(order).map((o) => this.cancelOrder(o.id, { reason: why })));
    }
    await this.sendFired(order.id);
  }

  /** A fired stop's order goes to the venue under the stop's own client order id: a market order, or a limit at its price (stop_limit). */
  private async sendFired(id: string): Promise<void> {
    try {
      await this.committed(true);
      const fired = this.active.get(id);
      if (!fired || !remaining(fired).gt(0)) return;
      this.sentAt.set(id, this.d.clock.monotonic());
      const limit = needsLimitPrice(fired.type);
      const ack = await this.d.venue(fired.account).createOrder({
        clientOrderId: fired.clientOrderId,
        symbol: fired.symbol,
        side: fired.side,
        type: limit ? 'limit' : 'market',
        quantity: remaining(fired),
        price: limit ? fired.price : null,
        stopPrice: null,
        // the limit keeps the order's own time in force, as a venue's triggered stop limit does
        timeInForce: limit ? fired.timeInForce : 'IOC',
        postOnly: false,
        reduceOnly: fired.reduceOnly,
      });
      this.noteVenueId(id, ack.venueOrderId);
    } catch (err) {
      if (err instanceof VenueRejection) this.apply(id, 'reject', { rejectReason: `the stop fired; its market order was refused: ${err.reason}` });
      else this.d.log.warn({ order: id, err: String(err) }, 'a fired trailing stop got no answer from the venue; reconciliation settles it');
    }
    await this.committed(true).catch(() => undefined);
  }

  /**
   * A stop Tern held that fired but whose order no venue acknowledged: with an
   * in-process venue (paper), it never reached it as far as the journal knows.
   */
  firedUnacknowledged(order: OrderRecord): boolean {
    return isTriggerType(order.type) && order.protection?.heldBy === 'tern' && order.state === 'triggered' && order.venueOrderId === null;
  }

  /**
   * After a restart of `account`'s in-process venue: its fired stops are sent
   * again, on their first price (the venue needs a market to fill them), and
   * the groups a restart left half placed end.
   */
  afterRestore(account: string): void {
    for (const o of this.activeOrders({ account })) if (this.firedUnacknowledged(o)) this.firedUnsent.add(o.id);
    for (const id of this.halfPlaced) {
      const order = this.find(id);
      if (order?.account !== account) continue;
      this.halfPlaced.delete(id);
      this.endHalfGroup(order);
    }
  }

  /** A leg of a group Tern links was refused or never placed: the group was never whole, so its working legs go. */
  private endHalfGroup(order: OrderRecord): void {
    if (!this.linkedByTern(order)) return;
    for (const other of this.siblings(order)) {
      if (other.state !== 'accepted') continue;
      this.cancelOrder(other.id, { reason: 'oco: the other leg was never placed' }).catch((err: unknown) =>
        this.d.log.warn({ order: other.id, err: String(err) }, 'could not cancel the leg of a half-placed OCO group'),
      );
    }
  }

  private sendFiredAgain(account: string, symbol: string): void {
    for (const id of [...this.firedUnsent]) {
      const order = this.active.get(id);
      if (order && (order.account !== account || order.symbol !== symbol)) continue;
      this.firedUnsent.delete(id);
      if (!order || !this.firedUnacknowledged(order)) continue;
      this.resendFiredStop(order, 'the stop fired as Tern stopped, before its order reached the venue: sent at restart');
    }
  }

  /** A fired stop whose order the venue never got (reconciliation asked it by client id): sent again, under that id, saying why. */
  resendFiredStop(order: OrderRecord, note: string): void {
    if (!this.firedUnacknowledged(order)) return;
    this.firedUnsent.delete(order.id);
    this.d.log.warn({ order: order.id, note }, 'a fired emulated stop was sent again');
    void this.sendFired(this.patch(order, { rejectReason: note }).id);
  }

  /** a leg of a group Tern links (the venue holds no list): Tern cancels and shrinks the other leg */
  private linkedByTern(order: OrderRecord): boolean {
    return order.protection?.ocoId != null && order.protection.heldBy === 'tern';
  }

  /** the other working legs of `order`'s group */
  private siblings(order: OrderRecord): OrderRecord[] {
    const legs = order.protection?.ocoId ? this.groups.get(order.protection.ocoId) : undefined;
    if (!legs) return [];
    return legs.filter((id) => id !== order.id).flatMap((id) => this.active.get(id) ?? []);
  }

  /** Cancels the rest of `order`'s group (Tern-linked groups; Binance's rule: one leg ends, the list ends). */
  private endGroup(order: OrderRecord, why: string): void {
    for (const other of this.siblings(order)) {
      if (other.state === 'pending_cancel' || other.state === 'initialized') continue;
      this.cancelOrder(other.id, { reason: why }).catch((err: unknown) => this.d.log.warn({ order: other.id, why, err: String(err) }, 'could not cancel the other leg of an OCO group'));
    }
  }

  private afterFill(order: OrderRecord, fill: FillRecord): void {
    if (order.protection?.attached) this.oweExits(order, fill.quantity);
    if (!this.linkedByTern(order)) return this.protectRest(order);
    if (order.state === 'filled') return this.endGroup(order, 'oco: the other leg filled');
    // a partial fill: the other leg shrinks to what this one has left, so the group never sells more than it protects
    for (const other of this.siblings(order)) {
      const quantity = other.filledQuantity.plus(remaining(order));
      if (quantity.gte(other.quantity) || other.state !== 'accepted') continue;
      this.amendOrder({ id: other.id, quantity: str(quantity) }).catch((err: unknown) =>
        this.d.log.warn({ order: other.id, err: String(err) }, 'could not shrink the other leg of an OCO group'),
      );
    }
  }

  /**
   * A leg of a group Tern links got a new quantity: the other leg protects
   * what this one has left (the group is one quantity, as a venue's list is),
   * so neither sells more than the other would. Equal already: nothing sent.
   */
  private async resizeGroup(id: string): Promise<void> {
    const order = this.active.get(id);
    if (!order || !this.linkedByTern(order)) return;
    for (const other of this.siblings(order)) {
      const quantity = other.filledQuantity.plus(remaining(order));
      if (quantity.eq(other.quantity) || other.state !== 'accepted') continue;
      await this.amendOrder({ id: other.id, quantity: str(quantity) }).catch((err: unknown) =>
        this.d.log.warn({ order: other.id, err: String(err) }, 'could not resize the other leg of an OCO group'),
      );
    }
  }

  /** An entry with attached exits filled `quantity` more: its exits follow, one placement at a time per entry. */
  private oweExits(entry: OrderRecord, quantity: Decimal): void {
    if (!this.owedJournaled.has(entry.id)) {
      this.owedJournaled.add(entry.id);
      this.journalOwed();
    }
    this.exitsOwed.set(entry.id, (this.exitsOwed.get(entry.id) ?? dec(0)).plus(quantity));
    if (!this.exitsBusy.has(entry.id)) void this.settleExits(entry.id);
  }

  /** resolves when no entry has exits owed or being placed (tests, shutdown) */
  async exitsSettled(): Promise<void> {
    while (this.exitsBusy.size > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private async settleExits(entryId: string): Promise<void> {
    this.exitsBusy.add(entryId);
    try {
      for (let owed = this.exitsOwed.get(entryId); owed && owed.gt(0); owed = this.exitsOwed.get(entryId)) {
        this.exitsOwed.delete(entryId);
        const entry = this.find(entryId);
        if (!entry?.protection?.attached) return;
        const note = this.exitNotes.get(entryId);
        this.exitNotes.delete(entryId);
        try {
          await this.placeExits(entry, entry.protection.attached, owed, note);
        } catch (err) {
          this.d.log.warn({ order: entryId, quantity: str(owed), err: err instanceof Error ? err.message : String(err) }, 'attached exits could not be placed');
        }
      }
    } finally {
      this.exitsBusy.delete(entryId);
      // placed (or refused, and said so): a restart owes them no more
      if (!this.exitsOwed.has(entryId) && this.owedJournaled.delete(entryId)) this.journalOwed();
    }
  }

  private journalOwed(): void {
    this.d.journal.record({ type: 'setting', name: EXITS_OWED, value: [...this.owedJournaled], ts: this.d.clock.now() });
  }

  /**
   * After a restart of `account`'s in-process venue: an entry whose fill was
   * journaled but whose exits were not (Tern killed in between) gets exits now
   * for the filled quantity its exits do not cover, once: the ones placed here
   * are journaled as its exits, so the next restart finds it covered.
   */
  placeOwedExits(account: string): void {
    let dropped = false;
    for (const id of [...this.owedJournaled]) {
      if (this.exitsBusy.has(id) || this.exitsOwed.has(id)) continue;
      const entry = this.find(id);
      if (entry && entry.account !== account) continue;
      const missing = entry?.protection?.attached ? entry.filledQuantity.minus(this.exitsCover(entry)) : dec(0);
      if (!entry || !missing.gt(0)) {
        dropped = this.owedJournaled.delete(id) || dropped;
        continue;
      }
      const note = `placed at restart: the entry filled ${str(missing)} more than its exits covered before Tern stopped`;
      this.d.log.warn({ order: id, quantity: str(missing) }, note);
      this.exitNotes.set(id, note);
      this.oweExits(entry, missing);
    }
    if (dropped) this.journalOwed();
  }

  /** the quantity an entry's exits protect: each group once (its legs share a quantity), none a venue never got */
  private exitsCover(entry: OrderRecord): Decimal {
    const ids = new Set(entry.protection?.exits ?? []);
    // an exit journaled before the entry listed it (a crash in between) is still its
    for (const o of this.active.list(entry.account, entry.symbol)) if (o.protection?.parentId === entry.id) ids.add(o.id);
    const byGroup = new Map<string, Decimal>();
    for (const id of ids) {
      const exit = this.find(id);
      if (!exit || exit.state === 'rejected') continue;
      const key = exit.protection?.ocoId ?? exit.id;
      const before = byGroup.get(key);
      if (!before || exit.quantity.gt(before)) byGroup.set(key, exit.quantity);
    }
    return [...byGroup.values()].reduce((sum, q) => sum.plus(q), dec(0));
  }

  /** Grows the entry's open exit group by `quantity`, or places a new one for it. */
  private async placeExits(entry: OrderRecord, attached: AttachedExits, quantity: Decimal, note?: string): Promise<void> {
    const side = entry.side === 'buy' ? 'sell' : 'buy';
    const open = (entry.protection?.exits ?? []).map((id) => this.active.get(id)).filter((o): o is OrderRecord => o !== undefined);
    const wanted = attached.takeProfit && attached.stopLoss ? 2 : 1;
    const growable = open.length === wanted && open.every((o) => o.state === 'accepted' && o.filledQuantity.isZero());
    if (growable) {
      const first = open[0]!;
      const total = str(first.quantity.plus(quantity));
      // a venue's list resizes both legs from one; Tern's own link resizes each
      const legs = first.protection?.heldBy === 'venue' && first.protection.ocoId ? [first] : open;
      try {
        for (const leg of legs) await this.amendOrder({ id: leg.id, quantity: total });
        return;
      } catch (err) {
        // a venue that cannot amend a leg of its list (Binance): the new quantity gets a group of its own
        this.d.log.info({ order: first.id, err: err instanceof Error ? err.message : String(err) }, 'exit group not resized; placing another');
      }
    }
    const placed: OrderRecord[] = [];
    const base = { account: entry.account, symbol: entry.symbol, side, quantity: str(quantity) } as const;
    // the exits' client ids grow from the entry's (a strategy's prefix stays: its exits are its own)
    // (past any a crash left unlisted on the entry)
    let n = entry.protection?.exits?.length ?? 0;
    while (this.find(`${entry.clientOrderId}-x${n}`) || this.find(`${entry.clientOrderId}-x${n}-tp`)) n += 1;
    const clientOrderId = `${entry.clientOrderId}-x${n}`;
    const owner = { ...(entry.strategyId !== undefined ? { strategyId: entry.strategyId } : {}), ...(entry.keyId !== undefined ? { keyId: entry.keyId } : {}) };
    if (attached.takeProfit && attached.stopLoss) {
      const group = await this.placeOco(
        {
          ...base,
          take_profit: { price: str(attached.takeProfit.price) },
          stop_loss: { stop_price: str(attached.stopLoss.stopPrice), ...(attached.stopLoss.price ? { price: str(attached.stopLoss.price) } : {}) },
          reduce_only: true,
          client_order_id: clientOrderId,
        },
        { parentId: entry.id, ...owner },
      );
      placed.push(...group.orders);
    } else {
      const sl = attached.stopLoss;
      const single: PlaceOrderParams = attached.takeProfit
        ? { ...base, type: 'limit', price: str(attached.takeProfit.price), time_in_force: 'GTC', post_only: false, reduce_only: true, client_order_id: clientOrderId }
        : {
            ...base,
            type: sl!.price ? 'stop_limit' : 'stop_market',
            stop_price: str(sl!.stopPrice),
            ...(sl!.price ? { price: str(sl!.price) } : {}),
            time_in_force: 'GTC',
            post_only: false,
            reduce_only: true,
            client_order_id: clientOrderId,
          };
      const { order } = await this.placeOrder(single, { parentId: entry.id, role: attached.takeProfit ? 'take_profit' : 'stop_loss', ...owner });
      placed.push(order);
    }
    const now = this.find(entry.id) ?? entry;
    if (now.protection) this.patch(now, { protection: { ...now.protection, exits: [...(now.protection.exits ?? []), ...placed.map((o) => o.id)] } });
    if (note) {
      for (const o of placed) {
        const latest = this.active.get(o.id);
        if (latest) this.patch(latest, { rejectReason: note });
      }
    }
  }

  /**
   * An OCO pair: a take-profit limit and a stop (market, or limit with
   * `price`), both on `side`, both for `quantity`. Held by the venue when it
   * takes OCO lists (placed all or nothing), else linked by Tern: the take
   * profit rests on the venue, the stop waits in Tern (it fires as a market or
   * limit order after canceling the take profit), and Tern cancels or shrinks
   * one leg as the other fills. Nothing is half placed.
   */
  async placeOco(
    p: PlaceOcoParams,
    opts: { parentId?: string; followsPosition?: boolean; strategyId?: string; keyId?: string; ocoId?: string; refused?: string } = {},
  ): Promise<{ ocoId: string; orders: OrderRecord[] }> {
    const { venue, native, ocoId, legs, context, quantity, stop, instrument, mid, position } = this.draftOco(p, opts, this.d.ids);
    for (const o of legs) {
      if (this.find(o.clientOrderId)) throw conflict(`client_order_id ${o.clientOrderId} is the id of another order`);
    }
    // every leg counts (max_open_orders): the first is tracked while the second is checked; a refusal takes both back
    try {
      for (const o of legs) {
        validateOrderShape(o, instrument, mid);
        // both legs sell the same coins: each alone must fit the strategy's own share
        if (o.strategyId !== undefined) this.checkStrategyShare(o, position);
        for (const check of this.d.checks) check.check(o, context);
        this.track(o);
      }
    } catch (err) {
      for (const o of legs) this.untrack(o);
      // a refusal the trader must see (a protect list placed again after its old one was canceled): its legs are journaled rejected
      if (opts.refused) for (const o of legs) this.recordRefused(o, `${opts.refused}: ${err instanceof Error ? err.message : String(err)}`);
      throw err;
    }
    for (const o of legs) {
      this.sessionOrders += 1;
      for (const check of this.d.checks) check.onAccepted?.(o, context);
      this.save(o, 'initialize');
    }
    try {
      await this.committed(false);
    } catch (err) {
      for (const o of legs) this.apply(o.id, 'reject', { rejectReason: `not sent: ${err instanceof Error ? err.message : String(err)}` });
      throw err;
    }
    const [tp, sl] = legs;
    for (const o of legs) {
      this.apply(o.id, 'submit');
      this.sentAt.set(o.id, this.d.clock.monotonic());
    }
    try {
      if (native) {
        const ack = await venue.placeOco!({
          ocoId,
          symbol: p.symbol,
          side: p.side,
          quantity,
          takeProfit: { clientOrderId: tp.clientOrderId, type: tp.type as OcoTakeProfitType, price: tp.price, stopPrice: tp.stopPrice },
          stopLoss: { clientOrderId: sl.clientOrderId, stopPrice: stop.stopPrice, price: stop.price },
        });
        this.noteVenueId(tp.id, ack.takeProfit.venueOrderId);
        this.noteVenueId(sl.id, ack.stopLoss.venueOrderId);
      } else {
        await this.sendLegs(venue, tp, sl);
      }
    } catch (err) {
      if (!(err instanceof VenueRejection)) {
        this.d.log.warn({ err: String(err), oco: ocoId }, 'venue did not answer an OCO placement');
        await this.committed(false);
        throw venueUnavailable(err);
      }
      for (const o of legs) {
        const cur = this.active.get(o.id);
        if (cur && (cur.state === 'submitted' || cur.state === 'initialized')) this.apply(o.id, 'reject', { rejectReason: `${opts.refused ?? 'OCO refused'}: ${err.reason}` });
      }
    }
    await this.committed(false);
    return { ocoId, orders: legs.map((o) => this.latest(o.id) ?? o) };
  }

  /** The legs an OCO placement would make, checked against its exits and the position (placeOco and the dry run share it). */
  private draftOco(p: PlaceOcoParams, opts: { parentId?: string; followsPosition?: boolean; strategyId?: string; keyId?: string; ocoId?: string }, ids: IdSource) {
    const venue = this.d.venue(p.account);
    const instrument = this.d.instrument(p.account, p.symbol);
    const mid = this.d.mid(p.account, p.symbol);
    const now = this.d.clock.now();
    const quantity = dec(p.quantity);
    const tpLeg = ocoTakeProfit(p.take_profit);
    // a take profit trigger is checked where it fires: beyond the stop, and not reached now
    const exits: AttachedExits = {
      takeProfit: { price: tpLeg.stopPrice ?? tpLeg.price! },
      stopLoss: { stopPrice: dec(p.stop_loss.stop_price), price: p.stop_loss.price ? dec(p.stop_loss.price) : null },
    };
    checkExits('', p.side, exits, mid, tpLeg.stopPrice ? 'stop_price' : 'price');
    const position = this.d.portfolio.positionQuantity(p.account, p.symbol);
    if (p.reduce_only && reduction(p.side, quantity, position) !== 'shrinks') {
      throw invalidOrder('quantity', `a reduce_only OCO ${p.side} of ${str(quantity)} is larger than the position ${str(position)} it protects, or on its wrong side`, {
        rule: 'oco_within_position',
        position: str(position),
      });
    }
    const native = ocoHeldBy(venue) === 'venue';
    const ocoId = opts.ocoId ?? ids.next('G');
    const clientBase = p.client_order_id ?? ids.next('tern');
    const stop = exits.stopLoss!;
    const leg = (role: 'take_profit' | 'stop_loss'): OrderRecord => ({
      id: ids.next('O'),
      clientOrderId: `${clientBase}-${role === 'take_profit' ? 'tp' : 'sl'}`,
      account: p.account,
      symbol: p.symbol,
      side: p.side,
      type: role === 'take_profit' ? tpLeg.type : stop.price ? 'stop_limit' : 'stop_market',
      quantity,
      price: role === 'take_profit' ? tpLeg.price : stop.price,
      stopPrice: role === 'take_profit' ? tpLeg.stopPrice : stop.stopPrice,
      timeInForce: 'GTC',
      postOnly: false,
      reduceOnly: p.reduce_only,
      ...unsentOrder(now),
      protection: { ocoId, parentId: opts.parentId ?? null, role, heldBy: native ? 'venue' : 'tern', attached: null, followsPosition: opts.followsPosition ?? false },
      ...(opts.strategyId !== undefined ? { strategyId: opts.strategyId } : {}),
      ...(opts.keyId !== undefined ? { keyId: opts.keyId } : {}),
    });
    const legs = [leg('take_profit'), leg('stop_loss')] as const;
    const context: PreTradeContext = { instrument, position, mid, now, monotonic: this.d.clock.monotonic(), fromKillSwitch: false };
    return { venue, native, ocoId, legs, context, quantity, stop, instrument, mid, position };
  }

  /**
   * Protects the open position: a take profit and a stop as one OCO group, or
   * one of them, or a trailing stop, sized to the position (reduce-only, the
   * other side) and resized when the position changes (closed: canceled).
   */
  async protectPosition(p: ProtectPositionParams): Promise<{ ocoId: string; orders: OrderRecord[] }> {
    const position = this.d.portfolio.positionQuantity(p.account, p.symbol);
    if (position.isZero()) throw conflict(`no open position in ${p.symbol} on ${p.account}`);
    const asked = [p.take_profit || p.stop_loss ? 1 : 0, p.trailing ? 1 : 0].reduce((a, b) => a + b, 0);
    if (asked === 0) throw invalidOrder('stop_loss', 'give a take_profit, a stop_loss and/or a trailing stop', { rule: 'required' });
    if (asked > 1) throw invalidOrder('trailing', 'a trailing stop protects a position alone: not with a take_profit or stop_loss', { rule: 'one_construct' });
    const instrument = this.d.instrument(p.account, p.symbol);
    const size = floorToStep(position.abs(), instrument.sizeIncrement);
    const side = position.isPositive() ? 'sell' : 'buy';
    const base = { account: p.account, symbol: p.symbol, side, quantity: str(size) } as const;
    if (p.take_profit && p.stop_loss) {
      const group = await this.placeOco({ ...base, take_profit: p.take_profit, stop_loss: p.stop_loss, reduce_only: true }, { followsPosition: true });
      this.protecting.add(group.ocoId);
      return group;
    }
    const group = this.d.ids.next('G');
    const common = { ...base, time_in_force: 'GTC' as const, post_only: false, reduce_only: true };
    let params: PlaceOrderParams;
    if (p.trailing) {
      checkTrailingTerms('trailing.offset', dec(p.trailing.offset), p.trailing.unit);
      params = { ...common, type: 'trailing_stop', trailing_offset: p.trailing.offset, trailing_unit: p.trailing.unit, ...(p.trailing.activation_price ? { activation_price: p.trailing.activation_price } : {}) };
    } else if (p.take_profit) {
      checkExits('', side, { takeProfit: { price: dec(p.take_profit.price) }, stopLoss: null }, this.d.mid(p.account, p.symbol));
      params = { ...common, type: 'limit', price: p.take_profit.price };
    } else {
      const sl = p.stop_loss!;
      checkExits('', side, { takeProfit: null, stopLoss: { stopPrice: dec(sl.stop_price), price: sl.price ? dec(sl.price) : null } }, this.d.mid(p.account, p.symbol));
      params = { ...common, type: sl.price ? 'stop_limit' : 'stop_market', stop_price: sl.stop_price, ...(sl.price ? { price: sl.price } : {}) };
    }
    const { order } = await this.placeOrder(params, { group, role: p.take_profit ? 'take_profit' : 'stop_loss' });
    this.protecting.add(group);
    return { ocoId: group, orders: [order] };
  }

  /** The position under a positions.protect group changed (not by the group's own fill): its legs follow it. */
  private followPosition(account: string, symbol: string, byGroup: string | null): void {
    const position = this.d.portfolio.positionQuantity(account, symbol);
    for (const ocoId of this.protecting) {
      const relist = this.relisting.get(ocoId);
      if (relist) {
        if (relist.account === account && relist.symbol === symbol) relist.again = true;
        continue;
      }
      const legs = (this.groups.get(ocoId) ?? []).map((id) => this.active.get(id)).filter((o): o is OrderRecord => o !== undefined);
      if (legs.length === 0) {
        this.protecting.delete(ocoId);
        continue;
      }
      if (ocoId === byGroup || legs[0]!.account !== account || legs[0]!.symbol !== symbol) continue;
      const size = floorToStep(position.abs(), this.d.instrument(account, symbol).sizeIncrement);
      const wrongSide = position.isZero() || (legs[0]!.side === 'sell') !== position.isPositive();
      if (wrongSide || size.isZero()) {
        for (const leg of legs) this.cancelOrder(leg.id, { reason: 'the protected position is closed' }).catch(() => undefined);
        continue;
      }
      const movable = legs.filter((o) => o.state === 'accepted' && !o.quantity.eq(size) && size.gt(o.filledQuantity));
      const list = legs.length > 1 && legs[0]!.protection?.heldBy === 'venue';
      if (list && this.d.venue(account).capabilities?.ocoAmend !== true) {
        // an exchange's list that cannot be amended (Binance) is placed again at the new size
        if (movable.length === legs.length && legs.every((o) => o.filledQuantity.isZero())) this.relist(ocoId, legs);
        continue;
      }
      // a venue's list resizes both legs from one; Tern's own link resizes each
      for (const leg of list ? movable.slice(0, 1) : movable) {
        this.amendOrder({ id: leg.id, quantity: str(size) }).catch((err: unknown) => this.d.log.warn({ order: leg.id, err: String(err) }, 'could not resize a protected position\'s exit'));
      }
    }
  }

  /**
   * A protect group held as an exchange's OCO list follows the position by
   * being canceled and placed again at the position's size: same prices, a
   * new group id and Tern client ids, each step journaled. Never two lists:
   * the new one goes out only once the exchange has ended the old one. A new
   * list the exchange refuses leaves its legs rejected saying the position is
   * not protected (the trader sees the rejection); nothing stays open.
   */
  private relist(ocoId: string, legs: OrderRecord[], rest = false): void {
    const { account, symbol } = legs[0]!;
    this.relisting.set(ocoId, { account, symbol, again: false });
    void (rest ? this.replaceRest(ocoId, legs) : this.replaceList(ocoId, legs))
      .catch((err: unknown) => this.d.log.error({ oco: ocoId, err: err instanceof Error ? err.message : String(err) }, 'a protected position\'s OCO list could not be placed again; the position may be unprotected'))
      .finally(() => {
        const again = this.relisting.get(ocoId)?.again === true;
        this.relisting.delete(ocoId);
        if (!this.groups.get(ocoId)?.some((id) => this.active.get(id) !== undefined)) this.protecting.delete(ocoId);
        if (again) this.followPosition(account, symbol, null);
      });
  }

  private async replaceList(ocoId: string, legs: OrderRecord[]): Promise<void> {
    const tp = legs.find((o) => o.protection?.role === 'take_profit');
    const sl = legs.find((o) => o.protection?.role === 'stop_loss');
    if (!tp?.price || !sl?.stopPrice) return;
    const { account, symbol, side } = tp;
    const sized = (): Decimal => {
      const position = this.d.portfolio.positionQuantity(account, symbol);
      const onSide = position.isPositive() === (side === 'sell') && !position.isZero();
      return onSide ? floorToStep(position.abs(), this.d.instrument(account, symbol).sizeIncrement) : dec(0);
    };
    const exits: AttachedExits = { takeProfit: { price: tp.price }, stopLoss: { stopPrice: sl.stopPrice, price: sl.price } };
    const size = sized();
    try {
      // what would refuse the new list before it is sent (the market went through a price): the old list stays
      checkExits('', side, exits, this.d.mid(account, symbol));
    } catch (err) {
      this.d.log.warn({ oco: ocoId, size: str(size), err: err instanceof Error ? err.message : String(err) }, 'the protect list keeps its size: a new one would be refused');
      return;
    }
    const next = this.d.ids.next('G');
    const why = `protect: the position is now ${str(size)}; this OCO list is re-placed at that size as group ${next}`;
    // canceling one leg ends the list; the exchange's answer for the other carries no reason of its own
    this.cancelReasons.set(sl.id, why);
    try {
      await this.cancelOrder(tp.id, { reason: why });
    } catch (err) {
      this.cancelReasons.delete(sl.id);
      this.d.log.warn({ oco: ocoId, err: err instanceof Error ? err.message : String(err) }, 'the protect list was not re-placed: its cancel was refused');
      return;
    }
    if (legs.some((o) => this.active.get(o.id) !== undefined)) {
      this.d.log.warn({ oco: ocoId }, 'the protect list was not re-placed: the exchange has not ended the old one yet (reconciliation settles it)');
      return;
    }
    // the position may have moved while the old list was canceled
    const now = sized();
    if (now.isZero()) return;
    const params = sameList(tp, sl, now, true);
    const refused = `protect: the position changed to ${str(now)} and the OCO list re-placed at that size was refused; the position is NOT protected (protect it again)`;
    try {
      await this.placeOco(params, { followsPosition: true, ocoId: next, refused });
    } catch (err) {
      // refused by Tern's own checks (its legs say so) or no answer from the venue (reconciliation settles the legs)
      this.d.log.warn({ oco: next, err: err instanceof Error ? err.message : String(err) }, 'a protected position\'s OCO list was not placed again');
      await this.committed(false).catch(() => undefined);
      return;
    }
    this.protecting.add(next);
  }

  /**
   * Binance ends a list's stop as soon as its take profit starts filling, so a
   * take profit filled in part leaves the rest of the position with no stop
   * (the paper and simulated venues shrink the other leg instead: ocoAmend).
   * Whichever report comes last (the fill, or the stop's end) finds the take
   * profit working, part filled, alone in its group: its rest is canceled and
   * a new list placed for it.
   */
  private protectRest(order: OrderRecord): void {
    const ocoId = order.protection?.ocoId;
    if (!ocoId || order.protection?.heldBy !== 'venue' || this.relisting.has(ocoId)) return;
    if (this.d.venue(order.account).capabilities?.ocoAmend === true) return;
    const ids = this.groups.get(ocoId) ?? [];
    const tp = ids.flatMap((id) => this.active.get(id) ?? []).find((o) => o.protection?.role === 'take_profit');
    const sl = ids.flatMap((id) => this.find(id) ?? []).find((o) => o.protection?.role === 'stop_loss');
    if (!tp || !sl || tp.state !== 'partially_filled' || !remaining(tp).gt(0)) return;
    // the stop still works: the list is whole
    if (this.active.get(sl.id) !== undefined) return;
    if (this.restWaiting.has(ocoId)) return;
    // The last trade is the take profit's own: the exchange refuses a new list at these prices (a sell's
    // limit must be above the last price) until the market moves off it. The rest keeps working meanwhile.
    this.restWaiting.set(ocoId, { account: tp.account, symbol: tp.symbol, tpId: tp.id, slId: sl.id });
    const reason = `oco: the take profit filled in part and the exchange ended the stop; the rest (${str(remaining(tp))}) has no stop until the market moves off the take profit, then a new list protects it`;
    this.d.log.warn({ oco: ocoId, order: tp.id }, reason);
    this.patch(tp, { rejectReason: reason });
  }

  /** a trade off the take profit: the rests waiting for one are protected again by a new list */
  private protectRestsAt(account: string, symbol: string, last: Decimal): void {
    for (const [ocoId, w] of this.restWaiting) {
      if (w.account !== account || w.symbol !== symbol) continue;
      const tp = this.active.get(w.tpId);
      const sl = this.find(w.slId);
      if (!tp || !sl || !tp.price || !sl.stopPrice || !remaining(tp).gt(0)) {
        this.restWaiting.delete(ocoId);
        continue;
      }
      try {
        checkExits('', tp.side, { takeProfit: { price: tp.price }, stopLoss: { stopPrice: sl.stopPrice, price: sl.price } }, last);
      } catch {
        continue;
      }
      this.restWaiting.delete(ocoId);
      if (!this.relisting.has(ocoId)) this.relist(ocoId, [tp, sl], true);
    }
  }

  /** The rest of a take profit filled in part goes, and a new list (same prices, Tern's ids, journaled) protects it. */
  private async replaceRest(ocoId: string, legs: OrderRecord[]): Promise<void> {
    const [tp, sl] = legs as [OrderRecord, OrderRecord];
    if (!tp.price || !sl.stopPrice) return;
    const { account, symbol, side } = tp;
    const notProtected = 'oco: the take profit filled in part and the exchange ended the stop';
    try {
      checkExits('', side, { takeProfit: { price: tp.price }, stopLoss: { stopPrice: sl.stopPrice, price: sl.price } }, this.d.mid(account, symbol));
    } catch (err) {
      // no list can be placed at these prices now: the take profit's rest stays, and says the rest has no stop
      const reason = `${notProtected}; a new list would be refused, so the rest is NOT protected by a stop (protect it again): ${err instanceof Error ? err.message : String(err)}`;
      const now = this.active.get(tp.id);
      if (now) this.patch(now, { rejectReason: reason });
      this.d.log.error({ oco: ocoId, err: reason }, 'the rest of a take profit filled in part has no stop');
      return;
    }
    const next = this.d.ids.next('G');
    try {
      await this.cancelOrder(tp.id, { reason: `oco: the take profit filled in part; the rest is protected again by a new list (group ${next})` });
    } catch (err) {
      this.d.log.warn({ oco: ocoId, err: err instanceof Error ? err.message : String(err) }, 'the rest of a take profit filled in part was not protected again: its cancel was refused');
      return;
    }
    const ended = this.find(tp.id);
    if (!ended || this.active.get(tp.id) !== undefined) {
      this.d.log.warn({ oco: ocoId }, 'the rest of a take profit filled in part was not protected again: the exchange has not ended it yet (reconciliation settles it)');
      return;
    }
    // what the take profit had left when the exchange ended it
    const rest = remaining(ended);
    if (!rest.gt(0)) return;
    const followsPosition = tp.protection?.followsPosition === true;
    const params = sameList(tp, sl, rest, tp.reduceOnly);
    const owner = { ...(tp.strategyId !== undefined ? { strategyId: tp.strategyId } : {}), ...(tp.keyId !== undefined ? { keyId: tp.keyId } : {}) };
    const refused = `${notProtected}; the list for the rest (${str(rest)}) was refused; the rest is NOT protected (protect it again)`;
    try {
      await this.placeOco(params, { ...owner, followsPosition, ocoId: next, refused, ...(tp.protection?.parentId ? { parentId: tp.protection.parentId } : {}) });
    } catch (err) {
      this.d.log.warn({ oco: next, err: err instanceof Error ? err.message : String(err) }, 'the rest of a take profit filled in part was not protected again');
      await this.committed(false).catch(() => undefined);
      return;
    }
    if (followsPosition) this.protecting.add(next);
  }

  /** a leg refused before it was sent, kept as rejected (journaled) so the refusal shows */
  private recordRefused(o: OrderRecord, reason: string): void {
    this.track(o);
    this.save(o, 'initialize');
    this.apply(o.id, 'reject', { rejectReason: reason });
    if (o.protection?.ocoId) this.groups.delete(o.protection.ocoId);
  }

  /** Tern's own link: the take profit goes to the venue; the stop is held by Tern (a refused take profit leaves nothing: the stop is rejected with it). */
  private async sendLegs(venue: Venue, tp: OrderRecord, sl: OrderRecord): Promise<void> {
    const request = (o: OrderRecord) => ({
      clientOrderId: o.clientOrderId,
      symbol: o.symbol,
      side: o.side,
      type: o.type,
      quantity: o.quantity,
      price: o.price,
      stopPrice: o.stopPrice,
      timeInForce: o.timeInForce,
      postOnly: o.postOnly,
      reduceOnly: o.reduceOnly,
    });
    if (isTriggerType(tp.type)) {
      // a take profit trigger waits in Tern too: Tern fires whichever leg the market reaches first and cancels the other
      for (const o of [tp, sl]) {
        const armed = this.apply(o.id, 'accept');
        if (armed) this.armTrigger(armed);
      }
      return;
    }
    // the take profit rests on the venue; the stop waits in Tern and is armed only once the take profit is there
    const tpAck = await venue.createOrder(request(tp));
    this.noteVenueId(tp.id, tpAck.venueOrderId);
    const armed = this.apply(sl.id, 'accept');
    if (armed && this.active.get(tp.id)) this.armTrigger(armed);
    else if (armed) this.apply(sl.id, 'cancel', { rejectReason: 'oco: the take profit ended as it was placed' });
  }
}


/**
 * An OCO's take-profit leg as the order it makes: a limit at `price`, or a
 * take profit trigger at `stop_price` (a take_profit_limit also at `price`).
 * Each missing or extra field is refused by its name.
 */
function ocoTakeProfit(tp: PlaceOcoParams['take_profit']): { type: OcoTakeProfitType; price: Decimal | null; stopPrice: Decimal | null } {
  const type = tp.type ?? 'limit';
  const needsPrice = type !== 'take_profit_market';
  const needsStop = type !== 'limit';
  if (needsPrice && !tp.price) throw invalidOrder('take_profit.price', `a ${type} take profit needs a price`);
  if (!needsPrice && tp.price) throw invalidOrder('take_profit.price', `a ${type} take profit takes no price: it fires a market order`);
  if (needsStop && !tp.stop_price) throw invalidOrder('take_profit.stop_price', `a ${type} take profit needs a stop_price (its trigger)`);
  if (!needsStop && tp.stop_price) throw invalidOrder('take_profit.stop_price', 'a limit take profit takes no stop_price: give type take_profit_market or take_profit_limit for a trigger');
  return { type, price: tp.price ? dec(tp.price) : null, stopPrice: tp.stop_price ? dec(tp.stop_price) : null };
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

/** what most placements ask for (no trailing terms, no exits): one answer for all of them */
const UNPROTECTED: { readonly trailing: null; readonly protection: null } = Object.freeze({ trailing: null, protection: null });

/** what every order the OMS creates starts with: not yet sent, nothing filled (a new order and each OCO leg) */
function unsentOrder(now: number): Pick<OrderRecord, 'state' | 'previousState' | 'filledQuantity' | 'averagePrice' | 'fees' | 'rejectReason' | 'venueOrderId' | 'createdAt' | 'updatedAt'> {
  return { state: 'initialized', previousState: null, filledQuantity: ZERO, averagePrice: null, fees: ZERO, rejectReason: null, venueOrderId: null, createdAt: now, updatedAt: now };
}

/** an OCO list at `quantity` with the prices of an existing list's take profit and stop (both priced) */
function sameList(tp: OrderRecord, sl: OrderRecord, quantity: Decimal, reduceOnly: boolean): PlaceOcoParams {
  return {
    account: tp.account,
    symbol: tp.symbol,
    side: tp.side,
    quantity: str(quantity),
    take_profit: { price: str(tp.price!) },
    stop_loss: { stop_price: str(sl.stopPrice!), ...(sl.price ? { price: str(sl.price) } : {}) },
    reduce_only: reduceOnly,
  };
}
