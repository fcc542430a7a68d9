import type { EngineApi, Principal } from '../../src-common/contract/engine-api.js';
import { TernError, notFound } from '../../src-common/contract/errors.js';
import { ownerShareDto, strategyPositionDto } from './dto.js';
import { parseParams } from '../../src-common/contract/validation.js';
import { placeOrderParamsFast } from '../../src-common/contract/place-order-fast.js';
import type { EngineEvent } from '../../src-common/contract/events.js';
import { type AnswerOf, type CallContext, type Handlers, METHODS, type MethodName, type ResultOf, isMethodName, resultOf } from '../../src-common/contract/methods.js';
import type { RiskLimitsPatch } from '../../src-common/contract/schemas.js';
import { callerRefusal } from '../../src-common/contract/scopes.js';
import { KeyRing, type SlowHashParams } from './access/api-keys.js';
import { ApiKeys, keyHandlers } from './access/key-handlers.js';
import { keyPolicyOf, keyUsage } from './access/key-usage.js';
import { AccountRegistry } from './accounts/account-registry.js';
import { accountHandlers } from './accounts/account-handlers.js';
import { AccountSupervisor } from './accounts/account-supervisor.js';
import { readVenueConfig } from './accounts/venue-config.js';
import { type Features, featureHandlers } from './features.js';
import type { SecretStore } from './ports/secret-store.js';
import { type ReconcileOptions, Reconciler } from './reconcile/reconciler.js';
import { balanceDto, bookDto, candleDto, fillDto, instrumentDto, ocoDto, orderDto, portfolioDto, positionDto, tradeDto } from './dto.js';
import { Journal } from './journal.js';
import { type Decimal, ZERO, dec, str } from './model/decimal.js';
import type { AccountRecord, ApiKeyRecord, OrderRecord } from './model/types.js';
import { MarketView } from './market-view.js';
import { Oms } from './oms/oms.js';
import { portfolioView, strategyValuations } from './risk/portfolio-view.js';
import { MemoryAudit, journalAudit, teeAudit } from './risk/audit.js';
import { RiskEngine } from './risk/risk-engine.js';
import { riskHandlers } from './risk/risk-handlers.js';
import type { PreTradeCheck } from './oms/pre-trade.js';
import { Portfolio } from './portfolio/portfolio.js';
import type { Clock, IdSource } from './ports/clock.js';
import { type Logger, silentLogger } from './ports/logger.js';
import type { MarketEvent } from './ports/market-data.js';
import type { EngineStore } from './ports/store.js';
import type { ExecutionReport, Venue } from './ports/venue.js';

export interface EngineOptions {
  store: EngineStore;
  clock: Clock;
  ids: IdSource;
  /** builds the venue of an account (paper, ccxt, backtest); a promise when its code is loaded on first use (ccxt) */
  venueFor(account: AccountRecord): Venue | Promise<Venue>;
  version: string;
  /** balances of the default paper account created on first start */
  paperBalances: Record<string, string>;
  checks?: PreTradeCheck[];
  log?: Logger;
  /** the OS keychain for exchange keys (accounts.create); without it live accounts cannot be added */
  secrets?: SecretStore;
  /** reconciliation of accounts on exchanges (interval, auto-cancel of external orders) */
  reconcile?: ReconcileOptions;
  /** an account that cannot open is retried after retryMs, doubling up to maxRetryMs (default 1 s … 60 s) */
  accountRetry?: { retryMs?: number; maxRetryMs?: number };
  /** while the store cannot be written (disk full, read-only), how often it is tried again (default 5 s) */
  storeProbeMs?: number;
  /** handlers of the strategies.*, backtests.*, files.* and market.download(s) methods, plugged in by the composition root (default: those methods answer NOT_FOUND) */
  features?: Features;
  /** scrypt cost for keys a person chose (ensureKey); tests lower it */
  slowKeyHash?: SlowHashParams;
  /** risk limits each account is given once when first opened (default: max_open_orders 1000; {} for none, as in backtests) */
  accountLimits?: RiskLimitsPatch;
  /** false: risk decisions stay in memory only, not encoded into the journal (a backtest, whose store would drop them) */
  journalRiskDecisions?: boolean;
  /** how many closed orders the OMS keeps in memory (default 10,000; the rest are read from the store) */
  closedOrdersKept?: number;
}


