/**
 * An in-memory EngineApi for transport tests (REST, WebSocket, IPC). It
 * implements every method of METHODS, validates params with the real zod
 * schemas (so it throws the same TernErrors as the engine), and emits the
 * same events. It is a stand-in, not a model: market orders fill at the
 * touch, crossing limit orders fill, the rest rest.
 *
 *   const fake = new FakeEngine();
 *   const admin = fake.addKey(['admin']);
 *   await fake.call('orders.create', { symbol: 'BTC/USDT', side: 'buy', type: 'market', quantity: '0.01' }, { actor: 'test' });
 */
import { randomBytes } from 'node:crypto';
import type { EngineApi, Principal } from '../../src-common/contract/engine-api.js';
import { TernError, conflict, invalidOrder, notFound } from '../../src-common/contract/errors.js';
import type { EngineEvent, EventKind, EventData } from '../../src-common/contract/events.js';
import { METHODS, isMethodName, resultOf, type AnswerOf, type CallContext, type Handlers, type MethodName, type ParsedParamsOf, type ResultOf } from '../../src-common/contract/methods.js';
import type { Account, ApiKey, Balance, DownloadJob, Fill, Instrument, Order, Position, Risk } from '../../src-common/contract/schemas.js';
import { validationError } from '../../src-common/contract/validation.js';
import { callerRefusal } from '../../src-common/contract/scopes.js';
import { OPEN_ORDER_STATUSES } from '../../src-common/contract/constants/orders.js';
import { Decimal, ZERO, dec, str } from '../../src-main/engine/model/decimal.js';
import type { InstrumentSpec } from '../../src-main/engine/model/types.js';
import { checkPrice, checkQuantity, validateOrderShape } from '../../src-main/engine/oms/order-validation.js';
import { strategyHandlers } from '../../src-main/strategies/strategy-handlers.js';
import type { FileAccess } from '../../src-main/strategies/file-access.js';
import { testFiles } from './test-files.js';

type Scope = ApiKey['scopes'][number];

const QUOTE = 'USDT';
const STARTING_BALANCES: Record<string, string> = { USDT: '100000' };

const INSTRUMENTS: Array<Omit<Instrument, 'account'> & { bid: string; ask: string }> = [
  { symbol: 'BTC/USDT', base: 'BTC', quote: QUOTE, price_increment: '0.01', size_increment: '0.0001', min_quantity: '0.0001', min_notional: '5', maker_fee: '0.001', taker_fee: '0.001', bid: '44999.99', ask: '45000.01' },
  { symbol: 'ETH/USDT', base: 'ETH', quote: QUOTE, price_increment: '0.01', size_increment: '0.001', min_quantity: '0.001', min_notional: '5', maker_fee: '0.001', taker_fee: '0.001', bid: '2999.99', ask: '3000.01' },
];

const OPEN_STATUSES = new Set<Order['status']>(OPEN_ORDER_STATUSES);

/** the engine's view of a fake instrument, so the fake refuses an order with the engine's own checks (engine/oms/order-validation.ts) */
function specOf(i: (typeof INSTRUMENTS)[number]): InstrumentSpec {
  return {
    symbol: i.symbol,
    base: i.base,
    quote: i.quote,
    priceIncrement: dec(i.price_increment),
    sizeIncrement: dec(i.size_increment),
    minQuantity: dec(i.min_quantity),
    minNotional: dec(i.min_notional),
    makerFee: dec(i.maker_fee),
    takerFee: dec(i.taker_fee),
  };
}

interface KeyRecord extends ApiKey {
  key: string;
}

interface PositionState {
  quantity: Decimal;
  average: Decimal;
  realized: Decimal;
}

export class FakeEngine implements EngineApi {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly keys = new Map<string, KeyRecord>();
  private readonly revokedListeners = new Set<(keyId: string) => void>();
  private readonly accounts = new Map<string, Account>([['paper', { id: 'paper', exchange: 'paper', mode: 'paper', status: 'active' }]]);
  private orders: Order[] = [];
  private fills: Fill[] = [];
  private readonly downloads: DownloadJob[] = [];
  private readonly positions = new Map<string, PositionState>();
  private readonly balances = new Map<string, Decimal>();
  private fees = ZERO;
  private seq = 0;
  private risk: Omit<Risk, 'usage'> = { state: 'ACTIVE', reason: '', since: '2024-01-01T00:00:00.000Z', limits: [], breakers: [] };
  private clock = Date.parse('2024-01-01T00:00:00.000Z');
  private readonly handlers: Handlers;

