/**
 * The backtest venue: the simulated exchange's core (venues/sim/core.ts:
 * balance ledger, locks, fees, the venue's own filters, report delivery) with
 * a matcher for bars instead of books (bar-matcher.ts, fill-model.ts; the
 * rules are in docs/strategies.md).
 *
 * - Orders arrive while a bar closes and meet the next bar: `processBar(i)`
 *   runs the working orders against bar i's open, high and low, oldest first,
 *   before the strategy sees bar i. An order made on the last bar never fills.
 * - Market orders fill at the next open (± slippage). Until then they are in
 *   flight (pending: no 'accepted'). A market buy that the account cannot pay
 *   (notional + fee at the fill price) is rejected then; a sell without the
 *   base it sells is rejected.
 * - Limit orders fill at the open when the bar opens at or through their price,
 *   else at their price when the bar's range reaches it. IOC and FOK limits
 *   get one chance, the next open, and expire otherwise.
 * - Stops trigger at the open when the bar opens at or through the stop, else
 *   at the stop when the range reaches it; a stop_market then fills there
 *   (± slippage); a stop_limit fills at the trigger price when that is within
 *   its limit, otherwise it works as a limit.
 * - Whole orders fill (bars carry no depth). Fee = fee rate × fill notional,
 *   in the quote asset (maker rate for limits resting before the bar, taker
 *   for market and triggered orders). Slippage moves market and stop_market
 *   fills against the order: buy × (1 + s), sell × (1 − s).
 * - Funds: limit and stop buys lock like the paper venue; a market order locks
 *   nothing and is checked at its fill.
 */
import { badRequest } from '../../../src-common/contract/errors.js';
import { type Decimal, ZERO } from '../../engine/model/decimal.js';
import { isTerminal } from '../../engine/model/order-state.js';
import type { InstrumentSpec, OrderRecord } from '../../engine/model/types.js';
import type { Clock, IdSource } from '../../engine/ports/clock.js';
import type { InProcessVenue } from '../../engine/ports/venue.js';
import { SimVenue } from '../sim/sim-venue.js';
import type { BarMarket } from './bar-market.js';
import { BarMatcher, type Working } from './bar-matcher.js';

export interface BacktestVenueOptions {
  account: string;
  feed: BarMarket;
  clock: Clock;
  ids: IdSource;
  startingBalances: Record<string, string>;
  /** fraction the market and stop_market fills move against the order; default 0 */
  slippage?: Decimal;
  onListenerError?: (err: unknown) => void;
}

export class BacktestVenue extends SimVenue<Working> implements InProcessVenue {
  readonly exchange = 'backtest';
  readonly mode = 'paper' as const;
  readonly account: string;
  readonly marketData: BarMarket;

  private readonly matcher: BarMatcher;

  constructor(options: BacktestVenueOptions) {
    const slippage = options.slippage ?? ZERO;
    if (slippage.isNeg() || slippage.gte(1)) throw badRequest('slippage must be a fraction ≥ 0 and < 1', { field: 'slippage' });
    let matcher: BarMatcher | undefined;
    super({
      clock: options.clock,
      ids: options.ids,
      idPrefixes: { order: 'B', trade: 'BT' },
      startingBalances: options.startingBalances,
      // one 'balance' report per asset when the operation ends, for all its fills
      balancesEachFill: false,
      onListenerError: options.onListenerError,
      matcher: (core) => (matcher = new BarMatcher(core, options.feed, slippage)),
    });
    this.account = options.account;
    this.marketData = options.feed;
    this.matcher = matcher!;
  }

  /** working orders (the runner's fast path skips processBar when there are none) */
  get openOrderCount(): number {
    return this.matcher.workingCount;
  }

  async loadMarkets(): Promise<InstrumentSpec[]> {
    return [this.marketData.instrument];
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  balance(asset: string): { total: Decimal; free: Decimal } {
    return { total: this.core.ledger.total(asset), free: this.core.ledger.free(asset) };
  }

  restore(state: { balances: Array<{ asset: string; total: Decimal }>; openOrders: OrderRecord[] }): { skipped: Array<{ clientOrderId: string; reason: string }> } {
    // A backtest starts from nothing: its engine's store is new, so there is nothing to take back.
    this.core.ledger.replace(state.balances.map((b) => [b.asset, b.total] as const));
    return { skipped: state.openOrders.filter((o) => !isTerminal(o.state)).map((o) => ({ clientOrderId: o.clientOrderId, reason: 'a backtest starts without orders' })) };
  }

  /** Bar `row` opens: the working orders meet it, oldest first. The caller has moved the clock to the bar's open. */
  processBar(row: number): void {
    if (this.matcher.workingCount === 0) return;
    const feed = this.marketData;
    feed.index = row;
    feed.phase = 'open';
    this.core.operate(() => this.matcher.processBar(row));
    feed.phase = 'close';
  }
}
