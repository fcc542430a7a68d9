import { TernError, badRequest, conflict } from '../../src-common/contract/errors.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { EngineEvent } from '../../src-common/contract/events.js';
import type { Instrument } from '../../src-common/contract/schemas.js';
import type { StrategyInstance } from '../../src-common/contract/strategy-schemas.js';
import { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import { type Clock, systemClock } from '../engine/ports/clock.js';
import { type Logger, silentLogger } from '../engine/ports/logger.js';
import type { AnyStrategyDefinition, BarView, ParamValues } from './api.js';
import { type HostPort, StrategyHost, orderFromDto } from './host.js';
import type { FeatureSettings } from '../engine/features.js';
import { InstanceStore, type StoredInstance } from './instance-store.js';
import { loadStrategy } from './loader.js';
import { resolveParams } from './params.js';

const STRATEGY_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const REFUSALS_SHOWN = 50;
/** a stack is for the strategy's author; a runaway one (deep recursion) is cut */
const STACK_KEPT = 4000;

type Restart = NonNullable<StrategyInstance['restart']>;

interface Running {
  id: string;
  /** null: a strategy listed from the store that is not running in this session (stopped, failed, not resumed) */
  host: StrategyHost | null;
  /** the definition's name */
  name: string;
  /** what it is loaded from again after a restart (null: a definition handed in by code) */
  spec: string | null;
  source: string;
  account: string;
  symbol: string;
  mode: 'paper' | 'live';
  /** the parameters in force (the host's while it runs) */
  params: ParamValues;
  status: StrategyInstance['status'];
  error: string | null;
  errorStack: string | null;
  restart: Restart | null;
  startedAt: number;
  stoppedAt: number | null;
  ordersPlaced: number;
  /** the newest bar's prices as the engine sent them (exact text) */
  lastBar: { open: string; high: string; low: string; close: string } | null;
  barIndex: number;
  timer: ReturnType<typeof setTimeout> | null;
  drainScheduled: boolean;
}

/**
 * Strategies on paper and live accounts. Each runs in a StrategyHost (the
 * same as in a backtest) fed from the engine's event stream: candles, trades
 * and books of its symbol, and the orders, fills, positions and balances of
 * its account; its orders go back through the engine's protocol. Events are
 * queued and handed to the strategy after the engine's commit that
 * published them, so what it reads of its account is current.
 */
export class StrategyManager {
  private readonly running = new Map<string, Running>();
  private unsubscribe: (() => void) | null = null;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly runTag: string;
  private readonly store: InstanceStore;
  private readonly publish: (instance: StrategyInstance) => void;
  /** the engine is stopping: nothing more reaches the strategies, and what is stored stays as it is (running ones resume) */
  private closed = false;

  constructor(
    private readonly api: EngineApi,
    opts: {
      clock?: Clock;
      log?: Logger;
      cwd?: string;
      /** where the strategies are kept across restarts (default: nowhere) */
      settings?: FeatureSettings;
      /** tells subscribers that a strategy changed (started, stopped, failed, resumed, new parameters) */
      publish?: (instance: StrategyInstance) => void;
      /** a strategy starts (again): its own breakers arm again (FeatureHost.strategyBreakers rearm) */
      rearm?: (id: string) => void;
    } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.cwd = opts.cwd ?? process.cwd();
    this.store = new InstanceStore(opts.settings, this.log);
    this.publish = opts.publish ?? (() => {});
    this.rearm = opts.rearm ?? (() => {});
    // client order ids must stay unique across restarts of the same strategy id
    this.runTag = this.clock.now().toString(36);
  }

  private readonly cwd: string;
  private readonly rearm: (id: string) => void;

  get settings(): InstanceStore {
    return this.store;
  }

  async start(p: { strategy: string | AnyStrategyDefinition; id?: string; account: string; symbol: string; params: Record<string, unknown> }): Promise<StrategyInstance> {
    const r = await this.launch(p, null);
    this.persist();
    this.publish(this.describe(r));
    return this.describe(r);
  }

  /**
   * The strategies that were running when Tern last stopped or crashed: with
   * `resume`, each starts again with its parameters (its orders and position
   * are found by its id); without, each is listed as stopped by the restart.
   * One that cannot start again (its module gone or broken, its account
   * gone) is listed as failed with the reason. Stopped and failed ones are
   * listed as they were.
   */
  async resume(resume: boolean): Promise<StrategyInstance[]> {
    const at = this.clock.now();
    const touched: Running[] = [];
    for (const s of this.store.load()) {
      if (this.running.has(s.id)) continue;
      if (s.status !== 'running') {
        this.running.set(s.id, this.listed(s, {}));
        continue;
      }
      const where = { strategy_id: s.id, strategy: s.name, account: s.account, symbol: s.symbol };
      if (!resume) {
        touched.push(this.listed(s, { status: 'stopped', stoppedAt: at, restart: { action: 'stopped', at } }));
        this.log.warn(where, 'strategy left stopped by the restart (resuming is off)');
        continue;
      }
      try {
        if (s.spec === null) throw new Error('it was defined in code, not in a module file or as a built-in');
        touched.push(await this.launch({ strategy: s.spec, id: s.id, account: s.account, symbol: s.symbol, params: s.params }, { action: 'resumed', at }, s));
        this.log.info({ ...where, params: s.params }, 'strategy resumed after restart');
      } catch (err) {
        const why = `could not be resumed after the restart: ${err instanceof Error ? err.message : String(err)}`;
        touched.push(this.listed(s, { status: 'failed', stoppedAt: at, restart: { action: 'failed', at }, error: why, errorStack: null }));
        this.log.error({ ...where, err: why }, 'strategy failed to resume after restart');
      }
    }
    for (const r of touched) this.running.set(r.id, r);
    this.persist();
    for (const r of touched) this.publish(this.describe(r));
    return touched.map((r) => this.describe(r));
  }

  async stop(id: string, cancelOrders = true): Promise<StrategyInstance> {
    const r = this.get(id);
    if (r.status === 'running') {
      r.status = 'stopped';
      await this.halt(r, cancelOrders);
      this.persist();
      this.publish(this.describe(r));
    }
    return this.describe(r);
  }

  /**
   * New parameters reach the running strategy through its onParams hook,
   * checked against its declared parameters first. A strategy without the
   * hook would go on with the old values: refused, it must be restarted.
   */
  async setParams(id: string, given: Record<string, unknown>): Promise<StrategyInstance> {
    const r = this.get(id);
    if (r.status !== 'running' || !r.host) throw conflict(`strategy ${id} is ${r.status}: parameters are changed on a running strategy (start it again with the new ones)`, { field: 'id', status: r.status });
    const params = resolveParams(r.host.definition, given, r.host.params);
    if (!r.host.acceptsParams) {
      throw conflict(`strategy ${id} (${r.name}) cannot take new parameters while it runs (it has no onParams hook): stop it and start it again with the new parameters`, {
        field: 'params',
        rule: 'restart_required',
      });
    }
    await r.host.setParams(params);
    r.params = r.host.params;
    this.persist();
    this.publish(this.describe(r));
    return this.describe(r);
  }

  list(): StrategyInstance[] {
    return [...this.running.values()].map((r) => this.describe(r));
  }

  /** a running strategy's capital base (its own drawdown breaker is measured on it); undefined when it does not run */
  capital(id: string): Decimal | undefined {
    const r = this.running.get(id);
    return r?.status === 'running' && r.host ? r.host.capital : undefined;
  }

  /**
   * Its own breaker tripped: it stops as a failed one does (orders canceled),
   * its status halted with the limit, value and limit set in `error`. The
   * account's trading and the other strategies go on; the trader may start
   * it again.
   */
  async haltByBreaker(trip: { strategy: string; rule: string; limit: string; value: string; reason: string }): Promise<void> {
    const r = this.running.get(trip.strategy);
    if (!r || r.status !== 'running') return;
    r.status = 'halted';
    r.error = `halted by its own risk breaker ${trip.rule} (value ${trip.value}, limit ${trip.limit}): ${trip.reason.replace(`${trip.rule}: `, '')}`;
    r.errorStack = null;
    this.log.error({ strategy: r.id, rule: trip.rule, value: trip.value, limit: trip.limit }, 'strategy halted by its own risk breaker; its orders canceled');
    this.persist();
    this.publish(this.describe(r));
    await this.halt(r, true);
    this.persist();
    this.publish(this.describe(r));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].filter((r) => r.status === 'running').map((r) => this.stop(r.id)));
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /**
   * The engine stops: the strategies hear nothing more and place nothing
   * more, their orders stay with the OMS, and they stay stored as running,
   * so that the next start resumes them.
   */
  shutdown(): void {
    this.closed = true;
    for (const r of this.running.values()) {
      if (r.timer) clearTimeout(r.timer);
      r.timer = null;
    }
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  // ── internals ───────────────────────────────────────────────────────────

  /** loads (or takes) the definition, checks the request and runs the strategy's start; `resumed`: it ran before the restart as `stored` */
  private async launch(
    p: { strategy: string | AnyStrategyDefinition; id?: string; account: string; symbol: string; params: Record<string, unknown> },
    restart: Restart | null,
    stored?: StoredInstance,
  ): Promise<Running> {
    if (this.closed) throw new TernError('VENUE_UNAVAILABLE', 'the engine is stopping: no strategy starts now');
    const { definition, source } = typeof p.strategy === 'string' ? await loadStrategy(p.strategy, this.cwd) : { definition: p.strategy, source: `definition:${p.strategy.name}` };
    const params = resolveParams(definition, p.params);
    const id = p.id ?? this.freeId(definition.name);
    if (!STRATEGY_ID.test(id)) throw badRequest(`strategy id "${id}" must be 1-16 of a-z 0-9 _ -`, { field: 'id' });
    const existing = this.running.get(id);
    if (existing && existing.status === 'running') throw conflict(`a strategy with id ${id} is already running`, { field: 'id', id });
    // strategyId: its orders are its own (the engine stamps them and keeps them to its own share)
    const ctx = { actor: `strategy:${id}`, strategyId: id };
    const accounts = await this.api.call('accounts.list', {}, ctx);
    const account = accounts.find((a) => a.id === p.account);
    if (!account) throw new TernError('NOT_FOUND', `account not found: ${p.account}`, { field: 'account', id: p.account });
    const instruments = await this.api.call('instruments.list', { account: p.account }, ctx);
    const dto = instruments.find((i) => i.symbol === p.symbol);
    if (!dto) throw badRequest(`${p.symbol} is not an instrument of account ${p.account}`, { field: 'symbol' });

    const r: Running = {
      id,
      host: null,
      name: definition.name,
      spec: typeof p.strategy === 'string' ? p.strategy : null,
      source,
      account: p.account,
      symbol: p.symbol,
      mode: account.mode,
      params,
      status: 'running',
      error: null,
      errorStack: null,
      restart,
      startedAt: stored?.started_at ?? this.clock.now(),
      stoppedAt: null,
      ordersPlaced: stored?.orders_placed ?? 0,
      lastBar: null,
      barIndex: 0,
      timer: null,
      drainScheduled: false,
    };
    const port: HostPort = {
      mode: account.mode,
      account: p.account,
      symbol: p.symbol,
      instrument: instrumentSpec(dto),
      now: () => this.clock.now(),
      timerTime: () => this.clock.monotonic(),
      call: (method, params) => {
        if (method === 'orders.create') r.ordersPlaced++;
        return this.api.call(method, params, ctx);
      },
      toOrder: orderFromDto,
      exact: (field) => {
        if (!r.lastBar) throw conflict('no bar has arrived yet: exact prices come with the first bar');
        return new Decimal(r.lastBar[field]);
      },
      clientOrderId: (n) => `${id}-${this.runTag}-${n}`,
      timersChanged: (due) => this.arm(r, due),
      log: (message, data) => this.log.info({ strategy: id, ...data }, message),
    };
    // halted before by its own breaker: armed again for this run
    this.rearm(id);
    const host = new StrategyHost(id, definition, params, port);
    r.host = host;
    host.onFailure = (err) => void this.fail(r, err);
    this.running.set(id, r);
    this.listen();
    try {
      await host.start();
    } catch (err) {
      // nothing started: the row it replaced (a stopped strategy of that id) stays
      if (existing) this.running.set(id, existing);
      else this.running.delete(id);
      throw err;
    }
    if (host.failure) await this.fail(r, host.failure);
    return r;
  }

  /** a strategy from the store that does not run in this session */
  private listed(s: StoredInstance, patch: Partial<Pick<Running, 'status' | 'stoppedAt' | 'restart' | 'error' | 'errorStack'>>): Running {
    return {
      id: s.id,
      host: null,
      name: s.name,
      spec: s.spec,
      source: s.source,
      account: s.account,
      symbol: s.symbol,
      mode: s.mode,
      params: s.params,
      status: s.status,
      error: s.error,
      errorStack: s.error_stack,
      restart: null,
      startedAt: s.started_at,
      stoppedAt: s.stopped_at,
      ordersPlaced: s.orders_placed,
      lastBar: null,
      barIndex: 0,
      timer: null,
      drainScheduled: false,
      ...patch,
    };
  }

  /** what a restart needs to find every strategy again */
  private persist(): void {
    this.store.save(
      [...this.running.values()].map((r) => ({
        id: r.id,
        name: r.name,
        spec: r.spec,
        source: r.source,
        account: r.account,
        symbol: r.symbol,
        mode: r.mode,
        params: r.params,
        status: r.status,
        error: r.error,
        error_stack: r.errorStack,
        started_at: r.startedAt,
        stopped_at: r.stoppedAt,
        orders_placed: r.ordersPlaced,
      })),
    );
  }

  private get(id: string): Running {
    const r = this.running.get(id);
    if (!r) throw new TernError('NOT_FOUND', `strategy not found: ${id}`, { field: 'id', id });
    return r;
  }

  private freeId(name: string): string {
    const base = name.slice(0, 13);
    if (!this.running.get(base) || this.running.get(base)!.status !== 'running') return base;
    for (let n = 2; ; n++) {
      const id = `${base}-${n}`;
      if (!this.running.get(id) || this.running.get(id)!.status !== 'running') return id;
    }
  }

  private listen(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.api.subscribe((event) => {
      if (this.closed) return;
      for (const r of this.running.values()) if (r.status === 'running' && r.host) this.route(r, r.host, event);
    });
  }

  /** an engine event, to the strategy it concerns */
  private route(r: Running, h: StrategyHost, e: EngineEvent): void {
    switch (e.kind) {
      case 'candles': {
        if (e.channel !== `candles:${r.account}:${r.symbol}`) return;
        const [ts, open, high, low, close, volume] = (e as EngineEvent<'candles'>).data.candle;
        const exact = { open, high, low, close };
        const bar: BarView = { index: r.barIndex++, ts, open: Number(open), high: Number(high), low: Number(low), close: Number(close), volume: Number(volume) };
        h.queueBar(bar, () => (r.lastBar = exact));
        break;
      }
      case 'trades': {
        if (e.channel !== `trades:${r.account}:${r.symbol}`) return;
        const t = (e as EngineEvent<'trades'>).data;
        h.trade({ price: Number(t.price), quantity: Number(t.quantity), side: t.side, ts: Date.parse(t.ts) });
        break;
      }
      case 'book': {
        if (e.channel !== `book:${r.account}:${r.symbol}`) return;
        const b = (e as EngineEvent<'book'>).data;
        const level = ([p, q]: [string, string]) => [Number(p), Number(q)] as const;
        h.book({ bids: b.bids.map(level), asks: b.asks.map(level), ts: b.ts ? Date.parse(b.ts) : this.clock.now() });
        break;
      }
      case 'orders': {
        const o = (e as EngineEvent<'orders'>).data;
        if (o.account !== r.account || o.strategy_id !== r.id) return;
        h.orderUpdate(orderFromDto(o));
        break;
      }
      case 'fills': {
        const f = (e as EngineEvent<'fills'>).data;
        if (f.account !== r.account || f.strategy_id !== r.id) return;
        h.fill({
          orderId: f.order_id,
          clientOrderId: f.client_order_id,
          side: f.side,
          quantity: new Decimal(f.quantity),
          price: new Decimal(f.price),
          fee: new Decimal(f.fee),
          ts: Date.parse(f.ts),
        });
        break;
      }
      case 'positions': {
        const p = (e as EngineEvent<'positions'>).data;
        // its own share: a manual close can take from it too
        if (p.account === r.account && p.symbol === r.symbol && p.owners) h.setPosition(new Decimal(p.owners.find((o) => o.strategy_id === r.id)?.quantity ?? '0'));
        return;
      }
      case 'balances': {
        const b = (e as EngineEvent<'balances'>).data;
        if (b.account === r.account) h.setBalance(b.asset, new Decimal(b.total), new Decimal(b.free));
        return;
      }
      default:
        return;
    }
    this.scheduleDrain(r);
  }

  /** the strategy hears of a commit's events once they are all in (a microtask after the last) */
  private scheduleDrain(r: Running): void {
    if (r.drainScheduled) return;
    r.drainScheduled = true;
    queueMicrotask(() => {
      r.drainScheduled = false;
      if (r.status === 'running' && !this.closed) void r.host?.drain();
    });
  }

  private arm(r: Running, due: number): void {
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    if (!Number.isFinite(due) || r.status !== 'running' || this.closed) return;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (r.status === 'running' && !this.closed) void r.host?.fireTimers(this.clock.monotonic());
    }, Math.max(0, due - this.clock.monotonic()));
    r.timer.unref?.();
  }

  private async fail(r: Running, err: unknown): Promise<void> {
    if (r.status !== 'running') return;
    r.status = 'failed';
    r.error = err instanceof Error ? err.message : String(err);
    r.errorStack = err instanceof Error && err.stack ? err.stack.slice(0, STACK_KEPT) : null;
    this.log.error({ strategy: r.id, err: r.error, stack: r.errorStack }, 'strategy failed; stopped and its orders canceled');
    this.persist();
    // a strategy that broke must not leave orders working on its behalf
    await this.halt(r, true);
    this.persist();
    this.publish(this.describe(r));
  }

  private async halt(r: Running, cancelOrders: boolean): Promise<void> {
    r.stoppedAt = this.clock.now();
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    const host = r.host;
    if (!host) return;
    await host.stop().catch(() => {});
    if (!cancelOrders) return;
    const ctx = { actor: `strategy:${r.id}`, strategyId: r.id };
    const open = await this.api.call('orders.list', { status: 'open', account: r.account, symbol: r.symbol, strategy_id: r.id, limit: 10_000 }, ctx);
    await Promise.allSettled(open.map((o) => this.api.call('orders.cancel', { id: o.id }, ctx)));
  }

  private describe(r: Running): StrategyInstance {
    return {
      id: r.id,
      strategy: r.name,
      source: r.source,
      account: r.account,
      symbol: r.symbol,
      mode: r.mode,
      params: { ...(r.host?.params ?? r.params) },
      status: r.status,
      error: r.error,
      error_stack: r.errorStack,
      restart: r.restart,
      started_at: r.startedAt,
      stopped_at: r.stoppedAt,
      orders_placed: r.ordersPlaced,
      refusals: r.host ? r.host.refusals.slice(-REFUSALS_SHOWN) : [],
    };
  }
}

function instrumentSpec(i: Instrument): InstrumentSpec {
  return {
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    priceIncrement: new Decimal(i.price_increment),
    sizeIncrement: new Decimal(i.size_increment),
    minQuantity: new Decimal(i.min_quantity),
    minNotional: new Decimal(i.min_notional),
    makerFee: new Decimal(i.maker_fee),
    takerFee: new Decimal(i.taker_fee),
  };
}