  /** `files`: the folders strategies and backtests may name (default: a test data folder shared by the process) */
  constructor(private readonly opts: { files?: FileAccess } = {}) {
    this.resetBalances('paper');
    this.handlers = this.makeHandlers();
  }

  /** a new API key with these scopes; returns the secret */
  addKey(scopes: Scope[], name = `test-${scopes.join('-')}`): string {
    const record = this.newKey(name, scopes);
    return record.key;
  }

  // ---- EngineApi ----

  async call<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<ResultOf<M>> {
    return resultOf(method, await this.answer(method, rawParams, ctx));
  }

  async answer<M extends MethodName>(method: M, rawParams: unknown, ctx: CallContext): Promise<AnswerOf<M>> {
    if (typeof method !== 'string' || !isMethodName(method)) throw new TernError('NOT_FOUND', `unknown method ${String(method)}`);
    const refused = callerRefusal(ctx.keyId, METHODS[method].scope, (id) => this.keyPrincipal(id));
    if (refused) throw refused;
    const parsed = METHODS[method].params.safeParse(rawParams ?? {});
    if (!parsed.success) throw validationError(parsed.error.issues);
    const handler = this.handlers[method] as (p: ParsedParamsOf<M>, c: CallContext) => AnswerOf<M>;
    return handler(parsed.data as ParsedParamsOf<M>, ctx);
  }

