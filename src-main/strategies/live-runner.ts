import { badRequest, conflict, notFound } from '../../src-common/contract/errors.js';
import type { EngineApi } from '../../src-common/contract/engine-api.js';
import type { EngineEvent } from '../../src-common/contract/events.js';
import type { Instrument } from '../../src-common/contract/schemas.js';
import type { StrategyInstance } from '../../src-common/contract/strategy-schemas.js';
import { Decimal } from '../engine/model/decimal.js';
import type { InstrumentSpec } from '../engine/model/types.js';
import { type Clock, systemClock } from '../engine/ports/clock.js';
import { type Logger, silentLogger } from '../engine/ports/logger.js';
import type { AnyStrategyDefinition, BarView } from './api.js';
import { type HostPort, StrategyHost, orderFromDto } from './host.js';
import { loadStrategy } from './loader.js';
import { resolveParams } from './params.js';

const STRATEGY_ID = /^[a-z0-9][a-z0-9_-]{0,15}$/;
const REFUSALS_SHOWN = 50;

interface Running {
  id: string;
  host: StrategyHost;
  definition: AnyStrategyDefinition;
  source: string;
  account: string;
  symbol: string;
  mode: 'paper' | 'live';
  status: StrategyInstance['status'];
  error: string | null;
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

  constructor(
    private readonly api: EngineApi,
    opts: { clock?: Clock; log?: Logger; cwd?: string } = {},
  ) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.log ?? silentLogger;
    this.cwd = opts.cwd ?? process.cwd();
    // client order ids must stay unique across restarts of the same strategy id
    this.runTag = this.clock.now().toString(36);
  }

  private readonly cwd: string;

  async start(p: { strategy: string | AnyStrategyDefinition; id?: string; account: string; symbol: string; params: Record<string, unknown> }): Promise<StrategyInstance> {
    const { definition, source } = typeof p.strategy === 'string' ? await loadStrategy(p.strategy, this.cwd) : { definition: p.strategy, source: `definition:${p.strategy.name}` };
    const params = resolveParams(definition, p.params);
    const id = p.id ?? this.freeId(definition.name);
    if (!STRATEGY_ID.test(id)) throw badRequest(`strategy id "${id}" must be 1-16 of a-z 0-9 _ -`, { field: 'id' });
    const existing = this.running.get(id);
    if (existing && existing.status === 'running') throw conflict(`a strategy with id ${id} is already running`);
    const ctx = { actor: `strategy:${id}` };
    const accounts = await this.api.call('accounts.list', {}, ctx);
    const account = accounts.find((a) => a.id === p.account);
    if (!account) throw notFound('account', p.account);
    const instruments = await this.api.call('instruments.list', { account: p.account }, ctx);
    const dto = instruments.find((i) => i.symbol === p.symbol);
    if (!dto) throw badRequest(`${p.symbol} is not an instrument of account ${p.account}`, { field: 'symbol' });

    const r: Running = {
      id,
      host: undefined as unknown as StrategyHost,
      definition,
      source,
      account: p.account,
      symbol: p.symbol,
      mode: account.mode,
      status: 'running',
      error: null,
      startedAt: this.clock.now(),
      stoppedAt: null,
      ordersPlaced: 0,
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
    r.host = new StrategyHost(id, definition, params, port);
    r.host.onFailure = (err) => void this.fail(r, err);
    this.running.set(id, r);
    this.listen();
    try {
      await r.host.start();
    } catch (err) {
      this.running.delete(id);
      throw err;
    }
    if (r.host.failure) await this.fail(r, r.host.failure);
    return this.describe(r);
  }

  async stop(id: string, cancelOrders = true): Promise<StrategyInstance> {
    const r = this.get(id);
    if (r.status === 'running') {
      r.status = 'stopped';
      await this.halt(r, cancelOrders);
    }
    return this.describe(r);
  }

  async setParams(id: string, given: Record<string, unknown>): Promise<StrategyInstance> {
    const r = this.get(id);
    if (r.status !== 'running') throw conflict(`strategy ${id} is ${r.status}`);
    await r.host.setParams(resolveParams(r.definition, given, r.host.params));
    return this.describe(r);
  }

  list(): StrategyInstance[] {
    return [...this.running.values()].map((r) => this.describe(r));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running.values()].filter((r) => r.status === 'running').map((r) => this.stop(r.id)));
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  // ── internals ───────────────────────────────────────────────────────────

  private get(id: string): Running {
    const r = this.running.get(id);
    if (!r) throw notFound('strategy', id);
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
      for (const r of this.running.values()) if (r.status === 'running') this.route(r, event);
    });
  }

  /** an engine event, to the strategy it concerns */
  private route(r: Running, e: EngineEvent): void {
    const h = r.host;
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
        if (o.account !== r.account || !h.owns(o.client_order_id)) return;
        h.orderUpdate(orderFromDto(o));
        break;
      }
      case 'fills': {
        const f = (e as EngineEvent<'fills'>).data;
        if (f.account !== r.account || !h.owns(f.client_order_id)) return;
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
        if (p.account === r.account && p.symbol === r.symbol) h.setPosition(new Decimal(p.quantity));
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
      if (r.status === 'running') void r.host.drain();
    });
  }

  private arm(r: Running, due: number): void {
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    if (!Number.isFinite(due) || r.status !== 'running') return;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (r.status === 'running') void r.host.fireTimers(this.clock.monotonic());
    }, Math.max(0, due - this.clock.monotonic()));
    r.timer.unref?.();
  }

  private async fail(r: Running, err: unknown): Promise<void> {
    if (r.status !== 'running') return;
    r.status = 'failed';
    r.error = err instanceof Error ? err.message : String(err);
    this.log.error({ strategy: r.id, err: r.error }, 'strategy failed; stopped and its orders canceled');
    // a strategy that broke must not leave orders working on its behalf
    await this.halt(r, true);
  }

  private async halt(r: Running, cancelOrders: boolean): Promise<void> {
    r.stoppedAt = this.clock.now();
    if (r.timer) clearTimeout(r.timer);
    r.timer = null;
    await r.host.stop().catch(() => {});
    if (!cancelOrders) return;
    const ctx = { actor: `strategy:${r.id}` };
    const open = await this.api.call('orders.list', { status: 'open', account: r.account, symbol: r.symbol, limit: 10_000 }, ctx);
    await Promise.allSettled(open.filter((o) => r.host.owns(o.client_order_id)).map((o) => this.api.call('orders.cancel', { id: o.id }, ctx)));
  }

  private describe(r: Running): StrategyInstance {
    return {
      id: r.id,
      strategy: r.definition.name,
      source: r.source,
      account: r.account,
      symbol: r.symbol,
      mode: r.mode,
      params: { ...r.host.params },
      status: r.status,
      error: r.error,
      started_at: r.startedAt,
      stopped_at: r.stoppedAt,
      orders_placed: r.ordersPlaced,
      refusals: r.host.refusals.slice(-REFUSALS_SHOWN),
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