const BOOK_EVENT_DEPTH = 20;
const UNARMED_BREAKERS_INTERVAL_MS = 1000;

/**
 * The engine: OMS, portfolio, market data and keys behind one protocol.
 * Every transport (REST, WebSocket, desktop IPC) calls `call` and listens
 * with `subscribe`; nothing here knows which transport is in use.
 */
export class Engine implements EngineApi {
  readonly journal: Journal;
  readonly portfolio = new Portfolio();
  readonly oms: Oms;
  readonly risk: RiskEngine;
  readonly reconciler: Reconciler;
  readonly recentDecisions = new MemoryAudit();
  /** account status, and the accounts that could not open (retried) */
  readonly supervisor: AccountSupervisor;
  /** what the plugged-in features run when the engine stops */
  private readonly featureStops: Array<() => void> = [];
  /** what the plugged-in features run once the engine has started */
  private readonly featureStarts: Array<() => void | Promise<void>> = [];
  /** which strategy ids exist, as the strategies feature knows them (none plugged in: none exist) */
  private strategyLookup: (id: string) => boolean = () => false;
  /** a running strategy's capital base (FeatureHost.strategyBreakers); undefined: its own breakers are not measured */
  private strategyCapital: (id: string) => Decimal | undefined = () => undefined;
  /** the open accounts, their venues and instruments */
  private readonly accounts: AccountRegistry;
  /** tickers, books, marks and the portfolio's valuation */
  private readonly market: MarketView;
  private readonly keys: KeyRing;
  private readonly apiKeys: ApiKeys;
  private readonly log: Logger;
  /** on the monotonic clock: uptime is a duration */
  private readonly startedAt: number;
  private readonly handlers: Handlers;
  private breakersScheduled = false;
  /** keyPrincipal as a function made once, for the scope check of every call */
  private readonly principalOf = (id: string): Principal | null => this.keyPrincipal(id);
  private storeProbe: NodeJS.Timeout | undefined;
  private breakersEvaluatedAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly opts: EngineOptions) {
    this.log = opts.log ?? silentLogger;
    this.startedAt = opts.clock.monotonic();
    this.keys = new KeyRing({ now: () => opts.clock.now() });
    this.journal = new Journal(opts.store, (err) => this.log.error({ err: String(err) }, 'event listener failed'));
    this.apiKeys = new ApiKeys({ ring: this.keys, journal: this.journal, clock: opts.clock, ids: opts.ids, log: this.log, ...(opts.slowKeyHash ? { slowKeyHash: opts.slowKeyHash } : {}) });
    this.risk = new RiskEngine({
      clock: opts.clock,
      journal: this.journal,
      settings: opts.store,
      log: this.log,
      // every decision in the journal, with the order it decided; the newest in memory for the UI
      audit: opts.journalRiskDecisions === false ? this.recentDecisions : teeAudit(journalAudit(this.journal), this.recentDecisions),
      openOrders: (account, symbol, strategy, key) =>
        strategy === undefined && key === undefined
          ? this.oms.countActive(account, symbol)
          : this.oms.activeOrders({ ...(account !== undefined ? { account } : {}), ...(symbol !== undefined ? { symbol } : {}) }).filter((o) => (key !== undefined ? o.keyId === key : o.strategyId === strategy)).length,
      keyPolicy: (id) => keyPolicyOf(this.keys, id),
      strategyPosition: (strategy, account, symbol) => this.portfolio.strategies.quantity(strategy, account, symbol),
      strategyExists: (strategy) => this.strategyLookup(strategy),
      ...(opts.accountLimits ? { accountDefaults: opts.accountLimits } : {}),
      workingOrders: (account, symbol, side, except) => this.oms.workingQuantity(account, symbol, side, except),
    });
    this.journal.onStoreHealth({
      unwritable: (problem) => {
        this.log.error({ path: problem.path, reason: problem.reason }, 'the store cannot be written: trading halted until it can');
        this.risk.haltForStore(problem.reason);
        clearInterval(this.storeProbe);
        this.storeProbe = setInterval(() => this.journal.retryStore(), opts.storeProbeMs ?? 5000);
        this.storeProbe.unref();
      },
      writable: () => {
        clearInterval(this.storeProbe);
        this.storeProbe = undefined;
        this.log.info({}, 'the store can be written again: trading resumes as it was');
        this.risk.resumeFromStore();
      },
    });
    this.oms = new Oms({
      store: opts.store,
      journal: this.journal,
      portfolio: this.portfolio,
      clock: opts.clock,
      ids: opts.ids,
      log: this.log,
      venue: (account) => this.accounts.get(account).venue,
      instrument: (account, symbol) => this.accounts.instrument(account, symbol),
      mid: (account, symbol) => this.market.mid(account, symbol),
      checks: [this.risk, ...(opts.checks ?? [])],
      ...(opts.closedOrdersKept !== undefined ? { closedOrdersKept: opts.closedOrdersKept } : {}),
    });
    this.reconciler = new Reconciler(
      {
        clock: opts.clock,
        ids: opts.ids,
        log: this.log,
        journal: this.journal,
        store: opts.store,
        oms: this.oms,
        portfolio: this.portfolio,
        apply: (a, r) => this.onVenueReport(a, r),
        onReport: (r) => this.supervisor.reconciled(r.account, r.unresolved.length),
      },
      opts.reconcile,
    );
    this.supervisor = new AccountSupervisor({
      clock: opts.clock,
      log: this.log,
      publish: (account) => this.journal.publish('accounts', 'accounts', () => account),
      open: (record) => this.accounts.open(record),
      close: (id) => this.accounts.close(id),
      ...opts.accountRetry,
    });
    this.accounts = new AccountRegistry({
      clock: opts.clock,
      journal: this.journal,
      oms: this.oms,
      portfolio: this.portfolio,
      risk: this.risk,
      reconciler: this.reconciler,
      supervisor: this.supervisor,
      venueFor: (record) => opts.venueFor(record),
      onReport: (account, report) => this.onVenueReport(account, report),
      onMarket: (account, event) => this.onMarket(account, event),
    });
    this.market = new MarketView(this.accounts, this.portfolio);
    this.handlers = this.makeHandlers();
  }

  /** Resume from the store, then bring every account's venue up. */
  async start(): Promise<void> {
    const { store } = this.opts;
    // a full disk or a read-only file at start: start HALTED with the reason, reads work, the probe resumes
    const problem = store.writable?.(true);
    if (problem) this.journal.markUnwritable(problem);
    this.apiKeys.load(store.loadKeys());
    let records = store.loadAccounts();
    if (records.length === 0) {
      const paper: AccountRecord = {
        id: 'paper',
        exchange: 'paper',
        mode: 'paper',
        status: 'active',
        startingBalances: this.opts.paperBalances,
        createdAt: this.opts.clock.now(),
      };
      this.journal.record({ type: 'account', account: paper });
      for (const [asset, total] of Object.entries(paper.startingBalances)) {
        this.journal.record({ type: 'balance', balance: { account: 'paper', asset, total: dec(total), locked: ZERO, updatedAt: paper.createdAt } });
      }
      this.journal.flush();
      records = store.loadAccounts();
    }
    this.portfolio.load(store.loadPositions(), store.loadBalances());
    this.portfolio.strategies.load(store.loadStrategyPositions());
    for (const order of store.loadActiveOrders()) this.oms.adopt(order);
    // An account that cannot open (its exchange unreachable) shows 'error' and is retried; the rest start.
    for (const record of records) if (record.status !== 'deleted') await this.supervisor.openOrRetry(record);
    // a feature that cannot resume its work (a strategy whose module is gone) says so itself; the engine starts all the same
    for (const start of this.featureStarts) await (async () => start())().catch((err) => this.log.error({ err: String(err) }, 'a feature failed to resume'));
    this.journal.flushIfWritable();
  }

  async stop(): Promise<void> {
    this.apiKeys.stop();
    clearInterval(this.storeProbe);
    this.supervisor.stop();
    for (const stop of this.featureStops) stop();
    this.reconciler.stop();
    await this.accounts.stop();
    // trailing-stop moves still waiting for their batch: the restarted engine trails on from the latest stop
    try {
      this.oms.journalTrailing();
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'trailing stop moves not journaled at stop');
    }
    this.journal.flushIfWritable();
  }

  /** a key a person chose (TERN_API_KEY), stored as a salted scrypt hash (see ApiKeys.ensureKey) */
  ensureKey(key: string, name: string, scopes: ApiKeyRecord['scopes']): void {
    this.apiKeys.ensureKey(key, name, scopes);
  }

  // ---- EngineApi ----

  async call<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<ResultOf<M>> {
    return resultOf(method, await this.answer(method, rawParams, ctx));
  }

  async answer<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<AnswerOf<M>> {
    this.admit(method, rawParams, ctx);
    // an order's plain parameters (every REST and Binance gateway order) are checked by hand, to the schema's rules
    const params = (method === 'orders.create' ? placeOrderParamsFast(rawParams) : null) ?? parseParams(METHODS[method].params, rawParams ?? {});
    const handler = this.handlers[method] as (p: unknown, c: CallContext) => Promise<AnswerOf<M>> | AnswerOf<M>;
    const result = await handler(params, ctx);
    const problem = this.journal.unwritable;
    if (problem && GETS_OUT.has(method) && this.opts.store.pending > 0) {
      ctx.onNotDurable?.(`the store cannot be written (${problem.reason}): this change is held in memory and committed once it can be (lost if Tern stops before)`);
    }
    return result;
  }

  /**
   * orders.create for an in-process caller that reads the OMS itself (a
   * backtest's strategy host): the same refusals as call('orders.create') —
   * the same checks before the handler, the parameters held to the same
   * rules (plain ones checked by hand, anything else by the schema) — but
   * answered with the order's record, not the protocol's DTO, which such a
   * caller would only turn back into a record.
   */
  async placeOrderRecord(rawParams: unknown, ctx: CallContext): Promise<OrderRecord> {
    this.admit('orders.create', rawParams, ctx);
    const params = placeOrderParamsFast(rawParams) ?? parseParams(METHODS['orders.create'].params, rawParams ?? {});
    return (await this.oms.placeOrder(params, ownerOf(ctx))).order;
  }

  /** what every call passes before its parameters are read: a known method, the caller's scope, a store that can keep what it writes */
  private admit(method: MethodName, rawParams: unknown, ctx: CallContext): void {
    if (typeof method !== 'string' || !isMethodName(method)) throw new TernError('NOT_FOUND', `unknown method ${String(method)}`);
    // the one scope check for every transport; the key is looked up now, so a revoked key stops working mid-session
    const refused = callerRefusal(ctx.keyId, METHODS[method].scope, this.principalOf);
    if (refused) throw refused;
    // a store that failed for good (not merely full): reads still answer, writes and /health do not
    // a placement retried with its client_order_id writes nothing: it answers the order placed before, like any read
    // (asked only while the store is in trouble: a healthy store lets every call through, and the lookup is not free)
    // a healthy store (every call, nearly always): nothing more to ask
    if (this.journal.failed === null && this.journal.unwritable === null) return;
    const retry = () => method === 'orders.create' && this.placedBefore(rawParams);
    if (this.journal.failed && ((writes(method) && !retry()) || method === 'health')) throw new TernError('INTERNAL', `the store failed (${this.journal.failed.message}); Tern refuses to trade until restarted`);
    // nothing a write does can be kept: refuse before it changes anything; the trading state's "one click" asks the store first
    // ... except what gets the trader out: cancels and the kill switch go through, held in memory (GETS_OUT)
    const held = this.journal.unwritable !== null && GETS_OUT.has(method);
    if (this.journal.unwritable && writes(method) && !held && !retry() && !(method === 'risk.setState' && this.journal.retryStore())) throw this.journal.unwritable;
  }

  /** true when these orders.create params name a client_order_id already placed */
  private placedBefore(rawParams: unknown): boolean {
    const coid = (rawParams as { client_order_id?: unknown } | null | undefined)?.client_order_id;
    return typeof coid === 'string' && this.oms.find(coid)?.clientOrderId === coid;
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    return this.journal.subscribe(listener);
  }

  authenticate(key: string, options?: { slowHash?: boolean }): Principal | null {
    return this.keys.authenticate(key, options);
  }

  keyPrincipal(keyId: string): Principal | null {
    return this.keys.principal(keyId);
  }

  onKeyRevoked(listener: (keyId: string) => void): () => void {
    return this.keys.onRevoked(listener);
  }

  stats(): Record<string, number> {
    return { ...this.oms.stats, journal_pending: this.opts.store.pending, accounts: this.accounts.size, uptime_ms: this.opts.clock.monotonic() - this.startedAt };
  }

  // ---- internals ----

  private makeHandlers(): Handlers {
    return {
      ...featureHandlers(
        this.opts.features?.({
          api: this,
          clock: this.opts.clock,
          ids: this.opts.ids,
          log: this.log,
          publish: (kind, channel, data) => this.journal.publish(kind, channel, data),
          feed: (account, symbol) => this.market.feed(account, symbol),
          onStop: (stop) => this.featureStops.push(stop),
          onStarted: (start) => this.featureStarts.push(start),
          knowsStrategies: (lookup) => {
            this.strategyLookup = lookup;
          },
          strategyBreakers: (hooks) => {
            this.strategyCapital = hooks.capital;
            this.risk.onStrategyTrip = (t) => hooks.halt({ strategy: t.strategy!, rule: t.rule, limit: str(t.limit), value: str(t.value), reason: t.reason });
            return { rearm: (strategy) => this.risk.rearmStrategy(strategy) };
          },
          settings: {
            load: (name) => this.opts.store.loadSetting(name),
            save: (name, value) => this.journal.record({ type: 'setting', name, value, ts: this.opts.clock.now() }),
          },
        }),
      ),
      ...riskHandlers(this.risk, {
        journal: this.journal,
        killSwitch: () => ({
          // a retried cancel is sent again: the venue may never have seen the first
          oms: { ...bindOms(this.oms), cancelOrder: (id: string, reason?: string) => this.oms.cancelOrder(id, { resend: true, reason }) },
          positions: () => this.portfolio.listPositions(),
        }),
      }),
      ...accountHandlers({
        clock: this.opts.clock,
        log: this.log,
        journal: this.journal,
        secrets: this.opts.secrets,
        paperBalances: this.opts.paperBalances,
        reconciler: this.reconciler,
        find: (id) => this.accounts.find(id)?.record ?? this.supervisor.failedRecord(id),
        workingOrders: (id) => this.oms.countActive(id),
        seedBalances: (account, balances) => {
          for (const [asset, total] of Object.entries(balances)) {
            const balance = { account, asset, total: dec(total), locked: ZERO, updatedAt: this.opts.clock.now() };
            this.portfolio.setBalance(balance);
            this.journal.record({ type: 'balance', balance });
          }
        },
        open: async (record) => {
          try {
            await this.accounts.open(record);
          } catch (err) {
            await this.accounts.close(record.id).catch(() => {});
            throw err;
          }
        },
        close: (id) => {
          this.supervisor.forget(id);
          return this.accounts.close(id);
        },
        venueConfig: (id) => readVenueConfig(this.opts.store, id),
        setDeadManSwitch: (id, timeoutS) => this.supervisor.setDeadManSwitch(id, timeoutS),
        describe: (record) => this.supervisor.dto(record),
      }),
      health: () => {
        const base = { version: this.opts.version, mode: this.accounts.mode(), uptime_ms: Math.max(0, Math.round(this.opts.clock.monotonic() - this.startedAt)) };
        // alive (a supervisor must not kill it: reads and cancels work), but not "ok": trading is halted
        const problem = this.journal.unwritable;
        return problem ? { status: 'degraded' as const, reason: `trading halted: the store cannot be written: ${problem.reason} (${problem.path}); reads and cancels work`, ...base } : { status: 'ok' as const, ...base };
      },
      'accounts.list': () => [...this.accounts.list().map((a) => a.record), ...this.supervisor.failed()].map((r) => this.supervisor.dto(r)),
      'accounts.reset': async ({ id }) => this.accounts.reset(id),
      'instruments.list': ({ account }) =>
        this.accounts.list(account).flatMap((rt) => [...rt.instruments.values()].map((i) => instrumentDto(rt.record.id, i))),
      'market.ticker': ({ account, symbol }) => this.market.ticker(account, symbol),
      'market.book': ({ account, symbol, depth }) => this.market.book(account, symbol, depth),
      'market.candles': ({ account, symbol, timeframe, limit, since, until }) => {
        const q = { symbol, timeframe, limit, ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) };
        return this.market.candles(account, q);
      },
      'market.trades': ({ account, symbol, limit, from_id, since, until }) => this.market.trades(account, symbol, { limit, fromId: from_id, since, until }),
      'orders.create': async (p, ctx) => {
        const { order, created } = await this.oms.placeOrder(p, ownerOf(ctx));
        return { order: orderDto(order), created };
      },
      'orders.check': ({ order, oco }, ctx) => {
        const r = order ? this.oms.checkOrder(order, ownerOf(ctx)) : this.oms.checkOco(oco!, ownerOf(ctx));
        return { held_by: r.heldBy, refusals: r.refusals.map((e) => e.toBody().error) };
      },
      'orders.list': ({ status, account, symbol, limit, strategy_id, key_id }) => {
        this.journal.flushIfWritable();
        return this.opts.store
          .queryOrders({ status, account, symbol, limit: limit ?? 500, ...(strategy_id !== undefined ? { strategy: strategy_id } : {}), ...(key_id !== undefined ? { key: key_id } : {}) })
          .map(orderDto);
      },
      'orders.get': ({ id }) => {
        const order = this.oms.find(id);
        if (!order) throw notFound('order', id);
        return orderDto(order);
      },
      'orders.amend': async (p, ctx) => {
        this.checkOwnOrder(p.id, ctx);
        return orderDto(await this.oms.amendOrder(p));
      },
      'orders.cancel': async ({ id }, ctx) => {
        this.checkOwnOrder(id, ctx);
        return orderDto(await this.oms.cancelOrder(id));
      },
      'orders.cancelAll': (filter, ctx) => this.oms.cancelAll(filter, ctx.strategyId),
      'orders.oco': async (p, ctx) => ocoDto(await this.oms.placeOco(p, ownerOf(ctx))),
      'positions.protect': async (p) => ocoDto(await this.oms.protectPosition(p)),
      'fills.list': ({ account, symbol, limit, strategy_id }) => {
        this.journal.flushIfWritable();
        return this.opts.store.queryFills({ account, symbol, limit: limit ?? 500, ...(strategy_id !== undefined ? { strategy: strategy_id } : {}) }).map(fillDto);
      },
      'positions.list': ({ account, symbol }) =>
        this.portfolio
          .listPositions(account, symbol)
          .filter((p) => !p.quantity.isZero() || !p.realizedPnl.isZero())
          .map((p) => positionDto(p, this.market.mid(p.account, p.symbol), this.portfolio.owners(p.account, p.symbol))),
      'positions.close': async ({ account, symbol, quantity }, ctx) => {
        const { order, closes } = await this.oms.closeForOwners(account, symbol, quantity, ctx.strategyId, typeof ctx.keyId === 'string' ? ctx.keyId : undefined);
        return { ...orderDto(order), closes: closes.map(ownerShareDto) };
      },
      'positions.owned': ({ strategy_id, account, symbol }) =>
        this.portfolio.strategies
          .list({ ...(strategy_id !== undefined ? { strategyId: strategy_id } : {}), ...(account !== undefined ? { account } : {}), ...(symbol !== undefined ? { symbol } : {}) })
          .map((p) => strategyPositionDto(p, this.market.mid(p.account, p.symbol))),
      'balances.list': ({ account }) => this.portfolio.listBalances(account).map(balanceDto),
      'portfolio.get': ({ account }) => {
        const { quote, v } = this.market.valuation(account);
        return portfolioDto(quote, v);
      },
      ...keyHandlers(this.apiKeys, {
        ring: this.keys,
        clock: this.opts.clock,
        ids: this.opts.ids,
        log: this.log,
        risk: this.risk,
        accountExists: (id) => this.accounts.find(id) !== undefined,
        cancelOrders: (keyId) => this.oms.cancelAll({}, undefined, keyId),
        usage: (keyId) => keyUsage(keyId, { orders: this.opts.store, active: this.oms.activeOrders({}), mid: (a, s) => this.market.mid(a, s), now: this.opts.clock.now() }),
      }),
    };
  }

  /** a strategy amends and cancels only its own orders (rule strategy_owner); the trader and API callers any */
  private checkOwnOrder(id: string, ctx: CallContext): void {
    if (ctx.strategyId === undefined) return;
    const order = this.oms.find(id);
    if (order && order.strategyId !== ctx.strategyId) {
      throw new TernError('FORBIDDEN', `order ${order.id} is not strategy ${ctx.strategyId}'s: a strategy amends and cancels only its own orders`, {
        rule: 'strategy_owner',
        id: order.id,
        strategy_id: order.strategyId ?? null,
      });
    }
  }

  /** what reconciliation finds goes the way of the venue's own reports */
  private onVenueReport(account: string, report: ExecutionReport): void {
    this.oms.onReport(account, report);
    if (report.type === 'fill') this.scheduleBreakers();
  }

  private onMarket(account: string, event: MarketEvent): void {
    this.oms.onMarket(account, event);
    switch (event.type) {
      case 'book': {
        const { symbol } = event.book;
        this.journal.publish('book', `book:${account}:${symbol}`, () => bookDto(account, symbol, event.book, BOOK_EVENT_DEPTH));
        this.journal.publish('ticker', `ticker:${account}:${symbol}`, () => this.market.ticker(account, symbol));
        return;
      }
      case 'trade': {
        const t = event.trade;
        const id = this.market.recordTrade(account, t);
        this.journal.publish('trades', `trades:${account}:${t.symbol}`, () => tradeDto(account, id, t));
        return;
      }
      case 'bar': {
        this.evaluateBreakers();
        this.journal.publish('candles', `candles:${account}:${event.symbol}`, () => ({ account, symbol: event.symbol, candle: candleDto(event.bar) }));
        for (const p of this.portfolio.listPositions(account, event.symbol)) {
          if (!p.quantity.isZero()) this.journal.publish('positions', 'positions', () => positionDto(p, this.market.mid(account, p.symbol), this.portfolio.owners(account, p.symbol)));
        }
        return;
      }
    }
  }

  /**
   * Fills arrive in bursts (a market order walking the book, a storm of
   * orders in one turn): the breakers look once at the portfolio after the
   * burst, before the next turn of the event loop can place anything else.
   */
  private scheduleBreakers(): void {
    // Unarmed, the breakers only keep usage figures for the risk panel: once a second of real
    // time is enough (wall time, not the engine's clock, which a backtest moves a bar at a time).
    if (!this.risk.breakersArmed && performance.now() - this.breakersEvaluatedAt < UNARMED_BREAKERS_INTERVAL_MS) return;
    if (this.breakersScheduled) return;
    this.breakersScheduled = true;
    queueMicrotask(() => {
      this.breakersScheduled = false;
      this.evaluateBreakers();
    });
  }

  /** the loss and drawdown breakers, on the portfolio as marked now */
  private evaluateBreakers(): void {
    this.breakersEvaluatedAt = performance.now();
    const view = portfolioView(this.portfolio, this.accounts.ids(), {
      quoteOf: (a) => this.market.quoteAsset(a),
      asset: (a, asset, quote) => this.market.assetMark(a, asset, quote),
      symbol: (a, symbol) => this.market.mid(a, symbol),
    });
    const ids = this.risk.strategyBreakers();
    const strategies = ids.length === 0 ? [] : strategyValuations(this.portfolio.strategies, ids, this.strategyCapital, (a, symbol) => this.market.mid(a, symbol));
    this.risk.evaluate(strategies.length === 0 ? view : { ...view, strategies });
  }
}