  subscribe(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  authenticate(key: string): Principal | null {
    const record = this.keys.get(key);
    return record ? { id: record.id, scopes: record.scopes } : null;
  }

  keyPrincipal(keyId: string): Principal | null {
    const record = [...this.keys.values()].find((r) => r.id === keyId);
    return record ? { id: record.id, scopes: record.scopes } : null;
  }

  onKeyRevoked(listener: (keyId: string) => void): () => void {
    this.revokedListeners.add(listener);
    return () => this.revokedListeners.delete(listener);
  }

  stats(): Record<string, number> {
    return { orders_open: this.orders.filter((o) => OPEN_STATUSES.has(o.status)).length, orders_total: this.orders.length, fills_total: this.fills.length };
  }

  // ---- internals ----

  private makeHandlers(): Handlers {
    return {
      // strategies and backtests are the real ones, running against this fake
      ...strategyHandlers(this, { files: this.opts.files ?? testFiles() }),
      health: () => ({ status: 'ok', version: 'fake', mode: 'paper', uptime_ms: 0 }),
      'accounts.list': () => [...this.accounts.values()],
      'accounts.reset': ({ id }) => {
        const account = this.account(id);
        if (account.mode !== 'paper') throw conflict(`account ${id} is not a paper account`);
        this.orders = this.orders.filter((o) => o.account !== id);
        this.fills = this.fills.filter((f) => f.account !== id);
        for (const key of [...this.positions.keys()]) if (key.startsWith(`${id} `)) this.positions.delete(key);
        this.resetBalances(id);
        return account;
      },
      'accounts.create': ({ id, exchange, mode }) => {
        if (this.accounts.has(id)) throw conflict(`account ${id} already exists`);
        if (mode === 'live') throw conflict('the fake engine has no keychain: live accounts cannot be added');
        const account: Account = { id, exchange, mode, status: 'active' };
        this.accounts.set(id, account);
        return account;
      },
      'accounts.update': ({ id }) => {
        // the fake engine holds paper accounts only: refused as the engine refuses them
        const account = this.account(id);
        throw new TernError('BAD_REQUEST', `account ${account.id} is a paper account: only a live account has orders on an exchange to cancel`, { field: 'dead_man_switch_s', rule: 'live_only' });
      },
      'accounts.delete': ({ id }) => {
        const account = this.account(id);
        this.accounts.delete(id);
        return { ...account, status: 'deleted' };
      },
      'reconcile.run': ({ account }) => {
        if (account !== undefined) this.account(account);
        return { account: account ?? null, checked: 0, fixed: [], unresolved: [] };
      },
      'instruments.list': ({ account }) => {
        const accounts = account ? [this.account(account).id] : [...this.accounts.keys()];
        return accounts.flatMap((a) => INSTRUMENTS.map(({ bid: _b, ask: _a, ...i }) => ({ account: a, ...i })));
      },
      'market.ticker': ({ account, symbol }) => {
        const i = this.quoted(account, symbol);
        return { account, symbol, bid: i.bid, ask: i.ask, last: i.ask, ts: this.now() };
      },
      'market.book': ({ account, symbol, depth }) => {
        const i = this.quoted(account, symbol);
        const levels = (start: string, step: string) => Array.from({ length: Math.min(depth, 5) }, (_, n): [string, string] => [str(dec(start).add(dec(step).mul(n))), '1.5']);
        return { account, symbol, bids: levels(i.bid, '-0.01'), asks: levels(i.ask, '0.01'), ts: this.now() };
      },
      'market.candles': ({ account, symbol, limit, since }) => {
        const i = this.quoted(account, symbol);
        const n = Math.min(limit, 50);
        const start = since ?? Date.parse('2024-01-01T00:00:00.000Z');
        return Array.from({ length: n }, (_, k): [number, string, string, string, string, string] => [start + k * 60_000, i.bid, i.ask, i.bid, i.ask, '10']);
      },
      // two prints at the touch, numbered from 1 like the engine's
      'market.trades': ({ account, symbol, limit, from_id }) => {
        const i = this.quoted(account, symbol);
        const all = [i.bid, i.ask].map((price, k) => ({ id: k + 1, account, symbol, price, quantity: '0.5', side: k ? ('buy' as const) : ('sell' as const), ts: this.now() }));
        return all.filter((t) => from_id === undefined || t.id >= from_id).slice(-limit);
      },
      // a download completes at once: the fake has its candles already
      'market.download': ({ account, symbol, timeframe, since, until }) => {
        this.quoted(account, symbol);
        const end = until ?? Date.parse(this.now());
        if (since >= end) throw new TernError('BAD_REQUEST', 'since must be in the past', { field: 'since' });
        const total = Math.ceil((end - since) / (timeframe.endsWith('d') ? 86_400_000 : timeframe.endsWith('h') ? 3_600_000 : 60_000) / Number.parseInt(timeframe, 10));
        const now = this.now();
        const job: DownloadJob = { id: `D${++this.seq}`, account, symbol, timeframe, since: new Date(since).toISOString(), until: new Date(end).toISOString(), status: 'done', fetched: total, total_estimate: total, progress: 1, started_at: now, updated_at: now };
        this.downloads.unshift(job);
        this.emit('downloads', 'downloads', job);
        return job;
      },
      'market.downloads': () => this.downloads.slice(),
      'orders.create': (p) => {
        const known = p.client_order_id !== undefined && this.orders.some((o) => o.client_order_id === p.client_order_id);
        return { order: this.placeOrder(p), created: !known };
      },
      'orders.list': ({ status, account, symbol, limit }) =>
        this.orders
          .filter((o) => status === 'all' || (status === 'open') === OPEN_STATUSES.has(o.status))
          .filter((o) => (account === undefined || o.account === account) && (symbol === undefined || o.symbol === symbol))
          .slice()
          .reverse()
          .slice(0, limit ?? 500),
      'orders.get': ({ id }) => this.order(id),
      'orders.amend': ({ id, price, quantity }) => {
        const order = this.order(id);
        if (!OPEN_STATUSES.has(order.status)) throw conflict(`order ${order.id} is ${order.status}, not open`, { status: order.status });
        if (price === undefined && quantity === undefined) throw new TernError('BAD_REQUEST', 'give price and/or quantity to amend', { field: 'price' });
        const spec = this.instrument(order.account, order.symbol);
        if (quantity !== undefined) checkQuantity(dec(quantity), specOf(spec));
        if (price !== undefined) {
          if (order.price === null) throw invalidOrder('price', `a ${order.type} order has no price to amend`);
          checkPrice('price', dec(price), specOf(spec));
        }
        return this.update(order, { ...(price !== undefined ? { price } : {}), ...(quantity !== undefined ? { quantity } : {}) });
      },
      'orders.cancel': ({ id }) => {
        const order = this.order(id);
        if (!OPEN_STATUSES.has(order.status)) throw conflict(`order ${order.id} is ${order.status}, not open`, { status: order.status });
        return this.update(order, { status: 'canceled' });
      },
      // a fake venue that holds every construct, and no risk limits
      'orders.check': ({ order }) => ({ held_by: !order || order.type === 'trailing_stop' || order.take_profit || order.stop_loss ? 'venue' : null, refusals: [] }),
      'orders.oco': (p) => this.placeGroup(p.account, p.symbol, p.side, p.quantity, p.reduce_only, p.take_profit, p.stop_loss),
      'positions.protect': ({ account, symbol, take_profit, stop_loss }) => {
        const state = this.positions.get(`${account} ${symbol}`);
        if (!state || state.quantity.isZero()) throw conflict(`no open position in ${symbol} on ${account}`);
        if (!take_profit || !stop_loss) throw invalidOrder('stop_loss', 'the fake engine protects with a take profit and a stop loss together');
        return this.placeGroup(account, symbol, state.quantity.isPositive() ? 'sell' : 'buy', str(state.quantity.abs()), true, take_profit, stop_loss);
      },
      'orders.cancelAll': ({ account, symbol }) => {
        const open = this.orders.filter((o) => OPEN_STATUSES.has(o.status) && (account === undefined || o.account === account) && (symbol === undefined || o.symbol === symbol));
        return { canceled: open.map((o) => this.update(o, { status: 'canceled' }).id), failed: [] };
      },
      'fills.list': ({ account, symbol, limit }) =>
        this.fills
          .filter((f) => (account === undefined || f.account === account) && (symbol === undefined || f.symbol === symbol))
          .slice()
          .reverse()
          .slice(0, limit ?? 500),
      'positions.list': ({ account, symbol }) =>
        [...this.positions.entries()]
          .map(([key, state]) => this.positionDto(key, state))
          .filter((p) => (account === undefined || p.account === account) && (symbol === undefined || p.symbol === symbol)),
      // the fake runs no strategies: nobody owns a share
      'positions.owned': () => [],
      'positions.close': ({ account, symbol, quantity }) => {
        const state = this.positions.get(`${account} ${symbol}`);
        if (!state || state.quantity.isZero()) throw notFound('position', `${account} ${symbol}`);
        const size = state.quantity.abs();
        if (quantity !== undefined && dec(quantity).gt(size)) throw invalidOrder('quantity', `quantity is more than the position of ${str(size)}`);
        const order = this.placeOrder({
          account,
          symbol,
          side: state.quantity.isPositive() ? 'sell' : 'buy',
          type: 'market',
          quantity: quantity ?? str(size),
          time_in_force: 'IOC',
          post_only: false,
          reduce_only: true,
        });
        // the fake has no strategies: every close is the trader's share
        return { ...order, closes: [{ strategy_id: null, quantity: order.quantity }] };
      },
      'balances.list': ({ account }) => [...this.balances.entries()].map(([key, total]) => this.balanceDto(key, total)).filter((b) => account === undefined || b.account === account),
      'portfolio.get': ({ account }) => {
        if (account) this.account(account);
        let equity = ZERO;
        let realized = ZERO;
        let unrealized = ZERO;
        for (const [key, total] of this.balances) if (account === undefined || key.startsWith(`${account} `)) equity = equity.add(key.endsWith(` ${QUOTE}`) ? total : ZERO);
        for (const [key, state] of this.positions) {
          if (account !== undefined && !key.startsWith(`${account} `)) continue;
          const p = this.positionDto(key, state);
          realized = realized.add(p.realized_pnl);
          unrealized = unrealized.add(p.unrealized_pnl);
          equity = equity.add(state.quantity.mul(p.mark_price ?? '0'));
        }
        return { quote_asset: QUOTE, equity: str(equity), realized_pnl: str(realized), unrealized_pnl: str(unrealized), fees_paid: str(this.fees) };
      },
      'risk.get': () => this.riskDto(),
      'risk.setLimits': ({ account, symbol, limits }) => {
        const scope = { account: account ?? null, symbol: symbol ?? null };
        let row = this.risk.limits.find((r) => r.account === scope.account && r.symbol === scope.symbol);
        if (!row) this.risk.limits.push((row = { ...scope, limits: {} }));
        for (const [name, value] of Object.entries(limits)) {
          if (value === null) delete (row.limits as Record<string, string>)[name];
          else if (value !== undefined) (row.limits as Record<string, string>)[name] = value;
        }
        return this.riskDto();
      },
      'risk.setState': ({ state, reason }) => {
        this.setRiskState(state, reason);
        return this.riskDto();
      },
      'risk.killSwitch': ({ reason, flatten }) => {
        this.setRiskState('HALTED', reason);
        const canceled = this.orders.filter((o) => OPEN_STATUSES.has(o.status)).map((o) => this.update(o, { status: 'canceled' }).id);
        const flattened: Array<{ account: string; symbol: string; order_id: string; quantity: string }> = [];
        if (flatten) {
          for (const [key, state] of this.positions) {
            if (state.quantity.isZero()) continue;
            const [account, symbol] = key.split(' ') as [string, string];
            const quantity = str(state.quantity.abs());
            const order = this.placeOrder({ account, symbol, side: state.quantity.isPositive() ? 'sell' : 'buy', type: 'market', quantity, time_in_force: 'IOC', post_only: false, reduce_only: true }, true);
            flattened.push({ account, symbol, order_id: order.id, quantity });
          }
        }
        return { state: this.risk.state, canceled, failed: [], flattened };
      },
      'keys.list': () => [...this.keys.values()].map(({ key: _k, ...rest }) => rest),
      'keys.create': ({ name, scopes, expires_in_s, rate_limit, accounts, risk_limits }) => ({
        ...this.newKey(name, scopes, expires_in_s),
        ...(rate_limit ? { rate_limit } : {}),
        ...(accounts ? { accounts } : {}),
        ...(risk_limits ? { risk_limits } : {}),
      }),
      'keys.delete': ({ id }) => {
        const entry = [...this.keys.entries()].find(([, r]) => r.id === id);
        if (!entry) throw notFound('API key', id);
        this.keys.delete(entry[0]);
        for (const listener of [...this.revokedListeners]) listener(id);
        const { key: _k, ...rest } = entry[1];
        return rest;
      },
      'keys.halt': ({ id, reason }) => {
        const record = [...this.keys.values()].find((r) => r.id === id);
        if (!record) throw notFound('API key', id);
        record.halted = { at: this.now(), by: 'ui', reason };
        const { key: _k, ...rest } = record;
        return { ...rest, canceled: [], failed: [] };
      },
      'keys.resume': ({ id }) => {
        const record = [...this.keys.values()].find((r) => r.id === id);
        if (!record) throw notFound('API key', id);
        record.halted = null;
        const { key: _k, ...rest } = record;
        return rest;
      },
    };
  }

  private placeOrder(p: ParsedParamsOf<'orders.create'>, fromKillSwitch = false): Order {
    if (p.client_order_id !== undefined) {
      const existing = this.orders.find((o) => o.client_order_id === p.client_order_id);
      if (existing) return existing;
    }
    if (this.risk.state === 'HALTED' && !fromKillSwitch) throw new TernError('RISK_REJECTED', `trading is halted: ${this.risk.reason}`, { rule: 'trading_state' });
    const spec = this.instrument(p.account, p.symbol);
    const touch = dec(p.side === 'buy' ? spec.ask : spec.bid);
    const terms = {
      type: p.type,
      quantity: dec(p.quantity),
      price: p.price === undefined ? null : dec(p.price),
      stopPrice: p.stop_price === undefined ? null : dec(p.stop_price),
      timeInForce: p.time_in_force,
      postOnly: p.post_only,
    };
    // valued at the touch it fills at (the engine takes the mid)
    validateOrderShape(terms, specOf(spec), touch);

    const now = this.now();
    const id = `O${++this.seq}`;
    const order: Order = {
      id,
      client_order_id: p.client_order_id ?? `tern-${id}`,
      account: p.account,
      symbol: p.symbol,
      side: p.side,
      type: p.type,
      quantity: p.quantity,
      price: p.price ?? null,
      stop_price: p.stop_price ?? null,
      time_in_force: p.time_in_force,
      post_only: p.post_only,
      reduce_only: p.reduce_only,
      status: 'open',
      filled_quantity: '0',
      average_price: null,
      fees: '0',
      reject_reason: null,
      created_at: now,
      updated_at: now,
      strategy_id: null,
      key_id: null,
      held_by: 'venue',
      oco_id: null,
      parent_id: null,
      role: null,
      exits: [],
      trailing_offset: null,
      trailing_unit: null,
      activation_price: null,
      triggered_at: null,
    };
    this.orders.push(order);
    this.emit('orders', 'orders', order);
    const crosses = p.type === 'market' || (p.type === 'limit' && (p.side === 'buy' ? dec(p.price!).gte(touch) : dec(p.price!).lte(touch)));
    if (crosses && p.post_only) return this.update(order, { status: 'rejected', reject_reason: 'post-only order would take liquidity' });
    if (crosses) return this.fill(order, touch, spec);
    if (p.type === 'limit' && p.time_in_force !== 'GTC') return this.update(order, { status: 'expired' });
    return order;
  }

  private fill(order: Order, price: Decimal, spec: (typeof INSTRUMENTS)[number]): Order {
    const quantity = dec(order.quantity);
    const fee = quantity.mul(price).mul(spec.taker_fee);
    this.fees = this.fees.add(fee);
    const fill: Fill = {
      id: `F${++this.seq}`,
      order_id: order.id,
      client_order_id: order.client_order_id,
      account: order.account,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      price: str(price),
      fee: str(fee),
      fee_asset: QUOTE,
      liquidity: 'taker',
      ts: this.now(),
      strategy_id: null,
    };
    this.fills.push(fill);
    this.emit('fills', 'fills', fill);
    const signed = order.side === 'buy' ? quantity : quantity.neg();
    this.addBalance(order.account, spec.base, signed);
    this.addBalance(order.account, QUOTE, signed.mul(price).neg().sub(fee));
    this.applyToPosition(order.account, order.symbol, signed, price);
    return this.update(order, { status: 'filled', filled_quantity: order.quantity, average_price: str(price), fees: str(fee) });
  }

  private applyToPosition(account: string, symbol: string, signed: Decimal, price: Decimal): void {
    const key = `${account} ${symbol}`;
    const state = this.positions.get(key) ?? { quantity: ZERO, average: ZERO, realized: ZERO };
    const next = state.quantity.add(signed);
    if (state.quantity.isZero() || state.quantity.isPositive() === signed.isPositive()) {
      state.average = state.quantity.mul(state.average).add(signed.mul(price)).div(next);
    } else {
      const closed = Decimal.min(signed.abs(), state.quantity.abs());
      state.realized = state.realized.add(price.sub(state.average).mul(closed).mul(state.quantity.isPositive() ? 1 : -1));
      if (next.isZero()) state.average = ZERO;
      else if (next.isPositive() !== state.quantity.isPositive()) state.average = price;
    }
    state.quantity = next;
    this.positions.set(key, state);
    this.emit('positions', 'positions', this.positionDto(key, state));
  }

  private setRiskState(state: Risk['state'], reason: string): void {
    this.risk = { ...this.risk, state, reason, since: this.now() };
    this.emit('risk', 'risk', this.riskDto());
  }

  private riskDto(): Risk {
    return { ...this.risk, usage: { open_orders: [], orders_per_second: [], daily_loss: [], drawdown_pct: [], consecutive_losses: [] } };
  }

  private positionDto(key: string, state: PositionState): Position {
    const [account, symbol] = key.split(' ') as [string, string];
    const spec = INSTRUMENTS.find((i) => i.symbol === symbol)!;
    const mark = dec(spec.bid).add(spec.ask).div(2);
    return {
      account,
      symbol,
      quantity: str(state.quantity),
      average_price: state.quantity.isZero() ? null : str(state.average),
      realized_pnl: str(state.realized),
      unrealized_pnl: str(mark.sub(state.average).mul(state.quantity)),
      mark_price: str(mark),
    };
  }

  private addBalance(account: string, asset: string, delta: Decimal): void {
    const key = `${account} ${asset}`;
    const total = (this.balances.get(key) ?? ZERO).add(delta);
    this.balances.set(key, total);
    this.emit('balances', 'balances', this.balanceDto(key, total));
  }

  private balanceDto(key: string, total: Decimal): Balance {
    const [account, asset] = key.split(' ') as [string, string];
    return { account, asset, total: str(total), free: str(total), locked: '0' };
  }

  private resetBalances(account: string): void {
    for (const key of [...this.balances.keys()]) if (key.startsWith(`${account} `)) this.balances.delete(key);
    for (const [asset, total] of Object.entries(STARTING_BALANCES)) this.balances.set(`${account} ${asset}`, dec(total));
  }

  /** an OCO pair as two linked resting orders (the fake links nothing: it only shows the legs as the engine does) */
  private placeGroup(account: string, symbol: string, side: 'buy' | 'sell', quantity: string, reduceOnly: boolean, tp: { type?: 'limit' | 'take_profit_market' | 'take_profit_limit'; price?: string | undefined; stop_price?: string | undefined }, sl: { stop_price: string; price?: string | undefined }) {
    const ocoId = `G${++this.seq}`;
    const base = { account, symbol, side, quantity, time_in_force: 'GTC', post_only: false, reduce_only: reduceOnly } as const;
    const legs = [
      this.placeOrder({ ...base, type: tp.type ?? 'limit', ...(tp.price ? { price: tp.price } : {}), ...(tp.stop_price ? { stop_price: tp.stop_price } : {}) }),
      this.placeOrder({ ...base, type: sl.price ? 'stop_limit' : 'stop_market', stop_price: sl.stop_price, ...(sl.price ? { price: sl.price } : {}) }),
    ];
    const roles = ['take_profit', 'stop_loss'] as const;
    return { oco_id: ocoId, orders: legs.map((o, i) => this.update(o, { oco_id: ocoId, role: roles[i]! })) };
  }

  private update(order: Order, change: Partial<Order>): Order {
    const next = { ...order, ...change, updated_at: this.now() };
    this.orders[this.orders.indexOf(order)] = next;
    this.emit('orders', 'orders', next);
    return next;
  }

  private newKey(name: string, scopes: Scope[], expiresInS?: number): KeyRecord {
    const created_at = this.now();
    const expires_at = expiresInS === undefined ? null : new Date(Date.parse(created_at) + expiresInS * 1000).toISOString();
    const record: KeyRecord = {
      id: `K${++this.seq}`,
      name,
      scopes: [...new Set(scopes)],
      created_at,
      expires_at,
      rate_limit: null,
      accounts: null,
      risk_limits: {},
      halted: null,
      key: `tern_${randomBytes(16).toString('hex')}`,
    };
    this.keys.set(record.key, record);
    return record;
  }

  private order(id: string): Order {
    const order = this.orders.find((o) => o.id === id) ?? this.orders.find((o) => o.client_order_id === id);
    if (!order) throw notFound('order', id);
    return order;
  }

  private account(id: string): Account {
    const account = this.accounts.get(id);
    if (!account) throw notFound('account', id);
    return account;
  }

  private instrument(account: string, symbol: string) {
    this.account(account);
    const spec = INSTRUMENTS.find((i) => i.symbol === symbol);
    if (!spec) throw invalidOrder('symbol', `${symbol} is not an instrument of account ${account}`);
    return spec;
  }

  private quoted(account: string, symbol: string) {
    this.account(account);
    const spec = INSTRUMENTS.find((i) => i.symbol === symbol);
    if (!spec) throw notFound(`instrument on account ${account}`, symbol);
    return spec;
  }

  private now(): string {
    this.clock += 1;
    return new Date(this.clock).toISOString();
  }

  private emit<K extends EventKind>(kind: K, channel: string, data: EventData<K>): void {
    for (const listener of this.listeners) listener({ kind, channel, data } as EngineEvent);
  }
}
