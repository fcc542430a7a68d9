import { TernError, conflict, notFound } from '../../../src-common/contract/errors.js';
import { accountDto, balanceDto } from '../dto.js';
import type { Journal } from '../journal.js';
import { ZERO, dec } from '../model/decimal.js';
import type { AccountRecord, InstrumentSpec } from '../model/types.js';
import type { Oms } from '../oms/oms.js';
import type { Portfolio } from '../portfolio/portfolio.js';
import type { Clock } from '../ports/clock.js';
import type { MarketEvent } from '../ports/market-data.js';
import { type ExecutionReport, type Venue, isInProcessVenue, isReconcilableVenue } from '../ports/venue.js';
import type { Reconciler } from '../reconcile/reconciler.js';
import type { RiskEngine } from '../risk/risk-engine.js';
import type { AccountSupervisor } from './account-supervisor.js';

/** an open account: its venue, the instruments it trades, and what to undo when it closes */
export interface AccountRuntime {
  record: AccountRecord;
  venue: Venue;
  instruments: Map<string, InstrumentSpec>;
  unsubscribe: Array<() => void>;
}

export interface AccountRegistryDeps {
  clock: Clock;
  journal: Journal;
  oms: Oms;
  portfolio: Portfolio;
  risk: RiskEngine;
  reconciler: Reconciler;
  supervisor: AccountSupervisor;
  /** builds the venue of an account (the composition root decides which; a promise while it loads that venue's code) */
  venueFor(account: AccountRecord): Venue | Promise<Venue>;
  /** a venue's execution report, as the engine books it */
  onReport(account: string, report: ExecutionReport): void;
  /** a market event of an account's feed */
  onMarket(account: string, event: MarketEvent): void;
}

/**
 * The accounts that are open: opening one brings its venue up (restored from
 * the store when its state lived in this process, reconciled when it lives on
 * an exchange), closing one takes it down, and a paper account can be reset.
 */
export class AccountRegistry {
  private readonly accounts = new Map<string, AccountRuntime>();

  constructor(private readonly deps: AccountRegistryDeps) {}

  async open(record: AccountRecord): Promise<void> {
    const { oms, portfolio, supervisor, reconciler } = this.deps;
    this.deps.risk.applyAccountDefaults(record.id);
    const made = this.deps.venueFor(record);
    // awaited only when it is a promise: an in-process venue opens within the same turn as before
    const venue = made instanceof Promise ? await made : made;
    const instruments = new Map((await venue.loadMarkets()).map((i) => [i.symbol, i]));
    const rt: AccountRuntime = { record, venue, instruments, unsubscribe: [] };
    this.accounts.set(record.id, rt);
    if (isInProcessVenue(venue)) {
      // The venue's state lived in this process: rebuild it from the store. Orders
      // that never reached it before the restart did not happen there.
      oms.rejectUnsent(record.id, 'interrupted by a restart before the venue acknowledged it');
      const { skipped } = venue.restore({
        balances: portfolio.listBalances(record.id).map((b) => ({ asset: b.asset, total: b.total })),
        // triggers Tern holds are on no venue: they stay with the OMS, and so do the ones it fired whose order the venue never kept
        openOrders: oms.activeOrders({ account: record.id }).filter((o) => !oms.holdsTrigger(o) && !oms.firedUnacknowledged(o)),
      });
      for (const { clientOrderId, reason } of skipped) oms.expireLost(clientOrderId, `ended by a restart: ${reason}`);
      oms.afterRestore(record.id);
    }
    rt.unsubscribe.push(venue.onReport((report) => this.deps.onReport(record.id, report)));
    rt.unsubscribe.push(venue.marketData.subscribe((event) => this.deps.onMarket(record.id, event)));
    rt.unsubscribe.push(supervisor.watch(record, venue.marketData, venue));
    await venue.start();
    // the stops Tern holds fire on the feed's prices, and an exchange's feed subscribes to a symbol
    // only when first asked about it: ask now, or a restored stop waits for whatever asks next
    for (const o of oms.activeOrders({ account: record.id })) if (oms.holdsTrigger(o)) venue.marketData.lastPrice(o.symbol);
    // exits an entry owed when Tern was killed, never placed: placed now that the venue takes orders
    if (isInProcessVenue(venue)) oms.placeOwedExits(record.id);
    // An exchange's state lives outside Tern: compare before trading on it — and only then
    // place the exits an entry owed (its fills while Tern was down are known by then).
    if (isReconcilableVenue(venue) && (await reconciler.attach(record.id, venue))) oms.placeOwedExits(record.id);
  }

  async close(id: string): Promise<void> {
    const rt = this.accounts.get(id);
    if (!rt) return;
    this.deps.reconciler.detach(id);
    this.accounts.delete(id);
    for (const off of rt.unsubscribe) off();
    await rt.venue.stop();
  }

  /** every venue down (the engine stops); the accounts stay listed */
  async stop(): Promise<void> {
    for (const rt of this.accounts.values()) {
      // the venue stops first: what it reports as it stops (trailing-stop moves it batched) still reaches the OMS
      await rt.venue.stop();
      for (const off of rt.unsubscribe) off();
    }
  }

  /** a paper account back to its starting balances, with no orders */
  async reset(id: string) {
    const { clock, oms, portfolio, journal } = this.deps;
    const rt = this.get(id);
    if (!isInProcessVenue(rt.venue) || rt.record.mode !== 'paper') throw conflict(`account ${id} is not a paper account`);
    const now = clock.now();
    oms.dropAccount(id);
    const held = portfolio.listBalances(id);
    portfolio.clearAccount(id);
    rt.venue.reset(rt.record.startingBalances);
    journal.record({ type: 'account_reset', account: id, ts: now });
    const assets = new Set([...held.map((b) => b.asset), ...Object.keys(rt.record.startingBalances)]);
    for (const asset of assets) {
      const balance = { account: id, asset, total: dec(rt.record.startingBalances[asset] ?? '0'), locked: ZERO, updatedAt: now };
      portfolio.setBalance(balance);
      journal.record({ type: 'balance', balance });
      journal.publish('balances', 'balances', () => balanceDto(balance));
    }
    await journal.durable();
    return accountDto(rt.record);
  }

  /** an open account; one that could not open says why (the supervisor retries it), else NOT_FOUND */
  get(id: string): AccountRuntime {
    const rt = this.accounts.get(id);
    if (!rt) throw this.deps.supervisor.unavailable(id) ?? notFound('account', id);
    return rt;
  }

  find(id: string): AccountRuntime | undefined {
    return this.accounts.get(id);
  }

  /** the one account named, or all of them */
  list(account?: string): AccountRuntime[] {
    return account ? [this.get(account)] : [...this.accounts.values()];
  }

  ids(): string[] {
    return [...this.accounts.keys()];
  }

  get size(): number {
    return this.accounts.size;
  }

  instrument(account: string, symbol: string): InstrumentSpec {
    const instrument = this.get(account).instruments.get(symbol);
    if (!instrument) throw new TernError('INVALID_ORDER', `${symbol} is not an instrument of account ${account}`, { field: 'symbol', value: symbol });
    return instrument;
  }

  /** market queries: an unknown symbol is a missing resource, not a bad order */
  quoted(account: string, symbol: string): void {
    if (!this.get(account).instruments.has(symbol)) throw notFound(`instrument on account ${account}`, symbol);
  }

  /** 'live' as soon as one open account trades for real */
  mode(): 'live' | 'paper' {
    return [...this.accounts.values()].some((a) => a.record.mode === 'live') ? 'live' : 'paper';
  }
}