/** the OMS's methods as plain functions, so an object spread keeps them working */
/** who places an order made in this call: the strategy (in-process runners) and the API key it came with (per-bot keys) */
function ownerOf(ctx: CallContext): { strategyId?: string; keyId?: string } {
  const keyId = typeof ctx.keyId === 'string' ? ctx.keyId : undefined;
  // the trader's own calls (most of them): one shared answer, nothing made per call
  if (ctx.strategyId === undefined && keyId === undefined) return NO_OWNER;
  return { ...(ctx.strategyId !== undefined ? { strategyId: ctx.strategyId } : {}), ...(keyId !== undefined ? { keyId } : {}) };
}

const NO_OWNER: { readonly strategyId?: string; readonly keyId?: string } = Object.freeze({});

function bindOms(oms: Oms) {
  return {
    activeOrders: oms.activeOrders.bind(oms),
    find: oms.find.bind(oms),
    cancelOrder: oms.cancelOrder.bind(oms),
    closePosition: oms.closePosition.bind(oms),
  };
}

/**
 * Writes that go through while the store cannot be written: the trader must
 * always be able to get out. Their journal entries wait in memory (the
 * journal's pending batch) and are committed once the store can be written.
 */
const GETS_OUT: ReadonlySet<MethodName> = new Set<MethodName>(['orders.cancel', 'orders.cancelAll', 'risk.killSwitch']);

/** methods that change what the store holds (anything but a read) */
function writes(method: MethodName): boolean {
  const m = METHODS[method] as { scope: string; http?: { method: string } };
  return m.http ? m.http.method !== 'GET' : m.scope !== 'read' && m.scope !== 'none';
}

