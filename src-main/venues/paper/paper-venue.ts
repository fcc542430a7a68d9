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
 * - Trailing stops follow the best last price; their moves are reported
 *   ('updated' with the best and the stop) in batches: the first at once, the
 *   next no sooner than 250 ms later on the venue's clock (or by a timer when
 *   no print comes), each stop once at its latest, and always before one
 *   triggers and when the venue stops. openOrders() shows them current.
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
import { isTriggerType, needsLimitPrice, worksAsMarketOnceTriggered } from '../../../src-common/contract/constants/orders.js';
import type { Decimal } from '../../engine/model/decimal.js';
import { isTerminal } from '../../engine/model/order-state.js';
import { type InstrumentSpec, type OrderRecord, remaining } from '../../engine/model/types.js';
import type { Clock, IdSource } from '../../engine/ports/clock.js';
import type { MarketFeed } from '../../engine/ports/market-data.js';
import type { Venue, VenueAck, VenueOrderRequest } from '../../engine/ports/venue.js';
import { SimVenue } from '../sim/sim-venue.js';
import { BookMatcher } from './book-matcher.js';
import { lockFor } from '../sim/order-costs.js';
import { isRestingLimit, type PaperOrder, type PaperOrderView } from '../sim/sim-order.js';
import type { WorkingOrders } from '../sim/working-orders.js';

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

export class PaperVenue extends SimVenue<PaperOrder> implements Venue {
  readonly exchange = 'paper';
  readonly mode = 'paper' as const;
  readonly account: string;
  readonly marketData: MarketFeed;

  private readonly matcher: BookMatcher;
  private unsubscribe: (() => void) | null = null;

  constructor(options: PaperVenueOptions) {
    let matcher: BookMatcher | undefined;
    super({
      clock: options.clock,
      ids: options.ids,
      idPrefixes: { order: 'P', trade: 'T' },
      startingBalances: options.startingBalances,
      balancesEachFill: true,
      onListenerError: options.onListenerError,
      workingOrders: options.workingOrders,
      matcher: (core) => (matcher = new BookMatcher(core, options.marketData)),
    });
    this.account = options.account;
    this.marketData = options.marketData;
    this.matcher = matcher!;
  }

  /** Works the order now (see Venue.createOrderNow): what createOrder resolves with, without the wait. */
  createOrderNow(request: VenueOrderRequest): VenueAck {
    return this.core.createOrder(request);
  }

  async loadMarkets(): Promise<InstrumentSpec[]> {
    return this.matcher.instruments();
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    this.unsubscribe = this.marketData.subscribe((event) => this.core.operate(() => this.matcher.onMarketEvent(event)));
  }

  /** Reports the trailing-stop moves waiting for their batch (see BookMatcher.trail). */
  reportTrailing(): void {
    this.core.operate(() => this.matcher.reportTrailing());
  }

  async stop(): Promise<void> {
    // trailing-stop moves not reported yet: the OMS journals them as it stops
    this.reportTrailing();
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Open orders the matcher has looked at on market events so far: they are only those an event can fill, plus one per side. */
  get matchingVisits(): number {
    return this.core.orders.visits;
  }

  /** The open orders (resting limits and stops), oldest first; copies. */
  openOrders(): PaperOrderView[] {
    this.matcher.syncTrailing();
    return this.core.orders.all().map((o) => ({ ...o, remaining: remaining(o) }));
  }

  /**
   * Rebuilds balances, resting orders, stops and their locks after a restart,
   * from the stored balances and open orders. Emits no reports.
   */
  restore(state: PaperRestoreState): PaperRestoreResult {
    const { orders, ledger } = this.core;
    this.core.clear();
    ledger.replace(state.balances.map((b) => [b.asset, b.total] as const));
    const result: PaperRestoreResult = { restored: [], skipped: [] };
    const records = [...state.openOrders].sort((a, b) => a.createdAt - b.createdAt);
    for (const record of records) {
      const spec = this.matcher.findSpec(record.symbol);
      const order = restoredOrder(record);
      const why = unrestorableReason(record, order) ?? (orders.knowsClientOrderId(order.clientOrderId) ? 'a duplicate client order id' : null);
      if (!spec || why !== null) {
        result.skipped.push({ clientOrderId: record.clientOrderId, reason: why ?? `unknown symbol ${record.symbol}` });
        continue;
      }
      order.seq = this.core.nextSeq();
      orders.add(order);
      this.core.relink(order);
      this.matcher.follow(order);
      ledger.lock(order.venueOrderId, lockFor(order, spec));
      result.restored.push(order.clientOrderId);
    }
    ledger.markReported();
    return result;
  }
}

/** The working order a stored open order stands for (seq is set by the caller). */
function restoredOrder(record: OrderRecord): PaperOrder {
  const isStop = isTriggerType(record.type);
  const oco = record.protection?.ocoId && record.protection.heldBy === 'venue' ? record.protection : null;
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
    filledQuantity: record.filledQuantity,
    price: record.price,
    stopPrice: record.stopPrice,
    timeInForce: record.timeInForce,
    postOnly: record.postOnly,
    triggered,
    seq: 0,
    ocoId: oco?.ocoId ?? null,
    ocoLeg: oco ? (oco.role === 'take_profit' ? 'take_profit' : 'stop_loss') : null,
    trailing: record.trailing ?? null,
  };
}

function unrestorableReason(record: OrderRecord, order: PaperOrder): string | null {
  if (isTerminal(record.state)) return `the order is ${record.state}`;
  if (record.venueOrderId === null) return 'the venue never acknowledged the order';
  if (!remaining(order).gt(0)) return 'nothing remains to fill';
  if (order.type === 'market') return 'a market order never rests';
  if (worksAsMarketOnceTriggered(order.type) && order.triggered) return `a triggered ${order.type} works as a market order and never rests`;
  if (isRestingLimit(order) && order.timeInForce !== 'GTC') return `a ${order.timeInForce} order never rests`;
  if (needsLimitPrice(order.type) && order.price === null) return 'a limit order without a price';
  if (order.type !== 'limit' && order.type !== 'trailing_stop' && !order.triggered && order.stopPrice === null) return 'a stop order without a stop price';
  if (order.type === 'trailing_stop' && !order.trailing) return 'a trailing stop without its trailing terms';
  return null;
}
