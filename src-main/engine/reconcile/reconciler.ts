/**
 * Reconciliation: what Tern believes about an account against what its venue
 * holds, for any venue that answers questions (ReconcilableVenue).
 *
 * When: when an account opens (start), when the venue asks (a stream came
 * back, a request went unanswered, polling), every `intervalMs`, and on
 * demand (`reconcile.run`). Runs of one account never overlap; requests that
 * arrive during a run are served by one more run after it.
 *
 * What, in this order:
 * 1. Tern's working orders: each is looked up on the venue (the open orders,
 *    else by client order id). Fills the venue has and Tern lacks are applied
 *    (by venue trade id, never twice); then the venue's status settles the
 *    order: a pending order becomes open, an unanswered cancel or amendment
 *    is resolved by what the venue shows, an order that ended on the venue
 *    ends in Tern. An order the venue has never heard of, older than the
 *    venue's grace period, never reached it: rejected. Orders with a request
 *    in flight are left to that request.
 * 2. Open orders on the venue that Tern does not know: adopted as external
 *    orders (Tern id `ext-…`), or canceled when `autoCancelExternal` is on.
 * 3. Balances: the venue's replace Tern's where they differ.
 * Every change goes through the same path as the venue's own reports (the
 * OMS's state table), and the report lists each one.
 */
import { TernError } from '../../../src-common/contract/errors.js';
import type { Journal } from '../journal.js';
import { type Decimal, ZERO, str } from '../model/decimal.js';
import { isTerminal } from '../model/order-state.js';
import type { OrderRecord } from '../model/types.js';
import type { Oms } from '../oms/oms.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Clock, IdSource } from '../ports/clock.js';
import type { Logger } from '../ports/logger.js';
import type { EngineStore } from '../ports/store.js';
import type { ExecutionReport, ReconcilableVenue, VenueFill, VenueOrderStatus } from '../ports/venue.js';

export interface ReconcileOptions {
  /** ms between periodic runs (default 30 000; 0: no timer) */
  intervalMs?: number;
  /** cancel open orders Tern did not place instead of adopting them (default false) */
  autoCancelExternal?: boolean;
  /** a venue request shortly after a burst of resync requests waits this long to serve them all (default 50 ms) */
  debounceMs?: number;
  /**
   * Open orders of every symbol are listed (a costly request on most
   * exchanges) at start, on demand and at most this often (default 5 min);
   * other runs list only the symbols Tern has working orders in.
   */
  fullScanMs?: number;
}

export interface ReconcileDeps {
  clock: Clock;
  ids: IdSource;
  log: Logger;
  journal: Journal;
  store: EngineStore;
  oms: Oms;
  portfolio: Portfolio;
  /** applies a report as if the venue had sent it (the OMS, then the breakers) */
  apply(account: string, report: ExecutionReport): void;
  /** told each finished run (the account's status shows what it left unresolved) */
  onReport?(report: ReconcileReport): void;
}

export type FixKind =
  | 'order_accepted'
  | 'order_lost'
  | 'order_ended'
  | 'cancel_resolved'
  | 'amend_resolved'
  | 'fill_applied'
  | 'external_adopted'
  | 'external_canceled'
  | 'balance_corrected';

export interface ReconcileFix {
  account: string;
  kind: FixKind;
  order_id: string | null;
  client_order_id: string | null;
  detail: string;
}

export interface ReconcileReport {
  account: string;
  /** what was compared: working orders, open orders on the venue, trades looked at, balances */
  checked: { orders: number; venue_orders: number; fills: number; balances: number };
  fixed: ReconcileFix[];
  /** differences it could not settle, said in words */
  unresolved: string[];
  reason: string;
  ts: number;
}

interface AccountState {
  venue: ReconcilableVenue;
  timer: NodeJS.Timeout | null;
  debounce: NodeJS.Timeout | null;
  tail: Promise<unknown>;
  queued: Promise<ReconcileReport> | null;
  off: () => void;
  last: ReconcileReport | null;
  lastFullScan: number;
}

/** fills looked up before the oldest working order (clock skew, orders placed just before Tern recorded them) */
const FILL_LOOKBACK_MS = 60_000;

export class Reconciler {
  private readonly accounts = new Map<string, AccountState>();
  private readonly intervalMs: number;
  private readonly autoCancel: boolean;
  private readonly debounceMs: number;
  private readonly fullScanMs: number;

