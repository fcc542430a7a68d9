/**
 * Points a ccxt `binance` (or ccxt.pro `binance`) instance at the simulator: every URL in
 * `exchange.urls.api` keeps its path but gets the sim's host (https → http, wss → ws), and the
 * options keep loadMarkets to /api/v3/exchangeInfo (no futures, margin or sapi currency calls).
 *
 * ccxt.pro refuses plain ws:// URLs until its HTTP agent is loaded, so this also awaits
 * `loadHttpProxyAgent()` when the instance has it; the URL rewrite itself happens synchronously.
 */
import { rewriteHosts } from '../../src-main/venues/ccxt/exchange-factory.js';

/** The part of a ccxt Exchange this helper touches (kept structural so it needs no ccxt types). */
export interface CcxtLike {
  urls: Record<string, unknown>;
  options: Record<string, unknown>;
  loadHttpProxyAgent?: () => Promise<unknown>;
}

/** `baseUrl` is the sim's `url` (http://127.0.0.1:PORT); its websocket URL is derived from it. */
export function pointCcxtAtSim(exchange: CcxtLike, baseUrl: string): Promise<void> {
  const http = new URL(baseUrl);
  if (http.protocol !== 'http:') throw new Error(`pointCcxtAtSim: baseUrl must be the sim's http:// URL, got ${baseUrl}`);
  // the same host rewriting as an account's base_url (the production code is the one under test)
  exchange.urls['api'] = rewriteHosts(exchange.urls['api'], http);
  exchange.options['fetchMarkets'] = { types: ['spot'] };
  exchange.options['fetchMargins'] = false;
  exchange.options['fetchCurrencies'] = false;
  const load = exchange.loadHttpProxyAgent?.bind(exchange);
  return load ? load().then(() => undefined) : Promise.resolve();
}
