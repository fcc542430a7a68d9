import ccxt, { type Exchange } from 'ccxt';
import { badRequest } from '../../../src-common/contract/errors.js';
import type { Credentials } from '../../engine/ports/secret-store.js';

export interface ExchangeConfig {
  /** a ccxt exchange id: binance, okx, bybit, coinbase… */
  exchange: string;
  credentials?: Credentials;
  /** the exchange's testnet (ccxt's setSandboxMode) */
  sandbox?: boolean;
  /** point every REST and websocket host elsewhere (a testnet, a local simulator); paths are kept */
  baseUrl?: string | null;
  /** per-request timeout, ms (ccxt's `timeout`) */
  timeoutMs?: number;
  /** ccxt's rate limiter interval, ms (default: ccxt's for the exchange; tests against a simulator lower it) */
  rateLimitMs?: number;
  /** extra ccxt options (tests) */
  options?: Record<string, unknown>;
}

/** Whether `id` names an exchange this build of ccxt has. */
export function isCcxtExchange(id: string): boolean {
  return (ccxt.exchanges as string[]).includes(id);
}

/** The exchanges with websocket support in ccxt.pro. */
export function hasProClass(id: string): boolean {
  return typeof (ccxt.pro as unknown as Record<string, unknown>)[id] === 'function';
}