  constructor(private readonly d: ReconcileDeps, opts: ReconcileOptions = {}) {
    this.intervalMs = opts.intervalMs ?? 30_000;
    this.autoCancel = opts.autoCancelExternal ?? false;
    this.debounceMs = opts.debounceMs ?? 50;
    this.fullScanMs = opts.fullScanMs ?? 300_000;
  }

  /** Starts reconciling an account: one run now (awaited; a failure is logged), then on requests and on the timer. */
  async attach(account: string, venue: ReconcilableVenue): Promise<ReconcileReport | null> {
    this.detach(account);
    const state: AccountState = { venue, timer: null, debounce: null, tail: Promise.resolve(), queued: null, off: () => {}, last: null, lastFullScan: Number.NEGATIVE_INFINITY };
    this.accounts.set(account, state);
    state.off = venue.onResync((reason) => this.request(account, reason));
    if (this.intervalMs > 0) {
      state.timer = setInterval(() => this.request(account, 'interval'), this.intervalMs);
      state.timer.unref?.();
    }
    try {
      return await this.run(account, 'start');
    } catch (err) {
      this.d.log.warn({ account, err: err instanceof Error ? err.message : String(err) }, 'reconciliation at start failed; it runs again on the next request');
      return null;
    }
  }

  detach(account: string): void {
    const state = this.accounts.get(account);
    if (!state) return;
    state.off();
    if (state.timer) clearInterval(state.timer);
    if (state.debounce) clearTimeout(state.debounce);
    this.accounts.delete(account);
  }

  stop(): void {
    for (const account of [...this.accounts.keys()]) this.detach(account);
  }

  has(account: string): boolean {
    return this.accounts.has(account);
  }

  accountsAttached(): string[] {
    return [...this.accounts.keys()];
  }

  /** the last report of an account, if any run finished */
  lastReport(account: string): ReconcileReport | null {
    return this.accounts.get(account)?.last ?? null;
  }

  /**
   * Reconciles now (after a run in progress, if any); the report of a run
   * that started after this call. Requests made while one waits share it.
   */
  run(account: string, reason = 'requested'): Promise<ReconcileReport> {
    const state = this.accounts.get(account);
    if (!state) return Promise.reject(new TernError('CONFLICT', `account ${account} has nothing to reconcile: its venue keeps no state outside Tern`));
    if (state.queued) return state.queued;
    const next: Promise<ReconcileReport> = state.tail
      .catch(() => undefined)
      .then(() => {
        if (state.queued === next) state.queued = null;
        if (this.accounts.get(account) !== state) throw new TernError('CONFLICT', `account ${account} was closed`);
        return this.execute(account, state, reason).catch((err: unknown) => {
          throw withAccount(account, err);
        });
      })
      .then((report) => {
        state.last = report;
        try {
          this.d.onReport?.(report);
        } catch (err) {
          this.d.log.error({ account, err: String(err) }, 'a reconciliation report listener failed');
        }
        return report;
      });
    state.queued = next;
    state.tail = next;
    return next;
  }

  /** a run soon, for the venue's requests and the timer; failures are logged */
  private request(account: string, reason: string): void {
    const state = this.accounts.get(account);
    if (!state || state.debounce) return;
    state.debounce = setTimeout(() => {
      state.debounce = null;
      this.run(account, reason).catch((err) =>
        this.d.log.warn({ account, reason, err: err instanceof Error ? err.message : String(err) }, 'reconciliation failed; it runs again on the next request'),
      );
    }, this.debounceMs);
    state.debounce.unref?.();
  }

