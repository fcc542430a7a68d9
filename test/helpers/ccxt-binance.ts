/** The real ccxt `binance` class pointed at Tern's Binance gateway (…/binance or …/binance/ACCOUNT). */
import ccxt from 'ccxt';

export type Binance = InstanceType<typeof ccxt.binance>;

/** every Binance URL of the class, its host replaced by `base` */
export function pointAt(value: unknown, base: string): unknown {
  if (typeof value === 'string') return value.replace(/^https:\/\/[a-z0-9.-]*binance\.com/, base);
  if (Array.isArray(value)) return value.map((v) => pointAt(v, base));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, pointAt(v, base)]));
  return value;
}

/** a bot configured as the gateway asks: apiKey = secret = its Tern key; spot markets only */
export function binanceFor(base: string, key: string, options: Record<string, unknown> = {}): Binance {
  const ex = new ccxt.binance({ apiKey: key, secret: key, enableRateLimit: false, options: { fetchMarkets: { types: ['spot'] }, fetchMargins: false, fetchCurrencies: false, ...options } });
  ex.urls['api'] = pointAt(ex.urls['api'], base) as typeof ex.urls.api;
  return ex;
}
