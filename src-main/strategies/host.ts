import { TernError, badRequest } from '../../src-common/contract/errors.js';
import type { MethodName, ParamsOf as MethodParams, ResultOf } from '../../src-common/contract/methods.js';
import type { Order } from '../../src-common/contract/schemas.js';
import { Decimal, ZERO, floorToStep, roundToStep } from '../engine/model/decimal.js';
import type { InstrumentSpec, OrderRecord } from '../engine/model/types.js';
import { publicStatus } from '../engine/model/order-state.js';
import { keepNewest } from '../engine/model/bounded.js';
import type {
  AnyStrategyDefinition,
  Amount,
  AmendRequest,
  OcoRequest,
  BarView,
  BookView,
  OrderRequest,
  OrderStatus,
  ParamValues,
  RunMode,
  Strategy,
  StrategyContext,
  StrategyFill,
  StrategyOrder,
  TradeView,
} from './api.js';

/**
 * What a strategy host needs from where it runs: the engine's protocol, the
 * clock, and how the current bar's exact prices are found. The backtest and
 * the live runner each provide one.
 */
export interface HostPort {
  readonly mode: RunMode;
  readonly account: string;
  readonly symbol: string;
  readonly instrument: InstrumentSpec;
  /** epoch ms: what the strategy sees as the time */
  now(): number;
  /** what timers measure: the clock's monotonic reading live (a wall clock set back must not hold them for hours), the bars' time in backtests */
  timerTime(): number;
  call<M extends MethodName>(method: M, params: MethodParams<M>): Promise<ResultOf<M>>;
  /** the strategy-facing order for an engine answer (the backtest reads its OMS instead of parsing strings) */
  toOrder(dto: Order): StrategyOrder;
  /** orders.create answered as the strategy's order without the protocol's DTO in between (the backtest: Engine.placeOrderRecord); without it, call() */
  placeOrder?(params: MethodParams<'orders.create'>): Promise<StrategyOrder>;
  /** exact decimal of a price of the current bar */
  exact(field: 'open' | 'high' | 'low' | 'close'): Decimal;
  /** the client order id of the strategy's n-th order */
  clientOrderId(n: number): string;
  /** the timers changed: the next one is due at `due` on timerTime() (Infinity: none) */
  timersChanged?(due: number): void;
  log(message: string, data?: Record<string, unknown>): void;
}

type Job = () => void | Promise<void>;

const STATUS_RANK: Record<OrderStatus, number> = { pending: 0, open: 1, partially_filled: 2, filled: 3, canceled: 3, rejected: 3, expired: 3 };
const TERMINAL = new Set<OrderStatus>(['filled', 'canceled', 'rejected', 'expired']);
/** closed order ids remembered, so that a late report cannot bring one back */
const CLOSED_KEPT = 10_000;

/**
 * One running strategy: its instance, its parameters, what it knows about its
 * account (kept current from the engine's reports) and the queue of events it
 * is told about, one at a time, in order. A handler that returns a promise is
 * waited for before the next event; before a bar or a timer, the orders the
 * strategy has in flight are waited for too, so each decision sees the
 * answers to the previous ones.
 */
export class StrategyHost {
  readonly id: string;
  /** what its client order ids start with (asked on every report) */
  private readonly idPrefix: string;
  readonly definition: AnyStrategyDefinition;
  readonly ctx: StrategyContext;
  params: ParamValues;
  private strategy: Strategy | null = null;
  private readonly port: HostPort;

  private readonly working = new Map<string, StrategyOrder>();
  private readonly closed = new Set<string>();
  private readonly trimClosed = keepNewest(this.closed, CLOSED_KEPT);
  /** the strategy's own position (its share in the engine's per-strategy ledger), not the account's */
  private positionQty: Decimal = ZERO;
  /**
   * The strategy's own cash: its share at start (a `cash` parameter, else the
   * account's free quote balance at start) plus what its own fills brought
   * in and paid out; ctx.cash() never exceeds the account's free balance.
   */
  private ownCash: Decimal = ZERO;
  private freeAtStart: Decimal = ZERO;
  private readonly balances = new Map<string, { total: Decimal; free: Decimal }>();
  private orderSeq = 0;