  private async execute(account: string, state: AccountState, reason: string): Promise<ReconcileReport> {
    const { oms, journal, clock } = this.d;
    const venue = state.venue;
    const report: ReconcileReport = { account, checked: { orders: 0, venue_orders: 0, fills: 0, balances: 0 }, fixed: [], unresolved: [], reason, ts: clock.now() };
    const fix = (kind: FixKind, order: OrderRecord | null, detail: string, clientOrderId?: string | null) =>
      report.fixed.push({ account, kind, order_id: order?.id ?? null, client_order_id: clientOrderId ?? order?.clientOrderId ?? null, detail });
    const apply = (r: ExecutionReport) => this.d.apply(account, r);

    // monotonic: a wall clock set back must not put off the full scans for the length of the jump
    const full = reason === 'start' || reason === 'requested' || clock.monotonic() - state.lastFullScan >= this.fullScanMs;
    const symbols = [...new Set(oms.activeOrders({ account }).map((o) => o.symbol))].sort();
    const open = full ? await venue.fetchOpenOrders() : symbols.length ? await venue.fetchOpenOrders(symbols) : [];
    if (full) state.lastFullScan = clock.monotonic();
    report.checked.venue_orders = open.length;
    const openByClient = new Map<string, VenueOrderStatus>();
    const openByVenueId = new Map<string, VenueOrderStatus>();
    for (const s of open) {
      if (s.clientOrderId) openByClient.set(s.clientOrderId, s);
      openByVenueId.set(s.venueOrderId, s);
    }
    const fills = new FillLookup(this.d, venue, account);

    // 1. Tern's working orders
    const working = oms.activeOrders({ account });
    report.checked.orders = working.length;
    const matched = new Set<string>();
    for (const snapshot of working) {
      // a trigger only Tern holds is on no venue: Tern's journal is its truth
      if (venue.inFlight(snapshot.clientOrderId) || oms.holdsTrigger(snapshot)) continue;
      let s = openByClient.get(snapshot.clientOrderId) ?? (snapshot.venueOrderId ? openByVenueId.get(snapshot.venueOrderId) : undefined);
      if (!s) s = (await venue.fetchOrder({ clientOrderId: snapshot.clientOrderId, venueOrderId: snapshot.venueOrderId, symbol: snapshot.symbol })) ?? undefined;
      // The order may have changed while we waited for the venue.
      const order = oms.find(snapshot.id);
      if (!order || isTerminal(order.state) || venue.inFlight(order.clientOrderId)) continue;
      if (!s) {
        const age = oms.sentAgo(order);
        if ((order.state === 'initialized' || order.state === 'submitted') && age > venue.unknownOrderGraceMs) {
          apply({ type: 'rejected', clientOrderId: order.clientOrderId, reason: `never reached the exchange: unknown to it ${Math.round(age / 1000)} s after it was sent`, ts: clock.now() });
          fix('order_lost', order, 'the exchange has no order with this client id: rejected');
        } else if (oms.firedUnacknowledged(order)) {
          // a stop Tern held fired, but its order never reached the exchange: the trigger stands, the order goes again (same client id: never twice)
          if (age > venue.unknownOrderGraceMs) {
            oms.resendFiredStop(order, `the stop fired, but the exchange never got its order (no order with this client id ${Math.round(age / 1000)} s later): sent again`);
            fix('order_lost', order, 'the stop fired but its order never reached the exchange: sent again under its client id');
          }
        } else if (order.state !== 'initialized' && order.state !== 'submitted') {
          report.unresolved.push(`order ${order.id} (${order.clientOrderId}) is ${order.state} in Tern but the exchange has no order with its client id`);
        }
        continue;
      }
      matched.add(s.venueOrderId);
      await this.settleOrder(order, s, venue, fills, report, fix, apply);
    }

    // 2. open orders Tern does not know
    for (const s of open) {
      if (matched.has(s.venueOrderId)) continue;
      const known = s.clientOrderId ? oms.find(s.clientOrderId) : undefined;
      if (known && !isTerminal(known.state)) continue; // working in Tern: handled above (or in flight)
      if (known && known.account !== account) {
        report.unresolved.push(`open order ${s.venueOrderId} on ${account} has the client id of order ${known.id} of account ${known.account}`);
        continue;
      }
      if (known) {
        // Tern ended it (e.g. gave it up as lost) but the exchange has it open: never adopt an id twice.
        if (this.autoCancel) await this.cancelExternal(venue, s, report, fix);
        else report.unresolved.push(`order ${known.id} (${known.clientOrderId}) is ${known.state} in Tern but open on the exchange as ${s.venueOrderId}`);
        continue;
      }
      if (this.autoCancel) await this.cancelExternal(venue, s, report, fix);
      else {
        const record = externalOrder(account, s, this.d.ids.next('ext'), clock.now());
        oms.adoptExternal(record);
        fix('external_adopted', record, `an open ${s.side} ${str(s.quantity)} ${s.symbol} placed outside Tern, now tracked as ${record.id}`);
      }
    }

    // 3. balances
    const balances = await venue.fetchBalance();
    report.checked.balances = balances.length;
    const held = new Map(this.d.portfolio.listBalances(account).map((b) => [b.asset, b]));
    const seen = new Set<string>();
    for (const b of balances) {
      seen.add(b.asset);
      const mine = held.get(b.asset);
      if (mine && mine.total.eq(b.total) && mine.locked.eq(b.locked)) continue;
      if (!mine && b.total.isZero()) continue;
      apply({ type: 'balance', asset: b.asset, total: b.total, locked: b.locked, ts: clock.now() });
      fix('balance_corrected', null, `${b.asset}: ${mine ? `${str(mine.total)} (locked ${str(mine.locked)})` : 'none'} → ${str(b.total)} (locked ${str(b.locked)})`);
    }
    for (const [asset, mine] of held) {
      if (seen.has(asset) || (mine.total.isZero() && mine.locked.isZero())) continue;
      apply({ type: 'balance', asset, total: ZERO, locked: ZERO, ts: clock.now() });
      fix('balance_corrected', null, `${asset}: ${str(mine.total)} → 0 (the exchange holds none)`);
    }
    report.checked.fills = fills.looked;

    await journal.durable();
    if (report.fixed.length || report.unresolved.length) {
      this.d.log.info({ account, reason, fixed: report.fixed.length, unresolved: report.unresolved }, 'reconciliation fixed differences');
    }
    return report;
  }

