/**
 * Points a ccxt `binance` (or ccxt.pro `binance`) instance at the simulator: every URL in
 * `exchange.urls.api` keeps its path but gets the sim's host (https → http, wss → ws), and the
 * options keep loadMarkets to /api/v3/exchangeInfo (no futures, margin or sapi currency calls).
 *
 * ccxt.pro refuses plain ws:// URLs until its HTTP agent is loaded, so this also awaits
 * `loadHttpProxyAgent()` when the instance has it; the URL rewrite itself happens synchronously.
 */

/** The part of a ccxt Exchange this helper touches (kept structural so it needs no ccxt types). */
export interface CcxtLike {
  urls: Record<string, unknown>;
  options: Record<string, unknown>;
  loadHttpProxyAgent?: () => Promise<unknown>;
}

function rewrite(value: unknown, http: URL, ws: URL): unknown {
  if (typeof value === 'string') {
    let u: URL;
    try {
      u = new URL(value);
    } catch {
      return value;
    }
    const isWs = u.protocol === 'wss:' || u.protocol === 'ws:';
    const target = isWs ? ws : http;
    return `${target.protocol}//${target.host}${u.pathname}${u.search}`;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, http, ws));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, rewrite(v, http, ws)]));
  }
  return value;
}

/** `baseUrl` is the sim's `url` (http://127.0.0.1:PORT); its websocket URL is derived from it. */
export function pointCcxtAtSim(exchange: CcxtLike, baseUrl: string): Promise<void> {
  const http = new URL(baseUrl);
  if (http.protocol !== 'http:') throw new Error(`pointCcxtAtSim: baseUrl must be the sim's http:// URL, got ${baseUrl}`);
  const ws = new URL(baseUrl);
  ws.protocol = 'ws:';
  exchange.urls['api'] = rewrite(exchange.urls['api'], http, ws);
  exchange.options['fetchMarkets'] = { types: ['spot'] };
  exchange.options['fetchMargins'] = false;
  exchange.options['fetchCurrencies'] = false;
  const load = exchange.loadHttpProxyAgent?.bind(exchange);
  return load ? load().then(() => undefined) : Promise.resolve();
}