  private readonly queue: Job[] = [];
  private draining: Promise<void> | null = null;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly timers = new Map<string, { due: number; every: number }>();
  /** when the next timer is due (Infinity: none), for the runner's per-bar check */
  nextTimerDue = Infinity;
  private stopped = false;
  /** the first error a handler threw; the runner decides what it means */
  failure: unknown = null;
  /** orders the engine refused (with the reason), e.g. RISK_REJECTED */
  readonly refusals: Array<{ ts: number; code: string; message: string }> = [];
  onFailure: (err: unknown) => void = () => {};

  constructor(id: string, definition: AnyStrategyDefinition, params: ParamValues, port: HostPort) {
    this.id = id;
    this.idPrefix = `${id}-`;
    this.definition = definition;
    this.params = params;
    this.port = port;
    this.ctx = new HostContext(this, port);
  }

  // ── lifecycle ───────────────────────────────────────────────────────────

  /** seeds what the account holds, makes the instance and runs onStart */
  async start(): Promise<void> {
    const { account, symbol } = this.port;
    const [balances, positions, orders] = await Promise.all([
      this.port.call('balances.list', { account }),
      this.port.call('positions.list', { account, symbol }),
      this.port.call('orders.list', { status: 'open', account, symbol, limit: 10_000 }),
    ]);
    for (const b of balances) this.setBalance(b.asset, new Decimal(b.total), new Decimal(b.free));
    // its own share of the position (the ledger keeps it across stops and restarts), never the trader's or another strategy's
    const own = positions.find((p) => p.symbol === symbol)?.owners?.find((o) => o.strategy_id === this.id);
    this.positionQty = own ? new Decimal(own.quantity) : ZERO;
    this.freeAtStart = this.balance(this.port.instrument.quote).free;
    this.ownCash = this.share(this.params);
    for (const o of orders) if (o.strategy_id === this.id && this.owns(o.client_order_id)) this.working.set(o.id, this.port.toOrder(o));
    try {
      this.strategy = this.definition.create(this.params, this.ctx);
    } catch (err) {
      // the strategy's own code threw: it fails like a throwing handler, with its stack, not as a refused start
      this.fail(err);
      return;
    }
    this.enqueue(() => this.strategy?.onStart?.(this.ctx));
    await this.drain();
  }