/** Checks a `base_url`: http(s) with a host and nothing else; names the field when wrong. */
export function parseBaseUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badRequest(`base_url must be an absolute http:// or https:// URL, got ${JSON.stringify(value)}`, { field: 'base_url' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('base_url must use http:// or https://', { field: 'base_url' });
  if (url.username || url.password) throw badRequest('base_url must not carry credentials', { field: 'base_url' });
  return url;
}

/**
 * A ccxt instance for one account: ccxt.pro's class where the exchange has
 * one (websockets), the REST class otherwise. ccxt's rate limiter stays on.
 * Spot markets only: Tern trades spot.
 */
export function createExchange(config: ExchangeConfig): Exchange {
  if (!isCcxtExchange(config.exchange)) throw badRequest(`unknown exchange ${JSON.stringify(config.exchange)}: not a ccxt exchange id`, { field: 'exchange' });
  const pro = hasProClass(config.exchange);
  const registry = (pro ? ccxt.pro : ccxt) as unknown as Record<string, new (cfg: object) => Exchange>;
  const Ctor = registry[config.exchange]!;
  const creds = config.credentials ?? {};
  const exchange = new Ctor({
    enableRateLimit: true,
    timeout: config.timeoutMs ?? 10_000,
    ...(config.rateLimitMs !== undefined ? { rateLimit: config.rateLimitMs } : {}),
    ...(creds.apiKey !== undefined ? { apiKey: creds.apiKey } : {}),
    ...(creds.secret !== undefined ? { secret: creds.secret } : {}),
    ...(creds.password !== undefined ? { password: creds.password } : {}),
  });
  const opts = exchange.options as Record<string, unknown>;
  opts['defaultType'] = 'spot';
  if (isRecord(opts['fetchMarkets']) && Array.isArray(opts['fetchMarkets']['types'])) opts['fetchMarkets'] = { ...opts['fetchMarkets'], types: ['spot'] };
  if ('fetchMargins' in opts) opts['fetchMargins'] = false;
  // Reconciliation lists open orders of every symbol at once (one request, more weight).
  opts['fetchOpenOrders'] = { ...(isRecord(opts['fetchOpenOrders']) ? opts['fetchOpenOrders'] : {}), warnWithoutSymbol: false };
  if (config.sandbox) exchange.setSandboxMode(true);
  if (config.baseUrl) {
    const http = parseBaseUrl(config.baseUrl);
    exchange.urls['api'] = rewriteHosts(exchange.urls['api'], http) as typeof exchange.urls['api'];
    // A private host rarely serves the currency endpoints (deposit networks…), which trading does not need.
    opts['fetchCurrencies'] = false;
  }
  Object.assign(opts, config.options ?? {});
  forgetFailedMarketLoads(exchange);
  if (pro) guardWsClients(exchange);
  return exchange;
}

/**
 * ccxt keeps the promise of its first loadMarkets, rejected or not, and every
 * private call awaits it: one load that failed (the exchange down at start)
 * would fail every later order, query and stream of the instance with the
 * old error, even once the exchange is back. A failed load is forgotten, so
 * the next call loads the markets afresh.
 */
function forgetFailedMarketLoads(exchange: Exchange): void {
  type Loading = { marketsLoading?: Promise<unknown>; reloadingMarkets?: boolean };
  const ex = exchange as unknown as Loading & { loadMarkets: (...args: unknown[]) => Promise<unknown> };
  const load = ex.loadMarkets.bind(exchange);
  ex.loadMarkets = (...args: unknown[]) => {
    const loading = load(...args);
    // ccxt's loadMarkets is async: the promise it keeps is set synchronously and differs from the one returned
    const kept = ex.marketsLoading;
    loading.catch(() => {
      if (ex.marketsLoading === kept) {
        ex.marketsLoading = undefined;
        ex.reloadingMarkets = false;
      }
    });
    return loading;
  };
}

const guarded = new WeakSet<object>();

/**
 * ccxt.pro parks a Future per message hash on each websocket client and
 * rejects every one of them when the socket fails (a refused or dropped
 * connection, an error frame such as a refused API key or timestamp). Some
 * of those Futures have no one awaiting them (the user-data subscription's
 * own bookkeeping Future, a subscription whose watch already settled), and
 * it sends subscriptions without catching the send's failure: unhandled
 * rejections, which end a Node process. Every Future a client hands out,
 * its connection Future and every send are marked handled here, once, as
 * the client is made; whoever awaits them still gets the rejection (the
 * watch loops of the venue and the feed do, and retry).
 */
function guardWsClients(exchange: Exchange): void {
  type Client = {
    send?: (message: unknown) => Promise<unknown>;
    future?: (hash: string) => Promise<unknown>;
    connected?: Promise<unknown>;
  };
  const ex = exchange as unknown as { client?: (url: string) => Client };
  const original = ex.client;
  if (typeof original !== 'function') return;
  ex.client = function (this: unknown, url: string): Client {
    const client = original.call(this, url);
    if (!client || guarded.has(client)) return client;
    guarded.add(client);
    owned(client.connected);
    if (typeof client.send === 'function') {
      const send = client.send.bind(client);
      client.send = (message) => owned(send(message));
    }
    if (typeof client.future === 'function') {
      const future = client.future.bind(client);
      client.future = (hash) => owned(future(hash));
    }
    return client;
  };
}

const handled = new WeakSet<object>();

/** marks a promise's rejection handled (once per promise); returns the same promise for its awaiters */
function owned<T>(p: T): T {
  if (p instanceof Promise && !handled.has(p)) {
    handled.add(p);
    p.catch(() => {});
  }
  return p;
}

/** Before first use: ccxt.pro refuses ws:// URLs (a base_url on http://) until its HTTP agent is loaded. */
export async function exchangeReady(exchange: Exchange): Promise<void> {
  const plain = JSON.stringify(exchange.urls['api'] ?? {}).includes('"ws://');
  const load = (exchange as unknown as { loadHttpProxyAgent?: () => Promise<unknown> }).loadHttpProxyAgent;
  if (plain && typeof load === 'function') await load.call(exchange);
}

/**
 * Every URL under `urls.api` keeps its path and query and gets `base`'s host;
 * https→http and wss→ws when `base` is http://.
 */
export function rewriteHosts(value: unknown, base: URL): unknown {
  if (typeof value === 'string') {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      return value;
    }
    const isWs = u.protocol === 'wss:' || u.protocol === 'ws:';
    const secure = base.protocol === 'https:';
    const protocol = isWs ? (secure ? 'wss:' : 'ws:') : base.protocol;
    // ccxt joins paths onto these strings: keep a trailing slash-less path as it was.
    return `${protocol}//${base.host}${u.pathname === '/' && !value.endsWith('/') ? '' : u.pathname}${u.search}`;
  }
  if (Array.isArray(value)) return value.map((v) => rewriteHosts(v, base));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteHosts(v, base)]));
  return value;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
