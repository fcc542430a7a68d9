import type { AccountOptions } from './accounts.js';
import type { SimContext } from './context.js';
import { parseDec } from './decimal.js';
import type { RequestRecord, RestFault, WsFault, WsTarget } from './faults.js';
import type { Fill, SimOrder } from './types.js';
import type { WsHub } from './ws.js';

/** Picks one order: by exchange id, or by client id (optionally within one API key / symbol). */
export interface OrderSelector {
  orderId?: number | string;
  clientOrderId?: string;
  apiKey?: string;
  symbol?: string;
}

export interface OrderView {
  orderId: number;
  symbol: string;
  apiKey: string;
  clientOrderId: string;
  side: string;
  type: string;
  timeInForce: string;
  price: string;
  /** a stop's or take profit's trigger; '0' for the others */
  stopPrice: string;
  origQty: string;
  executedQty: string;
  cummulativeQuoteQty: string;
  status: string;
  time: number;
  updateTime: number;
}

export interface FillView {
  symbol: string;
  tradeId: number;
  orderId: number;
  price: string;
  qty: string;
  commission: string;
  commissionAsset: string;
  isBuyer: boolean;
  isMaker: boolean;
  time: number;
}

/** What a test (or another process, through /__sim/) can do to the running simulator. */
export interface SimControl {
  /** A new API key with these free balances (asset → decimal string). */
  createApiKey(balances?: Record<string, string>, opts?: Omit<AccountOptions, 'balances'>): { apiKey: string; secret: string };
  balances(apiKey: string): Record<string, { free: string; locked: string }>;
  /** Sets the free balance of one asset (sends outboundAccountPosition). */
  setBalance(apiKey: string, asset: string, free: string): void;
  setFees(apiKey: string, fees: { maker?: string; taker?: string }): void;
  /** Moves the mid price (symbol as BTCUSDT or BTC/USDT); resting orders it crosses fill. */
  setPrice(symbol: string, price: string): void;
  price(symbol: string): string;
  /** Random steps of the price path, for one symbol or all. */
  tick(symbol?: string, steps?: number): void;
  /** Fills a resting order (all that remains, or `qty`) as maker at its limit price (or `price`). */
  fillOrder(ref: OrderSelector, opts?: { qty?: string; price?: string }): OrderView;
  orders(filter?: { apiKey?: string; symbol?: string; open?: boolean; clientOrderId?: string }): OrderView[];
  order(ref: OrderSelector): OrderView | undefined;
  fills(apiKey: string): FillView[];

  addFault(fault: RestFault): number;
  addWsFault(fault: WsFault): number;
  removeFault(id: number): void;
  clearFaults(): void;
  faults(): ReturnType<SimContext['faults']['list']>;
  /** Drops websocket connections (terminate: no close frame; close: code 1001). Returns how many. */
  dropWebSockets(target?: WsTarget, mode?: 'terminate' | 'close'): number;
  /** Refuses the next `n` websocket handshakes with HTTP 503. */
  /** Refuses the next `n` websocket handshakes with HTTP 503; Infinity (HTTP: `"all"`) until set to 0 (an exchange whose websockets are down at start). */
  refuseWebSockets(n: number): void;
  wsConnections(kind?: 'market' | 'listenKey' | 'ws-api'): number;
  /** Market stream names subscribed, plus "userData:<apiKey>" per user-data subscription. */
  wsSubscriptions(): string[];

  /** Requests that reached the sim (faulted ones too): one endpoint ("POST /api/v3/order" or a path), or all. */
  requestCount(endpoint?: string): number;
  requestCounts(): Record<string, number>;
  requests(endpoint?: string): RequestRecord[];
  /** How many placements (POST order / cancelReplace) carried this newClientOrderId. */
  orderSubmissions(clientOrderId: string): number;
  resetRequests(): void;

  /** Skews the sim's clock (signed requests outside recvWindow get -1021). */
  setClockOffset(ms: number): void;
  now(): number;
}

function orderView(o: SimOrder): OrderView {
  return {
    orderId: o.orderId,
    symbol: o.symbol,
    apiKey: o.apiKey,
    clientOrderId: o.clientOrderId,
    side: o.side,
    type: o.type,
    timeInForce: o.timeInForce,
    price: o.price.toFixed(),
    stopPrice: o.stopPrice.toFixed(),
    origQty: o.origQty.toFixed(),
    executedQty: o.executedQty.toFixed(),
    cummulativeQuoteQty: o.cumQuote.toFixed(),
    status: o.status,
    time: o.time,
    updateTime: o.updateTime,
  };
}