  /** runs onStop after what is queued; events after it are ignored */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.enqueue(() => this.strategy?.onStop?.(this.ctx));
    await this.drain();
    this.stopped = true;
    this.timers.clear();
    this.nextTimerDue = Infinity;
  }

  /** nothing queued, in flight or being delivered */
  get idle(): boolean {
    return this.queue.length === 0 && this.inflight.size === 0 && this.draining === null;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** whether new parameters can reach the running strategy (it has an onParams hook) */
  get acceptsParams(): boolean {
    return typeof this.strategy?.onParams === 'function';
  }

  async setParams(given: ParamValues): Promise<void> {
    const previous = this.params;
    this.params = given;
    // a new `cash` moves its share by the difference; what it made or lost stays its own
    this.ownCash = this.ownCash.add(this.share(given).sub(this.share(previous)));
    this.enqueue(() => this.strategy?.onParams?.(previous, this.ctx));
    await this.drain();
  }

  /** its capital base: the cash share at start for the parameters in force (its own drawdown breaker is measured on it) */
  get capital(): Decimal {
    return this.share(this.params);
  }

  /** its cash share at start: the `cash` parameter when it has one > 0, else the account's free quote balance at start */
  private share(params: ParamValues): Decimal {
    const cash = params.cash;
    return typeof cash === 'number' && cash > 0 ? new Decimal(cash) : this.freeAtStart;
  }

  /** whether a client order id is one of this strategy's */
  owns(clientOrderId: string): boolean {
    return clientOrderId.startsWith(this.idPrefix);
  }

  // ── what the runner tells it ────────────────────────────────────────────

  /** a bar for onBar; returns the drain to await, or null when nothing needs waiting (the fast path) */
  bar(bar: BarView): Promise<void> | null {
    const handler = this.strategy?.onBar;
    if (!handler || this.stopped) return null;
    if (this.queue.length === 0 && this.inflight.size === 0 && !this.draining) {
      // nothing before it: call it right away and only wait if it started something
      let result: void | Promise<void>;
      try {
        result = handler.call(this.strategy, bar, this.ctx);
      } catch (err) {
        this.fail(err);
        return null;
      }
      if (result && typeof (result as Promise<void>).then === 'function') return (result as Promise<void>).catch((err) => this.fail(err));
      return this.inflight.size > 0 || this.queue.length > 0 ? this.drain() : null;
    }
    this.enqueue(() => this.strategy?.onBar?.(bar, this.ctx), true);
    return this.drain();
  }

  /** a bar for onBar after what is queued (live: events arrive while the strategy may be busy); `before` runs right before it */
  queueBar(bar: BarView, before?: () => void): void {
    if (!this.strategy?.onBar || this.stopped) return;
    this.enqueue(() => {
      before?.();
      return this.strategy?.onBar?.(bar, this.ctx);
    }, true);
  }

  trade(trade: TradeView): void {
    if (this.strategy?.onTrade) this.enqueue(() => this.strategy?.onTrade?.(trade, this.ctx));
  }

  book(book: BookView): void {
    if (this.strategy?.onBook) this.enqueue(() => this.strategy?.onBook?.(book, this.ctx));
  }

  /** an order update from the engine; stale or repeated updates are dropped */
  orderUpdate(order: StrategyOrder): void {
    if (!this.owns(order.clientOrderId) || this.closed.has(order.id)) return;
    const known = this.working.get(order.id);
    if (known) {
      const rank = STATUS_RANK[order.status] - STATUS_RANK[known.status];
      if (rank < 0 || (rank === 0 && !order.filledQuantity.gt(known.filledQuantity) && order.updatedAt <= known.updatedAt && sameTerms(order, known))) return;
    }
    if (TERMINAL.has(order.status)) {
      this.working.delete(order.id);
      this.closed.add(order.id);
      this.trimClosed();
    } else this.working.set(order.id, order);
    if (this.strategy?.onOrder) this.enqueue(() => this.strategy?.onOrder?.(order, this.ctx));
  }

  fill(fill: StrategyFill): void {
    if (!this.owns(fill.clientOrderId)) return;
    const notional = fill.quantity.mul(fill.price);
    this.ownCash = (fill.side === 'sell' ? this.ownCash.add(notional) : this.ownCash.sub(notional)).sub(fill.fee);
    if (this.strategy?.onFill) this.enqueue(() => this.strategy?.onFill?.(fill, this.ctx));
  }

  setPosition(quantity: Decimal): void {
    this.positionQty = quantity;
  }

  setBalance(asset: string, total: Decimal, free: Decimal): void {
    this.balances.set(asset, { total, free });
  }

  /** fires the timers due at or before `now` (the port's timerTime()), in due order */
  fireTimers(now: number): Promise<void> {
    const due = [...this.timers.entries()].filter(([, t]) => t.due <= now).sort((a, b) => a[1].due - b[1].due || (a[0] < b[0] ? -1 : 1));
    for (const [name, t] of due) {
      if (t.every > 0) {
        // a repeating timer catches up once, not once per missed period
        const missed = Math.floor((now - t.due) / t.every) + 1;
        t.due += missed * t.every;
      } else this.timers.delete(name);
      this.enqueue(() => this.strategy?.onTimer?.(name, this.ctx), true);
    }
    this.recomputeNextTimer();
    return this.drain();
  }

  /** waits for everything queued and in flight */
  drain(): Promise<void> {
    if (!this.draining) {
      this.draining = this.run().finally(() => {
        this.draining = null;
      });
    }
    return this.draining;
  }

  // ── for the context ─────────────────────────────────────────────────────

  position(): Decimal {
    return this.positionQty;
  }

  balance(asset: string): { total: Decimal; free: Decimal } {
    return this.balances.get(asset) ?? { total: ZERO, free: ZERO };
  }

  /** its own cash, at most the account's free quote balance */
  cash(): Decimal {
    const free = this.balance(this.port.instrument.quote).free;
    return this.ownCash.lt(free) ? this.ownCash : free;
  }

  openOrders(): StrategyOrder[] {
    return [...this.working.values()];
  }

  track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    const done = () => this.inflight.delete(promise);
    promise.then(done, (err) => {
      done();
      this.refused(err);
    });
    return promise;
  }

  nextClientOrderId(): string {
    this.orderSeq += 1;
    return this.port.clientOrderId(this.orderSeq);
  }

  setTimer(name: string, delayMs: number, repeat: boolean): void {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw badRequest(`timer ${name}: the delay must be a number of ms ≥ 0`, { field: 'delayMs' });
    if (repeat && delayMs <= 0) throw badRequest(`timer ${name}: a repeating timer needs a delay > 0`, { field: 'delayMs' });
    this.timers.set(name, { due: this.port.timerTime() + delayMs, every: repeat ? delayMs : 0 });
    this.recomputeNextTimer();
  }

  clearTimer(name: string): void {
    if (this.timers.delete(name)) this.recomputeNextTimer();
  }

  // ── internals ───────────────────────────────────────────────────────────

  private enqueue(job: Job, waitForOrders = false): void {
    if (this.stopped) return;
    this.queue.push(waitForOrders ? async () => {
      await this.settle();
      return job();
    } : job);
  }

  private async run(): Promise<void> {
    for (;;) {
      const job = this.queue.shift();
      if (!job) {
        if (this.inflight.size === 0) return;
        await this.settle();
        continue;
      }
      try {
        const result = job();
        if (result && typeof (result as Promise<void>).then === 'function') await result;
      } catch (err) {
        this.fail(err);
      }
    }
  }

  /** waits until no order request is in flight */
  private async settle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  private refused(err: unknown): void {
    const e = err instanceof TernError ? err : null;
    this.refusals.push({ ts: this.port.now(), code: e?.code ?? 'INTERNAL', message: err instanceof Error ? err.message : String(err) });
    if (this.refusals.length > 1000) this.refusals.shift();
  }

  private fail(err: unknown): void {
    if (this.failure === null) this.failure = err;
    this.onFailure(err);
  }

  private recomputeNextTimer(): void {
    let next = Infinity;
    for (const t of this.timers.values()) if (t.due < next) next = t.due;
    this.nextTimerDue = next;
    this.port.timersChanged?.(next);
  }
}