  /** brings one working order to what the venue shows */
  private async settleOrder(
    snapshot: OrderRecord,
    s: VenueOrderStatus,
    venue: ReconcilableVenue,
    fills: FillLookup,
    report: ReconcileReport,
    fix: (kind: FixKind, order: OrderRecord | null, detail: string) => void,
    apply: (r: ExecutionReport) => void,
  ): Promise<void> {
    const { oms, clock } = this.d;
    // Fills first: the status that follows may end the order.
    const ended = s.status !== 'open';
    if (s.filled.gt(ZERO) && (snapshot.filledQuantity.lt(s.filled) || ended)) {
      const legs = new Set([s.venueOrderId, ...venue.venueOrderIds(snapshot.clientOrderId), ...(snapshot.venueOrderId ? [snapshot.venueOrderId] : [])]);
      for (const f of await fills.missing(snapshot.symbol, snapshot.createdAt, legs)) {
        const before = oms.find(snapshot.id);
        if (!before || isTerminal(before.state)) break;
        apply({ type: 'fill', clientOrderId: snapshot.clientOrderId, venueTradeId: f.venueTradeId, quantity: f.quantity, price: f.price, fee: f.fee, feeAsset: f.feeAsset, liquidity: f.liquidity, ts: f.ts });
        if (oms.hasFill(snapshot.account, f.venueTradeId)) fix('fill_applied', before, `trade ${f.venueTradeId}: ${f.side} ${str(f.quantity)} at ${str(f.price)}`);
      }
    }
    const order = oms.find(snapshot.id);
    if (!order || isTerminal(order.state)) return;
    const ts = clock.now();
    switch (s.status) {
      case 'open': {
        if (order.state === 'initialized' || order.state === 'submitted') {
          apply({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: s.venueOrderId, ts });
          fix('order_accepted', order, `open on the exchange as ${s.venueOrderId}`);
        } else if (order.state === 'pending_cancel') {
          apply({ type: 'cancel_rejected', clientOrderId: order.clientOrderId, reason: 'the order is still open on the exchange', ts });
          fix('cancel_resolved', order, 'the cancel never took effect: the order is still open');
        } else if (order.state === 'pending_update') {
          const venueRemaining = s.quantity.sub(s.filled);
          const mineRemaining = order.quantity.sub(order.filledQuantity);
          const samePrice = s.price === null || order.price === null || s.price.eq(order.price);
          if (!samePrice || !venueRemaining.eq(mineRemaining) || (order.venueOrderId !== null && order.venueOrderId !== s.venueOrderId)) {
            const quantity = order.filledQuantity.add(venueRemaining);
            apply({ type: 'updated', clientOrderId: order.clientOrderId, price: s.price ?? order.price, quantity, ts });
            apply({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: s.venueOrderId, ts });
            fix('amend_resolved', order, `the amendment took effect: ${str(quantity)} at ${s.price ? str(s.price) : 'market'}`);
          } else {
            apply({ type: 'update_rejected', clientOrderId: order.clientOrderId, reason: 'the exchange shows the order unchanged', ts });
            fix('amend_resolved', order, 'the amendment never took effect: the order is unchanged');
          }
        } else if (order.venueOrderId !== s.venueOrderId) {
          apply({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: s.venueOrderId, ts });
        }
        return;
      }
      case 'filled':
        report.unresolved.push(`order ${order.id} is filled on the exchange but Tern has ${str(order.filledQuantity)} of ${str(order.quantity)}: trades missing`);
        return;
      case 'canceled':
      case 'expired':
      case 'rejected': {
        if (order.state === 'initialized' || (s.status !== 'rejected' && order.state === 'submitted' && order.venueOrderId === null)) {
          // an end reported to an order Tern never saw accepted: accepted first, as the venue reports would
          if (s.status !== 'rejected') apply({ type: 'accepted', clientOrderId: order.clientOrderId, venueOrderId: s.venueOrderId, ts });
        }
        const type = s.status === 'canceled' ? 'canceled' : s.status === 'expired' ? 'expired' : 'rejected';
        const reason = `${s.status} on the exchange (found by reconciliation)`;
        apply(type === 'rejected' ? { type, clientOrderId: order.clientOrderId, reason, ts } : { type, clientOrderId: order.clientOrderId, reason, ts });
        fix(order.state === 'pending_cancel' ? 'cancel_resolved' : 'order_ended', order, reason);
        return;
      }
    }
  }