function fillView(f: Fill): FillView {
  return {
    symbol: f.symbol, tradeId: f.tradeId, orderId: f.orderId, price: f.price.toFixed(), qty: f.qty.toFixed(),
    commission: f.commission.toFixed(), commissionAsset: f.commissionAsset, isBuyer: f.isBuyer, isMaker: f.isMaker, time: f.time,
  };
}

function decimal(value: string, what: string) {
  const v = parseDec(String(value));
  if (v === undefined) throw new Error(`${what} must be a decimal string, got ${JSON.stringify(value)}`);
  return v;
}

export function createControl(ctx: SimContext, hub: WsHub, setClockOffset: (ms: number) => void): SimControl {
  const engine = ctx.engine;
  const account = (apiKey: string) => {
    const a = ctx.accounts.get(apiKey);
    if (!a) throw new Error(`no API key ${apiKey}`);
    return a;
  };
  const find = (ref: OrderSelector): SimOrder | undefined => {
    if (ref.orderId !== undefined) return engine.orderById(Number(ref.orderId));
    if (ref.clientOrderId === undefined) throw new Error('an order selector needs orderId or clientOrderId');
    const symbol = ref.symbol === undefined ? undefined : engine.resolveSymbol(ref.symbol);
    const all = engine.allOrders().filter(
      (o) => o.clientOrderId === ref.clientOrderId && (ref.apiKey === undefined || o.apiKey === ref.apiKey) && (symbol === undefined || o.symbol === symbol),
    );
    return all[all.length - 1];
  };

  return {
    createApiKey(balances, opts) {
      for (const [asset, v] of Object.entries(balances ?? {})) decimal(v, `balance of ${asset}`);
      const a = ctx.accounts.create({ ...opts, balances });
      return { apiKey: a.apiKey, secret: a.secret };
    },
    balances(apiKey) {
      const a = account(apiKey);
      return Object.fromEntries([...a.balances].map(([asset, b]) => [asset, { free: b.free.toFixed(), locked: b.locked.toFixed() }]));
    },
    setBalance(apiKey, asset, free) {
      engine.setBalance(account(apiKey), asset, decimal(free, 'free'));
    },
    setFees(apiKey, fees) {
      const a = account(apiKey);
      if (fees.maker !== undefined) a.makerRate = decimal(fees.maker, 'maker');
      if (fees.taker !== undefined) a.takerRate = decimal(fees.taker, 'taker');
    },
    setPrice(symbol, price) {
      const p = decimal(price, 'price');
      if (p.lte(0)) throw new Error('price must be positive');
      engine.setPrice(engine.resolveSymbol(symbol), p);
    },
    price(symbol) {
      return engine.book(engine.resolveSymbol(symbol)).mid.toFixed();
    },
    tick(symbol, steps = 1) {
      const list = symbol === undefined ? [...engine.books.keys()] : [engine.resolveSymbol(symbol)];
      for (let i = 0; i < steps; i++) for (const s of list) engine.step(s);
    },
    fillOrder(ref, opts = {}) {
      const o = find(ref);
      if (!o) throw new Error(`no order ${JSON.stringify(ref)}`);
      engine.fillOrder(o, opts.qty === undefined ? undefined : decimal(opts.qty, 'qty'), opts.price === undefined ? undefined : decimal(opts.price, 'price'));
      return orderView(o);
    },
    orders(filter = {}) {
      const symbol = filter.symbol === undefined ? undefined : engine.resolveSymbol(filter.symbol);
      return engine
        .allOrders()
        .filter(
          (o) =>
            (filter.apiKey === undefined || o.apiKey === filter.apiKey) &&
            (symbol === undefined || o.symbol === symbol) &&
            (filter.clientOrderId === undefined || o.clientOrderId === filter.clientOrderId) &&
            (filter.open === undefined || filter.open === (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')),
        )
        .map(orderView);
    },
    order(ref) {
      const o = find(ref);
      return o ? orderView(o) : undefined;
    },
    fills(apiKey) {
      return engine.fillsOf(apiKey).map(fillView);
    },
    addFault: (fault) => ctx.faults.addRest(fault),
    addWsFault: (fault) => ctx.faults.addWs(fault),
    removeFault: (id) => ctx.faults.remove(id),
    clearFaults: () => ctx.faults.clear(),
    faults: () => ctx.faults.list(),
    dropWebSockets: (target, mode) => hub.drop(target, mode),
    refuseWebSockets: (n) => hub.refuseConnections(n),
    wsConnections: (kind) => hub.connectionCount(kind),
    wsSubscriptions: () => hub.subscriptions(),
    requestCount: (endpoint) => ctx.log.count(endpoint),
    requestCounts: () => ctx.log.byEndpoint(),
    requests: (endpoint) => ctx.log.list(endpoint),
    orderSubmissions: (cid) => ctx.log.submissions(cid),
    resetRequests: () => ctx.log.reset(),
    setClockOffset,
    now: () => ctx.now(),
  };
}

// ---- the same control over HTTP, for a sim in another process (npm run exchange-sim) ----------

type Json = Record<string, unknown>;

/** Handles `/__sim/...`; returns [status, body]. */
export function handleControlHttp(control: SimControl, method: string, path: string, query: URLSearchParams, body: Json): [number, unknown] {
  const q = (k: string) => query.get(k) ?? undefined;
  const s = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  try {
    const key = `${method} ${path}`;
    switch (key) {
      case 'GET /__sim/health':
        return [200, { ok: true, now: control.now() }];
      case 'POST /__sim/keys': {
        const { balances, ...opts } = body as { balances?: Record<string, string> } & Json;
        return [200, control.createApiKey(balances, opts as Omit<AccountOptions, 'balances'>)];
      }
      case 'GET /__sim/balances':
        return [200, control.balances(q('apiKey') ?? '')];
      case 'POST /__sim/balance':
        control.setBalance(String(body['apiKey']), String(body['asset']), String(body['free']));
        return [200, {}];
      case 'POST /__sim/fees':
        control.setFees(String(body['apiKey']), { maker: s(body['maker']), taker: s(body['taker']) });
        return [200, {}];
      case 'POST /__sim/price':
        control.setPrice(String(body['symbol']), String(body['price']));
        return [200, { price: control.price(String(body['symbol'])) }];
      case 'GET /__sim/price':
        return [200, { price: control.price(q('symbol') ?? '') }];
      case 'POST /__sim/tick':
        control.tick(s(body['symbol']), body['steps'] === undefined ? 1 : Number(body['steps']));
        return [200, {}];
      case 'POST /__sim/fill':
        return [200, control.fillOrder(body as OrderSelector, { qty: s(body['qty']), price: s(body['price']) })];
      case 'GET /__sim/orders': {
        const open = q('open');
        return [200, control.orders({ apiKey: q('apiKey'), symbol: q('symbol'), clientOrderId: q('clientOrderId'), open: open === undefined ? undefined : open === 'true' })];
      }
      case 'GET /__sim/fills':
        return [200, control.fills(q('apiKey') ?? '')];
      case 'GET /__sim/faults':
        return [200, control.faults()];
      case 'POST /__sim/faults':
        return [200, { id: control.addFault(body as unknown as RestFault) }];
      case 'POST /__sim/ws/faults':
        return [200, { id: control.addWsFault(body as unknown as WsFault) }];
      case 'DELETE /__sim/faults':
        control.clearFaults();
        return [200, {}];
      case 'POST /__sim/ws/drop':
        return [200, { dropped: control.dropWebSockets(body['target'] as WsTarget | undefined, body['mode'] as 'terminate' | 'close' | undefined) }];
      case 'POST /__sim/ws/refuse':
        control.refuseWebSockets(body['count'] === 'all' ? Infinity : Number(body['count'] ?? 1));
        return [200, {}];
      case 'GET /__sim/requests':
        return [200, { counts: control.requestCounts(), total: control.requestCount() }];
      case 'GET /__sim/requests/log':
        return [200, control.requests(q('endpoint'))];
      case 'DELETE /__sim/requests':
        control.resetRequests();
        return [200, {}];
      case 'GET /__sim/submissions':
        return [200, { count: control.orderSubmissions(q('clientOrderId') ?? '') }];
      case 'POST /__sim/clock':
        control.setClockOffset(Number(body['offsetMs'] ?? 0));
        return [200, { now: control.now() }];
    }
    const faultId = /^DELETE \/__sim\/faults\/(\d+)$/.exec(key);
    if (faultId) {
      control.removeFault(Number(faultId[1]));
      return [200, {}];
    }
    return [404, { error: `no control endpoint ${key}` }];
  } catch (e) {
    return [400, { error: e instanceof Error ? e.message : String(e) }];
  }
}