/** an amendment (price, trigger or quantity) in a report with the same time as the last one is still news */
function sameTerms(a: StrategyOrder, b: StrategyOrder): boolean {
  return a.quantity.eq(b.quantity) && sameDecimal(a.price, b.price) && sameDecimal(a.stopPrice, b.stopPrice);
}

function sameDecimal(a: Decimal | null, b: Decimal | null): boolean {
  return a === null ? b === null : b !== null && a.eq(b);
}

/** the context a strategy is handed: thin calls into its host and the engine's protocol */
class HostContext implements StrategyContext {
  constructor(
    private readonly host: StrategyHost,
    private readonly port: HostPort,
  ) {}

  get id() {
    return this.host.id;
  }
  get mode() {
    return this.port.mode;
  }
  get account() {
    return this.port.account;
  }
  get symbol() {
    return this.port.symbol;
  }
  get instrument() {
    return this.port.instrument;
  }
  get params() {
    return this.host.params;
  }

  now(): number {
    return this.port.now();
  }

  exact(field: 'open' | 'high' | 'low' | 'close'): Decimal {
    return this.port.exact(field);
  }

  position(): Decimal {
    return this.host.position();
  }

  cash(): Decimal {
    return this.host.cash();
  }

  balance(asset: string): { total: Decimal; free: Decimal } {
    return this.host.balance(asset);
  }