  private async cancelExternal(
    venue: ReconcilableVenue,
    s: VenueOrderStatus,
    report: ReconcileReport,
    fix: (kind: FixKind, order: OrderRecord | null, detail: string, clientOrderId?: string | null) => void,
  ): Promise<void> {
    try {
      await venue.cancelOrder({ clientOrderId: s.clientOrderId ?? '', venueOrderId: s.venueOrderId, symbol: s.symbol });
      fix('external_canceled', null, `canceled ${s.venueOrderId} (${s.side} ${str(s.quantity)} ${s.symbol}), placed outside Tern`, s.clientOrderId);
    } catch (err) {
      report.unresolved.push(`could not cancel external order ${s.venueOrderId}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The venue's trades of one account, fetched once per symbol per run, minus those Tern has. */
class FillLookup {
  private readonly bySymbol = new Map<string, Promise<VenueFill[]>>();
  private readonly stored = new Map<string, Set<string>>();
  looked = 0;

  constructor(
    private readonly d: ReconcileDeps,
    private readonly venue: ReconcilableVenue,
    private readonly account: string,
  ) {}

  async missing(symbol: string, since: number, legs: Set<string>): Promise<VenueFill[]> {
    let p = this.bySymbol.get(symbol);
    if (!p) {
      const oldest = Math.min(since, ...this.d.oms.activeOrders({ account: this.account, symbol }).map((o) => o.createdAt));
      p = this.venue.fetchFills(symbol, oldest - FILL_LOOKBACK_MS);
      this.bySymbol.set(symbol, p);
      p.then((list) => (this.looked += list.length)).catch(() => {});
    }
    const all = await p;
    const known = this.storedTrades(symbol);
    return all.filter((f) => legs.has(f.venueOrderId) && !known.has(f.venueTradeId) && !this.d.oms.hasFill(this.account, f.venueTradeId));
  }

  /** trade ids of the account's recent fills in the store (fills of earlier sessions) */
  private storedTrades(symbol: string): Set<string> {
    let set = this.stored.get(symbol);
    if (!set) {
      this.d.journal.flush();
      set = new Set(this.d.store.queryFills({ account: this.account, symbol, limit: 10_000 }).map((f) => f.venueTradeId));
      this.stored.set(symbol, set);
    }
    return set;
  }
}

/** A venue's typed error, naming the account whose reconciliation it stopped (what the venue said stays in the details). */
function withAccount(account: string, err: unknown): unknown {
  if (!(err instanceof TernError)) return err;
  return new TernError(err.code, `reconciliation of account ${account} stopped: ${err.message}`, { ...err.details, account });
}

function externalOrder(account: string, s: VenueOrderStatus, id: string, now: number): OrderRecord {
  const filled: Decimal = s.filled;
  return {
    id,
    clientOrderId: s.clientOrderId ?? `ext-${s.venueOrderId}`.slice(0, 36),
    account,
    symbol: s.symbol,
    side: s.side,
    type: s.type,
    quantity: s.quantity,
    price: s.price,
    stopPrice: s.stopPrice,
    timeInForce: s.timeInForce,
    postOnly: s.postOnly,
    reduceOnly: false,
    state: filled.gt(ZERO) ? 'partially_filled' : 'accepted',
    previousState: null,
    filledQuantity: filled,
    averagePrice: null,
    fees: ZERO,
    rejectReason: null,
    venueOrderId: s.venueOrderId,
    createdAt: s.ts,
    updatedAt: now,
  };
}