  openOrders(): StrategyOrder[] {
    return this.host.openOrders();
  }

  placeOrder(request: OrderRequest): Promise<StrategyOrder> {
    const type = request.type ?? 'market';
    const params: MethodParams<'orders.create'> = {
      account: this.port.account,
      symbol: this.port.symbol,
      side: request.side,
      type,
      quantity: amountText(request.quantity, 'quantity'),
      client_order_id: this.host.nextClientOrderId(),
    };
    if (request.price !== undefined) params.price = amountText(request.price, 'price');
    if (request.stopPrice !== undefined) params.stop_price = amountText(request.stopPrice, 'stopPrice');
    if (request.timeInForce) params.time_in_force = request.timeInForce;
    if (request.postOnly !== undefined) params.post_only = request.postOnly;
    if (request.reduceOnly !== undefined) params.reduce_only = request.reduceOnly;
    if (request.takeProfit) params.take_profit = { price: amountText(request.takeProfit.price, 'takeProfit.price') };
    if (request.stopLoss) params.stop_loss = stopLossText(request.stopLoss);
    if (request.trailingOffset !== undefined) params.trailing_offset = amountText(request.trailingOffset, 'trailingOffset');
    if (request.trailingUnit) params.trailing_unit = request.trailingUnit;
    if (request.activationPrice !== undefined) params.activation_price = amountText(request.activationPrice, 'activationPrice');
    const placed = this.port.placeOrder ? this.port.placeOrder(params) : this.port.call('orders.create', params).then((dto) => this.port.toOrder(dto));
    return this.host.track(
      placed.then((order) => {
        this.host.orderUpdate(order);
        return order;
      }),
    );
  }

  placeOco(request: OcoRequest): Promise<StrategyOrder[]> {
    const params: MethodParams<'orders.oco'> = {
      account: this.port.account,
      symbol: this.port.symbol,
      side: request.side,
      quantity: amountText(request.quantity, 'quantity'),
      take_profit: ocoTakeProfitText(request.takeProfit),
      stop_loss: stopLossText(request.stopLoss),
      reduce_only: true,
      client_order_id: this.host.nextClientOrderId(),
    };
    return this.host.track(
      this.port.call('orders.oco', params).then((group) => {
        const orders = group.orders.map((dto) => this.port.toOrder(dto));
        for (const order of orders) this.host.orderUpdate(order);
        return orders;
      }),
    );
  }

  buy(quantity: Amount, options: Omit<OrderRequest, 'side' | 'quantity'> = {}): Promise<StrategyOrder> {
    return this.placeOrder({ ...options, side: 'buy', quantity });
  }

  sell(quantity: Amount, options: Omit<OrderRequest, 'side' | 'quantity'> = {}): Promise<StrategyOrder> {
    return this.placeOrder({ ...options, side: 'sell', quantity });
  }

  amend(orderId: string, changes: AmendRequest): Promise<StrategyOrder> {
    const params: MethodParams<'orders.amend'> = { id: orderId };
    if (changes.price !== undefined) params.price = amountText(changes.price, 'price');
    if (changes.quantity !== undefined) params.quantity = amountText(changes.quantity, 'quantity');
    if (changes.stopPrice !== undefined) params.stop_price = amountText(changes.stopPrice, 'stopPrice');
    return this.host.track(this.port.call('orders.amend', params).then((dto) => this.updated(dto)));
  }

  cancel(orderId: string): Promise<StrategyOrder> {
    return this.host.track(this.port.call('orders.cancel', { id: orderId }).then((dto) => this.updated(dto)));
  }

  async cancelAll(): Promise<void> {
    await Promise.allSettled(this.host.openOrders().map((o) => this.cancel(o.id)));
  }

  floorQuantity(quantity: Amount): Decimal {
    const value = toDecimal(quantity, 'quantity');
    // a power-of-ten step (the usual case) is a cut at its decimal places: cheaper than dividing by it
    this.sizePlaces ??= powerOfTenPlaces(this.port.instrument.sizeIncrement);
    if (this.sizePlaces !== null) return value.toDecimalPlaces(this.sizePlaces, Decimal.ROUND_FLOOR);
    return floorToStep(value, this.port.instrument.sizeIncrement);
  }

  private sizePlaces: number | null | undefined;

  roundPrice(price: Amount): Decimal {
    return roundToStep(toDecimal(price, 'price'), this.port.instrument.priceIncrement);
  }

  setTimer(name: string, delayMs: number, options: { repeat?: boolean } = {}): void {
    this.host.setTimer(name, delayMs, options.repeat ?? false);
  }

  clearTimer(name: string): void {
    this.host.clearTimer(name);
  }

  log(message: string, data?: Record<string, unknown>): void {
    this.port.log(message, data);
  }

  private updated(dto: Order): StrategyOrder {
    const order = this.port.toOrder(dto);
    this.host.orderUpdate(order);
    return order;
  }
}

/** d for a step of 10^-d (d ≥ 0), else null */
function powerOfTenPlaces(step: Decimal): number | null {
  const places = step.decimalPlaces();
  return step.eq(new Decimal(10).pow(-places)) ? places : null;
}

function toDecimal(value: Amount, field: string): Decimal {
  if (Decimal.isDecimal(value)) return value as Decimal;
  try {
    const d = new Decimal(value as string | number);
    if (d.isFinite()) return d;
  } catch {
    // refused below
  }
  throw badRequest(`${field} must be a finite decimal, got ${JSON.stringify(value)}`, { field });
}

/** a decimal as the protocol's text: plain notation */
function amountText(value: Amount, field: string): string {
  return toDecimal(value, field).toFixed();
}

/** a stop-loss exit as the protocol's {stop_price, price?} */
function stopLossText(stop: { stopPrice: Amount; price?: Amount }): { stop_price: string; price?: string } {
  return { stop_price: amountText(stop.stopPrice, 'stopLoss.stopPrice'), ...(stop.price !== undefined ? { price: amountText(stop.price, 'stopLoss.price') } : {}) };
}

/**
 * an OCO take profit as the protocol's {type?, price?, stop_price?}: only the
 * fields given, so the engine's rules (which type needs which) judge them
 */
function ocoTakeProfitText(tp: OcoRequest['takeProfit']): MethodParams<'orders.oco'>['take_profit'] {
  return {
    ...(tp.type !== undefined ? { type: tp.type } : {}),
    ...(tp.price !== undefined ? { price: amountText(tp.price, 'takeProfit.price') } : {}),
    ...(tp.stopPrice !== undefined ? { stop_price: amountText(tp.stopPrice, 'takeProfit.stopPrice') } : {}),
  };
}

/** the strategy's view of an engine order answer */
export function orderFromDto(o: Order): StrategyOrder {
  return {
    id: o.id,
    clientOrderId: o.client_order_id,
    side: o.side,
    type: o.type,
    status: o.status,
    quantity: new Decimal(o.quantity),
    filledQuantity: new Decimal(o.filled_quantity),
    price: o.price === null ? null : new Decimal(o.price),
    stopPrice: o.stop_price === null ? null : new Decimal(o.stop_price),
    averagePrice: o.average_price === null ? null : new Decimal(o.average_price),
    fees: new Decimal(o.fees),
    rejectReason: o.reject_reason,
    updatedAt: Date.parse(o.updated_at),
  };
}

/** the strategy's view of an OMS record (in-process, no parsing) */
export function orderFromRecord(o: OrderRecord): StrategyOrder {
  return {
    id: o.id,
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    status: publicStatus(o.state, o.filledQuantity.gt(0)),
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    price: o.price,
    stopPrice: o.stopPrice,
    averagePrice: o.averagePrice,
    fees: o.fees,
    rejectReason: o.rejectReason,
    updatedAt: o.updatedAt,
  };
}
